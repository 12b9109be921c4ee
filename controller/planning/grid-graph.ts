/**
 * A 4-connected grid graph over a passable bitmap, in flat typed arrays so that planners touch
 * no objects in their hot loops.
 *
 * Neighbour slots are indexed by direction, matching LoRR orientations: 0 east (+1),
 * 1 south (+width), 2 west (-1), 3 north (-width). `neighbours[cell * 4 + dir]` is the cell one
 * step that way, or -1 when that is off the map, an obstacle, or a forbidden move.
 *
 * Free cells also get a compact index (0..freeCount-1) so that per-goal distance maps store
 * one entry per free cell only.
 *
 * Moves are two-way unless `GraphRules` make some one-way (a one-lane flow through a port), and
 * a cell may cost extra to pass through (a port's cell, kept for robots working there).
 */
export interface GridGraph {
  readonly width: number;
  readonly height: number;
  readonly cellCount: number;
  /** 1 = free, 0 = obstacle. */
  readonly passable: Uint8Array;
  /** Per cell × 4 directions: the neighbour cell a robot may move to, or -1. */
  readonly neighbours: Int32Array;
  readonly freeCount: number;
  /** Compact index → cell. */
  readonly freeCells: Int32Array;
  /** Cell → compact index, -1 for obstacles. */
  readonly compactOf: Int32Array;
  /** Per compact index × 4 directions: compact index of the neighbour a robot may move to, or -1. */
  readonly compactNeighbours: Int32Array;
  /**
   * Per compact index × 4 directions: compact index of the neighbour that may move into this
   * cell, or -1. The same array as `compactNeighbours` when every move is two-way.
   */
  readonly compactPredecessors: Int32Array;
  /**
   * Per compact index: moves added to every path that passes through the cell (not to paths
   * ending there); null when no cell costs extra.
   */
  readonly compactThroughCost: Uint16Array | null;
}

/** Exceptions to the plain 4-connected grid. */
export interface GraphRules {
  /** Moves from a cell to its neighbour that are not allowed (the other way stays allowed). */
  forbiddenMoves?: readonly (readonly [from: number, to: number])[];
  /** Cell → moves added to every path through it. */
  throughCost?: ReadonlyMap<number, number>;
}

export const DIRECTION_COUNT = 4;

export function createGridGraph(width: number, height: number, passable: Uint8Array, rules: GraphRules = {}): GridGraph {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new Error(`grid size must be positive integers, got ${width} x ${height}`);
  }
  const cellCount = width * height;
  if (passable.length !== cellCount) {
    throw new Error(`passable has ${passable.length} entries, expected ${cellCount}`);
  }
  const neighbours = new Int32Array(cellCount * 4).fill(-1);
  const compactOf = new Int32Array(cellCount).fill(-1);
  let freeCount = 0;
  for (let cell = 0; cell < cellCount; cell++) {
    if (passable[cell] === 1) compactOf[cell] = freeCount++;
  }
  const freeCells = new Int32Array(freeCount);
  const compactNeighbours = new Int32Array(freeCount * 4).fill(-1);
  for (let cell = 0; cell < cellCount; cell++) {
    const id = compactOf[cell]!;
    if (id < 0) continue;
    freeCells[id] = cell;
    const row = (cell / width) | 0;
    const col = cell - row * width;
    const east = col + 1 < width ? cell + 1 : -1;
    const south = row + 1 < height ? cell + width : -1;
    const west = col > 0 ? cell - 1 : -1;
    const north = row > 0 ? cell - width : -1;
    const around = [east, south, west, north];
    for (let dir = 0; dir < 4; dir++) {
      const next = around[dir]!;
      if (next >= 0 && passable[next] === 1) {
        neighbours[cell * 4 + dir] = next;
        compactNeighbours[id * 4 + dir] = compactOf[next]!;
      }
    }
  }
  const forbidden = rules.forbiddenMoves ?? [];
  let compactPredecessors = compactNeighbours;
  if (forbidden.length > 0) {
    compactPredecessors = compactNeighbours.slice();
    for (const [from, to] of forbidden) {
      const dir = directionBetween({ neighbours }, from, to);
      if (dir < 0) throw new Error(`forbidden move ${from} -> ${to} is not a move between neighbouring free cells`);
      neighbours[from * 4 + dir] = -1;
      compactNeighbours[compactOf[from]! * 4 + dir] = -1;
      // `to` has `from` as its neighbour the opposite way; `from` no longer leads into `to`.
      compactPredecessors[compactOf[to]! * 4 + ((dir + 2) & 3)] = -1;
    }
  }
  let compactThroughCost: Uint16Array | null = null;
  if (rules.throughCost && rules.throughCost.size > 0) {
    compactThroughCost = new Uint16Array(freeCount);
    for (const [cell, cost] of rules.throughCost) {
      if (!Number.isInteger(cost) || cost < 0 || cost > 0xffff) throw new Error(`through cost of cell ${cell} must be an integer 0..65535, got ${cost}`);
      const id = compactOf[cell] ?? -1;
      if (id < 0) throw new Error(`through cost given for cell ${cell}, which is not a free cell`);
      compactThroughCost[id] = cost;
    }
  }
  return { width, height, cellCount, passable, neighbours, freeCount, freeCells, compactOf, compactNeighbours, compactPredecessors, compactThroughCost };
}

