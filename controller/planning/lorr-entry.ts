import { DEFAULT_DISTANCE_MAP_BYTES, DistanceMaps, type DistanceArray } from './distance-maps.ts';
import type { GridGraph } from './grid-graph.ts';
import { createGridGraph } from './grid-graph.ts';
import type { LorrEntry, LorrProblem, LorrStepInput, LorrStepOutput, LorrTaskView } from '../../protocol/lorr/index.ts';
import { ACTION_WAIT } from '../../protocol/lorr/index.ts';
import { laneMoveCosts } from './lanes.ts';
import { Pibt, type PibtInput } from './pibt.ts';
import { Epibt } from './epibt.ts';
import { ProgressWatch } from './progress-watch.ts';
import { RotationConverter } from './rotation.ts';
import { GreedyTaskAllocator } from './task-allocator.ts';
import { GuidePaths } from './guide-paths.ts';
import type { GuideHelper, GuideHelperFactory } from './guide-helper.ts';

/**
 * A LoRR planning entry: greedy scheduler + EPIBT (PIBT over three-action operations; plain
 * PIBT with rotations as an option), guided by lanes or, in dense grids, by guide paths that
 * spread traffic.
 *
 * Each step: (1) free robots take the free task of least cost, (2) every robot's goal is the
 * next errand of its task (its own cell when it has none), (3) missing distance maps are
 * computed for the highest-priority robots first while the step budget allows, (4) with guide
 * paths, the helper's finished paths that still fit are adopted (if there is a helper), robots
 * get new ones and the others' are refined until the guide deadline (anytime: the more time, the
 * more paths answer the traffic), (5) EPIBT gives every robot an operation and carries out its
 * first action, then improves the plan while time allows; robots it has no time for stay put.
 * With plain PIBT instead: (5) PIBT picks a next cell per robot, (6) next cells become
 * F / R / C / W with moves cancelled behind robots that turn or wait; a step that finds its time
 * already spent before (5) answers "all wait" (a valid step), so a step never runs over
 * `timeLimitMs - marginMs` by more than one PIBT pass.
 */
export interface PlanningOptions {
  /** Monotonic time in ms. Without it only the count caps below bound a step. */
  now?: () => number;
  /** Kept free at the end of each step, ms. */
  marginMs?: number;
  /** Fraction of a step's limit the allocator may spend, measured from the step's start. */
  allocationBudgetFraction?: number;
  /** Fraction of a step's limit that allocation plus new distance maps may reach. */
  distanceMapBudgetFraction?: number;
  /** New distance maps computed in one step at most (each is one BFS over the free cells). */
  maxNewMapsPerStep?: number;
  /** Memory for distance maps, bytes. */
  distanceMapBytes?: number;
  /** Fraction of the preprocessing limit spent precomputing maps for the first revealed errands. */
  preprocessBudgetFraction?: number;
  /** Longest PIBT priority-inheritance chain, agents. */
  maxPibtDepth?: number;
  /** PIBT swap manoeuvre for corridors and dead ends (on by default; see README). */
  pibtSwap?: boolean;
  /** Weight of a task's own length against the distance to reach it, in the scheduler's cost (GreedyTaskAllocator). */
  taskLengthWeight?: number;
  /** Extra cost of a move against its lane in the distance maps (lanes.ts); 0 for no lanes. */
  lanePenalty?: number;
  /**
   * Steps a robot may come no closer to its goal before it plans without lanes (plain grid
   * distance) until it does: lanes alone let jams lock for good (see README).
   */
  stuckSteps?: number;
  /**
   * Traffic-spreading guide paths for PIBT (guide-paths.ts); off, PIBT follows the distance
   * maps. 'auto': on when robots are at least `guideDensity` of the free cells, and then without
   * lanes unless `lanePenalty` is given (see README: they pay in dense grids only). With lanes
   * as well, the paths' search takes the laned maps as heuristic (paths come out a little longer).
   */
  guidePaths?: boolean | 'auto';
  /** Robots per free cell from which 'auto' turns guide paths on. */
  guideDensity?: number;
  /** Fraction of a step's limit up to which guide paths are planned and refined. */
  guideBudgetFraction?: number;
  /**
   * Starts a helper that plans guide paths beside the step (guide-helper.ts; the worker-thread
   * adapter is guide-worker/), when guide paths are on. Each step adopts the paths it finished
   * that still fit. Without one, every path is planned within the step (and a run is the same
   * for the same clock readings).
   */
  guideHelper?: GuideHelperFactory;
  /** 'pibt': PIBT over next cells, then turns (rotation.ts); 'epibt': PIBT over short operations with turns planned (epibt.ts). */
  planner?: 'pibt' | 'epibt';
  /** With 'epibt': improvement rounds per robot after its first pass, time allowing (EpibtOptions.maxImprovementRounds). */
  improvementRounds?: number;
  /** Fraction of a step's limit up to which EPIBT's improvement rounds may run (and a tenth of the limit before the margin at most). */
  improveBudgetFraction?: number;
}

