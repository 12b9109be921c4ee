import type { DistanceMaps } from './distance-maps.ts';
import type { GridGraph } from './grid-graph.ts';
import type { PibtInput } from './pibt.ts';
import { ACTION_FORWARD, ACTION_WAIT } from '../../protocol/lorr/index.ts';
import { HORIZON as OPERATION_STEPS, WAIT_ALL as STAY_PUT, operationTables } from './operations.ts';

/**
 * PIBT over operations (after EPIBT, the planner of the LoRR 2024 winners, team No Man's Sky)
 * for robots that drive forward only and turn in place: every step each robot gets an
 * operation, a sequence of HORIZON actions (F, R, C, W) whose cells over the next HORIZON steps
 * are reserved; it carries out the first action, and the next step plans afresh.
 *
 * Plain PIBT picks a next cell and a later pass turns that into an action, so a robot that must
 * turn first stays put where PIBT thought it moved, and the robots planned to follow it are
 * held back. Here turns are part of the plan: a robot behind one that turns sees it stay, and a
 * robot facing another head-on can wait while the other turns away, then follow it.
 *
 * Every robot starts the step holding its cell at every step (staying put). Robots are taken in
 * priority order; one still staying put releases its cells and tries its operations best first
 * (oriented distance to its goal after the operation, sooner when it reaches the goal on the
 * way). An operation that clashes with no reserved path (same cell at a step, or two robots
 * swapping cells) is taken. One that clashes with the path of one robot still staying put takes
 * that robot's cells, and that robot plans in turn (priority inheritance); if it finds nothing,
 * its cells are given back and the next operation is tried (backtracking). A chain is kept only
 * if it gains overall: each operation's gain is how much better it leaves its robot than
 * staying put, and the sum must be positive, so a robot is not pushed off its way for a smaller
 * gain to another. A robot that has stayed short of its goal for `insistAfterSteps` plans in a
 * row insists: its own gain must still be positive, the losses of those it pushes do not count.
 * A robot whose chains all fail stays put, which always fits: no kept path crosses the cells of
 * a robot that stays. What an insisting robot wins, no one may push it off again in this plan.
 *
 * Then, while the deadline allows (anytime), improvement rounds: robots drawn at random plan
 * again from what they hold, and may push robots that already have an operation, again only
 * when the whole chain gains (an insisting robot insists there too). The first pass leaves
 * robots waiting where a push would not pay for itself; the rounds find the chains that do,
 * e.g. a robot that steps aside so that one behind it can pass.
 *
 * Cost: O(robots × operations × HORIZON) to rank (distances memoised per robot), plus the
 * chains, bounded by `maxDepth` and `maxCalls` per robot taken in priority order (past either,
 * a push is refused, which only makes a plan more careful, never invalid). No allocation after
 * construction.
 */
export interface EpibtOptions {
  /** Longest inheritance chain, robots. */
  maxDepth?: number;
  /** Decisions (inheritance included) allowed for one robot taken in priority order. */
  maxCalls?: number;
  /**
   * Plans in a row a robot may stay in its cell short of its goal before its chains need not
   * gain: it then pushes others aside even at a loss (a robot in a dead end with another waiting
   * at its mouth gets out no other way).
   */
  insistAfterSteps?: number;
  /**
   * Improvement rounds after the first pass, while the deadline allows, at most this many per
   * robot: a robot drawn at random plans again, and may push robots that already have an
   * operation, when the whole chain gains (0: none).
   */
  maxImprovementRounds?: number;
}

/** When a plan must end: `at` for the first pass, `improveUntil` (if earlier) for improvement rounds; ms on `now`'s clock. */
export interface EpibtDeadline {
  now: () => number;
  at: number;
  improveUntil?: number;
}

// Module-local copies: the hot loops read these on every step (an imported binding costs a check).
const HORIZON = OPERATION_STEPS;
const WAIT_ALL = STAY_PUT;
const FAR = 1_000_000;
const NONE = -1;
/** More than one robot's path in the way. */
const MANY = -2;
const ACCEPTED = 1;
const NOT_FOUND = 0;
const REJECTED = 2;

