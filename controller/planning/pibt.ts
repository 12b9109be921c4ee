import type { DistanceArray, DistanceMaps } from './distance-maps.ts';
import { directionBetween, type GridGraph } from './grid-graph.ts';

/**
 * Priority Inheritance with Backtracking (PIBT; Okumura, Machida, Défago and Tamura, IJCAI
 * 2019 / AIJ 2022) for one timestep: every agent gets a next cell (a neighbour or its own),
 * with no two agents in one next cell and no two agents swapping cells. Following into a cell
 * that its occupant leaves in the same step is allowed, so are rotations of three or more
 * (unless `rotations` is off).
 *
 * Agents are taken in priority order. An agent tries its candidates (its neighbours and its own
 * cell) best first; taking a cell held by an undecided agent makes that agent plan next, with
 * the cell it must leave forbidden (priority inheritance); if it cannot move away, the first
 * agent tries its next candidate (backtracking). An agent that can do nothing else stays.
 *
 * Candidate order is turn aware: key = distance-to-goal × 8 + turns × 2 + 1 for a move,
 * distance × 8 for staying (turns as `PibtOptions.turns` counts them: quarter turns for LoRR
 * robots, axis switches for grid robots). So a move that shortens the distance always beats staying
 * (even when the robot must turn first), the faced cell beats a side cell at equal distance,
 * and staying beats a move that does not shorten the distance. Ties break on a hash of agent,
 * step and direction (deterministic, but not biased to one direction).
 *
 * Cost: one pass, O(agents × 5) candidate evaluations plus recursion; no allocation after
 * construction except one comparator closure per `plan` call. Recursion depth is capped
 * (`maxDepth`): an undecided agent deeper than that is treated as immovable, which can only
 * make the plan more conservative, never invalid.
 */
export interface PibtOptions {
  /** Longest chain of priority inheritance followed, agents. */
  maxDepth?: number;
  /** Use the swap manoeuvre (see swapPossibleAndRequired). Off unless asked for; the LoRR entry turns it on (see README). */
  swap?: boolean;
  /**
   * What a change of direction costs in the candidate order. `rotation` (LoRR robots turn in
   * place): a quarter turn 1, reversing 2. `axis` (grid robots drive both ways on one wheel
   * set and change wheels to switch axis): a switch of axis 1, reversing 0.
   */
  turns?: 'rotation' | 'axis';
  /**
   * Whether a cycle of three or more agents may each move into the next one's cell (default
   * true). Off, an agent never takes the cell of an agent up its own inheritance chain (every
   * cycle of moves closes that way), so the plan runs as chains that each end in a free cell:
   * for robots that can only enter a cell once its occupant has left it (reservations).
   */
  rotations?: boolean;
}

/** Orientation of an agent with no heading (no turn cost either way). */
export const NO_HEADING = 4;

export interface PibtInput {
  /** Current cell per agent. */
  positions: Int32Array;
  /** Orientation per agent, 0 E 1 S 2 W 3 N, or NO_HEADING. */
  orientations: Uint8Array;
  /** Goal cell per agent (its own cell when it has nothing to do). */
  goals: Int32Array;
  /** Distance-map slot per agent (see DistanceMaps.slotOf), -1 to use Manhattan distance. */
  distanceSlots: Int32Array;
  /** Larger plans first. */
  priorities: Float64Array;
  /** Timestep, only for tie-breaking. */
  timestep: number;
  /** Agents planned this step: the first `count` entries of each array (default: all). */
  count?: number;
  /** Cells no agent may move into (1), e.g. cells held by robots outside the step. */
  blocked?: Uint8Array;
  /** Per agent, a distance map that overrides `distanceSlots` (e.g. a detour map), or null. */
  agentMaps?: (DistanceArray | null)[];
  /** Distances along guide paths; for a `guided` agent they replace its map (guide-paths.ts). */
  guide?: GuideDistance;
}

/** Per-agent distances that override the maps (e.g. along a guide path). */
export interface GuideDistance {
  guided(agent: number): boolean;
  /** Distance to the goal as ranked from `cell` (any cell: the swap manoeuvre looks down corridors). */
  distance(agent: number, cell: number): number;
}

const FAR = 1_000_000;
const NONE = -1;