export interface PlanningStats {
  steps: number;
  lastStepMs: number;
  /** Steps answered with all-wait because the budget was spent before planning. */
  budgetFallbacks: number;
  /** Robots planned with Manhattan distance because their goal's map was not ready. */
  manhattanAgentsLastStep: number;
  mapsComputed: number;
  /** Guide paths planned in the last step. */
  guidePathsLastStep: number;
  /** Guide paths from the helper adopted in the last step. */
  guidePathsAdoptedLastStep: number;
}

export interface PlanningEntry extends LorrEntry {
  readonly stats: PlanningStats;
  /** Stops the guide helper, if one was started; the entry plans on alone. */
  close(): void;
}

const DEFAULTS = {
  marginMs: 15,
  allocationBudgetFraction: 0.25,
  distanceMapBudgetFraction: 0.35,
  maxNewMapsPerStep: 200,
  // Enough for a distinct goal per robot at 10,000 robots on warehouse_large (77 KB a map); allocated as used.
  distanceMapBytes: 3 * DEFAULT_DISTANCE_MAP_BYTES,
  preprocessBudgetFraction: 0.5,
  maxPibtDepth: 1000,
  pibtSwap: true,
  taskLengthWeight: 0.05,
  lanePenalty: 2,
  stuckSteps: 10,
  guidePaths: 'auto' as boolean | 'auto',
  guideDensity: 0.2,
  guideBudgetFraction: 0.7,
  planner: 'epibt' as 'pibt' | 'epibt',
  improvementRounds: 10,
  improveBudgetFraction: 0.85,
};