export class Epibt {
  readonly graph: GridGraph;
  readonly agentCount: number;
  private readonly maps: DistanceMaps;
  private readonly maxDepth: number;
  private readonly maxCalls: number;
  private readonly opCount: number;
  /** Per operation and start heading: direction moved at each step (-1 none), and final heading. */
  private readonly opMoves: Int8Array;
  private readonly opFinal: Uint8Array;
  private readonly opFirst: Uint8Array;
  private readonly opLast: Uint8Array;
  /** (step - 1) × cells + cell → robot whose path holds that cell at that step, -1 none. */
  private readonly reserved: Int32Array;
  /** Robot × HORIZON → the cells of its path; robot → its operation (WAIT_ALL until it plans). */
  private readonly paths: Int32Array;
  private readonly chosen: Int16Array;
  /** Robot → where its operation's cells are in rankedCells (-1 staying put), and its gain. */
  private readonly chosenBase: Int32Array;
  private readonly chosenGain: Float64Array;
  /** Robot → the chain it last joined (a robot joins a chain once). */
  private readonly visited: Int32Array;
  private chainStamp = 0;
  /** Whether chains may push robots that already have an operation (the improvement rounds). */
  private pushAny = false;
  /** Robot → 1 when it insisted and won in this plan's first pass (no one may push it then). */
  private readonly pinned: Uint8Array;
  /** Per robot: its operations best first (index, key, cells, score against staying put). */
  private readonly rankedOps: Int16Array;
  private readonly rankedKeys: Float64Array;
  private readonly rankedGains: Float64Array;
  private readonly rankedCells: Int32Array;
  /** Per robot: its slots above in order, best first. */
  private readonly rankedOrder: Uint8Array;
  private readonly rankedCount: Int32Array;
  private readonly scratchCells = new Int32Array(HORIZON);
  /** Distances to the goal of the robot being ranked, by cell, valid where memoStamp = stamp. */
  private readonly memoStamp: Int32Array;
  private readonly memoDistance: Float64Array;
  private stamp = 0;
  /** Sum of gains of the operations taken in the current chain; a chain may not lower it. */
  private chainGain = 0;
  /** Whether the current chain may lose (its first robot insists). */
  private insisting = false;
  private readonly insistAfterSteps: number;
  private readonly maxImprovementRounds: number;
  /** Improvement rounds tried, and kept, in the last plan. */
  improvementsTried = 0;
  improvementsKept = 0;
  /** Per robot: plans in a row it stayed in its cell short of its goal. */
  private readonly stalled: Uint16Array;
  private callsLeft = 0;
  private input: PibtInput | null = null;
  readonly order: Int32Array;
  /** First action per robot from the last plan. */
  readonly actions: Uint8Array;
  /** Inheritance refused for depth or call limits in the last plan. */
  limitCutoffs = 0;
  /** Robots left staying put in the last plan because its deadline came first. */
  skippedForTime = 0;
  /** Time the last plan's first pass took (before improvement rounds), ms; 0 without a deadline. */
  firstPassMs = 0;

  constructor(graph: GridGraph, maps: DistanceMaps, agentCount: number, options: EpibtOptions = {}) {
    this.graph = graph;
    this.maps = maps;
    this.agentCount = agentCount;
    this.maxDepth = options.maxDepth ?? 12;
    this.maxCalls = options.maxCalls ?? 1000;
    this.insistAfterSteps = options.insistAfterSteps ?? 5;
    this.maxImprovementRounds = options.maxImprovementRounds ?? 0;
    this.stalled = new Uint16Array(agentCount);
    const tables = operationTables();
    this.opCount = tables.count;
    this.opMoves = tables.moves;
    this.opFinal = tables.finalHeading;
    this.opFirst = tables.firstAction;
    this.opLast = tables.lastAction;
    this.reserved = new Int32Array(graph.cellCount * HORIZON).fill(NONE);
    this.paths = new Int32Array(agentCount * HORIZON);
    this.chosen = new Int16Array(agentCount);
    this.chosenBase = new Int32Array(agentCount);
    this.chosenGain = new Float64Array(agentCount);
    this.visited = new Int32Array(agentCount);
    this.pinned = new Uint8Array(agentCount);
    this.rankedOps = new Int16Array(agentCount * this.opCount);
    this.rankedKeys = new Float64Array(agentCount * this.opCount);
    this.rankedGains = new Float64Array(agentCount * this.opCount);
    this.rankedCells = new Int32Array(agentCount * this.opCount * HORIZON);
    this.rankedOrder = new Uint8Array(agentCount * this.opCount);
    this.rankedCount = new Int32Array(agentCount);
    this.memoStamp = new Int32Array(graph.cellCount);
    this.memoDistance = new Float64Array(graph.cellCount);
    this.order = new Int32Array(agentCount);
    this.actions = new Uint8Array(agentCount);
  }

