import type { DistanceArray } from './distance-maps.ts';
import { manhattan, type GridGraph } from './grid-graph.ts';

/**
 * Guide paths that spread traffic: one path per robot from its cell to its goal, found by A*
 * over the grid where a move costs 1 plus what the other robots' guide paths already put on it
 * (after "Traffic Flow Optimisation for Lifelong Multi-Agent Path Finding", Chen, Harabor, Li
 * and Stuckey, AAAI 2024, the idea behind the LoRR 2024 start kit's planner):
 *
 * - contraflow: a move from u to v that way costs (paths using u→v + 1) × (paths using v→u), so
 *   paths line up into one-way streams instead of meeting head on;
 * - vertex flow: entering v costs half the paths that leave v, so paths spread out.
 *
 * Each robot's path adds its moves to the flow; planning a robot again takes its own path out
 * first. Planning robots again and again in the time a step has left lowers the flow's cost a
 * little each time (a Frank-Wolfe style best response), so the paths are anytime: any path is
 * valid, more time makes them better.
 *
 * PIBT then ranks a robot's candidate cells by `distance`: from the cells of its path near the
 * robot's point on it (2 behind to 3 ahead) that `cell` reaches in at most two moves, the least
 * of those moves + the moves left along the path; three more than the robot's point from
 * anywhere else. A robot more than two moves off that stretch of its path is not `guided` (its
 * planner falls back to the distance maps) until it gets a new path.
 *
 * Memory: the flow is 4 × cells Uint16; each path is an Int32Array of its cells; the search
 * scratch is a few arrays of one entry per cell. No allocation per search but the path itself.
 */
export interface GuidePathStats {
  /** Searches run since construction. */
  searches: number;
  /** Cells expanded by those searches. */
  expanded: number;
}

/** How far behind and ahead of a robot's point on its path cells are matched, cells. */
const BEHIND = 2;
const AHEAD = 3;
/** Farthest a robot may stand from its path (moves) and still be guided by it. */
const NEAR = 2;
const NONE = -1;

export class GuidePaths {
  readonly graph: GridGraph;
  readonly stats: GuidePathStats = { searches: 0, expanded: 0 };
  /** Per cell × 4 directions: guide paths that make this move. */
  private readonly flow: Uint16Array;
  /** Per cell: half the guide-path moves out of it (the vertex flow cost of entering it). */
  private readonly vertexCost: Uint16Array;
  private readonly paths: (Int32Array | null)[];
  /** Per robot: index on its path of the cell it was last seen on (or last near). */
  private readonly cursor: Int32Array;
  /** Per robot: the goal its path leads to, -1 without a path. */
  private readonly goalOf: Int32Array;
  /** Per robot: planning round in which its path was made (see `round`). */
  private readonly madeIn: Int32Array;
  /** Per robot: 1 while it stands on or next to its path near its point. */
  private readonly near: Uint8Array;
  private round = 0;
  // A* scratch, one entry per cell; entries are valid when their stamp is the search's.
  private readonly stamp: Uint32Array;
  private readonly closed: Uint32Array;
  private searchId = 0;
  private readonly cost: Float64Array;
  private readonly steps: Int32Array;
  private readonly parent: Int32Array;
  private heapCells: Int32Array;
  private heapKeys: Float64Array;

  constructor(graph: GridGraph, agentCount: number) {
    this.graph = graph;
    this.flow = new Uint16Array(graph.cellCount * 4);
    this.vertexCost = new Uint16Array(graph.cellCount);
    this.paths = new Array<Int32Array | null>(agentCount).fill(null);
    this.cursor = new Int32Array(agentCount);
    this.goalOf = new Int32Array(agentCount).fill(NONE);
    this.madeIn = new Int32Array(agentCount);
    this.near = new Uint8Array(agentCount);
    this.stamp = new Uint32Array(graph.cellCount);
    this.closed = new Uint32Array(graph.cellCount);
    this.cost = new Float64Array(graph.cellCount);
    this.steps = new Int32Array(graph.cellCount);
    this.parent = new Int32Array(graph.cellCount);
    this.heapCells = new Int32Array(1024);
    this.heapKeys = new Float64Array(1024);
  }

  /** Starts a planning round (one step); `plannedBefore` compares against it. */
  beginRound(): void {
    this.round++;
  }

  /** The goal of the robot's path, -1 without one. */
  goal(agent: number): number {
    return this.goalOf[agent]!;
  }

  /** The robot's path, start to goal; null without one. */
  pathOf(agent: number): Int32Array | null {
    return this.paths[agent] ?? null;
  }

  /** Rounds since the robot's path was made (large without a path). */
  age(agent: number): number {
    return this.goalOf[agent]! < 0 ? Number.MAX_SAFE_INTEGER : this.round - this.madeIn[agent]!;
  }

  /** Whether PIBT should rank the robot's cells by its path (see class comment). */
  guided(agent: number): boolean {
    return this.near[agent] === 1;
  }

  /** Takes the robot's path and its flow away. */
  drop(agent: number): void {
    const path = this.paths[agent];
    if (path) this.addFlow(path, -1);
    this.paths[agent] = null;
    this.goalOf[agent] = NONE;
    this.near[agent] = 0;
  }

