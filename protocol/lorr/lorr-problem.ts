/**
 * The League of Robot Runners (LoRR) 2024 problem model: a 4-connected grid map, robots that
 * start facing east, and a file of multi-errand tasks. Rules and file formats as the start
 * kit states them (see bench/lorr2024/README.md and docs at leagueofrobotrunners.org).
 */

/** A grid map. A cell is one integer, `row * width + col`. */
export interface LorrMap {
  readonly width: number;
  readonly height: number;
  /** 1 = free, 0 = obstacle; index `row * width + col`. */
  readonly passable: Uint8Array;
}

export interface LorrProblem {
  /** The problem file's name without `.json`, for reports. */
  readonly name: string;
  readonly map: LorrMap;
  /** Start cell per robot (`teamSize` entries); every robot starts facing east. */
  readonly starts: Int32Array;
  /** Errand cells per task, in file order; task id k uses `tasks[k % tasks.length]`. */
  readonly tasks: readonly Int32Array[];
  readonly teamSize: number;
  /** Revealed unfinished tasks per robot (the pool holds `floor(numTasksReveal × teamSize)`). */
  readonly numTasksReveal: number;
}

/** Orientation: 0 east (+1), 1 south (+width), 2 west (−1), 3 north (−width). */
export type LorrOrientation = 0 | 1 | 2 | 3;

/** Row and column change of one forward move, per orientation. */
export const ORIENTATION_ROW_DELTA: readonly number[] = [0, 1, 0, -1];
export const ORIENTATION_COL_DELTA: readonly number[] = [1, 0, -1, 0];
/** Letters the start kit's output uses for orientations. */
export const ORIENTATION_LETTERS: readonly string[] = ['E', 'S', 'W', 'N'];

/** `F` forward one cell, `R` turn clockwise, `C` turn counter-clockwise, `W` wait. */
export type LorrAction = 'F' | 'R' | 'C' | 'W';

/** Numeric action codes used in per-step action arrays. */
export const ACTION_FORWARD = 0;
export const ACTION_CLOCKWISE = 1;
export const ACTION_COUNTER_CLOCKWISE = 2;
export const ACTION_WAIT = 3;
/** Index = action code. */
export const ACTION_LETTERS: readonly LorrAction[] = ['F', 'R', 'C', 'W'];

/** Orientation after turning clockwise (`R`). */
export function turnClockwise(orientation: number): LorrOrientation {
  return ((orientation + 1) & 3) as LorrOrientation;
}

/** Orientation after turning counter-clockwise (`C`). */
export function turnCounterClockwise(orientation: number): LorrOrientation {
  return ((orientation + 3) & 3) as LorrOrientation;
}

/**
 * The cell one forward move from `cell` in `orientation`, or −1 if that leaves the map.
 * (Obstacles are not checked here.)
 */
export function forwardCell(map: LorrMap, cell: number, orientation: number): number {
  const row = Math.floor(cell / map.width) + (ORIENTATION_ROW_DELTA[orientation] ?? 0);
  const col = (cell % map.width) + (ORIENTATION_COL_DELTA[orientation] ?? 0);
  if (row < 0 || row >= map.height || col < 0 || col >= map.width) return -1;
  return row * map.width + col;
}

/** Pool size: how many revealed unfinished tasks there are at all times (the start kit truncates). */
export function taskPoolSize(problem: Pick<LorrProblem, 'numTasksReveal' | 'teamSize'>): number {
  return Math.max(1, Math.floor(problem.numTasksReveal * problem.teamSize));
}