  /**
   * Plans one step for every robot (`input.orientations` must all be headings, 0-3); the first
   * action of each robot's operation is in the result (`this.actions`, valid until the next call).
   * With a deadline, robots not yet planned when `deadline.now()` reaches `deadline.at` stay put.
   */
  plan(input: PibtInput, deadline: EpibtDeadline | null = null): Uint8Array {
    const n = this.agentCount;
    const { positions, priorities } = input;
    const cells = this.graph.cellCount;
    const startedAt = deadline === null ? 0 : deadline.now();
    this.input = input;
    this.limitCutoffs = 0;
    for (let a = 0; a < n; a++) {
      const cell = positions[a]!;
      if (this.reserved[cell] !== NONE) throw new Error(`agents ${this.reserved[cell]} and ${a} share cell ${cell}`);
      this.chosen[a] = WAIT_ALL;
      this.pinned[a] = 0;
      this.chosenBase[a] = -1;
      this.chosenGain[a] = 0;
      for (let t = 0; t < HORIZON; t++) {
        this.paths[a * HORIZON + t] = cell;
        this.reserved[t * cells + cell] = a;
      }
      this.rankedCount[a] = -1;
      this.order[a] = a;
    }
    this.order.sort((x, y) => priorities[y]! - priorities[x]! || x - y);
    this.skippedForTime = 0;
    for (let i = 0; i < n; i++) {
      // Past the deadline the robots left stay put (always valid); the clock is read every 32 robots.
      if (deadline !== null && (i & 31) === 0 && deadline.now() >= deadline.at) {
        this.skippedForTime = n - i;
        break;
      }
      const a = this.order[i]!;
      // A robot on its goal gains nothing by moving: it moves only when pushed.
      if (this.chosen[a] !== WAIT_ALL || input.goals[a] === positions[a]) continue;
      this.insisting = this.stalled[a]! >= this.insistAfterSteps;
      // What an insisting robot won, improvement rounds may not push it off again.
      if (this.replan(a) && this.insisting) this.pinned[a] = 1;
    }
    this.insisting = false;
    this.firstPassMs = deadline === null ? 0 : deadline.now() - startedAt;
    this.improve(deadline);
    for (let a = 0; a < n; a++) {
      this.release(a);
      const action = this.opFirst[this.chosen[a]!]!;
      this.actions[a] = action;
      if (action === ACTION_FORWARD || input.goals[a] === positions[a]) this.stalled[a] = 0;
      else if (this.stalled[a]! < 0xffff) this.stalled[a]! += 1;
    }
    this.input = null;
    return this.actions;
  }

  /** Plans robot `a` again from its current operation: kept if a chain gains, else restored. */
  private replan(a: number): boolean {
    const op = this.chosen[a]!;
    const base = this.chosenBase[a]!;
    const gain = this.chosenGain[a]!;
    // A new stamp per chain (wrapping after 2^31 chains: reset the marks then).
    if (++this.chainStamp === 0x7fffffff) {
      this.visited.fill(0);
      this.chainStamp = 1;
    }
    this.visited[a] = this.chainStamp;
    this.chainGain = -gain;
    this.callsLeft = this.maxCalls;
    this.release(a);
    if (this.build(a, 0) === ACCEPTED) return true;
    this.hold(a, op, base, gain);
    return false;
  }

  /**
   * Improvement rounds (anytime): while the deadline allows, robots drawn at random (a fixed
   * sequence per timestep) plan again, pushing any robot not yet in the chain.
   */
  private improve(deadline: EpibtDeadline | null): void {
    this.improvementsTried = 0;
    this.improvementsKept = 0;
    if (deadline === null || this.maxImprovementRounds <= 0 || this.skippedForTime > 0) return;
    const n = this.agentCount;
    const rounds = this.maxImprovementRounds * n;
    let random = (Math.imul(this.input!.timestep + 1, 0x9e3779b1) | 1) >>> 0;
    this.pushAny = true;
    const until = Math.min(deadline.at, deadline.improveUntil ?? deadline.at);
    for (let round = 0; round < rounds; round++) {
      if ((round & 3) === 0 && deadline.now() >= until) break;
      // xorshift32
      random ^= random << 13;
      random ^= random >>> 17;
      random ^= random << 5;
      random >>>= 0;
      const a = random % n;
      if (this.pinned[a] === 1) continue;
      this.improvementsTried++;
      this.insisting = this.stalled[a]! >= this.insistAfterSteps;
      if (this.replan(a)) {
        this.improvementsKept++;
        if (this.insisting) this.pinned[a] = 1;
      }
    }
    this.insisting = false;
    this.pushAny = false;
  }

