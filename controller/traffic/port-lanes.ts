import type { GridMap } from '../grid/grid-map.ts';
import type { GraphRules } from '../planning/grid-graph.ts';

/**
 * Traffic rules around ports, for the planning graph.
 *
 * A port's one cell is the facility's scarcest resource: every bin that comes to the port is
 * dropped there, and (in the same visit if possible) one is taken back. So:
 * - Robots drive through a port's cell in one direction, along a lane: they enter from the
 *   cell before it and leave to the cell after it, straight on. A robot that has dropped a bin
 *   and taken one back leaves without a wheel change, and never into the robot waiting to
 *   come in next, which waits on the cell before (the lane's queue) and came to it along the
 *   lane, from the cell before that. The lane runs along the grid's edge the port is on,
 *   eastwards or southwards; a port gets no lane when either cell next to it on the lane is
 *   missing, another port, or a dead end.
 * - Paths elsewhere avoid these ports' cells: passing through one costs `throughCostMoves`
 *   more moves, so robots drive around rather than delay the robot working there.
 * A port without a lane (in a corner, or at the mouth of a dead-end lane) keeps plain
 * two-way traffic, and the controller serves it without the queueing rules that rely on the
 * lane (see work/job-decisions.ts and work/allocation.ts).
 */
export interface PortLane {
  readonly port: number;
  /** The cell robots enter the port's cell from, and the cell they leave it to. */
  readonly entry: number;
  readonly exit: number;
  /**
   * The cell before the entry, the only way into the entry (when it is usable, else null): a
   * robot reaches the entry driving along the lane, so it enters the port's cell without a
   * wheel change; it changes wheels, if at all, on this cell, while the port is still busy.
   */
  readonly approach: number | null;
}

export function portLanes(grid: GridMap, portCells: readonly number[]): PortLane[] {
  const ports = new Set(portCells);
  const lanes: PortLane[] = [];
  for (const port of portCells) {
    const { x, y } = grid.cellOf(port);
    const alongX = { approach: [x - 2, y], entry: [x - 1, y], exit: [x + 1, y] } as const;
    const alongY = { approach: [x, y - 2], entry: [x, y - 1], exit: [x, y + 1] } as const;
    const onVerticalEdge = x === 0 || x === grid.width - 1;
    for (const axis of onVerticalEdge ? [alongY, alongX] : [alongX, alongY]) {
      const [ex, ey] = axis.entry;
      const [xx, xy] = axis.exit;
      if (!grid.inside(ex, ey) || !grid.inside(xx, xy)) continue;
      const entry = grid.index(ex, ey);
      const exit = grid.index(xx, xy);
      if (!usableLaneCell(grid, entry, ports) || !usableLaneCell(grid, exit, ports)) continue;
      const [ax, ay] = axis.approach;
      const approach = grid.inside(ax, ay) && usableLaneCell(grid, grid.index(ax, ay), ports) ? grid.index(ax, ay) : null;
      lanes.push({ port, entry, exit, approach });
      break;
    }
  }
  return lanes;
}

/** The planning graph's rules for these lanes, and a through cost on their ports' cells. */
export function portTrafficRules(grid: GridMap, lanes: readonly PortLane[], throughCostMoves: number): GraphRules {
  const forbiddenMoves: [number, number][] = [];
  for (const lane of lanes) {
    for (const neighbour of grid.neighbours(lane.port)) {
      if (neighbour !== lane.entry) forbiddenMoves.push([neighbour, lane.port]);
      if (neighbour !== lane.exit) forbiddenMoves.push([lane.port, neighbour]);
    }
    if (lane.approach === null) continue;
    for (const neighbour of grid.neighbours(lane.entry)) {
      if (neighbour !== lane.approach && neighbour !== lane.port) forbiddenMoves.push([neighbour, lane.entry]);
    }
  }
  return { forbiddenMoves, throughCost: new Map(lanes.map((lane) => [lane.port, throughCostMoves])) };
}

/** A lane cell must be drivable, not a port, and lead somewhere besides a port. */
function usableLaneCell(grid: GridMap, cell: number, ports: ReadonlySet<number>): boolean {
  return grid.drivable(cell) && !ports.has(cell) && grid.neighbours(cell).filter((n) => !ports.has(n)).length >= 1;
}
