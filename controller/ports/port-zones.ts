import type { GridMap } from '../grid/grid-map.ts';
import { portLanes, type PortLane } from '../traffic/port-lanes.ts';

/** Manhattan radius of the zone round each port with a lane kept free of drops, cells. */
export const PORT_ZONE_CELLS = 3;

/**
 * The places round the ports, fixed by the layout: where robots come and go, queue and wait,
 * and where no bin is dropped and no robot parks.
 */
export class PortZones {
  /** Port cell → its one-way lane, for ports that have one (see port-lanes.ts). */
  readonly laneOfPort = new Map<number, PortLane>();
  /** The ports' cells. */
  readonly portCells = new Set<number>();
  /** Cells next to a port, where robots come and go: no idle robot stays and none waits there for room. */
  readonly approach = new Set<number>();
  /**
   * Cells next to a port, and within `PORT_ZONE_CELLS` of a port with a lane: no bin is
   * dropped there and no robot parks there, since a robot standing there for a lift would be
   * in the way of robots queueing for the port or leaving it.
   */
  readonly zone = new Set<number>();
  /** The cells within `PORT_ZONE_CELLS` of a port with a lane (part of `zone`). */
  readonly laneZone = new Set<number>();
  /**
   * Cells within `stagingDistanceCells` of a port with a lane, where robots bringing bins
   * queue and wait: idle robots do not stay there nor park there.
   */
  readonly area = new Set<number>();
  /**
   * Cells within `idleClearDistanceCells` (at least `stagingDistanceCells`) of a port with a
   * lane, where robots bringing bins converge: idle robots do not stay there nor park there
   * (`area` is part of it).
   */
  readonly idleClear = new Set<number>();

  constructor(grid: GridMap, portCells: readonly number[], stagingDistanceCells: number, idleClearDistanceCells = stagingDistanceCells) {
    for (const lane of portLanes(grid, portCells)) this.laneOfPort.set(lane.port, lane);
    for (const port of portCells) {
      this.portCells.add(port);
      for (const cell of grid.neighbours(port)) {
        this.approach.add(cell);
        this.zone.add(cell);
      }
      if (!this.laneOfPort.has(port)) continue;
      const { x, y } = grid.cellOf(port);
      const reach = Math.max(stagingDistanceCells, idleClearDistanceCells);
      for (let dy = -reach; dy <= reach; dy++) {
        for (let dx = -reach; dx <= reach; dx++) {
          const d = Math.abs(dx) + Math.abs(dy);
          if (d > reach || !grid.inside(x + dx, y + dy)) continue;
          const cell = grid.index(x + dx, y + dy);
          this.idleClear.add(cell);
          if (d > stagingDistanceCells) continue;
          this.area.add(cell);
          if (d > PORT_ZONE_CELLS) continue;
          this.zone.add(cell);
          this.laneZone.add(cell);
        }
      }
    }
  }

  hasLane(portCell: number): boolean {
    return this.laneOfPort.has(portCell);
  }
}