export class Pibt {
  readonly graph: GridGraph;
  readonly agentCount: number;
  private readonly maps: DistanceMaps;
  private readonly maxDepth: number;
  private readonly swapEnabled: boolean;
  private readonly axisTurns: boolean;
  private readonly rotations: boolean;
  /** Agents whose `decide` is on the stack (up the current inheritance chain), 1. */
  private readonly deciding: Uint8Array;
  /** Cell → agent there now / agent that will be there next, -1 none. */
  private readonly occupiedNow: Int32Array;
  private readonly occupiedNext: Int32Array;
  /** Output of the last plan: next cell per agent. */
  readonly next: Int32Array;
  readonly order: Int32Array;
  private readonly candidateCells: Int32Array;
  private readonly candidateKeys: Float64Array;
  private input: PibtInput | null = null;
  private readonly degree: Uint8Array;
  /** Inheritance calls that hit maxDepth in the last plan. */
  depthCutoffs = 0;
  /** Swap manoeuvres (an agent pulled behind another) in the last plan. */
  swapsLastPlan = 0;

  constructor(graph: GridGraph, maps: DistanceMaps, agentCount: number, options: PibtOptions = {}) {
    this.graph = graph;
    this.maps = maps;
    this.agentCount = agentCount;
    this.maxDepth = options.maxDepth ?? 1000;
    this.swapEnabled = options.swap ?? false;
    this.axisTurns = options.turns === 'axis';
    this.rotations = options.rotations ?? true;
    this.deciding = new Uint8Array(agentCount);
    this.occupiedNow = new Int32Array(graph.cellCount).fill(NONE);
    this.occupiedNext = new Int32Array(graph.cellCount).fill(NONE);
    this.next = new Int32Array(agentCount);
    this.order = new Int32Array(agentCount);
    this.candidateCells = new Int32Array(agentCount * 5);
    this.candidateKeys = new Float64Array(agentCount * 5);
    this.degree = new Uint8Array(graph.cellCount);
    for (let cell = 0; cell < graph.cellCount; cell++) {
      let d = 0;
      for (let dir = 0; dir < 4; dir++) if (graph.neighbours[cell * 4 + dir]! >= 0) d++;
      this.degree[cell] = d;
    }
  }

  /** Plans one step; the result is in `this.next` (valid until the next call). */
  plan(input: PibtInput): Int32Array {
    const n = input.count ?? this.agentCount;
    if (n > this.agentCount) throw new Error(`${n} agents planned, at most ${this.agentCount}`);
    const { positions, priorities } = input;
    this.input = input;
    this.depthCutoffs = 0;
    this.swapsLastPlan = 0;
    const occupiedNow = this.occupiedNow;
    for (let a = 0; a < n; a++) {
      const cell = positions[a]!;
      if (occupiedNow[cell] !== NONE) throw new Error(`agents ${occupiedNow[cell]} and ${a} share cell ${cell}`);
      occupiedNow[cell] = a;
      this.next[a] = NONE;
      this.order[a] = a;
    }
    const order = n === this.agentCount ? this.order : this.order.subarray(0, n);
    order.sort((x, y) => priorities[y]! - priorities[x]! || x - y);
    for (let i = 0; i < n; i++) {
      const a = this.order[i]!;
      if (this.next[a] === NONE) this.decide(a, 0);
    }
    for (let a = 0; a < n; a++) {
      occupiedNow[positions[a]!] = NONE;
      this.occupiedNext[this.next[a]!] = NONE;
    }
    this.input = null;
    return this.next;
  }

  private decide(a: number, depth: number): boolean {
    this.deciding[a] = 1;
    const decided = this.decideMove(a, depth);
    this.deciding[a] = 0;
    return decided;
  }

  private decideMove(a: number, depth: number): boolean {
    const input = this.input!;
    const from = input.positions[a]!;
    const count = this.fillCandidates(a, input);
    const base = a * 5;
    const occupiedNow = this.occupiedNow;
    const occupiedNext = this.occupiedNext;
    const next = this.next;
    const swapAgent = this.swapEnabled ? this.swapPossibleAndRequired(a, from, count) : NONE;
    if (swapAgent !== NONE) this.reverseCandidates(base, count);
    for (let k = 0; k < count; k++) {
      const to = this.candidateCells[base + k]!;
      if (occupiedNext[to] !== NONE) continue;
      const other = occupiedNow[to]!;
      if (other !== NONE && other !== a) {
        // No swaps: the occupant already plans to come here.
        if (next[other] === from) continue;
        // No rotations if so asked: the occupant is up our chain, waiting on this very plan.
        if (!this.rotations && this.deciding[other] === 1) continue;
        if (next[other] === NONE && depth >= this.maxDepth) {
          this.depthCutoffs++;
          continue;
        }
      }
      occupiedNext[to] = a;
      next[a] = to;
      if (other !== NONE && other !== a && next[other] === NONE && !this.decide(other, depth + 1)) continue;
      // Swap manoeuvre: moving away first, `a` pulls the agent it must pass into its own cell.
      if (k === 0 && swapAgent !== NONE && next[swapAgent] === NONE && occupiedNext[from] === NONE) {
        next[swapAgent] = from;
        occupiedNext[from] = swapAgent;
        this.swapsLastPlan++;
      }
      return true;
    }
    occupiedNext[from] = a;
    next[a] = from;
    return false;
  }

