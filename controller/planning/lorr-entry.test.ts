import { describe, expect, it } from 'vitest';
import { createPlanningEntry } from './lorr-entry.ts';
import type { LorrEntry, LorrProblem } from '../../protocol/lorr/index.ts';
import { parseMiniMap, randomProblem, runMiniWorld } from './test-support/mini-lorr-world.ts';
import { FlowSearch } from './flow-search.ts';
import type { GuideHelper, GuideHelperSetup } from './guide-helper.ts';

function problemOf(rows: string[], starts: number[], tasks: number[][], numTasksReveal = 1): LorrProblem {
  return { name: 'test', map: parseMiniMap(rows), starts: Int32Array.from(starts), tasks: tasks.map((t) => Int32Array.from(t)), teamSize: starts.length, numTasksReveal };
}

describe('createPlanningEntry', () => {
  it('keeps every step valid over many steps on random crowded maps', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const problem = randomProblem(seed, 30, 20, 120 + 20 * seed, 0.15, 500);
      const result = runMiniWorld(createPlanningEntry(), problem, 150);
      expect(result.violations).toEqual([]);
      expect(result.finished).toBeGreaterThan(0);
    }
  });

  it('plans guide paths when robots fill a fifth of the free cells or more, not below, unless told', () => {
    const dense = randomProblem(3, 30, 20, 200, 0.15, 500);
    const sparse = randomProblem(3, 30, 20, 40, 0.15, 500);
    const guidePathsInFirstStep = (problem: LorrProblem, options: Parameters<typeof createPlanningEntry>[0] = {}) => {
      const entry = createPlanningEntry(options);
      runMiniWorld(entry, problem, 1);
      return entry.stats.guidePathsLastStep;
    };
    expect(guidePathsInFirstStep(dense)).toBeGreaterThan(100);
    expect(guidePathsInFirstStep(sparse)).toBe(0);
    expect(guidePathsInFirstStep(dense, { guidePaths: false })).toBe(0);
    expect(guidePathsInFirstStep(sparse, { guidePaths: true })).toBeGreaterThan(20);
  });

  it('adopts the guide helper\'s paths that fit, refuses broken ones, tells it what to plan and closes it', () => {
    // An in-thread stand-in for the worker: plans what it was asked for at the next drain, and
    // hands back a broken path (not made of moves) beside each good one.
    const log = { wanted: 0, offered: 0, closed: 0 };
    let setupSeen: GuideHelperSetup | null = null;
    const fakeHelper = (setup: GuideHelperSetup): GuideHelper => {
      setupSeen = setup;
      const search = new FlowSearch(setup.graph, setup.flow);
      const asked = new Map<number, [number, number]>();
      return {
        want(agent, start, goal) {
          asked.set(agent, [start, goal]);
          log.wanted++;
        },
        idle(agent) {
          asked.delete(agent);
        },
        publish() {},
        drain(take) {
          for (const [agent, [start, goal]] of asked) {
            const path = search.search(start, goal, null);
            if (path === null) continue;
            take(agent, Int32Array.of(start, start + 2, goal));
            take(agent, path);
            log.offered += 2;
          }
          asked.clear();
        },
        close() {
          log.closed++;
        },
      };
    };
    const problem = randomProblem(3, 30, 20, 200, 0.15, 500);
    const entry = createPlanningEntry({ guideHelper: fakeHelper, guidePaths: true });
    let adopted = 0;
    const counting: LorrEntry = {
      initialize: (p, limitMs) => entry.initialize(p, limitMs),
      step: (input, limitMs) => {
        const out = entry.step(input, limitMs);
        adopted += entry.stats.guidePathsAdoptedLastStep;
        return out;
      },
    };
    const result = runMiniWorld(counting, problem, 40);
    expect(setupSeen!.agentCount).toBe(200);
    expect(result.violations).toEqual([]);
    expect(log.wanted).toBeGreaterThan(0);
    // Half the offers are broken: adopted at most the other half, and most of those (robots move on).
    expect(adopted).toBeGreaterThan(0.25 * log.offered);
    expect(adopted).toBeLessThanOrEqual(0.5 * log.offered);
    entry.close();
    entry.close();
    expect(log.closed).toBe(1);
  });

  it('swaps two robots across the ends of a one-cell-wide loop corridor', () => {
    // Top row is the corridor; the bottom row is the only way around.
    const rows = ['..........', '.@@@@@@@@.', '..........'];
    const problem = problemOf(rows, [0, 9], [[9], [0]], 1);
    const result = runMiniWorld(createPlanningEntry(), problem, 80, { stopWhenFinished: 2 });
    expect(result.violations).toEqual([]);
    expect(result.finished).toBeGreaterThanOrEqual(2);
  });

  it('serves errands at the bottom of dead ends off a loop without locking up', () => {
    const rows = ['.@.@.@.@.', '.........', '.@@@@@@@.', '.........', '.@.@.@.@.'];
    const w = 9;
    const deadEnds = [0, 2, 4, 6, 8, 4 * w, 4 * w + 2, 4 * w + 4, 4 * w + 6, 4 * w + 8];
    const tasks = deadEnds.map((cell, i) => [cell, deadEnds[(i + 3) % deadEnds.length]!]);
    const starts = [w, w + 2, w + 4, w + 6, w + 8, 3 * w + 1, 3 * w + 3, 3 * w + 5];
    const result = runMiniWorld(createPlanningEntry(), problemOf(rows, starts, tasks, 1), 300, { stopWhenFinished: 30 });
    expect(result.violations).toEqual([]);
    expect(result.finished).toBeGreaterThanOrEqual(30);
  });

  it('keeps many robots converging on one small area moving and finishing tasks', () => {
    const rows = Array.from({ length: 12 }, (_, r) => (r % 3 === 1 ? '.@@.@@.@@.@@.@@.' : '................'));
    const w = 16;
    const hub = [5 * w + 7, 5 * w + 8, 6 * w + 7, 6 * w + 8];
    const far = [0, w - 1, 11 * w, 11 * w + w - 1];
    const tasks = Array.from({ length: 40 }, (_, i) => [hub[i % 4]!, far[(i >> 2) % 4]!]);
    const starts: number[] = [];
    for (let cell = 0; cell < 12 * w && starts.length < 40; cell += 3) if (rows[Math.floor(cell / w)]![cell % w] === '.') starts.push(cell);
    const problem = problemOf(rows, starts, tasks, 1);
    const result = runMiniWorld(createPlanningEntry(), problem, 400);
    expect(result.violations).toEqual([]);
    expect(result.finished).toBeGreaterThanOrEqual(60);
  });

  it('gives the same actions and assignments for the same inputs', () => {
    const problem = randomProblem(42, 25, 25, 150, 0.1, 300);
    const first = runMiniWorld(createPlanningEntry(), problem, 60);
    const second = runMiniWorld(createPlanningEntry(), problem, 60);
    expect(second.actionsLog).toEqual(first.actionsLog);
    expect(second.finished).toBe(first.finished);
  });

  it('answers all-wait when the time budget is already spent before planning', () => {
    let clock = 0;
    let slow = false;
    const entry = createPlanningEntry({ now: () => (slow ? (clock += 200) : clock) });
    const problem = problemOf(['....'], [0], [[3]]);
    entry.initialize(problem, 1000);
    slow = true;
    const task = { id: 0, errands: Int32Array.of(3), errandsDone: 0, assignedTo: 0, revealedAt: 0 };
    const out = entry.step({ timestep: 0, positions: Int32Array.of(0), orientations: Uint8Array.of(0), tasks: [task], assignment: Int32Array.of(0) }, 100);
    expect(Array.from(out.actions)).toEqual([3]);
    expect(Array.from(out.assignment)).toEqual([0]);
    expect(entry.stats.budgetFallbacks).toBe(1);
  });

  it('drives a robot facing its goal forward when time allows', () => {
    const entry = createPlanningEntry();
    entry.initialize(problemOf(['....'], [0], [[3]]), 1000);
    const task = { id: 0, errands: Int32Array.of(3), errandsDone: 0, assignedTo: 0, revealedAt: 0 };
    const out = entry.step({ timestep: 0, positions: Int32Array.of(0), orientations: Uint8Array.of(0), tasks: [task], assignment: Int32Array.of(0) }, 100);
    expect(Array.from(out.actions)).toEqual([0]);
  });

  it('plans with Manhattan distance while a goal has no map and stays valid', () => {
    const problem = randomProblem(9, 30, 30, 200, 0.1, 400);
    const result = runMiniWorld(createPlanningEntry({ maxNewMapsPerStep: 0, distanceMapBytes: 1 }), problem, 80);
    expect(result.violations).toEqual([]);
  });
});
