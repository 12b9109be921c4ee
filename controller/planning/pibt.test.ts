import { describe, expect, it } from 'vitest';
import { DistanceMaps } from './distance-maps.ts';
import type { DistanceArray } from './distance-maps.ts';
import { createGridGraph } from './grid-graph.ts';
import type { GridGraph } from './grid-graph.ts';
import { NO_HEADING, Pibt } from './pibt.ts';
import type { PibtInput, PibtOptions } from './pibt.ts';
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

/** One agent's next cell on a map drawn with parseMiniMap rows. */
function stepOfOne(
  graph: GridGraph,
  options: PibtOptions,
  agent: { position: number; goal: number; orientation: number; timestep?: number; map?: DistanceArray | null; slot?: number; blocked?: Uint8Array },
): number {
  const pibt = new Pibt(graph, new DistanceMaps(graph), 1, options);
  const input: PibtInput = {
    positions: Int32Array.of(agent.position),
    orientations: Uint8Array.of(agent.orientation),
    goals: Int32Array.of(agent.goal),
    distanceSlots: Int32Array.of(agent.slot ?? -1),
    priorities: Float64Array.of(1),
    timestep: agent.timestep ?? 0,
    ...(agent.map !== undefined ? { agentMaps: [agent.map] } : {}),
    ...(agent.blocked !== undefined ? { blocked: agent.blocked } : {}),
  };
  return pibt.plan(input)[0]!;
}

function graphOf(rows: readonly string[]): GridGraph {
  const map = parseMiniMap(rows);
  return createGridGraph(map.width, map.height, map.passable);
}

describe('Pibt blocked cells', () => {
  it('an agent whose only way forward is blocked stays where it is', () => {
    const graph = graphOf(['.....']);
    const blocked = new Uint8Array(graph.cellCount);
    expect(stepOfOne(graph, {}, { position: 0, goal: 4, orientation: 0, blocked })).toBe(1); // control: free
    blocked[1] = 1;
    expect(stepOfOne(graph, {}, { position: 0, goal: 4, orientation: 0, blocked })).toBe(0);
  });

  it('an agent standing on a blocked cell stays there rather than move into another blocked cell', () => {
    const graph = graphOf(['...']);
    const blocked = Uint8Array.of(1, 1, 1);
    expect(stepOfOne(graph, {}, { position: 1, goal: 2, orientation: 0, blocked })).toBe(1);
  });

  it('a pushed agent does not escape into a blocked cell, so the pusher stays too', () => {
    const graph = graphOf(['....']);
    const maps = new DistanceMaps(graph);
    const pibt = new Pibt(graph, maps, 2);
    const input = (blocked: Uint8Array): PibtInput => ({
      ...uniformInput(2, Int32Array.of(0, 1), Int32Array.of(3, 1), Float64Array.of(2, 1), 0),
      blocked,
    });
    const free = new Uint8Array(graph.cellCount);
    expect(Array.from(pibt.plan(input(free)))).toEqual([1, 2]); // control: agent 1 makes way
    const blocked = free.slice();
    blocked[2] = 1;
    expect(Array.from(pibt.plan(input(blocked)))).toEqual([0, 1]);
  });

  it('never moves an agent into a blocked cell on random crowded maps', () => {
    let blockedNeighbourSeen = 0;
    for (let seed = 1; seed <= 8; seed++) {
      const problem = randomProblem(seed, 20, 16, 100, 0.15, 0);
      const graph = createGridGraph(problem.map.width, problem.map.height, problem.map.passable);
      const maps = new DistanceMaps(graph);
      const n = problem.teamSize;
      const pibt = new Pibt(graph, maps, n, { swap: seed % 2 === 0 });
      const rand = testRandom(seed * 17);
      const positions = Int32Array.from(problem.starts);
      const goals = new Int32Array(n);
      const priorities = new Float64Array(n);
      const blocked = new Uint8Array(graph.cellCount);
      for (let t = 0; t < 30; t++) {
        maps.beginPeriod();
        for (let cell = 0; cell < graph.cellCount; cell++) blocked[cell] = rand(100) < 15 ? 1 : 0;
        const input = { ...uniformInput(n, positions, goals, priorities, t), blocked };
        for (let a = 0; a < n; a++) {
          if (t % 10 === 0) goals[a] = graph.freeCells[rand(graph.freeCount)]!;
          priorities[a] = rand(1000);
          input.distanceSlots[a] = maps.ensure(goals[a]!);
          for (let dir = 0; dir < 4; dir++) {
            const nb = graph.neighbours[positions[a]! * 4 + dir]!;
            if (nb >= 0 && blocked[nb] === 1) blockedNeighbourSeen++;
          }
        }
        const next = pibt.plan(input);
        expect(conflictsOf(graph, positions, next)).toEqual([]);
        for (let a = 0; a < n; a++) if (next[a] !== positions[a]) expect(blocked[next[a]!], `seed ${seed} t ${t} agent ${a}`).toBe(0);
        positions.set(next);
      }
    }
    expect(blockedNeighbourSeen).toBeGreaterThan(1000);
  });
});

