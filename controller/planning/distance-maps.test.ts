import { describe, expect, it } from 'vitest';
import { DistanceMaps } from './distance-maps.ts';
import { copyGraphMoves, createGridGraph, setCellClosed } from './grid-graph.ts';
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

  it('counts moves the right way round on one-way moves', () => {
    const line = parseMiniMap(['....']);
    // 1 -> 2 forbidden: from 1 the goal 3 cannot be reached; from 3, goal 0 still can.
    const g = createGridGraph(4, 1, line.passable, { forbiddenMoves: [[1, 2]] });
    const maps = new DistanceMaps(g);
    maps.ensure(3);
    expect(maps.distance(3, 2)).toBe(1);
    expect(maps.distance(3, 1)).toBe(maps.unreachable);
    expect(maps.distance(3, 0)).toBe(maps.unreachable);
    maps.ensure(0);
    expect(maps.distance(0, 3)).toBe(3);
  });

  it('adds a through cost to paths through the cell, not to paths ending there', () => {
    // Goal top left; the bottom middle cell costs 10 to pass, so the way round the top wins.
    const open = parseMiniMap(['...', '...']);
    const bottomMiddle = 4;
    const g = createGridGraph(3, 2, open.passable, { throughCost: new Map([[bottomMiddle, 10]]) });
    const maps = new DistanceMaps(g);
    maps.ensure(0);
    expect(maps.distance(0, 5)).toBe(3); // 5 -> 2 -> 1 -> 0, not through 4
    expect(maps.distance(0, bottomMiddle)).toBe(2 + 10);
    expect(maps.distance(0, 3)).toBe(1);
    maps.ensure(bottomMiddle);
    expect(maps.distance(bottomMiddle, 3)).toBe(1);
    expect(maps.distance(bottomMiddle, bottomMiddle)).toBe(0);
  });
});

describe('DistanceMaps.clear', () => {
  it('forgets every map, so distances are searched again over the changed graph', () => {
    const line = parseMiniMap(['.....']);
    const g = createGridGraph(5, 1, line.passable);
    const original = copyGraphMoves(g);
    const maps = new DistanceMaps(g);
    maps.ensure(0);
    expect(maps.distance(0, 4)).toBe(4);
    const closed = new Uint8Array(g.cellCount);
    closed[2] = 1;
    setCellClosed(g, original, closed, 2);
    expect(maps.distance(0, 4)).toBe(4); // the stale map, until cleared
    maps.clear();
    expect(maps.has(0)).toBe(false);
    maps.beginPeriod();
    maps.ensure(0);
    expect(maps.distance(0, 4)).toBe(maps.unreachable);
    expect(maps.distance(0, 1)).toBe(1);
  });
});