  /**
   * Gives robot `a` (its path released) the best operation that clashes with no path, or with
   * the path of one robot which then plans in turn (priority inheritance, its path released):
   * in the first pass a robot still staying put, in the improvement rounds any robot not in
   * the chain and not pinned. The chain's gains (less what the robots in it had) must sum
   * above zero unless it insists. Returns ACCEPTED (the chain holds), NOT_FOUND (no operation
   * fits: the caller tries its next), or REJECTED (the chain would not gain: every caller gives
   * up).
   */
  private build(a: number, depth: number): number {
    this.callsLeft--;
    const count = this.rank(a);
    const base = a * this.opCount;
    for (let k = 0; k < count; k++) {
      const slot = base + this.rankedOrder[base + k]!;
      const cellBase = slot * HORIZON;
      const other = this.clashOf(a, cellBase);
      if (other === MANY) continue;
      const gain = this.rankedGains[slot]!;
      // The first robot plans only to do better than it did (the rest of its list does worse).
      if (depth === 0 && this.chainGain + gain <= 0) return REJECTED;
      if (other === NONE) {
        if (this.chainGain + gain <= 0 && !this.insisting) return REJECTED;
        this.hold(a, this.rankedOps[slot]!, cellBase, gain);
        this.chainGain += gain;
        return ACCEPTED;
      }
      if (this.visited[other] === this.chainStamp || this.pinned[other] === 1 || (!this.pushAny && this.chosen[other] !== WAIT_ALL)) continue;
      if (depth >= this.maxDepth || this.callsLeft <= 0) {
        this.limitCutoffs++;
        continue;
      }
      const otherOp = this.chosen[other]!;
      const otherBase = this.chosenBase[other]!;
      const otherGain = this.chosenGain[other]!;
      this.release(other);
      this.hold(a, this.rankedOps[slot]!, cellBase, gain);
      this.chainGain += gain - otherGain;
      this.visited[other] = this.chainStamp;
      const result = this.build(other, depth + 1);
      if (result === ACCEPTED) return ACCEPTED;
      this.chainGain -= gain - otherGain;
      this.release(a);
      this.hold(other, otherOp, otherBase, otherGain);
      // Back as it was, it may join this chain again by another way.
      this.visited[other] = 0;
      if (result === REJECTED) return REJECTED;
    }
    return NOT_FOUND;
  }

  /**
   * The robot whose path clashes with ranked operation `cellBase` of robot `a` (same cell at a
   * step, or swapping cells in a step): NONE, that robot, or MANY for more than one.
   */
  private clashOf(a: number, cellBase: number): number {
    const reserved = this.reserved;
    const cells = this.graph.cellCount;
    const positions = this.input!.positions;
    let found = NONE;
    let previous = positions[a]!;
    for (let t = 0; t < HORIZON; t++) {
      const cell = this.rankedCells[cellBase + t]!;
      const holder = reserved[t * cells + cell]!;
      if (holder !== NONE) {
        if (found !== NONE && found !== holder) return MANY;
        found = holder;
      }
      if (cell !== previous) {
        const other = reserved[t * cells + previous]!;
        if (other !== NONE && (t === 0 ? positions[other] : this.paths[other * HORIZON + t - 1]) === cell) {
          if (found !== NONE && found !== other) return MANY;
          found = other;
        }
      }
      previous = cell;
    }
    return found;
  }

  /** Reserves an operation's cells for `a` (WAIT_ALL with cellBase -1: its own cell throughout). */
  private hold(a: number, op: number, cellBase: number, gain: number): void {
    const cells = this.graph.cellCount;
    const own = this.input!.positions[a]!;
    for (let t = 0; t < HORIZON; t++) {
      const cell = cellBase < 0 ? own : this.rankedCells[cellBase + t]!;
      this.paths[a * HORIZON + t] = cell;
      this.reserved[t * cells + cell] = a;
    }
    this.chosen[a] = op;
    this.chosenBase[a] = cellBase;
    this.chosenGain[a] = gain;
  }

  /** Frees the cells of `a`'s path. */
  private release(a: number): void {
    const cells = this.graph.cellCount;
    for (let t = 0; t < HORIZON; t++) {
      const at = t * cells + this.paths[a * HORIZON + t]!;
      if (this.reserved[at] === a) this.reserved[at] = NONE;
    }
  }

