import type { DistanceArray } from './distance-maps.ts';
import type { GridGraph } from './grid-graph.ts';

/**
 * The traffic flow that guide paths put on the grid, and the A* search that plans a path
 * against it (see guide-paths.ts for the costs and where they come from).
 *
 * The flow lives in SharedArrayBuffers so that a helper thread can search against it while the
 * planning thread changes it: a search reads whatever counts are there when it reads them. A
 * count read mid-update is off by one path at most, which changes which path is cheapest, never
 * whether a path is one (paths are built from the graph's moves alone).
 */
export interface TrafficFlow {
  /** Per cell × 4 directions (graph.neighbours' order): guide paths that make this move. */
  readonly moves: Uint16Array;
  /** Per cell: half the guide-path moves out of it, the vertex-flow cost of entering it. */
  readonly vertexCost: Uint16Array;
}

/** What a search needs of the graph (a helper thread gets these arrays, not the whole graph). */
export type SearchGraph = Pick<GridGraph, 'width' | 'cellCount' | 'neighbours' | 'compactOf'>;

export interface FlowSearchStats {
  /** Searches run since construction. */
  searches: number;
  /** Cells expanded by those searches. */
  expanded: number;
}

const NONE = -1;

/** A zeroed flow for `cellCount` cells, in shared memory. */
export function createTrafficFlow(cellCount: number): TrafficFlow {
  return {
    moves: new Uint16Array(new SharedArrayBuffer(cellCount * 4 * Uint16Array.BYTES_PER_ELEMENT)),
    vertexCost: new Uint16Array(new SharedArrayBuffer(cellCount * Uint16Array.BYTES_PER_ELEMENT)),
  };
}

/** Adds (`delta` 1) or takes out (-1) a path's moves; counts saturate at 0 and 65,535. */
export function addPathFlow(graph: SearchGraph, flow: TrafficFlow, path: Int32Array, delta: number): void {
  const neighbours = graph.neighbours;
  const moves = flow.moves;
  for (let i = 1; i < path.length; i++) {
    const from = path[i - 1]!;
    const to = path[i]!;
    for (let dir = 0; dir < 4; dir++) {
      if (neighbours[from * 4 + dir] !== to) continue;
      const k = from * 4 + dir;
      const next = moves[k]! + delta;
      moves[k] = next < 0 ? 0 : next > 0xffff ? 0xffff : next;
      const out = moves[from * 4]! + moves[from * 4 + 1]! + moves[from * 4 + 2]! + moves[from * 4 + 3]!;
      flow.vertexCost[from] = Math.min(0xffff, out >> 1);
      break;
    }
  }
}

/** Whether every step of `path` is a move of the graph (a path of one cell is). */
export function isConnectedPath(graph: SearchGraph, path: Int32Array): boolean {
  const neighbours = graph.neighbours;
  for (let i = 1; i < path.length; i++) {
    const from = path[i - 1]!;
    const to = path[i]!;
    if (from < 0 || from >= graph.cellCount) return false;
    const base = from * 4;
    if (neighbours[base] !== to && neighbours[base + 1] !== to && neighbours[base + 2] !== to && neighbours[base + 3] !== to) return false;
  }
  return path.length > 0 && path[0]! >= 0 && path[0]! < graph.cellCount;
}

/**
 * A* over cost = moves + contraflow + vertex flow: a move u→v costs 1 + (paths making u→v + 1)
 * × (paths making v→u) + the vertex cost of v. One instance per thread: it owns the scratch
 * (a few arrays of one entry per cell) and allocates per search only the path and the heuristic's closure.
 */
export class FlowSearch {
  readonly stats: FlowSearchStats = { searches: 0, expanded: 0 };
  // Scratch, one entry per cell; an entry is valid when its stamp is the current search's id.
  private readonly stamp: Uint32Array;
  private readonly closed: Uint32Array;
  private searchId = 0;
  private readonly cost: Float64Array;
  private readonly steps: Int32Array;
  private readonly parent: Int32Array;
  private heapCells: Int32Array;
  private heapKeys: Float64Array;

  constructor(
    private readonly graph: SearchGraph,
    private readonly flow: TrafficFlow,
  ) {
    this.stamp = new Uint32Array(graph.cellCount);
    this.closed = new Uint32Array(graph.cellCount);
    this.cost = new Float64Array(graph.cellCount);
    this.steps = new Int32Array(graph.cellCount);
    this.parent = new Int32Array(graph.cellCount);
    this.heapCells = new Int32Array(1024);
    this.heapKeys = new Float64Array(1024);
  }

