import { describe, expect, it } from 'vitest';
import { DistanceMaps } from './distance-maps.ts';
import { createGridGraph } from './grid-graph.ts';
import type { GridGraph } from './grid-graph.ts';
import { Pibt } from './pibt.ts';
import { parseMiniMap, randomProblem, testRandom } from './test-support/mini-lorr-world.ts';

/** Independent check of one PIBT step: adjacency, free cells, vertex and swap conflicts. */
function conflictsOf(graph: GridGraph, from: Int32Array, to: Int32Array): string[] {
  const problems: string[] = [];
  const seen = new Map<number, number>();
  const was = new Map<number, number>();
  from.forEach((cell, a) => was.set(cell, a));
  for (let a = 0; a < from.length; a++) {
    const f = from[a]!;
    const t = to[a]!;
    const dr = Math.abs(Math.floor(f / graph.width) - Math.floor(t / graph.width));
    const dc = Math.abs((f % graph.width) - (t % graph.width));
    if (dr + dc > 1) problems.push(`agent ${a} jumps`);
    if (graph.passable[t] !== 1) problems.push(`agent ${a} into obstacle`);
    if (seen.has(t)) problems.push(`vertex ${seen.get(t)}/${a}`);
    seen.set(t, a);
    const other = was.get(t);
    if (other !== undefined && other !== a && to[other] === f) problems.push(`swap ${a}/${other}`);
  }
  return problems;
}

function uniformInput(n: number, positions: Int32Array, goals: Int32Array, priorities: Float64Array, timestep: number) {
  return { positions, orientations: new Uint8Array(n), goals, distanceSlots: new Int32Array(n).fill(-1), priorities, timestep };
}

describe('Pibt', () => {
  it('plans steps free of vertex and swap conflicts on random crowded maps', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const problem = randomProblem(seed, 24, 18, 150 + seed * 10, 0.2, 0);
      const graph = createGridGraph(problem.map.width, problem.map.height, problem.map.passable);
      const maps = new DistanceMaps(graph);
      const n = problem.teamSize;
      const pibt = new Pibt(graph, maps, n);
      const rand = testRandom(seed * 31);
      const positions = Int32Array.from(problem.starts);
      const goals = new Int32Array(n);
      const priorities = new Float64Array(n);
      for (let t = 0; t < 40; t++) {
        maps.beginPeriod();
        const input = uniformInput(n, positions, goals, priorities, t);
        for (let a = 0; a < n; a++) {
          if (t % 10 === 0) goals[a] = graph.freeCells[rand(graph.freeCount)]!;
          priorities[a] = rand(1000);
          input.distanceSlots[a] = a % 2 === 0 ? maps.ensure(goals[a]!) : -1;
        }
        const next = pibt.plan(input);
        expect(conflictsOf(graph, positions, next)).toEqual([]);
        positions.set(next);
      }
    }
  });

  it('lets the highest-priority agent reach its goal through a crowd on a biconnected map', () => {
    const map = parseMiniMap(['.......', '.@.@.@.', '.......', '.@.@.@.', '.......']);
    const graph = createGridGraph(map.width, map.height, map.passable);
    const maps = new DistanceMaps(graph);
    const free = Array.from(graph.freeCells);
    const n = free.length - 2;
    const positions = Int32Array.from(free.slice(0, n));
    const goals = Int32Array.from(positions);
    goals[0] = free[free.length - 1]!; // far corner
    const priorities = new Float64Array(n);
    priorities[0] = 10;
    const pibt = new Pibt(graph, maps, n, { swap: false });
    let reachedAt = -1;
    for (let t = 0; t < 60 && reachedAt < 0; t++) {
      maps.beginPeriod();
      const input = uniformInput(n, positions, goals, priorities, t);
      input.distanceSlots[0] = maps.ensure(goals[0]!);
      const next = pibt.plan(input);
      expect(conflictsOf(graph, positions, next)).toEqual([]);
      positions.set(next);
      if (positions[0] === goals[0]) reachedAt = t;
    }
    expect(reachedAt).toBeGreaterThanOrEqual(0);
  });

  it('passes in a corridor with the swap manoeuvre where plain PIBT cannot', () => {
    // One-cell-wide corridor with a side pocket at its middle; the two agents must pass.
    const map = parseMiniMap(['.......', '@@@.@@@']);
    const graph = createGridGraph(map.width, map.height, map.passable);
    const run = (swap: boolean) => {
      const maps = new DistanceMaps(graph);
      const pibt = new Pibt(graph, maps, 2, { swap });
      const positions = Int32Array.of(1, 5);
      const goals = Int32Array.of(6, 0);
      const priorities = Float64Array.of(2, 1);
      for (let t = 0; t < 30; t++) {
        maps.beginPeriod();
        const input = uniformInput(2, positions, goals, priorities, t);
        input.distanceSlots[0] = maps.ensure(6);
        input.distanceSlots[1] = maps.ensure(0);
        const next = pibt.plan(input);
        expect(conflictsOf(graph, positions, next)).toEqual([]);
        positions.set(next);
      }
      return Array.from(positions);
    };
    expect(run(true)).toEqual([6, 0]);
    expect(run(false)).not.toEqual([6, 0]);
  });

  it('gives the same plan for the same input', () => {
    const problem = randomProblem(5, 20, 20, 200, 0.1, 0);
    const graph = createGridGraph(problem.map.width, problem.map.height, problem.map.passable);
    const run = () => {
      const maps = new DistanceMaps(graph);
      const pibt = new Pibt(graph, maps, problem.teamSize);
      const goals = Int32Array.from(problem.starts).reverse();
      const input = uniformInput(problem.teamSize, Int32Array.from(problem.starts), goals, new Float64Array(problem.teamSize), 3);
      return Array.from(pibt.plan(input));
    };
    expect(run()).toEqual(run());
  });
});
