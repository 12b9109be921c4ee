import { ACTION_WAIT, type LorrProblem } from '../../protocol/lorr/lorr-problem.ts';
import type { LorrEntry } from '../../protocol/lorr/lorr-entry.ts';
import { LorrStepRules } from './step-rules.ts';
import { LorrTaskPool, type LorrEvent, type RevealedTask } from './task-pool.ts';

/** Action code recorded for a step lost to a timeout (`T` in the output). */
export const ACTION_TIMEOUT = 4;

export interface LorrRunOptions {
  /** Timesteps to simulate. */
  steps: number;
  /** Planning time per step, ms; a step whose `entry.step` takes longer is lost (everyone waits). */
  planTimeLimitMs: number;
  /** Handed to `entry.initialize`; measured but not enforced. Default 30 000 ms. */
  preprocessTimeLimitMs?: number;
  /** Wall clock in ms (e.g. `performance.now`), used only to measure planning time. */
  now: () => number;
  /** Called after every step. */
  onProgress?: (progress: LorrProgress) => void;
}

export interface LorrProgress {
  stepsDone: number;
  numTaskFinished: number;
  /** Planning time of every step so far, seconds. */
  plannerTimesS: readonly number[];
}

/** An error recorded in the output: `[robotA, robotB, timestep, reason]` (−1 where not applicable). */
export type LorrRecordedError = [robotA: number, robotB: number, timestep: number, reason: string];

export interface LorrRunResult {
  problem: LorrProblem;
  steps: number;
  /** Executed action per step and robot, `actions[t * teamSize + robot]`: 0 F, 1 R, 2 C, 3 W, 4 timeout. */
  actions: Uint8Array;
  /** Planning time per step, seconds. */
  plannerTimesS: number[];
  preprocessMs: number;
  numTaskFinished: number;
  numPlannerErrors: number;
  numScheduleErrors: number;
  numEntryTimeouts: number;
  /** Invalid steps and rejected schedules; schedule reasons start with "schedule: ". */
  errors: LorrRecordedError[];
  /**
   * Per robot, `[timestep, taskId]` each time its assignment differs from its last entry. The
   * timestep is that of the state the assignment first applies to: an assignment proposed at
   * step t is recorded at t + 1, before errands are checked there (the start kit's convention).
   */
  schedule: [number, number][][];
  events: LorrEvent[];
  revealedTasks: RevealedTask[];
  finalPositions: Int32Array;
  finalOrientations: Uint8Array;
}

/**
 * Runs a LoRR problem with an entry for `steps` timesteps under the start kit's rules. Each
 * step: the entry plans from a snapshot; if it ran past the time limit the step is lost
 * (everyone waits, recorded as `T`, its assignment is ignored); otherwise its assignment is
 * validated (a rejection counts one schedule error and keeps the previous assignment) and its
 * actions checked (an invalid step counts one planner error and everyone waits). Then errands
 * are completed at the new positions and the task pool is refilled.
 */
export function runLorr(problem: LorrProblem, entry: LorrEntry, options: LorrRunOptions): LorrRunResult {
  const n = problem.teamSize;
  const positions = Int32Array.from(problem.starts);
  const orientations = new Uint8Array(n);
  const rules = new LorrStepRules(problem.map, positions, orientations);
  const pool = new LorrTaskPool(problem);
  const actions = new Uint8Array(options.steps * n);
  const plannerTimesS: number[] = [];
  const errors: LorrRecordedError[] = [];
  const schedule: [number, number][][] = Array.from({ length: n }, () => []);
  const waitAll = new Uint8Array(n).fill(ACTION_WAIT);
  let numPlannerErrors = 0;
  let numScheduleErrors = 0;
  let numEntryTimeouts = 0;

  const preprocessStart = options.now();
  entry.initialize(problem, options.preprocessTimeLimitMs ?? 30_000);
  const preprocessMs = options.now() - preprocessStart;
  pool.reveal(0);

  for (let t = 0; t < options.steps; t++) {
    const input = { timestep: t, positions: positions.slice(), orientations: orientations.slice(), tasks: pool.views(), assignment: pool.assignment.slice() };
    const start = options.now();
    const output = entry.step(input, options.planTimeLimitMs);
    const elapsedMs = options.now() - start;
    plannerTimesS.push(elapsedMs / 1000);
    const row = actions.subarray(t * n, (t + 1) * n);

    if (elapsedMs > options.planTimeLimitMs) {
      numEntryTimeouts++;
      row.fill(ACTION_TIMEOUT);
    } else {
      const scheduleReasons = pool.validate(output.assignment);
      if (scheduleReasons.length === 0) pool.assign(output.assignment);
      else {
        numScheduleErrors++;
        for (const reason of scheduleReasons) errors.push([-1, -1, t, `schedule: ${reason}`]);
      }
      const stepErrors = rules.apply(output.actions);
      if (stepErrors.length === 0) row.set(output.actions);
      else {
        numPlannerErrors++;
        for (const e of stepErrors) errors.push([e.robotA, e.robotB, t, e.reason]);
        row.set(waitAll);
      }
    }

    for (let robot = 0; robot < n; robot++) {
      const entries = schedule[robot] as [number, number][];
      const id = pool.assignment[robot] as number;
      if (entries.length === 0 || (entries[entries.length - 1] as [number, number])[1] !== id) entries.push([t + 1, id]);
    }
    pool.completeErrands(positions, t + 1);
    pool.reveal(t + 1);
    options.onProgress?.({ stepsDone: t + 1, numTaskFinished: pool.numTaskFinished, plannerTimesS });
  }

  return {
    problem,
    steps: options.steps,
    actions,
    plannerTimesS,
    preprocessMs,
    numTaskFinished: pool.numTaskFinished,
    numPlannerErrors,
    numScheduleErrors,
    numEntryTimeouts,
    errors,
    schedule,
    events: pool.events,
    revealedTasks: pool.revealed,
    finalPositions: positions,
    finalOrientations: orientations,
  };
}
