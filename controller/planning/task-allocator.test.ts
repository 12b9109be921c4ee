import { describe, expect, it } from 'vitest';
import { createGridGraph } from './grid-graph.ts';
import type { LorrTaskView } from '../../protocol/lorr/index.ts';
import { GreedyTaskAllocator } from './task-allocator.ts';
import { parseMiniMap } from './test-support/mini-lorr-world.ts';

const map = parseMiniMap(['......', '@@@@@.', '......']);
const graph = createGridGraph(map.width, map.height, map.passable);
const task = (id: number, errands: number[], errandsDone = 0, assignedTo = -1): LorrTaskView => ({ id, errands: Int32Array.from(errands), errandsDone, assignedTo, revealedAt: 0 });

describe('GreedyTaskAllocator', () => {
  it('gives a free robot the task nearest by grid distance, not by Manhattan distance', () => {
    const allocator = new GreedyTaskAllocator(graph);
    // Robot at (0,0). Task 7 at (2,0): Manhattan 2, around the wall 12. Task 8 at (0,4): 4.
    const tasks = [task(7, [12, 0]), task(8, [4, 0])];
    const out = allocator.assign({ timestep: 0, positions: Int32Array.of(0), tasks, assignment: Int32Array.of(-1) }, new Int32Array(1));
    expect(Array.from(out)).toEqual([8]);
  });

  it('keeps existing assignments and drops assignments to tasks no longer revealed', () => {
    const allocator = new GreedyTaskAllocator(graph);
    const tasks = [task(3, [5, 0], 1, 0), task(4, [2, 0])];
    const out = allocator.assign({ timestep: 0, positions: Int32Array.of(0, 1), tasks, assignment: Int32Array.of(3, 99) }, new Int32Array(2));
    expect(Array.from(out)).toEqual([3, 4]);
  });

  it('never gives one task to two robots', () => {
    const allocator = new GreedyTaskAllocator(graph);
    const tasks = [task(1, [2, 0])];
    const out = allocator.assign({ timestep: 0, positions: Int32Array.of(1, 3), tasks, assignment: Int32Array.of(-1, -1) }, new Int32Array(2));
    expect(Array.from(out).filter((id) => id === 1)).toHaveLength(1);
  });

  it('leaves robots free when the budget runs out, to be served in a later step', () => {
    const allocator = new GreedyTaskAllocator(graph);
    const tasks = [task(1, [2, 0]), task(2, [3, 0])];
    let calls = 0;
    const out = allocator.assign({ timestep: 0, positions: Int32Array.of(0, 5), tasks, assignment: Int32Array.of(-1, -1) }, new Int32Array(2), () => calls++ < 1);
    expect(Array.from(out)).toEqual([1, -1]);
    expect(allocator.deferredLastCall).toBe(1);
  });

  it('with a length weight, takes a short task a little farther off over a long one next to it', () => {
    const open = parseMiniMap(['..........', '..........']);
    const g = createGridGraph(open.width, open.height, open.passable);
    // Robot at (0,0). Task 1 starts next to it and runs to the far end (9 cells); task 2 starts
    // two cells off and ends one cell on.
    const tasks = [task(1, [1, 19]), task(2, [2, 3])];
    const input = { timestep: 0, positions: Int32Array.of(0), tasks, assignment: Int32Array.of(-1) };
    expect(Array.from(new GreedyTaskAllocator(g).assign(input, new Int32Array(1)))).toEqual([1]);
    // Costs with weight 0.5: task 1 is 1 + 0.5 x 9 = 5.5, task 2 is 2 + 0.5 x 1 = 2.5.
    expect(Array.from(new GreedyTaskAllocator(g, { lengthWeight: 0.5 }).assign(input, new Int32Array(1)))).toEqual([2]);
  });
});
