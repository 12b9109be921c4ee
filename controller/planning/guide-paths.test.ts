import { describe, expect, it } from 'vitest';
import { DistanceMaps } from './distance-maps.ts';
import { createGridGraph } from './grid-graph.ts';
import { GuidePaths } from './guide-paths.ts';
import { NO_HEADING, Pibt } from './pibt.ts';
import { parseMiniMap } from './test-support/mini-lorr-world.ts';

// Two corridors of equal length (rows 0 and 2) between the open columns 0 and 8.
const loop = parseMiniMap(['.........', '.@@@@@@@.', '.........']);
const graph = createGridGraph(loop.width, loop.height, loop.passable);
const cell = (col: number, row: number) => row * loop.width + col;
const maps = new DistanceMaps(graph);
const mapTo = (goal: number) => maps.map(maps.ensure(goal));
const rowsOf = (path: Int32Array) => new Set(Array.from(path, (c) => Math.floor(c / loop.width)).filter((r) => r !== 1));

/** The path runs from start to goal through neighbouring cells. */
function expectConnected(path: Int32Array, start: number, goal: number): void {
  expect(path[0]).toBe(start);
  expect(path[path.length - 1]).toBe(goal);
  for (let i = 1; i < path.length; i++) {
    const [a, b] = [path[i - 1]!, path[i]!];
    expect(Math.abs(Math.floor(a / loop.width) - Math.floor(b / loop.width)) + Math.abs((a % loop.width) - (b % loop.width))).toBe(1);
  }
}

