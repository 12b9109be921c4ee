import type { LorrProblem } from './lorr-problem.ts';

/**
 * The contract between the LoRR harness (sim/lorr/) and an entry (scheduler + planner, e.g.
 * controller/planning/): what the entry sees each timestep and what it answers. Everything
 * handed in is a fresh snapshot the entry may keep; it must not be mutated.
 */

/** A revealed, unfinished task. */
export interface LorrTaskView {
  /** Reveal sequence number; the errands are task-file line `id % tasks.length`. */
  id: number;
  /** Cells to visit in order. */
  errands: Int32Array;
  /** Errands already completed; > 0 means the task is opened and bound to its robot. */
  errandsDone: number;
  /** Robot holding the task, or −1. */
  assignedTo: number;
  /** Timestep at which the task entered the pool. */
  revealedAt: number;
}

export interface LorrStepInput {
  /** The timestep whose state this is; the answer's actions take it to `timestep + 1`. */
  timestep: number;
  /** Cell per robot. */
  positions: Int32Array;
  /** Orientation per robot: 0 east, 1 south, 2 west, 3 north. */
  orientations: Uint8Array;
  /** Revealed unfinished tasks, in reveal order. */
  tasks: readonly LorrTaskView[];
  /** Task id per robot, −1 for none. */
  assignment: Int32Array;
}

export interface LorrStepOutput {
  /** Per robot: 0 F (forward), 1 R (clockwise), 2 C (counter-clockwise), 3 W (wait). */
  actions: Uint8Array;
  /**
   * Proposed task id per robot, −1 for none. Rejected as a whole (a schedule error; the previous
   * assignment stays) if a task appears twice, is not in the pool, or moves an opened task.
   */
  assignment: Int32Array;
}

export interface LorrEntry {
  /** Called once before the first step; `preprocessTimeLimitMs` is advisory here. */
  initialize(problem: LorrProblem, preprocessTimeLimitMs: number): void;
  /** One timestep. Taking longer than `timeLimitMs` loses the step (everyone waits). */
  step(input: LorrStepInput, timeLimitMs: number): LorrStepOutput;
}
