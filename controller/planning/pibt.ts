import type { DistanceMaps } from './distance-maps.ts';
import type { GridGraph } from './grid-graph.ts';

/**
 * Priority Inheritance with Backtracking (PIBT; Okumura, Machida, Défago and Tamura, IJCAI
 * 2019 / AIJ 2022) for one timestep: every agent gets a next cell (a neighbour or its own),
 * with no two agents in one next cell and no two agents swapping cells. Following into a cell
 * that its occupant leaves in the same step is allowed, so are rotations of three or more.
 *
 * Agents are taken in priority order. An agent tries its candidates (its neighbours and its own
 * cell) best first; taking a cell held by an undecided agent makes that agent plan next, with
 * the cell it must leave forbidden (priority inheritance); if it cannot move away, the first
 * agent tries its next candidate (backtracking). An agent that can do nothing else stays.
 *
 * Candidate order is rotation aware: key = distance-to-goal × 8 + quarter turns × 2 + 1 for a
 * move, distance × 8 for staying. So a move that shortens the distance always beats staying
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
}

export interface PibtInput {
  /** Current cell per agent. */
  positions: Int32Array;
  /** Orientation per agent, 0 E 1 S 2 W 3 N. */
  orientations: Uint8Array;
  /** Goal cell per agent (its own cell when it has nothing to do). */
  goals: Int32Array;
  /** Distance-map slot per agent (see DistanceMaps.slotOf), -1 to use Manhattan distance. */
  distanceSlots: Int32Array;
  /** Larger plans first. */
  priorities: Float64Array;
  /** Timestep, only for tie-breaking. */
  timestep: number;
}

const FAR = 1_000_000;
const NONE = -1;

export class Pibt {
  readonly graph: GridGraph;
  readonly agentCount: number;
  private readonly maps: DistanceMaps;
  private readonly maxDepth: number;
  /** Cell → agent there now / agent that will be there next, -1 none. */
  private readonly occupiedNow: Int32Array;
  private readonly occupiedNext: Int32Array;
  /** Output of the last plan: next cell per agent. */
  readonly next: Int32Array;
  readonly order: Int32Array;
  private readonly candidateCells: Int32Array;
  private readonly candidateKeys: Float64Array;
  private input: PibtInput | null = null;
  /** Inheritance calls that hit maxDepth in the last plan. */
  depthCutoffs = 0;

  constructor(graph: GridGraph, maps: DistanceMaps, agentCount: number, options: PibtOptions = {}) {
    this.graph = graph;
    this.maps = maps;
    this.agentCount = agentCount;
    this.maxDepth = options.maxDepth ?? 1000;
    this.occupiedNow = new Int32Array(graph.cellCount).fill(NONE);
    this.occupiedNext = new Int32Array(graph.cellCount).fill(NONE);
    this.next = new Int32Array(agentCount);
    this.order = new Int32Array(agentCount);
    this.candidateCells = new Int32Array(agentCount * 5);
    this.candidateKeys = new Float64Array(agentCount * 5);
  }

  /** Plans one step; the result is in `this.next` (valid until the next call). */
  plan(input: PibtInput): Int32Array {
    const n = this.agentCount;
    const { positions, priorities } = input;
    this.input = input;
    this.depthCutoffs = 0;
    const occupiedNow = this.occupiedNow;
    for (let a = 0; a < n; a++) {
      const cell = positions[a]!;
      if (occupiedNow[cell] !== NONE) throw new Error(`agents ${occupiedNow[cell]} and ${a} share cell ${cell}`);
      occupiedNow[cell] = a;
      this.next[a] = NONE;
      this.order[a] = a;
    }
    this.order.sort((x, y) => priorities[y]! - priorities[x]! || x - y);
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
    const input = this.input!;
    const from = input.positions[a]!;
    const count = this.fillCandidates(a, input);
    const base = a * 5;
    const occupiedNow = this.occupiedNow;
    const occupiedNext = this.occupiedNext;
    const next = this.next;
    for (let k = 0; k < count; k++) {
      const to = this.candidateCells[base + k]!;
      if (occupiedNext[to] !== NONE) continue;
      const other = occupiedNow[to]!;
      if (other !== NONE && other !== a) {
        // No swaps: the occupant already plans to come here.
        if (next[other] === from) continue;
        if (next[other] === NONE && depth >= this.maxDepth) {
          this.depthCutoffs++;
          continue;
        }
      }
      occupiedNext[to] = a;
      next[a] = to;
      if (other === NONE || other === a) return true;
      if (next[other] === NONE && !this.decide(other, depth + 1)) continue;
      return true;
    }
    occupiedNext[from] = a;
    next[a] = from;
    return false;
  }

  /** Writes the agent's candidates, best first, into its slice; returns how many. */
  private fillCandidates(a: number, input: PibtInput): number {
    const graph = this.graph;
    const from = input.positions[a]!;
    const facing = input.orientations[a]!;
    const goal = input.goals[a]!;
    const slot = input.distanceSlots[a]!;
    const map = slot >= 0 ? this.maps.map(slot) : null;
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
    for (let dir = -1; dir < 4; dir++) {
      const cell = dir < 0 ? from : graph.neighbours[from * 4 + dir]!;
      if (cell < 0) continue;
      let dist: number;
      if (map !== null) {
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
        const turns = (dir - facing + 4) & 3;
        key += (turns === 3 ? 1 : turns) * 2 + 1;
        // Tie-break in [0, 1): deterministic, different per agent, step and direction.
        key += (((Math.imul(seed ^ (dir + 1), 0x27d4eb2d) >>> 8) & 0xffff) / 65536);
      }
      // Insertion into the sorted slice.
      let k = count++;
      while (k > 0 && keys[base + k - 1]! > key) {
        keys[base + k] = keys[base + k - 1]!;
        cells[base + k] = cells[base + k - 1]!;
        k--;
      }
      keys[base + k] = key;
      cells[base + k] = cell;
    }
    return count;
  }
}