describe('GuidePaths', () => {
  it('gives a lone robot a shortest path', () => {
    const guides = new GuidePaths(graph, 1);
    const [start, goal] = [cell(0, 1), cell(8, 1)];
    guides.plan(0, start, goal, mapTo(goal));
    const path = guides.pathOf(0)!;
    expectConnected(path, start, goal);
    expect(path.length - 1).toBe(maps.distance(goal, start));
    expect(guides.stats.searches).toBe(1);
    expect(guides.stats.expanded).toBeGreaterThanOrEqual(path.length - 1);
  });

  it('sends a robot going the other way down the other corridor (contraflow)', () => {
    const guides = new GuidePaths(graph, 2);
    guides.plan(0, cell(0, 1), cell(8, 1), mapTo(cell(8, 1)));
    guides.plan(1, cell(8, 1), cell(0, 1), mapTo(cell(0, 1)));
    const [first, second] = [rowsOf(guides.pathOf(0)!), rowsOf(guides.pathOf(1)!)];
    expect(first.size).toBe(1);
    expect(second.size).toBe(1);
    expect([...first][0]).not.toBe([...second][0]);
  });

  it('spreads robots going the same way over both corridors (vertex flow)', () => {
    const guides = new GuidePaths(graph, 3);
    for (let a = 0; a < 3; a++) guides.plan(a, cell(0, 1), cell(8, 1), mapTo(cell(8, 1)));
    const used = new Set([0, 1, 2].flatMap((a) => [...rowsOf(guides.pathOf(a)!)]));
    expect([...used].sort()).toEqual([0, 2]);
  });

  it('takes a dropped path out of the flow: the next robot plans as if it never was', () => {
    const alone = new GuidePaths(graph, 2);
    alone.plan(1, cell(8, 1), cell(0, 1), mapTo(cell(0, 1)));
    const guides = new GuidePaths(graph, 2);
    guides.plan(0, cell(0, 1), cell(8, 1), mapTo(cell(8, 1)));
    guides.drop(0);
    guides.plan(1, cell(8, 1), cell(0, 1), mapTo(cell(0, 1)));
    expect(Array.from(guides.pathOf(1)!)).toEqual(Array.from(alone.pathOf(1)!));
    expect(guides.goal(0)).toBe(-1);
    expect(guides.guided(0)).toBe(false);
  });

  it('leaves a robot without a path when its goal cannot be reached', () => {
    const split = parseMiniMap(['..@..', '..@..']);
    const g = createGridGraph(split.width, split.height, split.passable);
    const guides = new GuidePaths(g, 1);
    expect(guides.plan(0, 0, 4, null)).toBe(false);
    expect(guides.pathOf(0)).toBeNull();
    expect(guides.guided(0)).toBe(false);
    expect(guides.plan(0, 0, 6, null)).toBe(true);
  });

  it('ranks cells by the moves left along the path, and lets go of a robot two cells off it', () => {
    const open = parseMiniMap(['.......', '.......', '.......']);
    const g = createGridGraph(open.width, open.height, open.passable);
    const m = new DistanceMaps(g);
    const at = (col: number, row: number) => row * open.width + col;
    const guides = new GuidePaths(g, 1);
    const goal = at(6, 1);
    guides.plan(0, at(0, 1), goal, m.map(m.ensure(goal)));
    expect(Array.from(guides.pathOf(0)!)).toEqual([0, 1, 2, 3, 4, 5, 6].map((c) => at(c, 1)));
    guides.follow(0, at(2, 1));
    expect(guides.guided(0)).toBe(true);
    expect(guides.distance(0, at(3, 1))).toBe(3);
    expect(guides.distance(0, at(2, 1))).toBe(4);
    expect(guides.distance(0, at(2, 0))).toBe(5);
    // Pushed one cell aside: still guided, back onto the path ranks best.
    guides.follow(0, at(2, 0));
    expect(guides.guided(0)).toBe(true);
    expect(guides.distance(0, at(3, 0))).toBe(4);
    expect(guides.distance(0, at(1, 0))).toBe(6);
    // Two moves off its path: still guided; three: no longer.
    const far = parseMiniMap(['.......', '.......', '.......', '.......', '.......']);
    const g5 = createGridGraph(far.width, far.height, far.passable);
    const m5 = new DistanceMaps(g5);
    const guides5 = new GuidePaths(g5, 1);
    guides5.plan(0, at(0, 1), at(6, 1), m5.map(m5.ensure(at(6, 1))));
    guides5.follow(0, at(0, 3));
    expect(guides5.guided(0)).toBe(true);
    // From (1, 3): two moves up to (1, 1), five moves left from there.
    expect(guides5.distance(0, at(1, 3))).toBe(7);
    guides5.follow(0, at(0, 4));
    expect(guides5.guided(0)).toBe(false);
  });

  it('adopts a path planned elsewhere from the robot\'s cell on, and only a sound one', () => {
    const guides = new GuidePaths(graph, 2);
    const [goal, other] = [cell(8, 0), cell(8, 2)];
    guides.plan(0, cell(0, 1), other, mapTo(other));
    const top = Int32Array.from([cell(0, 1), ...[0, 1, 2, 3, 4, 5, 6, 7, 8].map((col) => cell(col, 0))]);
    // Not leading to the goal, not passing the robot's cell early, or not made of moves: refused, old path kept.
    const kept = Array.from(guides.pathOf(0)!);
    expect(guides.adopt(0, cell(0, 1), other, top)).toBe(false);
    expect(guides.adopt(0, cell(5, 0), goal, top)).toBe(false);
    expect(guides.adopt(0, cell(0, 1), goal, Int32Array.of(cell(0, 1), cell(2, 0), cell(8, 0)))).toBe(false);
    expect(Array.from(guides.pathOf(0)!)).toEqual(kept);
    // The robot moved one cell since the path was planned: kept from its cell on.
    expect(guides.adopt(0, cell(0, 0), goal, top)).toBe(true);
    expect(Array.from(guides.pathOf(0)!)).toEqual(Array.from(top.slice(1)));
    expect(guides.goal(0)).toBe(goal);
    expect(guides.guided(0)).toBe(true);
    // Its flow replaced the old path's: a robot going back along the top row now takes the bottom one.
    guides.plan(1, cell(8, 1), cell(0, 1), mapTo(cell(0, 1)));
    expect([...rowsOf(guides.pathOf(1)!)]).toEqual([2]);
  });

  it('steers PIBT: a guided robot takes whichever corridor its guide ranks first, whatever its map says', () => {
    const [start, goal] = [cell(0, 1), cell(8, 1)];
    const pibt = new Pibt(graph, maps, 1);
    for (const corridor of [0, 2]) {
      const guide = { guided: () => true, distance: (_: number, c: number) => (Math.floor(c / loop.width) === corridor ? 0 : 10) };
      const next = pibt.plan({
        positions: Int32Array.of(start),
        orientations: Uint8Array.of(NO_HEADING),
        goals: Int32Array.of(goal),
        distanceSlots: Int32Array.of(maps.ensure(goal)),
        priorities: Float64Array.of(1),
        timestep: 0,
        guide,
      });
      expect(next[0]).toBe(cell(0, corridor));
    }
  });
});