  /**
   * Ranks the robot's operations that stay on the grid, staying put aside, best first, into its
   * slices (once per plan); returns how many. Key: steps to the goal when an operation reaches
   * it, else HORIZON + the oriented distance left after it; then the sooner progress (sum of
   * distances along the way); then a deterministic tie-break per robot, step and operation.
   * Gain: staying put's key less the operation's, without the tie-break.
   */
  private rank(a: number): number {
    if (this.rankedCount[a]! >= 0) return this.rankedCount[a]!;
    // A new stamp empties the memo (wrapping after 2^31 robots ranked: reset it then).
    if (++this.stamp === 0x7fffffff) {
      this.memoStamp.fill(0);
      this.stamp = 1;
    }
    const input = this.input!;
    const from = input.positions[a]!;
    const base = a * this.opCount;
    const seed = Math.imul(a + 1, 0x9e3779b1) ^ Math.imul(input.timestep + 1, 0x85ebca6b);
    const stayKey = this.keyOf(a, WAIT_ALL, from);
    const scratch = this.scratchCells;
    const keys = this.rankedKeys;
    const order = this.rankedOrder;
    let count = 0;
    for (let o = 0; o < this.opCount; o++) {
      if (o === WAIT_ALL) continue;
      const value = this.keyOf(a, o, from);
      if (value < 0) continue;
      // Slots are filled in operation order; `order` is sorted by insertion (a few dozen entries).
      const slot = base + count;
      const key = value + ((Math.imul(seed ^ (o + 1), 0x27d4eb2d) >>> 8) & 0xffff) / 65536;
      keys[slot] = key;
      this.rankedOps[slot] = o;
      this.rankedGains[slot] = stayKey - value;
      for (let t = 0; t < HORIZON; t++) this.rankedCells[slot * HORIZON + t] = scratch[t]!;
      let k = count;
      while (k > 0 && keys[base + order[base + k - 1]!]! > key) {
        order[base + k] = order[base + k - 1]!;
        k--;
      }
      order[base + k] = count;
      count++;
    }
    this.rankedCount[a] = count;
    return count;
  }

  /**
   * The key of operation `o` for robot `a` at `from` (see rank), its cells left in
   * `scratchCells`; -1 when it leaves the grid or enters a blocked cell. An operation ending in
   * a wait is ranked as if the robot could face any way but backward at its end: the wait
   * could have been a turn, and a turn at the end says nothing about the next step.
   */
  private keyOf(a: number, o: number, from: number): number {
    const input = this.input!;
    const graph = this.graph;
    const facing = input.orientations[a]!;
    const goal = input.goals[a]!;
    const blocked = input.blocked;
    const moveBase = (o * 4 + facing) * HORIZON;
    const scratch = this.scratchCells;
    let cell = from;
    let reachedAt = -1;
    let along = 0;
    for (let t = 0; t < HORIZON; t++) {
      const dir = this.opMoves[moveBase + t]!;
      if (dir >= 0) {
        cell = graph.neighbours[cell * 4 + dir]!;
        if (cell < 0 || (blocked !== undefined && blocked[cell] === 1)) return -1;
      }
      scratch[t] = cell;
      if (reachedAt < 0 && cell === goal) reachedAt = t + 1;
      along += Math.min(this.memoDistanceOf(a, cell), 64);
    }
    if (reachedAt > 0) return reachedAt * 1024 + along;
    const final = this.opFinal[o * 4 + facing]!;
    let left = this.orientedDistance(a, cell, final, goal);
    if (this.opLast[o] === ACTION_WAIT) {
      left = Math.min(left, this.orientedDistance(a, cell, (final + 1) & 3, goal), this.orientedDistance(a, cell, (final + 3) & 3, goal));
    }
    return (HORIZON + Math.min(left, FAR)) * 1024 + along;
  }

  /**
   * Steps from `cell` facing `facing` to the goal: 0 on it, else the best neighbour's distance
   * + 1 move + the quarter turns to face it.
   */
  private orientedDistance(a: number, cell: number, facing: number, goal: number): number {
    if (cell === goal) return 0;
    let best = FAR;
    for (let dir = 0; dir < 4; dir++) {
      const u = this.graph.neighbours[cell * 4 + dir]!;
      if (u < 0) continue;
      const turns = (dir - facing + 4) & 3;
      const d = this.memoDistanceOf(a, u) + 1 + (turns === 3 ? 1 : turns);
      if (d < best) best = d;
    }
    return best;
  }

  /** distanceOf through the memo of the robot being ranked. */
  private memoDistanceOf(a: number, cell: number): number {
    if (this.memoStamp[cell] === this.stamp) return this.memoDistance[cell]!;
    const d = this.distanceOf(a, cell);
    this.memoStamp[cell] = this.stamp;
    this.memoDistance[cell] = d;
    return d;
  }

  /** Distance from `cell` to the robot's goal: guide path, own map, shared map or Manhattan. */
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
}