export function createPlanningEntry(options: PlanningOptions = {}): PlanningEntry {
  const now = options.now ?? (() => 0);
  const o = { ...DEFAULTS, ...withoutUndefined(options) };
  let state: EntryState | null = null;
  const stats: PlanningStats = { steps: 0, lastStepMs: 0, budgetFallbacks: 0, manhattanAgentsLastStep: 0, mapsComputed: 0, guidePathsLastStep: 0, guidePathsAdoptedLastStep: 0 };

  return {
    stats,
    close(): void {
      state?.helper?.close();
      if (state) state.helper = null;
    },
    initialize(problem: LorrProblem, preprocessTimeLimitMs: number): void {
      state?.helper?.close();
      const started = now();
      const graph = createGridGraph(problem.map.width, problem.map.height, problem.map.passable);
      const n = problem.teamSize;
      const guided = o.guidePaths === true || (o.guidePaths === 'auto' && n >= o.guideDensity * graph.freeCount);
      const lanePenalty = guided && options.lanePenalty === undefined ? 0 : o.lanePenalty;
      const laned = lanePenalty > 0;
      const maps = new DistanceMaps(graph, { maxBytes: o.distanceMapBytes, ...(laned ? { moveCost: laneMoveCosts(graph, { penalty: lanePenalty }) } : {}) });
      state = {
        graph,
        maps,
        pibt: new Pibt(graph, maps, n, { maxDepth: o.maxPibtDepth, swap: o.pibtSwap }),
        converter: new RotationConverter(graph, n),
        epibt: o.planner === 'epibt' ? new Epibt(graph, maps, n, { maxImprovementRounds: o.improvementRounds }) : null,
        allocator: new GreedyTaskAllocator(graph, { lengthWeight: o.taskLengthWeight }),
        assignment: new Int32Array(n),
        goals: new Int32Array(n),
        previousGoals: new Int32Array(n).fill(-1),
        waited: new Float64Array(n),
        priorities: new Float64Array(n),
        tieBreak: new Float64Array(n),
        slots: new Int32Array(n),
        taskById: new Map(),
        slowestPlanMs: 0,
        byTieBreak: new Int32Array(0),
        // Stuck robots are few: a quarter of the memory holds their plain maps.
        plainMaps: laned ? new DistanceMaps(graph, { maxBytes: o.distanceMapBytes / 4 }) : null,
        agentMaps: new Array<DistanceArray | null>(n).fill(null),
        progress: new ProgressWatch(n),
        guides: guided ? new GuidePaths(graph, n) : null,
        helper: null,
        refineNext: 0,
      };
      if (state.guides && o.guideHelper) state.helper = o.guideHelper({ graph, flow: state.guides.flow, agentCount: n });
      for (let a = 0; a < n; a++) state.tieBreak[a] = (Math.imul(a + 1, 0x9e3779b1) >>> 0) / 4294967296;
      const tieBreak = state.tieBreak;
      state.byTieBreak = Int32Array.from({ length: n }, (_, a) => a).sort((x, y) => tieBreak[y]! - tieBreak[x]! || x - y);
      // Warm the cache with the errands revealed at the start: first errands (the first goals)
      // before later ones, and never more than three quarters of the cache.
      const deadline = started + preprocessTimeLimitMs * o.preprocessBudgetFraction;
      const revealed = Math.min(problem.tasks.length, Math.ceil(problem.numTasksReveal * n));
      const limit = Math.floor(maps.capacity * 0.75);
      let count = 0;
      for (let errand = 0; errand < 8 && count < limit; errand++) {
        for (let t = 0; t < revealed && count < limit; t++) {
          const cells = problem.tasks[t]!;
          if (errand >= cells.length) continue;
          const cell = cells[errand]!;
          if (graph.compactOf[cell]! < 0 || maps.has(cell)) continue;
          if (now() > deadline) break;
          maps.ensure(cell);
          count++;
        }
      }
      stats.mapsComputed = maps.computed;
    },

    step(input: LorrStepInput, timeLimitMs: number): LorrStepOutput {
      if (state === null) throw new Error('step before initialize');
      const s = state;
      const started = now();
      const hardDeadline = started + timeLimitMs - o.marginMs;
      const allocationDeadline = started + timeLimitMs * o.allocationBudgetFraction;
      const mapDeadline = Math.min(hardDeadline, started + timeLimitMs * o.distanceMapBudgetFraction);
      const n = s.assignment.length;
      const { positions } = input;
      s.maps.beginPeriod();
      s.plainMaps?.beginPeriod();

      s.allocator.assign(input, s.assignment, () => now() < allocationDeadline);

      s.taskById.clear();
      for (const task of input.tasks) s.taskById.set(task.id, task);
      for (let a = 0; a < n; a++) {
        const task = s.assignment[a]! >= 0 ? s.taskById.get(s.assignment[a]!) : undefined;
        const goal = task !== undefined && task.errandsDone < task.errands.length ? task.errands[task.errandsDone]! : positions[a]!;
        s.goals[a] = goal;
        // Priority: steps spent on the current goal (reset when the goal changes), idle robots
        // below every busy one, a fixed per-robot fraction to break ties.
        if (goal !== s.previousGoals[a]) {
          s.waited[a] = 0;
          s.progress.newGoal(a);
        } else if (goal !== positions[a]) s.waited[a] = s.waited[a]! + 1;
        s.previousGoals[a] = goal;
        s.priorities[a] = (task === undefined ? -1 : s.waited[a]!) + s.tieBreak[a]!;
        s.slots[a] = -1;
      }

      // Distance maps: existing ones for everybody, new ones for the highest priorities first.
      const order = s.pibt.order;
      sortByPriority(s, order);
      let newMaps = 0;
      let manhattanAgents = 0;
      for (let i = 0; i < n; i++) {
        const a = order[i]!;
        if (s.assignment[a]! < 0) continue;
        const goal = s.goals[a]!;
        let slot = s.maps.slotOf(goal);
        if (slot < 0 && newMaps < o.maxNewMapsPerStep && now() < mapDeadline) {
          slot = s.maps.ensure(goal);
          newMaps++;
        }
        if (slot < 0) manhattanAgents++;
        s.slots[a] = slot;
        s.agentMaps[a] = null;
        if (s.plainMaps === null) continue;
        if (s.progress.observe(a, s.maps.distance(goal, positions[a]!)) < o.stuckSteps) continue;
        let plain = s.plainMaps.slotOf(goal);
        if (plain < 0 && newMaps < o.maxNewMapsPerStep && now() < mapDeadline) {
          plain = s.plainMaps.ensure(goal);
          newMaps++;
        }
        if (plain >= 0) s.agentMaps[a] = s.plainMaps.map(plain);
      }
      stats.manhattanAgentsLastStep = manhattanAgents;
      stats.mapsComputed = s.maps.computed;
      if (s.guides) {
        // Guide paths stop in time for PIBT: twice its recent slowest pass, a tenth of the step at least.
        const pibtReserve = Math.max(2 * s.slowestPlanMs, 0.1 * timeLimitMs);
        const guideDeadline = Math.min(started + timeLimitMs * o.guideBudgetFraction, hardDeadline - pibtReserve);
        const { planned, adopted } = planGuides(s, s.guides, positions, guideDeadline, now);
        stats.guidePathsLastStep = planned;
        stats.guidePathsAdoptedLastStep = adopted;
      }

      const actions = new Uint8Array(n);
      const beforePlan = now();
      if (s.epibt) {
        // Anytime: the robots it has no time left for stay put.
        // Rounds stop a tenth of the limit before the margin too: at 100 ms, rounds up to the
        // margin ran 3 steps in 1,000 over the limit on a loaded machine.
        const improveUntil = Math.min(hardDeadline - 0.1 * timeLimitMs, started + timeLimitMs * o.improveBudgetFraction);
        actions.set(s.epibt.plan(planInputOf(s, input), { now, at: hardDeadline, improveUntil }));
        if (s.epibt.skippedForTime > 0) stats.budgetFallbacks++;
        // Its first pass only: improvement rounds take whatever time is left.
        s.slowestPlanMs = Math.max(s.epibt.firstPassMs, s.slowestPlanMs * 0.99);
      } else if (beforePlan + s.slowestPlanMs >= hardDeadline) {
        // PIBT runs to its end once started: it starts only if a pass as slow as the recent
        // slowest still ends before the deadline.
        actions.fill(ACTION_WAIT);
        stats.budgetFallbacks++;
        // Forgotten on skipped steps too, or one slow pass could keep PIBT from ever running again.
        s.slowestPlanMs *= 0.9;
      } else {
        actions.set(s.converter.convert(positions, input.orientations, s.pibt.plan(planInputOf(s, input))));
        // The slowest recent pass, forgotten slowly (halved in about 70 steps).
        s.slowestPlanMs = Math.max(now() - beforePlan, s.slowestPlanMs * 0.99);
      }
      stats.steps++;
      stats.lastStepMs = now() - started;
      return { actions, assignment: Int32Array.from(s.assignment) };
    },
  };
}

