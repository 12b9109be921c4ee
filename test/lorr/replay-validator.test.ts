import { describe, expect, it } from 'vitest';
import type { LorrProblem } from '../../protocol/lorr/lorr-problem.ts';
import { greedyEntry } from '../../sim/lorr/greedy-entry.ts';
import type { LorrEntry } from '../../protocol/lorr/lorr-entry.ts';
import { writeLorrOutput, type LorrOutputJson } from '../../sim/lorr/lorr-output.ts';
import { runLorr } from '../../sim/lorr/run-lorr.ts';
import { waitingEntry } from '../../sim/lorr/waiting-entry.ts';
import { replayLorrOutput } from '../../sim/lorr/independent-replay.ts';
import { scriptedEntry, steadyClock, tinyProblem } from './fixtures/tiny-problem.ts';

// Rules: bench/lorr2024/README.md, "Rules" and "Output".

function run(problem: LorrProblem, entry: LorrEntry, steps: number): LorrOutputJson {
  return writeLorrOutput(runLorr(problem, entry, { steps, planTimeLimitMs: 100, now: steadyClock(1) }));
}

/** A valid output for `problem` (everyone waits) whose paths and schedule a test then rewrites. */
function crafted(problem: LorrProblem, steps: number, change: Partial<LorrOutputJson>): LorrOutputJson {
  return { ...run(problem, waitingEntry(), steps), events: [], ...change } as LorrOutputJson;
}

describe('LoRR replay validator: accepts what the harness produced', () => {
  it('accepts a scripted run that finishes a two-errand task, with the same task count', () => {
    const problem = tinyProblem(['....'], [[0, 0]], [[[0, 1], [0, 3]]]);
    const output = run(problem, scriptedEntry(['F,F,F'], () => [0]), 4);
    expect(output.numTaskFinished).toBe(1);
    expect(replayLorrOutput(problem, output)).toEqual({ numTaskFinished: 1, errors: [] });
  });

  it('accepts a robot following another into the cell it leaves in the same step', () => {
    const problem = tinyProblem(['...'], [[0, 0], [0, 1]], [[[0, 2]]]);
    const output = run(problem, scriptedEntry(['F', 'F']), 1);
    expect(output.numPlannerErrors).toBe(0);
    expect(output.actualPaths).toEqual(['F', 'F']);
    expect(replayLorrOutput(problem, output).errors).toEqual([]);
  });

  it('accepts runs with planner errors and timeouts, whose paths record what really happened', () => {
    const problem = tinyProblem(['..'], [[0, 0], [0, 1]], [[[0, 0]], [[0, 1]]]);
    const output = writeLorrOutput(runLorr(problem, scriptedEntry(['F', 'W']), { steps: 2, planTimeLimitMs: 100, now: steadyClock(1) }));
    expect(output.numPlannerErrors).toBe(1);
    const slow = writeLorrOutput(runLorr(problem, scriptedEntry(['W', 'W']), { steps: 2, planTimeLimitMs: 1, now: steadyClock(5) }));
    expect(slow.actualPaths).toEqual(['T,T', 'T,T']);
    expect(replayLorrOutput(problem, output).errors).toEqual([]);
    expect(replayLorrOutput(problem, slow).errors).toEqual([]);
  });

  it('accepts a greedy run on a small map with obstacles', () => {
    const problem = tinyProblem(['.....', '.@.@.', '.....', '.@...'], [[0, 0], [2, 4], [3, 0]], [[[0, 4], [3, 2]], [[2, 0]], [[0, 2], [2, 2], [3, 4]]], 2);
    const output = run(problem, greedyEntry(), 60);
    expect(output.numTaskFinished).toBeGreaterThan(0);
    expect(replayLorrOutput(problem, output)).toEqual({ numTaskFinished: output.numTaskFinished, errors: [] });
  });
});