describe('Pibt planning only the first agents', () => {
  it('plans only the first `count` agents and ignores the rest entirely', () => {
    const graph = graphOf(['......', '......']);
    const maps = new DistanceMaps(graph);
    const pibt = new Pibt(graph, maps, 4);
    // Agents 2 and 3 share a cell: planning them would be an error, so they must be ignored.
    const input = uniformInput(4, Int32Array.of(0, 7, 3, 3), Int32Array.of(5, 11, 3, 3), Float64Array.of(1, 2, 3, 4), 0);
    expect(() => pibt.plan(input)).toThrow(/share cell/);
    const fresh = new Pibt(graph, maps, 4);
    fresh.next.fill(-7);
    const next = fresh.plan({ ...input, count: 2 });
    expect(Array.from(next.subarray(2))).toEqual([-7, -7]);
    expect(next[0]).toBe(1);
    expect(next[1]).toBe(8);
  });

  it('refuses to plan more agents than it was built for', () => {
    const graph = graphOf(['....']);
    const pibt = new Pibt(graph, new DistanceMaps(graph), 1);
    const input = uniformInput(2, Int32Array.of(0, 2), Int32Array.of(1, 3), new Float64Array(2), 0);
    expect(() => pibt.plan({ ...input, count: 2 })).toThrow(/at most 1/);
  });

  it('plans the first agents free of conflicts, around the others when their cells are blocked', () => {
    for (let seed = 1; seed <= 8; seed++) {
      const problem = randomProblem(seed, 22, 16, 140, 0.15, 0);
      const graph = createGridGraph(problem.map.width, problem.map.height, problem.map.passable);
      const maps = new DistanceMaps(graph);
      const n = problem.teamSize;
      const pibt = new Pibt(graph, maps, n);
      const rand = testRandom(seed * 7);
      const positions = Int32Array.from(problem.starts);
      const goals = new Int32Array(n);
      const priorities = new Float64Array(n);
      for (let t = 0; t < 30; t++) {
        maps.beginPeriod();
        // A different share of the agents each step; the rest stand still on blocked cells.
        const count = 1 + rand(n - 1);
        const blocked = new Uint8Array(graph.cellCount);
        for (let a = count; a < n; a++) blocked[positions[a]!] = 1;
        const input = { ...uniformInput(n, positions, goals, priorities, t), count, blocked };
        for (let a = 0; a < n; a++) {
          if (t % 10 === 0) goals[a] = graph.freeCells[rand(graph.freeCount)]!;
          priorities[a] = rand(1000);
          input.distanceSlots[a] = maps.ensure(goals[a]!);
        }
        pibt.next.fill(-7);
        const next = pibt.plan(input);
        for (let a = count; a < n; a++) expect(next[a]).toBe(-7);
        const planned = positions.subarray(0, count);
        expect(conflictsOf(graph, planned, next.subarray(0, count))).toEqual([]);
        const all = Int32Array.from(positions);
        all.set(next.subarray(0, count));
        expect(conflictsOf(graph, positions, all), `seed ${seed} t ${t}`).toEqual([]);
        positions.set(all);
      }
    }
  });
});

describe('Pibt per-agent distance maps', () => {
  // Row 2: the agent at (1,2) faces a pocket at (2,2) that Manhattan distance likes; the real
  // way to the goal at (4,2) goes west, up and round the wall.
  const rows = ['.....', '.@@@.', '...@.'];
  const agentCell = 11;
  const goalCell = 14;
  const pocketCell = 12;
  const westCell = 10;

  it('an agent map that routes around a wall changes the move chosen by Manhattan distance', () => {
    const graph = graphOf(rows);
    const maps = new DistanceMaps(graph);
    const detour = maps.map(maps.ensure(goalCell));
    const agent = { position: agentCell, goal: goalCell, orientation: NO_HEADING };
    expect(stepOfOne(graph, {}, agent)).toBe(pocketCell);
    expect(stepOfOne(graph, {}, { ...agent, map: detour })).toBe(westCell);
  });

  it('an agent map overrides the distance slot, and a null entry falls back to it', () => {
    const graph = graphOf(rows);
    // The agent's slot holds a map to the pocket; the detour map comes from elsewhere.
    const maps = new DistanceMaps(graph);
    const toPocket = maps.ensure(pocketCell);
    const pibt = new Pibt(graph, maps, 1);
    const detour = new DistanceMaps(graph);
    const aroundWall = detour.map(detour.ensure(goalCell));
    const input = (agentMaps: (DistanceArray | null)[]): PibtInput => ({
      positions: Int32Array.of(agentCell),
      orientations: Uint8Array.of(NO_HEADING),
      goals: Int32Array.of(goalCell),
      distanceSlots: Int32Array.of(toPocket),
      priorities: Float64Array.of(1),
      timestep: 0,
      agentMaps,
    });
    expect(pibt.plan(input([null]))[0]).toBe(pocketCell);
    expect(pibt.plan(input([aroundWall]))[0]).toBe(westCell);
  });
});

