import { describe, expect, it } from 'vitest';
import { createTrafficFlow, isConnectedPath } from '../flow-search.ts';
import { createGridGraph } from '../grid-graph.ts';
import { parseMiniMap } from '../test-support/mini-lorr-world.ts';
import { startGuideWorker } from './guide-worker-helper.ts';

const map = parseMiniMap(['..........', '.@@@@@@@@.', '..........', '.@@@@@@@@.', '..........']);
const graph = createGridGraph(map.width, map.height, map.passable);
const cell = (col: number, row: number) => row * map.width + col;

/** Drains until `enough` says so or `waitMs` pass, yielding to let the worker run. */
async function drainUntil(helper: ReturnType<typeof startGuideWorker>, enough: (paths: Map<number, Int32Array>) => boolean, waitMs = 5000): Promise<Map<number, Int32Array>> {
  const paths = new Map<number, Int32Array>();
  const until = performance.now() + waitMs;
  while (!enough(paths) && performance.now() < until) {
    helper.drain((agent, path) => paths.set(agent, path));
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return paths;
}

describe('startGuideWorker', () => {
  it('plans the wanted paths on a worker thread against the shared flow, and stops when closed', async () => {
    const flow = createTrafficFlow(graph.cellCount);
    const helper = startGuideWorker({ graph, flow, agentCount: 3 });
    try {
      helper.want(0, cell(0, 0), cell(9, 4), true);
      helper.want(1, cell(9, 2), cell(0, 2), false);
      helper.idle(2);
      helper.publish();
      const paths = await drainUntil(helper, (p) => p.has(0) && p.has(1));
      expect([...paths.keys()].sort()).toEqual([0, 1]);
      for (const [agent, [start, goal]] of [[0, [cell(0, 0), cell(9, 4)]], [1, [cell(9, 2), cell(0, 2)]]] as const) {
        const path = paths.get(agent)!;
        expect(isConnectedPath(graph, path)).toBe(true);
        expect([path[0], path[path.length - 1]]).toEqual([start, goal]);
        // Shortest: no flow yet.
        expect(path.length - 1).toBe(agent === 0 ? 13 : 9);
      }
      // Once per publish: with nothing new published, nothing more comes back.
      const idle = await drainUntil(helper, () => false, 200);
      expect(idle.size).toBe(0);

      // Flow on the middle row from west to east: a robot going east to west plans around it.
      for (let col = 0; col < 9; col++) flow.moves[cell(col, 2) * 4 + 0] = 50;
      helper.want(0, cell(0, 0), cell(0, 0), false);
      helper.idle(1);
      helper.want(2, cell(9, 2), cell(0, 2), true);
      helper.publish();
      const rerouted = await drainUntil(helper, (p) => p.has(2));
      const rows = new Set(Array.from(rerouted.get(2)!, (c) => Math.floor(c / map.width)));
      expect(rows.has(0) || rows.has(4)).toBe(true);
    } finally {
      helper.close();
    }
    // Closed: nothing more comes back, even for new wants.
    helper.want(1, cell(0, 0), cell(9, 0), true);
    helper.publish();
    const after = await drainUntil(helper, () => false, 300);
    expect(after.size).toBe(0);
  });
});