  /**
   * The cheapest path from `start` to `goal`, both included; null when the goal cannot be
   * reached. `goalMap` is the goal's distance map without move costs (by compact index), the
   * heuristic; null for Manhattan distance (a lower bound too). Nodes are ordered by cost +
   * heuristic, then moves + heuristic, then deeper first, then straight on before a turn.
   */
  search(start: number, goal: number, goalMap: DistanceArray | null): Int32Array | null {
    this.stats.searches++;
    if (start === goal) return Int32Array.of(start);
    const id = ++this.searchId;
    const { neighbours, compactOf, width } = this.graph;
    const moves = this.flow.moves;
    const vertexCost = this.flow.vertexCost;
    const { cost, steps, parent, stamp, closed } = this;
    const goalRow = (goal / width) | 0;
    const goalCol = goal - goalRow * width;
    const heuristic = (cell: number): number => {
      if (goalMap !== null) return goalMap[compactOf[cell]!]!;
      const row = (cell / width) | 0;
      const dr = row - goalRow;
      const dc = cell - row * width - goalCol;
      return (dr < 0 ? -dr : dr) + (dc < 0 ? -dc : dc);
    };
    stamp[start] = id;
    cost[start] = 0;
    steps[start] = 0;
    parent[start] = NONE;
    let size = this.push(0, start, heapKey(heuristic(start), heuristic(start), 0, 0));
    let found = false;
    while (size > 0) {
      const cell = this.heapCells[0]!;
      size = this.pop(size);
      if (closed[cell] === id) continue;
      closed[cell] = id;
      if (cell === goal) {
        found = true;
        break;
      }
      this.stats.expanded++;
      const from = parent[cell]!;
      const g = steps[cell]! + 1;
      for (let dir = 0; dir < 4; dir++) {
        const next = neighbours[cell * 4 + dir]!;
        if (next < 0 || closed[next] === id) continue;
        const back = (dir + 2) & 3;
        const extra = (moves[cell * 4 + dir]! + 1) * moves[next * 4 + back]! + vertexCost[next]!;
        const c = cost[cell]! + extra;
        if (stamp[next] === id && cost[next]! + steps[next]! <= c + g) continue;
        stamp[next] = id;
        cost[next] = c;
        steps[next] = g;
        parent[next] = cell;
        const h = heuristic(next);
        const bend = from >= 0 && next - cell !== cell - from ? 1 : 0;
        size = this.push(size, next, heapKey(g + c + h, g + h, g, bend));
      }
    }
    if (!found) return null;
    const path = new Int32Array(steps[goal]! + 1);
    for (let cell = goal, i = path.length - 1; i >= 0; i--, cell = parent[cell]!) path[i] = cell;
    return path;
  }

  private push(size: number, cell: number, key: number): number {
    if (size === this.heapCells.length) {
      const cells = new Int32Array(size * 2);
      cells.set(this.heapCells);
      const keys = new Float64Array(size * 2);
      keys.set(this.heapKeys);
      this.heapCells = cells;
      this.heapKeys = keys;
    }
    const cells = this.heapCells;
    const keys = this.heapKeys;
    let i = size;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (keys[up]! <= key) break;
      cells[i] = cells[up]!;
      keys[i] = keys[up]!;
      i = up;
    }
    cells[i] = cell;
    keys[i] = key;
    return size + 1;
  }

  /** Removes the top; returns the new size. */
  private pop(size: number): number {
    const cells = this.heapCells;
    const keys = this.heapKeys;
    const last = size - 1;
    const cell = cells[last]!;
    const key = keys[last]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      if (child + 1 < last && keys[child + 1]! < keys[child]!) child++;
      if (keys[child]! >= key) break;
      cells[i] = cells[child]!;
      keys[i] = keys[child]!;
      i = child;
    }
    cells[i] = cell;
    keys[i] = key;
    return last;
  }
}

/**
 * One number that orders search nodes: total cost, then moves + heuristic, then more moves
 * first, then no turn first. The tie-break fields are clamped to 10 bits; exact below 2^53.
 */
function heapKey(total: number, f: number, g: number, bend: number): number {
  const fc = f > 1023 ? 1023 : f;
  const gc = g > 1023 ? 1023 : g;
  return ((total * 1024 + fc) * 1024 + (1023 - gc)) * 2 + bend;
}
