import type { LorrStepInput } from '../../protocol/lorr/lorr-entry.ts';

/**
 * A greedy scheduler for tests and baselines: keeps every current assignment and gives each
 * free robot (in index order) the unassigned task whose next errand is nearest by Manhattan
 * distance. O(free robots × open tasks) per call.
 */
export function assignNearestTasks(input: LorrStepInput, mapWidth: number): Int32Array {
  const assignment = input.assignment.slice();
  const taken = new Set<number>();
  for (const id of assignment) if (id >= 0) taken.add(id);
  for (let robot = 0; robot < assignment.length; robot++) {
    if (assignment[robot] !== -1) continue;
    const cell = input.positions[robot] as number;
    const row = Math.floor(cell / mapWidth);
    const col = cell % mapWidth;
    let best = -1;
    let bestDistance = Infinity;
    for (const task of input.tasks) {
      if (task.assignedTo !== -1 || taken.has(task.id)) continue;
      const errand = task.errands[task.errandsDone] as number;
      const distance = Math.abs(Math.floor(errand / mapWidth) - row) + Math.abs((errand % mapWidth) - col);
      if (distance < bestDistance) {
        bestDistance = distance;
        best = task.id;
      }
    }
    if (best === -1) break;
    assignment[robot] = best;
    taken.add(best);
  }
  return assignment;
}
