import { describe, expect, it } from 'vitest';
import { Epibt } from './epibt.ts';
import { createPlanningEntry } from './lorr-entry.ts';
import { createGridGraph } from './grid-graph.ts';
import { DistanceMaps } from './distance-maps.ts';
import { ACTION_CLOCKWISE, ACTION_FORWARD, ACTION_WAIT, type LorrProblem } from '../../protocol/lorr/index.ts';
import { parseMiniMap, randomProblem, runMiniWorld } from './test-support/mini-lorr-world.ts';

function problemOf(rows: string[], starts: number[], tasks: number[][]): LorrProblem {
  return { name: 'test', map: parseMiniMap(rows), starts: Int32Array.from(starts), tasks: tasks.map((t) => Int32Array.from(t)), teamSize: starts.length, numTasksReveal: 1 };
}

const epibtEntry = () => createPlanningEntry({ planner: 'epibt' });

describe('Epibt', () => {
  it('lets a robot facing another head-on wait while the other turns away, then follow it', () => {
    // 0 1 2 in a row, 3 below 2. Robot 0 at 1 faces east toward robot 1 at 2, which faces west.
    const graph = createGridGraph(3, 2, Uint8Array.from([1, 1, 1, 0, 0, 1]));
    const maps = new DistanceMaps(graph);
    const goals = Int32Array.from([2, 5]);
    const slots = Int32Array.from([maps.ensure(2), maps.ensure(5)]);
    const planner = new Epibt(graph, maps, 2);
    const input = { positions: Int32Array.from([1, 2]), orientations: Uint8Array.from([0, 2]), goals, distanceSlots: slots, priorities: Float64Array.from([2, 1]), timestep: 0 };
    const actions = planner.plan(input);
    // Robot 1 must go down to 5: from facing west that is a counter-clockwise turn; robot 0
    // cannot drive into a cell that stays held.
    expect(Array.from(actions)).toEqual([ACTION_WAIT, 2]);
    const next = planner.plan({ ...input, orientations: Uint8Array.from([0, 1]), timestep: 1 });
    expect(Array.from(next)).toEqual([ACTION_FORWARD, ACTION_FORWARD]);
  });

  it('pushes a robot off its goal only once the pusher has waited insistAfterSteps plans', () => {
    // A corridor 0-4: robot 0 at 1 heads for 4; robot 1 stands on its goal at 2. Pushing it on
    // costs robot 1 more than robot 0 gains, so robot 0 waits, until it insists.
    const graph = createGridGraph(5, 1, Uint8Array.from([1, 1, 1, 1, 1]));
    const maps = new DistanceMaps(graph);
    const planner = new Epibt(graph, maps, 2, { insistAfterSteps: 3 });
    const input = (timestep: number) => ({ positions: Int32Array.from([1, 2]), orientations: Uint8Array.from([0, 0]), goals: Int32Array.from([4, 2]), distanceSlots: Int32Array.from([maps.ensure(4), maps.ensure(2)]), priorities: Float64Array.from([2, 1]), timestep });
    for (let t = 0; t < 3; t++) expect(Array.from(planner.plan(input(t)))).toEqual([ACTION_WAIT, ACTION_WAIT]);
    expect(Array.from(planner.plan(input(3)))).toEqual([ACTION_FORWARD, ACTION_FORWARD]);
  });

  it('leaves the robots it has no time for staying put', () => {
    const graph = createGridGraph(4, 1, Uint8Array.from([1, 1, 1, 1]));
    const maps = new DistanceMaps(graph);
    const planner = new Epibt(graph, maps, 1);
    const input = { positions: Int32Array.from([0]), orientations: Uint8Array.from([0]), goals: Int32Array.from([3]), distanceSlots: Int32Array.from([maps.ensure(3)]), priorities: Float64Array.from([1]), timestep: 0 };
    expect(Array.from(planner.plan(input, { now: () => 10, at: 5 }))).toEqual([ACTION_WAIT]);
    expect(planner.skippedForTime).toBe(1);
    expect(Array.from(planner.plan(input, { now: () => 0, at: 5 }))).toEqual([ACTION_FORWARD]);
    expect(planner.skippedForTime).toBe(0);
  });

  it('never plans a robot into a held cell, however it ranks, on random crowded steps', () => {
    for (let seed = 1; seed <= 4; seed++) {
      const problem = randomProblem(seed, 24, 16, 150, 0.15, 400);
      const result = runMiniWorld(epibtEntry(), problem, 120);
      expect(result.violations).toEqual([]);
      expect(result.finished).toBeGreaterThan(0);
    }
  });

  it('turns before driving when its goal is behind it', () => {
    const graph = createGridGraph(4, 1, Uint8Array.from([1, 1, 1, 1]));
    const maps = new DistanceMaps(graph);
    const planner = new Epibt(graph, maps, 1);
    const actions = planner.plan({ positions: Int32Array.from([2]), orientations: Uint8Array.from([0]), goals: Int32Array.from([0]), distanceSlots: Int32Array.from([maps.ensure(0)]), priorities: Float64Array.from([1]), timestep: 0 });
    expect([ACTION_CLOCKWISE, 2]).toContain(actions[0]);
  });
});

describe('createPlanningEntry with the operations planner', () => {
  it('serves errands at the bottom of dead ends off a loop without locking up', () => {
    // Slower here than PIBT with its swap manoeuvre (about 30 tasks against 48 in 300 steps):
    // a robot in a dead end with another at its mouth gets out only once it insists.
    const rows = ['.@.@.@.@.', '.........', '.@@@@@@@.', '.........', '.@.@.@.@.'];
    const w = 9;
    const deadEnds = [0, 2, 4, 6, 8, 4 * w, 4 * w + 2, 4 * w + 4, 4 * w + 6, 4 * w + 8];
    const tasks = deadEnds.map((cell, i) => [cell, deadEnds[(i + 3) % deadEnds.length]!]);
    const starts = [w, w + 2, w + 4, w + 6, w + 8, 3 * w + 1, 3 * w + 3, 3 * w + 5];
    const result = runMiniWorld(epibtEntry(), problemOf(rows, starts, tasks), 300, { stopWhenFinished: 25 });
    expect(result.violations).toEqual([]);
    expect(result.finished).toBeGreaterThanOrEqual(25);
  });

  it('gives the same actions for the same inputs', () => {
    const problem = randomProblem(9, 20, 12, 60, 0.1, 200);
    expect(runMiniWorld(epibtEntry(), problem, 60).actionsLog).toEqual(runMiniWorld(epibtEntry(), problem, 60).actionsLog);
  });
});
