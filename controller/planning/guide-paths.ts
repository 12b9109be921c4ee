import type { DistanceArray } from './distance-maps.ts';
import { addPathFlow, createTrafficFlow, FlowSearch, isConnectedPath, type FlowSearchStats, type TrafficFlow } from './flow-search.ts';
import type { GridGraph } from './grid-graph.ts';

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
 * Paths may also be planned by a helper thread against the same flow (`flow` is shared memory,
 * flow-search.ts) and handed in with `adopt`.
 *
 * Memory: the flow is 5 × cells Uint16; each path is an Int32Array of its cells; the search
 * scratch is a few arrays of one entry per cell. A search allocates only its path and a closure.
 */

/** How far behind and ahead of a robot's point on its path cells are matched, cells. */
const BEHIND = 2;
const AHEAD = 3;
/** Farthest a robot may stand from its path (moves) and still be guided by it. */
const NEAR = 2;
/** An adopted path must pass the robot's cell within its first this many moves. */
const ADOPT_WITHIN = 3;
const NONE = -1;

export class GuidePaths {
  readonly graph: GridGraph;
  /** The guide paths' moves; in shared memory, so a helper thread can search against it. */
  readonly flow: TrafficFlow;
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
  private readonly searcher: FlowSearch;
  /** Moves from the cell to the path, set by `nearestOnPath` beside the index it returns. */
  private nearestHops = 0;

  constructor(graph: GridGraph, agentCount: number) {
    this.graph = graph;
    this.flow = createTrafficFlow(graph.cellCount);
    this.paths = new Array<Int32Array | null>(agentCount).fill(null);
    this.cursor = new Int32Array(agentCount);
    this.goalOf = new Int32Array(agentCount).fill(NONE);
    this.madeIn = new Int32Array(agentCount);
    this.near = new Uint8Array(agentCount);
    this.searcher = new FlowSearch(graph, this.flow);
  }

  /** Searches run and cells expanded on this thread. */
  get stats(): FlowSearchStats {
    return this.searcher.stats;
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
    if (path) addPathFlow(this.graph, this.flow, path, -1);
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
    this.near[agent] = this.nearestOnPath(path, this.cursor[agent]!, cell) >= 0 ? 1 : 0;
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
    const index = this.nearestOnPath(path, c, cell);
    return index < 0 ? last - c + NEAR + 1 : last - index + this.nearestHops;
  }

  /**
   * Plans the robot a new path from `start` to `goal`, its old one taken out of the flow first.
   * `goalMap` is the goal's distance map without move costs (the search's heuristic, by compact
   * index); null to use Manhattan distance. Returns false, and leaves the robot without a
   * path, when the goal cannot be reached.
   */
  plan(agent: number, start: number, goal: number, goalMap: DistanceArray | null): boolean {
    this.drop(agent);
    const path = this.searcher.search(start, goal, goalMap);
    if (path === null) return false;
    this.take(agent, path);
    return true;
  }

  /**
   * Takes a path planned elsewhere (a helper thread, from where the robot stood a little
   * earlier) for the robot now at `cell`: kept, from `cell` on, only when it is made of moves,
   * leads to `goal` and passes `cell` within its first ADOPT_WITHIN moves. Returns whether it
   * was kept; if not, the robot's path is left as it was.
   */
  adopt(agent: number, cell: number, goal: number, path: Int32Array): boolean {
    if (path.length === 0 || path[path.length - 1] !== goal) return false;
    let at = NONE;
    for (let i = Math.min(ADOPT_WITHIN, path.length - 1); i >= 0; i--) if (path[i] === cell) at = i;
    if (at < 0 || !isConnectedPath(this.graph, path)) return false;
    this.drop(agent);
    this.take(agent, at === 0 ? path : path.slice(at));
    return true;
  }

  private take(agent: number, path: Int32Array): void {
    addPathFlow(this.graph, this.flow, path, 1);
    this.paths[agent] = path;
    this.goalOf[agent] = path[path.length - 1]!;
    this.cursor[agent] = 0;
    this.near[agent] = 1;
    this.madeIn[agent] = this.round;
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
   * `cell` in at most NEAR moves: cheapest by moves there + moves left from it. Returns its
   * index (-1 when there is none) and leaves the moves there in `nearestHops`. Plain locals, no
   * closure: PIBT calls this for every candidate cell of every guided robot.
   */
  private nearestOnPath(path: Int32Array, c: number, cell: number): number {
    const neighbours = this.graph.neighbours;
    let bestIndex = this.indexNear(path, c, cell);
    let bestHops = 0;
    for (let dir = 0; dir < 4; dir++) {
      const u = neighbours[cell * 4 + dir]!;
      if (u < 0) continue;
      let j = this.indexNear(path, c, u);
      // Moves left from index j after `hops` moves there: hops - j (+ the path's length, the same for all).
      if (j >= 0 && (bestIndex < 0 || 1 - j < bestHops - bestIndex)) {
        bestIndex = j;
        bestHops = 1;
      }
      for (let dir2 = 0; dir2 < 4; dir2++) {
        const v = neighbours[u * 4 + dir2]!;
        if (v < 0 || v === cell) continue;
        j = this.indexNear(path, c, v);
        if (j >= 0 && (bestIndex < 0 || 2 - j < bestHops - bestIndex)) {
          bestIndex = j;
          bestHops = 2;
        }
      }
    }
    this.nearestHops = bestHops;
    return bestIndex;
  }
}