describe('Pibt axis turns', () => {
  // Open 5 × 5 map; the agent stands in the middle (2,2).
  const graph = graphOf(['.....', '.....', '.....', '.....', '.....']);
  const centre = 12;
  const east = 13;
  const south = 17;
  const west = 11;
  const southEastCorner = 24;
  const southWestCorner = 20;
  const choices = (options: PibtOptions, goal: number, orientation: number): Set<number> => {
    const seen = new Set<number>();
    for (let timestep = 0; timestep < 32; timestep++) seen.add(stepOfOne(graph, options, { position: centre, goal, orientation, timestep }));
    return seen;
  };

  it('keeps its axis when continuing and turning shorten the distance equally', () => {
    expect(choices({ turns: 'axis' }, southEastCorner, 0)).toEqual(new Set([east]));
    expect(choices({ turns: 'axis' }, southEastCorner, 1)).toEqual(new Set([south]));
  });

  it('does not penalise reversing against a side move that shortens equally', () => {
    expect(choices({ turns: 'axis' }, southWestCorner, 0)).toEqual(new Set([west]));
    // Control: robots that rotate in place pay for reversing and take the side move.
    expect(choices({ turns: 'rotation' }, southWestCorner, 0)).toEqual(new Set([south]));
  });

  it('an agent with no heading pays no turn cost, so ties are broken either way', () => {
    expect(choices({ turns: 'axis' }, southEastCorner, NO_HEADING)).toEqual(new Set([east, south]));
    expect(choices({ turns: 'rotation' }, southWestCorner, NO_HEADING)).toEqual(new Set([west, south]));
  });
});

/** Cycles of three or more agents, each moving into the next one's cell, in one plan. */
function rotationsIn(from: Int32Array, to: Int32Array): number {
  const agentAt = new Map<number, number>();
  from.forEach((cell, a) => agentAt.set(cell, a));
  const state = new Uint8Array(from.length); // 0 new, 1 on the path, 2 done
  let cycles = 0;
  for (let start = 0; start < from.length; start++) {
    const path: number[] = [];
    let a: number | undefined = start;
    while (a !== undefined && state[a] === 0 && to[a] !== from[a]) {
      state[a] = 1;
      path.push(a);
      a = agentAt.get(to[a]!);
    }
    if (a !== undefined && state[a] === 1 && path.length - path.indexOf(a) >= 3) cycles++;
    for (const b of path) state[b] = 2;
  }
  return cycles;
}

describe('Pibt without rotations', () => {
  // Four agents on a 2 x 2 loop, each with the next cell (clockwise) as its goal.
  const graph = createGridGraph(2, 2, new Uint8Array([1, 1, 1, 1]));
  const positions = Int32Array.from([0, 1, 3, 2]);
  const goals = Int32Array.from([1, 3, 2, 0]);
  const plan = (options: PibtOptions) => {
    const pibt = new Pibt(graph, new DistanceMaps(graph), 4, options);
    return Int32Array.from(pibt.plan(uniformInput(4, positions, goals, Float64Array.from([4, 3, 2, 1]), 0)));
  };

  it('rotates a full loop when rotations are allowed (the default)', () => {
    const next = plan({});
    expect(rotationsIn(positions, next)).toBe(1);
    expect([...next]).toEqual([...goals]);
  });

  it('never plans a rotation when they are off, on the loop or on random crowded maps', () => {
    expect(rotationsIn(positions, plan({ rotations: false }))).toBe(0);
    let moves = 0;
    for (let seed = 1; seed <= 8; seed++) {
      const problem = randomProblem(seed, 12, 10, 70, 0.15, 0);
      const g = createGridGraph(problem.map.width, problem.map.height, problem.map.passable);
      const n = problem.teamSize;
      const pibt = new Pibt(g, new DistanceMaps(g), n, { rotations: false });
      const rand = testRandom(seed * 7);
      const at = Int32Array.from(problem.starts);
      const goal = new Int32Array(n);
      const priorities = new Float64Array(n);
      for (let t = 0; t < 30; t++) {
        for (let a = 0; a < n; a++) {
          if (t % 6 === 0) goal[a] = g.freeCells[rand(g.freeCount)]!;
          priorities[a] = rand(1000);
        }
        const next = pibt.plan(uniformInput(n, at, goal, priorities, t));
        expect(conflictsOf(g, at, next)).toEqual([]);
        expect(rotationsIn(at, next)).toBe(0);
        for (let a = 0; a < n; a++) if (next[a] !== at[a]) moves++;
        at.set(next);
      }
    }
    expect(moves).toBeGreaterThan(500);
  });
});
