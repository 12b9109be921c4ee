import type { GridGraph } from './grid-graph.ts';
import { manhattan } from './grid-graph.ts';

/**
 * Exact grid distances to goal cells: one breadth-first search per goal, kept in a cache with a
 * fixed number of slots and least-recently-used eviction.
 *
 * A map holds one entry per free cell (indexed by the graph's compact index): the number of
 * moves from that cell to the goal (plus the through cost of cells passed, if the graph has
 * any), ignoring other robots and turning. Entries are Uint16 when
 * the map has fewer than 65,535 free cells (2 bytes per free cell: 77 KB for the 38,586 free
 * cells of warehouse_large), else Int32.
 *
 * Maps are computed lazily and only when the caller says so (`ensure`), so a planning step can
 * decide how many new searches it can afford; `distance` falls back to Manhattan distance (a
 * lower bound) for a goal whose map is not ready.
 */
export type DistanceArray = Uint16Array | Int32Array;

export interface DistanceMapOptions {
  /** Memory for maps, bytes; the slot count is this divided by one map's size. */
  maxBytes?: number;
  /** Hard cap on slots whatever the memory, for tests. */
  maxMaps?: number;
  /**
   * Extra cost of each move, per compact index × 4 directions (the move out of that cell that
   * way), 0..254: guidance such as lanes (lanes.ts). Distances are then costs, not move counts.
   */
  moveCost?: Uint8Array;
}

export const DEFAULT_DISTANCE_MAP_BYTES = 512 * 1024 * 1024;

/** Map arrays allocated together, in one buffer. */
const MAPS_PER_CHUNK = 64;

export class DistanceMaps {
  readonly graph: GridGraph;
  /** Entry value meaning "goal not reachable from here". */
  readonly unreachable: number;
  readonly capacity: number;
  private readonly useUint16: boolean;
  private readonly maps: DistanceArray[] = [];
  private readonly slotGoal: number[] = [];
  private readonly slotLastUsed: number[] = [];
  /** Cell → slot, -1 when the goal has no map. */
  private readonly slotOfGoal: Int32Array;
  private readonly queue: Int32Array;
  /** Map arrays allocated but not yet in a slot (see allocateChunk). */
  private readonly spare: DistanceArray[] = [];
  private readonly moveCost: Uint8Array | null;
  /** Buckets of Dial's algorithm for a search with move costs, one per cost of the dearest move + 1. */
  private readonly buckets: number[][];
  private tick = 0;
  /** Searches run since construction. */
  computed = 0;

  constructor(graph: GridGraph, options: DistanceMapOptions = {}) {
    this.graph = graph;
    this.useUint16 = graph.freeCount < 0xffff;
    this.unreachable = this.useUint16 ? 0xffff : 0x3fffffff;
    const bytesPerMap = Math.max(1, graph.freeCount) * (this.useUint16 ? 2 : 4);
    const byMemory = Math.floor((options.maxBytes ?? DEFAULT_DISTANCE_MAP_BYTES) / bytesPerMap);
    this.capacity = Math.max(1, Math.min(byMemory, options.maxMaps ?? Number.MAX_SAFE_INTEGER));
    this.slotOfGoal = new Int32Array(graph.cellCount).fill(-1);
    this.queue = new Int32Array(Math.max(1, graph.freeCount));
    this.moveCost = options.moveCost ?? null;
    if (this.moveCost && this.moveCost.length !== graph.freeCount * 4) throw new Error(`moveCost has ${this.moveCost.length} entries, expected ${graph.freeCount * 4}`);
    let dearestMove = 0;
    let dearestThrough = 0;
    if (this.moveCost) for (const extra of this.moveCost) dearestMove = Math.max(dearestMove, extra);
    if (this.moveCost && graph.compactThroughCost) for (const extra of graph.compactThroughCost) dearestThrough = Math.max(dearestThrough, extra);
    // The dearest single step costs 1 + both extras; buckets cover one more than that.
    this.buckets = this.moveCost ? Array.from({ length: dearestMove + dearestThrough + 2 }, () => []) : [];
  }

  /**
   * Starts a new use period (one planning step). Maps touched in the current period are never
   * evicted, so arrays handed out during a step stay valid until the next `beginPeriod`.
   */
  beginPeriod(): void {
    this.tick++;
  }

  /** Slot of the goal's map, marking it used; -1 when not computed. */
  slotOf(goal: number): number {
    const slot = this.slotOfGoal[goal]!;
    if (slot >= 0) this.slotLastUsed[slot] = this.tick;
    return slot;
  }

  has(goal: number): boolean {
    return this.slotOfGoal[goal]! >= 0;
  }

  /** The distance array of a slot returned by `slotOf` or `ensure`. */
  map(slot: number): DistanceArray {
    return this.maps[slot]!;
  }

  /**
   * The goal's map slot, computing the map now if needed (one BFS over the free cells).
   * Returns -1 when every slot holds a map already used in this period.
   */
  ensure(goal: number): number {
    const existing = this.slotOf(goal);
    if (existing >= 0) return existing;
    if (this.graph.compactOf[goal]! < 0) throw new Error(`goal ${goal} is not a free cell`);
    const slot = this.freeSlot();
    if (slot < 0) return -1;
    this.slotGoal[slot] = goal;
    this.slotLastUsed[slot] = this.tick;
    this.slotOfGoal[goal] = slot;
    if (this.moveCost) this.searchWithMoveCosts(goal, this.maps[slot]!, this.moveCost);
    else this.search(goal, this.maps[slot]!);
    return slot;
  }