interface EntryState {
  graph: GridGraph;
  maps: DistanceMaps;
  pibt: Pibt;
  converter: RotationConverter;
  /** The operations planner, when chosen (then `pibt` only orders robots). */
  epibt: Epibt | null;
  allocator: GreedyTaskAllocator;
  /** Task id per robot after this step's allocation. */
  assignment: Int32Array;
  goals: Int32Array;
  previousGoals: Int32Array;
  /** Steps each robot has spent on its current goal. */
  waited: Float64Array;
  priorities: Float64Array;
  tieBreak: Float64Array;
  slots: Int32Array;
  taskById: Map<number, LorrTaskView>;
  /** The slowest recent PIBT pass with its conversion to actions, ms. */
  slowestPlanMs: number;
  /** Robots by tie-break fraction, highest first (fixed). */
  byTieBreak: Int32Array;
  /** Maps without lanes, for robots that came no closer for `stuckSteps`; null without lanes. */
  plainMaps: DistanceMaps | null;
  /** Per robot: its plain map while it is stuck, else null (PIBT then uses its laned map). */
  agentMaps: (DistanceArray | null)[];
  /** Steps since each robot last came closer to its goal. */
  progress: ProgressWatch;
  /** Guide paths, null when off. */
  guides: GuidePaths | null;
  /** Plans guide paths beside the step; null without one. */
  helper: GuideHelper | null;
  /** Next robot whose guide path is refined when time is left (round robin). */
  refineNext: number;
}

/**
 * Gives robots with a task a guide path to their goal while time is left before `deadline`:
 * first the helper's finished paths that still fit, then robots whose goal changed (highest
 * priority first), then robots that came off their path, then the others in turn (each new path
 * answers the flow of all the others). Robots without a task lose theirs. Then tells the helper
 * what to plan next. Returns the paths planned here and adopted from the helper.
 */
