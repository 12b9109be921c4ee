import { DEFAULT_DISTANCE_MAP_BYTES, DistanceMaps } from './distance-maps.ts';
import type { GridGraph } from './grid-graph.ts';
import { createGridGraph } from './grid-graph.ts';
import type { LorrEntry, LorrProblem, LorrStepInput, LorrStepOutput, LorrTaskView } from '../../protocol/lorr/index.ts';
import { ACTION_WAIT } from '../../protocol/lorr/index.ts';
import { laneMoveCosts } from './lanes.ts';
import { Pibt } from './pibt.ts';
import { RotationConverter } from './rotation.ts';
import { GreedyTaskAllocator } from './task-allocator.ts';

/**
 * A LoRR planning entry: greedy nearest-task scheduler + PIBT with rotations.
 *
 * Each step: (1) free robots take the nearest free task, (2) every robot's goal is the next
 * errand of its task (its own cell when it has none), (3) missing distance maps are computed
 * for the highest-priority robots first while the step budget allows, (4) PIBT picks a next
 * cell per robot, (5) next cells become F / R / C / W with moves cancelled behind robots that
 * turn or wait. A step that finds its time already spent before (4) answers "all wait" (a valid
 * step), so a step never runs over `timeLimitMs - marginMs` by more than one PIBT pass.
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
}

export interface PlanningStats {
  steps: number;
  lastStepMs: number;
  /** Steps answered with all-wait because the budget was spent before planning. */
  budgetFallbacks: number;
  /** Robots planned with Manhattan distance because their goal's map was not ready. */
  manhattanAgentsLastStep: number;
  mapsComputed: number;
}

export interface PlanningEntry extends LorrEntry {
  readonly stats: PlanningStats;
}

const DEFAULTS = {
  marginMs: 15,
  allocationBudgetFraction: 0.25,
  distanceMapBudgetFraction: 0.35,
  maxNewMapsPerStep: 200,
  distanceMapBytes: DEFAULT_DISTANCE_MAP_BYTES,
  preprocessBudgetFraction: 0.5,
  maxPibtDepth: 1000,
  pibtSwap: true,
  taskLengthWeight: 0.2,
  lanePenalty: 2,
};

export function createPlanningEntry(options: PlanningOptions = {}): PlanningEntry {
  const now = options.now ?? (() => 0);
  const o = { ...DEFAULTS, ...withoutUndefined(options) };
  let state: EntryState | null = null;
  const stats: PlanningStats = { steps: 0, lastStepMs: 0, budgetFallbacks: 0, manhattanAgentsLastStep: 0, mapsComputed: 0 };

  return {
    stats,
    initialize(problem: LorrProblem, preprocessTimeLimitMs: number): void {
      const started = now();
      const graph = createGridGraph(problem.map.width, problem.map.height, problem.map.passable);
      const n = problem.teamSize;
      const maps = new DistanceMaps(graph, { maxBytes: o.distanceMapBytes, ...(o.lanePenalty > 0 ? { moveCost: laneMoveCosts(graph, { penalty: o.lanePenalty }) } : {}) });
      state = {
        graph,
        maps,
        pibt: new Pibt(graph, maps, n, { maxDepth: o.maxPibtDepth, swap: o.pibtSwap }),
        converter: new RotationConverter(graph, n),
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
      };
      for (let a = 0; a < n; a++) state.tieBreak[a] = (Math.imul(a + 1, 0x9e3779b1) >>> 0) / 4294967296;
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

      s.allocator.assign(input, s.assignment, () => now() < allocationDeadline);

      s.taskById.clear();
      for (const task of input.tasks) s.taskById.set(task.id, task);
      for (let a = 0; a < n; a++) {
        const task = s.assignment[a]! >= 0 ? s.taskById.get(s.assignment[a]!) : undefined;
        const goal = task !== undefined && task.errandsDone < task.errands.length ? task.errands[task.errandsDone]! : positions[a]!;
        s.goals[a] = goal;
        // Priority: steps spent on the current goal (reset when the goal changes), idle robots
        // below every busy one, a fixed per-robot fraction to break ties.
        if (goal !== s.previousGoals[a]) s.waited[a] = 0;
        else if (goal !== positions[a]) s.waited[a] = s.waited[a]! + 1;
        s.previousGoals[a] = goal;
        s.priorities[a] = (task === undefined ? -1 : s.waited[a]!) + s.tieBreak[a]!;
        s.slots[a] = -1;
      }

      // Distance maps: existing ones for everybody, new ones for the highest priorities first.
      const order = s.pibt.order;
      for (let a = 0; a < n; a++) order[a] = a;
      order.sort((x, y) => s.priorities[y]! - s.priorities[x]! || x - y);
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
      }
      stats.manhattanAgentsLastStep = manhattanAgents;
      stats.mapsComputed = s.maps.computed;

      const actions = new Uint8Array(n);
      // PIBT runs to its end once started: it starts only if a pass as slow as the recent
      // slowest still ends before the deadline.
      const beforePlan = now();
      if (beforePlan + s.slowestPlanMs >= hardDeadline) {
        actions.fill(ACTION_WAIT);
        stats.budgetFallbacks++;
      } else {
        const next = s.pibt.plan({
          positions,
          orientations: input.orientations,
          goals: s.goals,
          distanceSlots: s.slots,
          priorities: s.priorities,
          timestep: input.timestep,
        });
        actions.set(s.converter.convert(positions, input.orientations, next));
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
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) (out as Record<string, unknown>)[key] = v;
  return out;
}
