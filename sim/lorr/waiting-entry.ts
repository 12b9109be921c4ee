import { ACTION_WAIT, type LorrProblem } from '../../protocol/lorr/lorr-problem.ts';
import type { LorrEntry, LorrStepInput, LorrStepOutput } from '../../protocol/lorr/lorr-entry.ts';
import { assignNearestTasks } from './nearest-task-assignment.ts';

/** An entry whose robots never move; it assigns tasks greedily (nearest first). For tests. */
export function waitingEntry(): LorrEntry {
  let width = 1;
  return {
    initialize(problem: LorrProblem): void {
      width = problem.map.width;
    },
    step(input: LorrStepInput): LorrStepOutput {
      return { actions: new Uint8Array(input.positions.length).fill(ACTION_WAIT), assignment: assignNearestTasks(input, width) };
    },
  };
}