describe('LoRR replay validator: rejects broken plans', () => {
  it('fails a vertex conflict (two robots end in one cell)', () => {
    const problem = tinyProblem(['...'], [[0, 0], [0, 2]], [[[0, 0]], [[0, 2]]]);
    const output = crafted(problem, 3, { actualPaths: ['W,W,F', 'R,R,F'] });
    expect(replayLorrOutput(problem, output).errors).toContainEqual(expect.stringMatching(/step 2: robots 0 and 1 end on \(0, 1\) \(vertex conflict\)/));
  });

  it('fails a swap (edge conflict)', () => {
    const problem = tinyProblem(['..'], [[0, 0], [0, 1]], [[[0, 0]], [[0, 1]]]);
    const output = crafted(problem, 3, { actualPaths: ['W,W,F', 'R,R,F'] });
    expect(replayLorrOutput(problem, output).errors).toContainEqual(expect.stringMatching(/step 2: robots 0 and 1 swap cells/));
  });

  it('fails a move into an obstacle', () => {
    const problem = tinyProblem(['.@'], [[0, 0]], [[[0, 0]]]);
    const output = crafted(problem, 1, { actualPaths: ['F'] });
    expect(replayLorrOutput(problem, output).errors).toContainEqual(expect.stringMatching(/step 0: robot 0 drives into the obstacle at \(0, 1\)/));
  });

  it('fails a move off the map', () => {
    const problem = tinyProblem(['..', '..'], [[1, 1]], [[[0, 0]]]);
    const output = crafted(problem, 2, { actualPaths: ['R,F'] });
    expect(replayLorrOutput(problem, output).errors).toContainEqual(expect.stringMatching(/step 1: robot 0 drives off the map/));
  });

  it('fails moving a task off its robot after the robot reached the first errand', () => {
    const problem = tinyProblem(['....'], [[0, 0]], [[[0, 1], [0, 3]], [[0, 2]]], 2);
    const good = run(problem, scriptedEntry(['F,W,W'], () => [0]), 3);
    expect(good.actualSchedule).toEqual(['1:0']);
    expect(replayLorrOutput(problem, good).errors).toEqual([]);
    const output = { ...good, actualSchedule: ['1:0,2:1'] };
    expect(replayLorrOutput(problem, output).errors).toContainEqual(expect.stringMatching(/timestep 2: robot 0 is moved off task 0 after reaching its first errand/));
    const dropped = { ...good, actualSchedule: ['1:0,3:-1'] };
    expect(replayLorrOutput(problem, dropped).errors).toContainEqual(expect.stringMatching(/timestep 3: robot 0 is moved off task 0/));
  });

  it('fails two robots holding one task', () => {
    const problem = tinyProblem(['...'], [[0, 0], [0, 2]], [[[0, 1]]]);
    const output = crafted(problem, 2, { actualSchedule: ['1:0', '1:0'] });
    expect(replayLorrOutput(problem, output).errors).toContainEqual(expect.stringMatching(/timestep 1: robots 0 and 1 both hold task 0/));
  });

  it('fails a task that was never revealed', () => {
    const problem = tinyProblem(['...'], [[0, 0]], [[[0, 1]]]);
    const output = crafted(problem, 2, { actualSchedule: ['1:7'] });
    expect(replayLorrOutput(problem, output).errors).toContainEqual(expect.stringMatching(/task 7, which is not revealed/));
  });

  it('fails a numTaskFinished that the paths do not reproduce', () => {
    const problem = tinyProblem(['....'], [[0, 0]], [[[0, 1], [0, 3]]]);
    const output = run(problem, scriptedEntry(['F,F,F'], () => [0]), 4);
    const report = replayLorrOutput(problem, { ...output, numTaskFinished: 2 });
    expect(report.numTaskFinished).toBe(1);
    expect(report.errors).toContainEqual('numTaskFinished is 2, the replay finishes 1');
  });

  it('fails paths of the wrong shape and unknown actions', () => {
    const problem = tinyProblem(['...'], [[0, 0], [0, 2]], [[[0, 1]]]);
    expect(replayLorrOutput(problem, crafted(problem, 2, { actualPaths: ['W,W'] })).errors).toEqual(['actualPaths must be 2 strings']);
    expect(replayLorrOutput(problem, crafted(problem, 2, { actualPaths: ['W,X', 'W'] })).errors).toEqual(
      expect.arrayContaining(['robot 0 step 1: unknown action "X"', 'robot 1 has 1 actions, robot 0 has 2']),
    );
  });
});
