import { ACTION_LETTERS, ORIENTATION_LETTERS } from '../../protocol/lorr/lorr-problem.ts';
import type { LorrRecordedError, LorrRunResult } from './run-lorr.ts';
import type { LorrEvent } from './task-pool.ts';

/** The start kit's result file (the keys the benchmark README lists, in the start kit's order). */
export interface LorrOutputJson {
  actionModel: 'MAPF_T';
  version: string;
  teamSize: number;
  start: [number, number, string][];
  numTaskFinished: number;
  makespan: number;
  numPlannerErrors: number;
  numScheduleErrors: number;
  numEntryTimeouts: number;
  /** Per robot, comma-separated actions (`F`, `R`, `C`, `W`; `T` for a step lost to a timeout). */
  actualPaths: string[];
  /** Planning time per step, seconds. */
  plannerTimes: number[];
  errors: LorrRecordedError[];
  /** Per robot, comma-separated `timestep:taskId` at each change (−1 for none). */
  actualSchedule: string[];
  events: LorrEvent[];
  /** `[taskId, revealTimestep, [row, col, row, col, …]]` for every revealed task. */
  tasks: [number, number, number[]][];
}

/** Index = recorded action code; ACTION_TIMEOUT (4) is `T`. */
const PATH_LETTERS: readonly string[] = [...ACTION_LETTERS, 'T'];

/** Builds the result JSON of a run (serialise it with `JSON.stringify`). */
export function writeLorrOutput(result: LorrRunResult): LorrOutputJson {
  const { problem, steps } = result;
  const n = problem.teamSize;
  const width = problem.map.width;
  const actualPaths: string[] = [];
  const letters: string[] = new Array<string>(steps);
  for (let robot = 0; robot < n; robot++) {
    for (let t = 0; t < steps; t++) letters[t] = PATH_LETTERS[result.actions[t * n + robot] as number] ?? '?';
    actualPaths.push(letters.join(','));
  }
  return {
    actionModel: 'MAPF_T',
    version: '2024 LoRR',
    teamSize: n,
    start: Array.from(problem.starts, (cell): [number, number, string] => [Math.floor(cell / width), cell % width, ORIENTATION_LETTERS[0] as string]),
    numTaskFinished: result.numTaskFinished,
    makespan: steps,
    numPlannerErrors: result.numPlannerErrors,
    numScheduleErrors: result.numScheduleErrors,
    numEntryTimeouts: result.numEntryTimeouts,
    actualPaths,
    plannerTimes: result.plannerTimesS,
    errors: result.errors,
    actualSchedule: result.schedule.map((entries) => entries.map(([t, id]) => `${t}:${id}`).join(',')),
    events: result.events,
    tasks: result.revealedTasks.map((task): [number, number, number[]] => [
      task.id,
      task.revealedAt,
      Array.from(task.errands).flatMap((cell) => [Math.floor(cell / width), cell % width]),
    ]),
  };
}