  /**
   * Notes where the robot stands: moves its point along the path when it stands on a path cell
   * near its point; it stays `guided` while on or next to one. Call once a step before planning.
   */
  follow(agent: number, cell: number): void {
    const path = this.paths[agent];
    if (!path) {
      this.near[agent] = 0;
      return;
    }
    const at = this.indexNear(path, this.cursor[agent]!, cell);
    if (at >= 0) {
      this.cursor[agent] = at;
      this.near[agent] = 1;
      return;
    }
    this.near[agent] = this.nearestOnPath(path, this.cursor[agent]!, cell).index >= 0 ? 1 : 0;
  }

  /**
   * Moves left to the goal along the robot's path from `cell` (see class comment), for a
   * `guided` robot; exact for cells within two moves of its path near its point, a flat
   * "farther" value for any other cell.
   */
  distance(agent: number, cell: number): number {
    const path = this.paths[agent]!;
    const last = path.length - 1;
    const c = this.cursor[agent]!;
    const { hops, index } = this.nearestOnPath(path, c, cell);
    return index < 0 ? last - c + NEAR + 1 : last - index + hops;
  }

  /**
   * Plans the robot a new path from `start` to `goal`, its old one taken out of the flow first.
   * `goalMap` is the goal's distance map without move costs (the search's heuristic, by compact
   * index); null to use Manhattan distance. Returns false, and leaves the robot without a
   * path, when the goal cannot be reached.
   */
  plan(agent: number, start: number, goal: number, goalMap: DistanceArray | null): boolean {
    this.drop(agent);
    const path = this.search(start, goal, goalMap);
    if (path === null) return false;
    this.addFlow(path, 1);
    this.paths[agent] = path;
    this.goalOf[agent] = goal;
    this.cursor[agent] = 0;
    this.near[agent] = 1;
    this.madeIn[agent] = this.round;
    return true;
  }

  /** Index of `cell` on the path within the window around `c`, or -1. */
  private indexNear(path: Int32Array, c: number, cell: number): number {
    const to = Math.min(path.length - 1, c + AHEAD);
    // Ahead first: on a path that passes a cell twice the later visit counts.
    for (let j = to; j >= Math.max(0, c - BEHIND); j--) if (path[j] === cell) return j;
    return NONE;
  }

  /**
   * The path cell within the window around `c` that is cheapest to go on from, reached from
   * `cell` in at most NEAR moves: cheapest by moves there + moves left from it. `index` -1 when
   * there is none.
   */
  private nearestOnPath(path: Int32Array, c: number, cell: number): { hops: number; index: number } {
    const neighbours = this.graph.neighbours;
    const last = path.length - 1;
    let bestIndex = this.indexNear(path, c, cell);
    let bestHops = 0;
    const consider = (u: number, hops: number) => {
      const j = this.indexNear(path, c, u);
      if (j >= 0 && (bestIndex < 0 || hops + last - j < bestHops + last - bestIndex)) {
        bestIndex = j;
        bestHops = hops;
      }
    };
    for (let dir = 0; dir < 4; dir++) {
      const u = neighbours[cell * 4 + dir]!;
      if (u < 0) continue;
      consider(u, 1);
      for (let dir2 = 0; dir2 < 4; dir2++) {
        const v = neighbours[u * 4 + dir2]!;
        if (v >= 0 && v !== cell) consider(v, 2);
      }
    }
    return { hops: bestHops, index: bestIndex };
  }

  private addFlow(path: Int32Array, delta: number): void {
    const neighbours = this.graph.neighbours;
    const flow = this.flow;
    for (let i = 1; i < path.length; i++) {
      const from = path[i - 1]!;
      const to = path[i]!;
      for (let dir = 0; dir < 4; dir++) {
        if (neighbours[from * 4 + dir] !== to) continue;
        const k = from * 4 + dir;
        // Saturating: 65,535 paths on one move is already as bad as it gets.
        const next = flow[k]! + delta;
        flow[k] = next < 0 ? 0 : next > 0xffff ? 0xffff : next;
        const out = flow[from * 4]! + flow[from * 4 + 1]! + flow[from * 4 + 2]! + flow[from * 4 + 3]!;
        this.vertexCost[from] = Math.min(0xffff, out >> 1);
        break;
      }
    }
  }

  /**
   * A* on cost = moves + contraflow + vertex flow (class comment), ordered by that cost + the
   * heuristic, then by moves + heuristic, then deeper first, then straight on before a turn.
   */
  private search(start: number, goal: number, goalMap: DistanceArray | null): Int32Array | null {
    this.stats.searches++;
    if (start === goal) return Int32Array.of(start);
    const id = ++this.searchId;
    const { neighbours } = this.graph;
    const flow = this.flow;
    const vertexCost = this.vertexCost;
    const cost = this.cost;
    const steps = this.steps;
    const parent = this.parent;
    const stamp = this.stamp;
    const closed = this.closed;
    const { compactOf } = this.graph;
    const heuristic = (cell: number): number => (goalMap !== null ? goalMap[compactOf[cell]!]! : manhattan(this.graph, cell, goal));
    stamp[start] = id;
    cost[start] = 0;
    steps[start] = 0;
    parent[start] = NONE;
    let size = 0;
    size = this.push(size, start, heapKey(heuristic(start), heuristic(start), 0, 0));
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
        const extra = (flow[cell * 4 + dir]! + 1) * flow[next * 4 + back]! + vertexCost[next]!;
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
