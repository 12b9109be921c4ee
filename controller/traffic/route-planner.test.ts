import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../protocol/random.ts';
import type { GridMap } from '../grid/grid-map.ts';
import { gridFromRows, isContiguous, turnsOf } from '../test-support/ascii-grid.ts';
import { defaultRouteCosts, planRoute, type RouteCosts } from './route-planner.ts';

const open5x5 = gridFromRows(['.....', '.....', '.....', '.....', '.....']);
const at = (grid: GridMap, x: number, y: number) => grid.index(x, y);

/** What the robot pays to drive a route under `costs` (steps, axis changes, penalties). */
function routeCost(grid: GridMap, route: readonly number[], costs: RouteCosts, penalised: (c: number) => boolean = () => false): number {
  let cost = (route.length - 1) * costs.stepCost + turnsOf(grid, route) * costs.turnCost;
  for (const cell of route.slice(1)) if (penalised(cell)) cost += costs.softPenalty;
  return cost;
}

/** Reference: plain Dijkstra over (cell, axis) without heuristic or heap, for small grids. */
function cheapestCost(grid: GridMap, from: number, to: number, costs: RouteCosts, forbidden: (c: number) => boolean, penalised: (c: number) => boolean): number {
  if (from === to) return 0;
  const dist = new Map<string, number>([[`${from}:0`, 0]]);
  const done = new Set<string>();
  for (;;) {
    let bestKey: string | undefined;
    let best = Infinity;
    for (const [key, d] of dist) if (!done.has(key) && d < best) [bestKey, best] = [key, d];
    if (bestKey === undefined) return Infinity;
    done.add(bestKey);
    const [cell, axis] = bestKey.split(':').map(Number) as [number, number];
    if (cell === to) return best;
    for (const next of grid.neighbours(cell)) {
      if (forbidden(next)) continue;
      const nextAxis = grid.cellOf(next).y === grid.cellOf(cell).y ? 1 : 2;
      const cost = best + costs.stepCost + (axis !== 0 && axis !== nextAxis ? costs.turnCost : 0) + (penalised(next) ? costs.softPenalty : 0);
      const key = `${next}:${nextAxis}`;
      if (cost < (dist.get(key) ?? Infinity)) dist.set(key, cost);
    }
  }
}

