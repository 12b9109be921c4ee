import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadLorrProblem } from '../../protocol/lorr/load-lorr-problem.ts';
import { greedyEntry } from '../../sim/lorr/greedy-entry.ts';
import { writeLorrOutput } from '../../sim/lorr/lorr-output.ts';
import { runLorr } from '../../sim/lorr/run-lorr.ts';
import { waitingEntry } from '../../sim/lorr/waiting-entry.ts';
import { replayLorrOutput } from '../../sim/lorr/independent-replay.ts';
import { scriptedClock, scriptedEntry, steadyClock, tinyProblem } from './fixtures/tiny-problem.ts';

// Rules: bench/lorr2024/README.md, "Rules" (task pool, errands, invalid steps, timeouts).

const RANDOM_32 = fileURLToPath(new URL('../../bench/lorr2024/random.domain/random_32_32_20_100.json', import.meta.url));
const fast = { planTimeLimitMs: 100, now: steadyClock(1) };

describe('LoRR harness: task pool', () => {
  it('reveals numTasksReveal x teamSize tasks from the file in order and wraps around the file', () => {
    // 2 robots x 1.5 = 3 tasks in the pool; the file has 2, so task 2 is file line 0 again.
    const problem = tinyProblem(['....'], [[0, 0], [0, 3]], [[[0, 1]], [[0, 2]]], 1.5);
    const entry = scriptedEntry(['W', 'W']);
    const result = runLorr(problem, entry, { steps: 1, ...fast });
    const tasks = entry.inputs[0]?.tasks ?? [];
    expect(tasks.map((t) => [t.id, Array.from(t.errands), t.revealedAt, t.assignedTo, t.errandsDone])).toEqual([
      [0, [1], 0, -1, 0],
      [1, [2], 0, -1, 0],
      [2, [1], 0, -1, 0],
    ]);
    expect(result.revealedTasks.map((t) => t.id)).toEqual([0, 1, 2]);
  });

  it('replaces each finished task by the next one of the file, revealed at the step it finished', () => {
    const problem = tinyProblem(['...'], [[0, 0]], [[[0, 1]], [[0, 2]]]);
    const entry = scriptedEntry(['F,F'], (input) => [input.assignment[0] === -1 ? (input.tasks[0]?.id ?? -1) : (input.assignment[0] as number)]);
    const result = runLorr(problem, entry, { steps: 2, ...fast });
    expect(result.numTaskFinished).toBe(2);
    expect(result.revealedTasks.map((t) => [t.id, t.revealedAt, Array.from(t.errands)])).toEqual([
      [0, 0, [1]],
      [1, 1, [2]],
      [2, 2, [1]],
    ]);
    expect(entry.inputs[1]?.tasks.map((t) => t.id)).toEqual([1]);
    expect(entry.inputs[1]?.assignment).toEqual(Int32Array.from([-1]));
  });
});

describe('LoRR harness: errands and schedule', () => {
  it('completes one errand per step where the robot stands on the next errand, and finishes on the last', () => {
    const problem = tinyProblem(['....'], [[0, 0]], [[[0, 1], [0, 1], [0, 3]]]);
    const entry = scriptedEntry(['F,W,F,F'], () => [0]);
    const result = runLorr(problem, entry, { steps: 4, ...fast });
    expect(result.events).toEqual([
      [1, 0, 0, 1],
      [2, 0, 0, 2],
      [4, 0, 0, 3],
    ]);
    expect(result.numTaskFinished).toBe(1);
    expect(entry.inputs[3]?.tasks[0]).toMatchObject({ id: 0, errandsDone: 2, assignedTo: 0 });
  });

  it('counts a schedule error and keeps the previous assignment when an opened task is moved', () => {
    const problem = tinyProblem(['....'], [[0, 0]], [[[0, 1], [0, 3]], [[0, 2]]], 2);
    // Step 0 takes task 0 and reaches its first errand; step 1 tries to switch to task 1.
    const entry = scriptedEntry(['F,W,W'], (input) => [input.timestep === 1 ? 1 : 0]);
    const result = runLorr(problem, entry, { steps: 3, ...fast });
    expect(result.numScheduleErrors).toBe(1);
    expect(result.errors).toEqual([[-1, -1, 1, 'schedule: robot 0 has opened task 0 and may not leave it (proposed 1)']]);
    expect(entry.inputs[2]?.assignment).toEqual(Int32Array.from([0]));
    expect(result.schedule).toEqual([[[1, 0]]]);
  });

  it('rejects one task proposed for two robots, and a task that is not in the pool', () => {
    const problem = tinyProblem(['...'], [[0, 0], [0, 2]], [[[0, 1]]]);
    const twice = runLorr(problem, scriptedEntry(['W', 'W'], () => [0, 0]), { steps: 1, ...fast });
    expect(twice.numScheduleErrors).toBe(1);
    expect(twice.schedule).toEqual([[[1, -1]], [[1, -1]]]);
    const unknown = runLorr(problem, scriptedEntry(['W', 'W'], () => [-1, 9]), { steps: 1, ...fast });
    expect(unknown.errors[0]?.[3]).toMatch(/task 9, which is not revealed or already finished/);
  });

  it('lets a task move between robots before its first errand is reached', () => {
    const problem = tinyProblem(['....'], [[0, 0], [0, 3]], [[[0, 1], [0, 2]]]);
    const entry = scriptedEntry(['W,W', 'W,W'], (input) => (input.timestep === 0 ? [0, -1] : [-1, 0]));
    const result = runLorr(problem, entry, { steps: 2, ...fast });
    expect(result.numScheduleErrors).toBe(0);
    expect(result.schedule).toEqual([[[1, 0], [2, -1]], [[1, -1], [2, 0]]]);
  });
});

