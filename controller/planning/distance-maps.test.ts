import { describe, expect, it } from 'vitest';
import { DistanceMaps } from './distance-maps.ts';
import { createGridGraph } from './grid-graph.ts';
import { parseMiniMap } from './test-support/mini-lorr-world.ts';

const map = parseMiniMap(['.....', '.@@@.', '.....']);
const graph = createGridGraph(map.width, map.height, map.passable);

describe('DistanceMaps', () => {
  it('computes grid distances around obstacles and falls back to Manhattan before that', () => {
    const maps = new DistanceMaps(graph);
    const goal = 2; // top middle
    const below = 12; // bottom middle, Manhattan 2, around the wall 6
    expect(maps.distance(goal, below)).toBe(2);
    maps.beginPeriod();
    const slot = maps.ensure(goal);
    expect(slot).toBeGreaterThanOrEqual(0);
    expect(maps.distance(goal, below)).toBe(6);
    expect(maps.map(slot)[graph.compactOf[goal]!]).toBe(0);
  });

  it('marks cells that cannot reach the goal as unreachable', () => {
    const split = parseMiniMap(['.@.']);
    const g = createGridGraph(3, 1, split.passable);
    const maps = new DistanceMaps(g);
    maps.ensure(0);
    expect(maps.distance(0, 2)).toBe(maps.unreachable);
  });

  it('evicts the least recently used map but never one used in the current period', () => {
    const maps = new DistanceMaps(graph, { maxMaps: 2 });
    maps.beginPeriod();
    maps.ensure(0);
    maps.ensure(4);
    expect(maps.ensure(10)).toBe(-1);
    maps.beginPeriod();
    maps.slotOf(4);
    maps.beginPeriod();
    maps.slotOf(4);
    expect(maps.ensure(10)).toBeGreaterThanOrEqual(0);
    expect(maps.has(0)).toBe(false);
    expect(maps.has(4)).toBe(true);
    expect(maps.has(10)).toBe(true);
    expect(maps.computed).toBe(3);
  });
});