  /**
   * Forgets every map (the graph's moves changed, e.g. a cell was closed); they are computed
   * again as asked for. Arrays handed out before are stale from now on.
   */
  clear(): void {
    for (let s = 0; s < this.maps.length; s++) {
      if (this.slotGoal[s]! >= 0) this.slotOfGoal[this.slotGoal[s]!] = -1;
      this.slotGoal[s] = -1;
      this.slotLastUsed[s] = -1;
    }
  }

  /** Grid distance from cell to goal; Manhattan distance when the goal has no map. */
  distance(goal: number, cell: number): number {
    const slot = this.slotOfGoal[goal]!;
    if (slot < 0) return manhattan(this.graph, goal, cell);
    return this.maps[slot]![this.graph.compactOf[cell]!]!;
  }

  /**
   * Allocates the arrays of up to MAPS_PER_CHUNK more slots in one buffer: thousands of small
   * buffers, allocated a few at a time while planning, made the garbage collector stop a step
   * for tens of milliseconds now and then.
   */
  private allocateChunk(): void {
    const n = this.graph.freeCount;
    const count = Math.min(MAPS_PER_CHUNK, this.capacity - this.maps.length);
    const bytes = this.useUint16 ? 2 : 4;
    const buffer = new ArrayBuffer(n * bytes * count);
    // Popped from the end: the chunk's first array goes into a slot first.
    for (let i = count - 1; i >= 0; i--) this.spare.push(this.useUint16 ? new Uint16Array(buffer, i * n * bytes, n) : new Int32Array(buffer, i * n * bytes, n));
  }

  private freeSlot(): number {
    if (this.maps.length < this.capacity) {
      if (this.spare.length === 0) this.allocateChunk();
      this.maps.push(this.spare.pop()!);
      this.slotGoal.push(-1);
      this.slotLastUsed.push(-1);
      return this.maps.length - 1;
    }
    let victim = -1;
    let oldest = this.tick;
    for (let s = 0; s < this.maps.length; s++) {
      const used = this.slotLastUsed[s]!;
      if (used < oldest) {
        oldest = used;
        victim = s;
      }
    }
    if (victim >= 0) this.slotOfGoal[this.slotGoal[victim]!] = -1;
    return victim;
  }

  /**
   * Breadth-first search backwards from the goal (over the moves into each cell, so one-way
   * moves count the right way round). Cells with a through cost are settled late, by their
   * cost, from a small list kept sorted beside the queue (Dial's algorithm for a handful of
   * weighted cells), so cells keep being settled in increasing distance.
   */
  private search(goal: number, out: DistanceArray): void {
    this.computed++;
    const { compactPredecessors, compactOf, compactThroughCost } = this.graph;
    const queue = this.queue;
    const unreachable = this.unreachable;
    out.fill(unreachable);
    const start = compactOf[goal]!;
    out[start] = 0;
    queue[0] = start;
    let head = 0;
    let tail = 1;
    const late: number[] = [];
    while (head < tail || late.length > 0) {
      const id = late.length > 0 && (head === tail || out[late[0]!]! <= out[queue[head]!]!) ? late.shift()! : queue[head++]!;
      const next = out[id]! + 1;
      const base = id * 4;
      for (let k = 0; k < 4; k++) {
        const nb = compactPredecessors[base + k]!;
        if (nb < 0 || out[nb] !== unreachable) continue;
        const extra = compactThroughCost === null ? 0 : compactThroughCost[nb]!;
        if (extra === 0) {
          out[nb] = next;
          queue[tail++] = nb;
        } else {
          out[nb] = Math.min(next + extra, unreachable - 1);
          let at = late.length;
          while (at > 0 && out[late[at - 1]!]! > out[nb]!) at--;
          late.splice(at, 0, nb);
        }
      }
    }
  }

  /**
   * The same search with a cost on every move (1 + moveCost of the move, + the through cost of
   * the cell passed): Dial's algorithm, buckets by cost modulo the dearest move + 1, so cells
   * are settled in increasing cost; a cell met again at a lower cost is queued again and its
   * older entry skipped.
   */
  private searchWithMoveCosts(goal: number, out: DistanceArray, moveCost: Uint8Array): void {
    this.computed++;
    const { compactPredecessors, compactOf, compactThroughCost } = this.graph;
    const { buckets, unreachable } = this;
    const width = buckets.length;
    out.fill(unreachable);
    const start = compactOf[goal]!;
    out[start] = 0;
    buckets[0]!.push(start);
    let pending = 1;
    for (let cost = 0; pending > 0; cost++) {
      const bucket = buckets[cost % width]!;
      while (bucket.length > 0) {
        const id = bucket.pop()!;
        pending--;
        if (out[id] !== cost) continue;
        const base = id * 4;
        for (let k = 0; k < 4; k++) {
          const nb = compactPredecessors[base + k]!;
          if (nb < 0) continue;
          // nb moves into id the opposite way of k.
          const through = compactThroughCost === null ? 0 : compactThroughCost[nb]!;
          const next = Math.min(cost + 1 + moveCost[nb * 4 + ((k + 2) & 3)]! + through, unreachable - 1);
          if (next >= out[nb]!) continue;
          out[nb] = next;
          buckets[next % width]!.push(nb);
          pending++;
        }
      }
    }
  }
}