describe('LoRR harness: invalid steps and timeouts', () => {
  it('makes every robot wait on an invalid step and counts one planner error', () => {
    // Robot 0 drives into robot 1 (which waits); robot 2 drives validly but must wait too.
    const problem = tinyProblem(['...', '...'], [[0, 0], [0, 1], [1, 0]], [[[1, 2]]]);
    const result = runLorr(problem, scriptedEntry(['F', 'W', 'F']), { steps: 1, ...fast });
    expect(result.numPlannerErrors).toBe(1);
    expect(result.errors).toEqual([[0, 1, 0, 'robots 0 and 1 both end on cell 1 (vertex conflict)']]);
    expect(Array.from(result.finalPositions)).toEqual([0, 1, 3]);
    expect(writeLorrOutput(result).actualPaths).toEqual(['W', 'W', 'W']);
  });

  it.each([
    ['a swap', ['..'], [[0, 0], [0, 1]] as [number, number][], ['W,W,F', 'R,R,F'], /swap cells 1 and 0 \(edge conflict\)/],
    ['leaving the map', ['..'], [[0, 1]] as [number, number][], ['F'], /moves off the map from cell 1/],
    ['entering an obstacle', ['.@'], [[0, 0]] as [number, number][], ['F'], /moves into obstacle cell 1/],
  ])('refuses %s', (_name, rows, starts, paths, reason) => {
    const problem = tinyProblem(rows, starts, [[[0, 0]]]);
    const result = runLorr(problem, scriptedEntry(paths), { steps: paths[0]?.split(',').length ?? 1, ...fast });
    expect(result.numPlannerErrors).toBe(1);
    expect(result.errors.map((e) => e[3])).toContainEqual(expect.stringMatching(reason));
    expect(Array.from(result.finalPositions)).toEqual(starts.map(([r, c]) => r * rows[0]!.length + c));
  });

  it('makes every robot wait on a step whose planning ran past the limit, recorded as T', () => {
    const problem = tinyProblem(['....'], [[0, 0]], [[[0, 2]]]);
    // Clock readings: preprocess 0..0, step 0 took 5 ms, step 1 took 150 ms, step 2 took 100 ms (at the limit).
    const now = scriptedClock([0, 0, 0, 5, 10, 160, 200, 300]);
    const entry = scriptedEntry(['F,F,F'], () => [0]);
    const result = runLorr(problem, entry, { steps: 3, planTimeLimitMs: 100, now });
    expect(result.numEntryTimeouts).toBe(1);
    expect(result.plannerTimesS).toEqual([0.005, 0.15, 0.1]);
    const output = writeLorrOutput(result);
    expect(output.actualPaths).toEqual(['F,T,F']);
    expect(result.finalPositions[0]).toBe(2);
    expect(result.numTaskFinished).toBe(1);
    expect(replayLorrOutput(problem, output).errors).toEqual([]);
  });

  it('ignores the assignment of a step lost to a timeout', () => {
    const problem = tinyProblem(['...'], [[0, 0]], [[[0, 2]]]);
    const result = runLorr(problem, scriptedEntry(['W'], () => [0]), { steps: 1, planTimeLimitMs: 1, now: steadyClock(2) });
    expect(result.schedule).toEqual([[[1, -1]]]);
  });
});

describe('LoRR harness: result file', () => {
  it('writes the start kit fields: starts facing east, paths, schedule, events and tasks in rows and columns', () => {
    const problem = tinyProblem(['....', '....'], [[1, 0]], [[[1, 1], [0, 3]]]);
    const output = writeLorrOutput(runLorr(problem, scriptedEntry(['F,C,F'], () => [0]), { steps: 3, ...fast }));
    expect(output).toMatchObject({
      actionModel: 'MAPF_T',
      version: '2024 LoRR',
      teamSize: 1,
      start: [[1, 0, 'E']],
      numTaskFinished: 0,
      makespan: 3,
      numPlannerErrors: 0,
      numScheduleErrors: 0,
      numEntryTimeouts: 0,
      actualPaths: ['F,C,F'],
      plannerTimes: [0.001, 0.001, 0.001],
      errors: [],
      actualSchedule: ['1:0'],
      events: [[1, 0, 0, 1]],
      tasks: [[0, 0, [1, 1, 0, 3]]],
    });
    expect(JSON.parse(JSON.stringify(output))).toEqual(output);
  });
});

describe('LoRR harness on the benchmark', () => {
  it('greedy on random_32_32_20_100 for 50 steps passes the independent replay', async () => {
    const problem = await loadLorrProblem(RANDOM_32);
    const result = runLorr(problem, greedyEntry(), { steps: 50, ...fast });
    const output = writeLorrOutput(result);
    expect(output.numPlannerErrors).toBe(0);
    expect(output.numScheduleErrors).toBe(0);
    expect(output.numTaskFinished).toBeGreaterThan(0);
    expect(replayLorrOutput(problem, JSON.parse(JSON.stringify(output)))).toEqual({ numTaskFinished: output.numTaskFinished, errors: [] });
  });

  it('a waiting entry finishes nothing and still passes the replay', async () => {
    const problem = await loadLorrProblem(RANDOM_32);
    const output = writeLorrOutput(runLorr(problem, waitingEntry(), { steps: 20, ...fast }));
    expect(output.numTaskFinished).toBe(0);
    expect(replayLorrOutput(problem, output).errors).toEqual([]);
  });
});
