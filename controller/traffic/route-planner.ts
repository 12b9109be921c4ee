import type { GridMap } from '../grid/grid-map.ts';

export interface RouteCosts {
  /** Cost of one cell step, in cell units. */
  stepCost: number;
  /** Extra cost of changing axis (a wheel change takes about as long as several cells). */
  turnCost: number;
  /** Extra cost of entering a cell for which `penalty` returns true (e.g. a parked robot). */
  softPenalty: number;
}

export const defaultRouteCosts: RouteCosts = { stepCost: 1, turnCost: 3, softPenalty: 6 };

export interface RouteQuery {
  from: number;
  to: number;
  /** Cells the route must not enter (other robots' held cells); `to` may not be one. */
  forbidden?: (cell: number) => boolean;
  /** Cells that cost `softPenalty` extra to enter. */
  penalised?: (cell: number) => boolean;
  costs?: RouteCosts;
}

/**
 * A* over the 4-connected grid with the heading as part of the search state, so that axis
 * changes cost what they cost the robot. Returns the cells from `from` to `to` inclusive, or
 * undefined when no route exists. Deterministic: ties break on insertion order.
 */
export function planRoute(grid: GridMap, query: RouteQuery): number[] | undefined {
  const { from, to } = query;
  const costs = query.costs ?? defaultRouteCosts;
  if (from === to) return [from];
  if (!grid.drivable(to) || query.forbidden?.(to)) return undefined;
  // State = cell * 3 + axis (0 none, 1 along x, 2 along y).
  const stateCount = grid.cellCount * 3;
  const g = new Float64Array(stateCount).fill(Infinity);
  const parent = new Int32Array(stateCount).fill(-1);
  const closed = new Uint8Array(stateCount);
  const open = new MinHeap();
  const start = from * 3;
  g[start] = 0;
  open.push(grid.manhattan(from, to) * costs.stepCost, start);
  while (open.size > 0) {
    const state = open.pop();
    if (closed[state]) continue;
    closed[state] = 1;
    const cell = Math.floor(state / 3);
    const axis = state % 3;
    if (cell === to) return unwind(parent, state);
    for (const next of grid.neighbours(cell)) {
      if (query.forbidden?.(next)) continue;
      const nextAxis = Math.abs(next - cell) === 1 ? 1 : 2;
      let cost = costs.stepCost;
      if (axis !== 0 && axis !== nextAxis) cost += costs.turnCost;
      if (query.penalised?.(next)) cost += costs.softPenalty;
      const nextState = next * 3 + nextAxis;
      const tentative = g[state]! + cost;
      if (tentative < g[nextState]!) {
        g[nextState] = tentative;
        parent[nextState] = state;
        open.push(tentative + grid.manhattan(next, to) * costs.stepCost, nextState);
      }
    }
  }
  return undefined;
}

function unwind(parent: Int32Array, end: number): number[] {
  const cells: number[] = [];
  for (let s = end; s !== -1; s = parent[s]!) cells.push(Math.floor(s / 3));
  return cells.reverse();
}

/** Binary min-heap of (priority, value) with FIFO order among equal priorities. */
class MinHeap {
  private readonly items: { p: number; seq: number; v: number }[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  push(p: number, v: number): void {
    const items = this.items;
    items.push({ p, seq: this.seq++, v });
    let i = items.length - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (!less(items[i]!, items[up]!)) break;
      [items[i], items[up]] = [items[up]!, items[i]!];
      i = up;
    }
  }

  pop(): number {
    const items = this.items;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && less(items[l]!, items[m]!)) m = l;
        if (r < items.length && less(items[r]!, items[m]!)) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m]!, items[i]!];
        i = m;
      }
    }
    return top.v;
  }
}

function less(a: { p: number; seq: number }, b: { p: number; seq: number }): boolean {
  return a.p < b.p || (a.p === b.p && a.seq < b.seq);
}
