/**
 * The shapes the LoRR harness (sim/lorr/) hands a planning entry. Declared here, not imported:
 * controller/ never imports sim/. The harness's own interfaces must stay structurally equal to
 * these; a mismatch shows up as a type error where the harness passes a planning entry in.
 *
 * Cells are `row * width + col`. Orientation: 0 east (+1), 1 south (+width), 2 west (-1),
 * 3 north (-width). Actions: 0 F (forward one cell), 1 R (clockwise), 2 C (counter-clockwise),
 * 3 W (wait).
 */

export interface LorrMapLike {
  width: number;
  height: number;
  /** 1 = free, 0 = obstacle; index `row * width + col`. */
  passable: Uint8Array;
}

export interface LorrProblemLike {
  name: string;
  map: LorrMapLike;
  /** Start cell per robot. */
  starts: Int32Array;
  /** Every task of the task file, in file order: its errand cells in visiting order. */
  tasks: Int32Array[];
  teamSize: number;
  /** Revealed unfinished tasks at any time = numTasksReveal × teamSize. */
  numTasksReveal: number;
}

export interface LorrTaskView {
  id: number;
  errands: Int32Array;
  /** Errands already completed, in order; the next errand is errands[errandsDone]. */
  errandsDone: number;
  /** Robot the task is assigned to, -1 none. */
  assignedTo: number;
  revealedAt: number;
}

export interface LorrStepInput {
  timestep: number;
  positions: Int32Array;
  /** 0 E, 1 S, 2 W, 3 N. */
  orientations: Uint8Array;
  /** Revealed, unfinished tasks. */
  tasks: readonly LorrTaskView[];
  /** Task id per robot, -1 none. */
  assignment: Int32Array;
}

export interface LorrStepOutput {
  /** Per robot: 0 F, 1 R (clockwise), 2 C (counter-clockwise), 3 W. */
  actions: Uint8Array;
  /** Task id per robot, -1 none. */
  assignment: Int32Array;
}

export interface LorrEntryLike {
  initialize(problem: LorrProblemLike, preprocessTimeLimitMs: number): void;
  step(input: LorrStepInput, timeLimitMs: number): LorrStepOutput;
}

export const ACTION_FORWARD = 0;
export const ACTION_CLOCKWISE = 1;
export const ACTION_COUNTER_CLOCKWISE = 2;
export const ACTION_WAIT = 3;