describe('planRoute', () => {
  it('on an open grid takes a shortest route with a single turn', () => {
    const route = planRoute(open5x5, { from: at(open5x5, 0, 0), to: at(open5x5, 3, 2) })!;
    expect(route[0]).toBe(at(open5x5, 0, 0));
    expect(route.at(-1)).toBe(at(open5x5, 3, 2));
    expect(route).toHaveLength(3 + 2 + 1);
    expect(isContiguous(open5x5, route)).toBe(true);
    expect(turnsOf(open5x5, route)).toBe(1);
  });

  it('returns just the start cell when start and goal are the same', () => {
    expect(planRoute(open5x5, { from: 7, to: 7 })).toEqual([7]);
  });

  it('drives straight along a row when the goal is on the same row', () => {
    const route = planRoute(open5x5, { from: at(open5x5, 0, 2), to: at(open5x5, 4, 2) });
    expect(route).toEqual([0, 1, 2, 3, 4].map((x) => at(open5x5, x, 2)));
  });

  it('goes around blocked cells and never enters one', () => {
    const grid = gridFromRows([
      '.....', //
      '.###.',
      '.....',
    ]);
    const route = planRoute(grid, { from: at(grid, 2, 0), to: at(grid, 2, 2) })!;
    expect(route).toBeDefined();
    expect(isContiguous(grid, route)).toBe(true);
    expect(route.every((c) => grid.drivable(c))).toBe(true);
    expect(route).toHaveLength(7); // 2 across, 2 down, 2 back
  });

  it('prefers a route with fewer turns over an equally short staircase', () => {
    // Any monotone route from (0,0) to (4,4) is 8 steps; the turn cost makes it an L.
    const route = planRoute(open5x5, { from: at(open5x5, 0, 0), to: at(open5x5, 4, 4) })!;
    expect(route).toHaveLength(9);
    expect(turnsOf(open5x5, route)).toBe(1);
  });

  it('takes a longer route with fewer turns over a shorter twisting one when turns are dear', () => {
    // Twisting through the left side: 7 steps, 4 turns (19). Down the right side: 9 steps, 2 turns (15).
    const grid = gridFromRows([
      '....', //
      '#.#.',
      '..#.',
      '.##.',
      '....',
    ]);
    const from = at(grid, 0, 0);
    const to = at(grid, 1, 4);
    const dear: RouteCosts = { stepCost: 1, turnCost: 3, softPenalty: 6 };
    const straight = planRoute(grid, { from, to, costs: dear })!;
    expect(straight).toHaveLength(10);
    expect(turnsOf(grid, straight)).toBe(2);
    expect(straight).toContain(at(grid, 3, 2));
    const free: RouteCosts = { stepCost: 1, turnCost: 0, softPenalty: 6 };
    const twisting = planRoute(grid, { from, to, costs: free })!;
    expect(twisting).toHaveLength(8);
    expect(twisting).toContain(at(grid, 0, 2));
  });

  it('never enters a forbidden cell', () => {
    const forbidden = new Set([at(open5x5, 1, 0), at(open5x5, 1, 1), at(open5x5, 1, 2), at(open5x5, 1, 3)]);
    const route = planRoute(open5x5, { from: at(open5x5, 0, 0), to: at(open5x5, 2, 0), forbidden: (c) => forbidden.has(c) })!;
    expect(route.some((c) => forbidden.has(c))).toBe(false);
    expect(route).toContain(at(open5x5, 1, 4));
  });

  it('returns undefined when the goal is forbidden', () => {
    const to = at(open5x5, 2, 2);
    expect(planRoute(open5x5, { from: 0, to, forbidden: (c) => c === to })).toBeUndefined();
  });

  it('returns undefined when the goal is blocked', () => {
    const grid = gridFromRows(['...', '.#.', '...']);
    expect(planRoute(grid, { from: 0, to: at(grid, 1, 1) })).toBeUndefined();
  });

  it('returns undefined when a wall cuts the goal off', () => {
    const grid = gridFromRows([
      '..#..',
      '..#..',
      '..#..',
    ]);
    expect(planRoute(grid, { from: at(grid, 0, 0), to: at(grid, 4, 2) })).toBeUndefined();
  });

  it('returns undefined when forbidden cells enclose the start', () => {
    const start = at(open5x5, 2, 2);
    const ring = new Set(open5x5.neighbours(start));
    expect(planRoute(open5x5, { from: start, to: 0, forbidden: (c) => ring.has(c) })).toBeUndefined();
  });

  it('avoids a penalised cell when an equally short way around exists', () => {
    const from = at(open5x5, 0, 0);
    const to = at(open5x5, 3, 3);
    const parked = at(open5x5, 2, 0);
    const plain = planRoute(open5x5, { from, to })!;
    expect(plain).toContain(parked); // without the penalty the x-first L passes the parked robot
    const route = planRoute(open5x5, { from, to, penalised: (c) => c === parked })!;
    expect(route).not.toContain(parked);
    expect(route).toHaveLength(7);
  });

  it('drives through a penalised cell when going around costs more than the penalty', () => {
    // Going around one cell of a straight run costs 2 steps and 4 turns (14) > penalty (6).
    const from = at(open5x5, 0, 2);
    const to = at(open5x5, 4, 2);
    const parked = at(open5x5, 2, 2);
    const route = planRoute(open5x5, { from, to, penalised: (c) => c === parked })!;
    expect(route).toContain(parked);
    expect(route).toHaveLength(5);
  });

  it('gives the same route for the same query every time', () => {
    const grid = gridFromRows(['......', '.#..#.', '......', '..#...']);
    const query = { from: at(grid, 0, 0), to: at(grid, 5, 3), penalised: (c: number) => c === at(grid, 3, 2) };
    const first = planRoute(grid, query);
    const again = planRoute(gridFromRows(['......', '.#..#.', '......', '..#...']), query);
    expect(again).toEqual(first);
    expect(planRoute(grid, query)).toEqual(first);
  });

  it('on random grids finds a legal route exactly when one exists, at the cheapest cost', () => {
    const random = new SeededRandom('route-planner-property');
    for (let round = 0; round < 150; round++) {
      const width = random.int(2, 7);
      const height = random.int(2, 6);
      const rows = Array.from({ length: height }, () => Array.from({ length: width }, () => (random.next() < 0.2 ? '#' : '.')).join(''));
      const grid = gridFromRows(rows);
      const drivable = [...Array(grid.cellCount).keys()].filter((c) => grid.drivable(c));
      if (drivable.length < 2) continue;
      const from = random.pick(drivable);
      const to = random.pick(drivable);
      const forbiddenSet = new Set(drivable.filter((c) => c !== from && random.next() < 0.1));
      const penalisedSet = new Set(drivable.filter(() => random.next() < 0.2));
      const forbidden = (c: number) => forbiddenSet.has(c);
      const penalised = (c: number) => penalisedSet.has(c);
      const costs = random.next() < 0.5 ? defaultRouteCosts : { stepCost: 1, turnCost: random.int(0, 5), softPenalty: random.int(0, 10) };
      const route = planRoute(grid, { from, to, forbidden, penalised, costs });
      const best = cheapestCost(grid, from, to, costs, forbidden, penalised);
      const context = `round ${round}: ${rows.join('/')} from ${from} to ${to}`;
      if (best === Infinity) {
        expect(route, context).toBeUndefined();
        continue;
      }
      expect(route, context).toBeDefined();
      expect(route![0], context).toBe(from);
      expect(route!.at(-1), context).toBe(to);
      expect(isContiguous(grid, route!), context).toBe(true);
      expect(route!.every((c) => grid.drivable(c) && !forbidden(c)), context).toBe(true);
      expect(routeCost(grid, route!, costs, penalised), context).toBe(best);
    }
  });
});