  /**
   * Farthest-from-goal first, for the swap manoeuvre; among equally far cells fewer quarter
   * turns first (so the order does not flip as the robot turns, which would make it dither).
   */
  private reverseCandidates(base: number, count: number): void {
    const cells = this.candidateCells;
    const keys = this.candidateKeys;
    for (let i = 0; i < count; i++) {
      const key = keys[base + i]!;
      const dist = Math.floor(key / 8);
      keys[base + i] = -dist * 8 + (key - dist * 8);
    }
    for (let i = 1; i < count; i++) insertSorted(keys, cells, base, i, keys[base + i]!, cells[base + i]!);
  }

  /**
   * Distance from `cell` to the agent's goal, as the agent's candidates see it (distance map
   * when the agent has one, else Manhattan; unreachable counts as FAR).
   */
  private distanceOf(agent: number, cell: number): number {
    const input = this.input!;
    if (input.guide?.guided(agent)) return input.guide.distance(agent, cell);
    const slot = input.distanceSlots[agent]!;
    const own = input.agentMaps?.[agent] ?? null;
    if (own !== null || slot >= 0) {
      const d = (own ?? this.maps.map(slot))[this.graph.compactOf[cell]!]!;
      return d === this.maps.unreachable ? FAR : d;
    }
    const w = this.graph.width;
    const goal = input.goals[agent]!;
    const cr = (cell / w) | 0;
    const gr = (goal / w) | 0;
    const dr = cr - gr;
    const dc = cell - cr * w - (goal - gr * w);
    return (dr < 0 ? -dr : dr) + (dc < 0 ? -dc : dc);
  }

  /**
   * The swap manoeuvre of LaCAM3's PIBT (Okumura, "Engineering LaCAM*", AAMAS 2024): in a
   * corridor or dead end two agents that must pass each other cannot do so by pushing alone
   * (PIBT needs a cycle to let agents pass). When that is detected, agent `a` reverses its
   * candidate order (moves away from where it wants to go) and pulls the other agent behind
   * it, until they reach a cell with room to pass. Returns the agent to pull, or -1.
   */
  private swapPossibleAndRequired(a: number, from: number, count: number): number {
    if (count === 0) return NONE;
    const best = this.candidateCells[a * 5]!;
    if (best === from) return NONE;
    const occupiedNow = this.occupiedNow;
    const j = occupiedNow[best]!;
    if (j !== NONE && this.next[j] === NONE && this.mayMove(best, from) && this.wantsInto(j, best, from) && this.isSwapRequired(a, j, from, best) && this.isSwapPossible(best, from)) return j;
    // Clear operation: a neighbour that must come through our cell the way we are heading.
    const neighbours = this.graph.neighbours;
    for (let dir = 0; dir < 4; dir++) {
      const u = neighbours[from * 4 + dir]!;
      if (u < 0) continue;
      const k = occupiedNow[u]!;
      if (k !== NONE && k !== j && this.next[k] === NONE && this.mayMove(u, from) && this.wantsInto(k, u, from) && this.isSwapRequired(k, a, from, best) && this.isSwapPossible(best, from)) return k;
    }
    return NONE;
  }

  /** Whether a move from `from` into its neighbour `to` is allowed (some may be one-way). */
  private mayMove(from: number, to: number): boolean {
    return directionBetween(this.graph, from, to) >= 0;
  }

  /**
   * Whether the agent at `at` wants to move into `into` (it is nearer its goal). A guard added
   * to LaCAM3's test, which otherwise also fires for agents parked on their own goal in a
   * corridor; they can simply be pushed along.
   */
  private wantsInto(agent: number, at: number, into: number): boolean {
    return this.distanceOf(agent, into) < this.distanceOf(agent, at);
  }