function planGuides(s: EntryState, guides: GuidePaths, positions: Int32Array, deadline: number, now: () => number): { planned: number; adopted: number } {
  const n = s.assignment.length;
  guides.beginRound();
  for (let a = 0; a < n; a++) {
    if (s.assignment[a]! < 0 || guides.goal(a) !== s.goals[a]) guides.drop(a);
    else guides.follow(a, positions[a]!);
  }
  let adopted = 0;
  s.helper?.drain((a, path) => {
    if (s.assignment[a]! >= 0 && guides.adopt(a, positions[a]!, s.goals[a]!, path)) adopted++;
  });
  const planned = planGuidesHere(s, guides, positions, deadline, now);
  const helper = s.helper;
  if (helper) {
    for (let a = 0; a < n; a++) {
      if (s.assignment[a]! < 0 || s.goals[a] === positions[a] || !reachable(s, a, positions)) helper.idle(a);
      else helper.want(a, positions[a]!, s.goals[a]!, !guides.guided(a));
    }
    helper.publish();
  }
  return { planned, adopted };
}

/** False when the robot's distance map says its goal cannot be reached (true without a map). */
function reachable(s: EntryState, a: number, positions: Int32Array): boolean {
  const slot = s.slots[a]!;
  return slot < 0 || s.maps.map(slot)[s.graph.compactOf[positions[a]!]!] !== s.maps.unreachable;
}

/** planGuides' own searches, in the order given there; returns the paths planned. */
function planGuidesHere(s: EntryState, guides: GuidePaths, positions: Int32Array, deadline: number, now: () => number): number {
  const n = s.assignment.length;
  const order = s.pibt.order;
  let planned = 0;
  const plan = (a: number) => {
    // A goal out of reach gets no path (and costs no search).
    if (!reachable(s, a, positions)) return;
    const slot = s.slots[a]!;
    if (guides.plan(a, positions[a]!, s.goals[a]!, slot >= 0 ? s.maps.map(slot) : null)) planned++;
  };
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < n; i++) {
      const a = order[i]!;
      if (s.assignment[a]! < 0 || s.goals[a] === positions[a]) continue;
      const due = pass === 0 ? guides.goal(a) < 0 : !guides.guided(a);
      if (!due) continue;
      if (now() >= deadline) return planned;
      plan(a);
    }
  }
  for (let tried = 0; tried < n && now() < deadline; tried++) {
    const a = s.refineNext;
    s.refineNext = (a + 1) % n;
    if (s.assignment[a]! < 0 || s.goals[a] === positions[a] || guides.age(a) === 0) continue;
    plan(a);
  }
  return planned;
}

/** What PIBT or EPIBT plans from this step. */
function planInputOf(s: EntryState, input: LorrStepInput): PibtInput {
  return {
    positions: input.positions,
    orientations: input.orientations,
    goals: s.goals,
    distanceSlots: s.slots,
    agentMaps: s.agentMaps,
    ...(s.guides ? { guide: s.guides } : {}),
    priorities: s.priorities,
    timestep: input.timestep,
  };
}

/**
 * Writes the robots into `order` by priority, highest first: the same order as sorting by
 * `priorities` (steps on the goal, -1 without a task, + the tie-break fraction) but by counting
 * sort over the fixed tie-break order, so it costs O(robots + longest wait) and no comparisons
 * (a comparison sort took 2-3 ms a step at 10,000 robots).
 */
function sortByPriority(s: EntryState, order: Int32Array): void {
  const n = s.assignment.length;
  let highest = 0;
  for (let a = 0; a < n; a++) if (s.assignment[a]! >= 0 && s.waited[a]! > highest) highest = s.waited[a]!;
  // Bucket 0 holds robots without a task; bucket w + 1 those with a task and w steps on their goal.
  const starts = new Int32Array(highest + 3);
  const bucketOf = (a: number) => (s.assignment[a]! < 0 ? 0 : s.waited[a]! + 1);
  for (let a = 0; a < n; a++) starts[bucketOf(a)]! += 1;
  // Highest bucket first: each bucket starts after the ones above it.
  let at = 0;
  for (let b = highest + 1; b >= 0; b--) {
    const size = starts[b]!;
    starts[b] = at;
    at += size;
  }
  for (const a of s.byTieBreak) {
    const b = bucketOf(a);
    order[starts[b]!] = a;
    starts[b]! += 1;
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) (out as Record<string, unknown>)[key] = v;
  return out;
}