/** Manhattan distance between two cells, a lower bound on the grid distance. */
export function manhattan(graph: GridGraph, a: number, b: number): number {
  const w = graph.width;
  const ar = (a / w) | 0;
  const br = (b / w) | 0;
  const dr = ar - br;
  const dc = a - ar * w - (b - br * w);
  return (dr < 0 ? -dr : dr) + (dc < 0 ? -dc : dc);
}

/** Direction (0 E, 1 S, 2 W, 3 N) from a cell to a neighbouring cell, -1 if not neighbours. */
export function directionBetween(graph: Pick<GridGraph, 'neighbours'>, from: number, to: number): number {
  const base = from * 4;
  const n = graph.neighbours;
  if (n[base] === to) return 0;
  if (n[base + 1] === to) return 1;
  if (n[base + 2] === to) return 2;
  if (n[base + 3] === to) return 3;
  return -1;
}

/** The graph's moves as created, to restore a closed cell's moves from (see `setCellClosed`). */
export interface GraphMoves {
  readonly neighbours: Int32Array;
  readonly compactNeighbours: Int32Array;
  readonly compactPredecessors: Int32Array;
}

export function copyGraphMoves(graph: GridGraph): GraphMoves {
  const compactNeighbours = graph.compactNeighbours.slice();
  const compactPredecessors = graph.compactPredecessors === graph.compactNeighbours ? compactNeighbours : graph.compactPredecessors.slice();
  return { neighbours: graph.neighbours.slice(), compactNeighbours, compactPredecessors };
}

/**
 * Closes a free cell (an operator's block) or opens it again, in place: a closed cell keeps
 * its compact index, so distance maps keep their size, but no move leads into or out of it.
 * Opening restores the cell's moves from `original` (as created, one-way rules included),
 * except moves to or from neighbours that are still closed (`closed[cell]` 1). The caller
 * sets `closed[cell]` first and must drop every distance map and cached degree made before.
 */
export function setCellClosed(graph: GridGraph, original: GraphMoves, closed: Uint8Array, cell: number): void {
  const id = graph.compactOf[cell]!;
  if (id < 0) throw new Error(`cell ${cell} is not a free cell`);
  const width = graph.width;
  const col = cell % width;
  const row = (cell - col) / width;
  const around = [col + 1 < width ? cell + 1 : -1, row + 1 < graph.height ? cell + width : -1, col > 0 ? cell - 1 : -1, row > 0 ? cell - width : -1];
  const shared = graph.compactPredecessors === graph.compactNeighbours;
  const setPair = (from: number, dir: number, other: number) => {
    const open = closed[from] === 0 && closed[other] === 0;
    const fromId = graph.compactOf[from]!;
    graph.neighbours[from * 4 + dir] = open ? original.neighbours[from * 4 + dir]! : -1;
    graph.compactNeighbours[fromId * 4 + dir] = open ? original.compactNeighbours[fromId * 4 + dir]! : -1;
    if (!shared) graph.compactPredecessors[fromId * 4 + dir] = open ? original.compactPredecessors[fromId * 4 + dir]! : -1;
  };
  for (let dir = 0; dir < 4; dir++) {
    const other = around[dir]!;
    if (other < 0 || graph.compactOf[other]! < 0) continue;
    setPair(cell, dir, other);
    setPair(other, (dir + 2) & 3, cell);
  }
}