  /**
   * The other cell leading on from `at` when arriving from `behind`, ignoring dead ends where
   * an agent sits on its own goal; -2 when there are two or more (room to pass), -1 when none.
   */
  private onwardCell(at: number, behind: number): number {
    const neighbours = this.graph.neighbours;
    const occupiedNow = this.occupiedNow;
    const goals = this.input!.goals;
    let onward = -1;
    let branches = 0;
    for (let dir = 0; dir < 4; dir++) {
      const u = neighbours[at * 4 + dir]!;
      if (u < 0 || u === behind) continue;
      const parked = occupiedNow[u]!;
      if (this.degree[u] === 1 && parked !== NONE && goals[parked] === u) continue;
      branches++;
      onward = u;
    }
    return branches >= 2 ? -2 : onward;
  }

  private isSwapRequired(pusher: number, puller: number, pusherFrom: number, pullerFrom: number): boolean {
    let vPusher = pusherFrom;
    let vPuller = pullerFrom;
    let guard = this.graph.freeCount;
    while (guard-- > 0 && this.distanceOf(pusher, vPuller) < this.distanceOf(pusher, vPusher)) {
      const onward = this.onwardCell(vPuller, vPusher);
      if (onward === -2) return false;
      if (onward === -1) break;
      vPusher = vPuller;
      vPuller = onward;
    }
    return (
      this.distanceOf(puller, vPusher) < this.distanceOf(puller, vPuller) &&
      (this.distanceOf(pusher, vPusher) === 0 || this.distanceOf(pusher, vPuller) < this.distanceOf(pusher, vPusher))
    );
  }

  private isSwapPossible(pusherFrom: number, pullerFrom: number): boolean {
    let vPusher = pusherFrom;
    let vPuller = pullerFrom;
    let guard = this.graph.freeCount;
    while (vPuller !== pusherFrom && guard-- > 0) {
      const onward = this.onwardCell(vPuller, vPusher);
      if (onward === -2) return true;
      if (onward === -1) return false;
      vPusher = vPuller;
      vPuller = onward;
    }
    return false;
  }

  /** Writes the agent's candidates, best first, into its slice; returns how many. */
  private fillCandidates(a: number, input: PibtInput): number {
    const graph = this.graph;
    const from = input.positions[a]!;
    const facing = input.orientations[a]!;
    const goal = input.goals[a]!;
    const slot = input.distanceSlots[a]!;
    const map = input.agentMaps?.[a] ?? (slot >= 0 ? this.maps.map(slot) : null);
    const blocked = input.blocked;
    const unreachable = this.maps.unreachable;
    const compactOf = graph.compactOf;
    const width = graph.width;
    const goalRow = (goal / width) | 0;
    const goalCol = goal - goalRow * width;
    const cells = this.candidateCells;
    const keys = this.candidateKeys;
    const base = a * 5;
    let count = 0;
    const seed = Math.imul(a + 1, 0x9e3779b1) ^ Math.imul(input.timestep + 1, 0x85ebca6b);
    const guide = input.guide?.guided(a) ? input.guide : null;
    for (let dir = -1; dir < 4; dir++) {
      const cell = dir < 0 ? from : graph.neighbours[from * 4 + dir]!;
      if (cell < 0 || (dir >= 0 && blocked !== undefined && blocked[cell] === 1)) continue;
      let dist: number;
      if (guide !== null) {
        dist = guide.distance(a, cell);
      } else if (map !== null) {
        dist = map[compactOf[cell]!]!;
        if (dist === unreachable) dist = FAR;
      } else {
        const row = (cell / width) | 0;
        const dr = row - goalRow;
        const dc = cell - row * width - goalCol;
        dist = (dr < 0 ? -dr : dr) + (dc < 0 ? -dc : dc);
      }
      let key = dist * 8;
      if (dir >= 0) {
        const turns = facing === NO_HEADING ? 0 : (dir - facing + 4) & 3;
        key += (this.axisTurns ? turns & 1 : turns === 3 ? 1 : turns) * 2 + 1;
        // Tie-break in [0, 1): deterministic, different per agent, step and direction.
        key += (((Math.imul(seed ^ (dir + 1), 0x27d4eb2d) >>> 8) & 0xffff) / 65536);
      }
      insertSorted(keys, cells, base, count++, key, cell);
    }
    return count;
  }
}

/**
 * Insertion step: places (key, cell) into the slice [base, base + end) of the parallel arrays,
 * kept sorted by key ascending (stable: equal keys keep their order). At most five candidates
 * per agent, so insertion beats any other sort here.
 */
function insertSorted(keys: Float64Array, cells: Int32Array, base: number, end: number, key: number, cell: number): void {
  let k = end;
  while (k > 0 && keys[base + k - 1]! > key) {
    keys[base + k] = keys[base + k - 1]!;
    cells[base + k] = cells[base + k - 1]!;
    k--;
  }
  keys[base + k] = key;
  cells[base + k] = cell;
}
