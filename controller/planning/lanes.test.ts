import { describe, expect, it } from 'vitest';
import { DistanceMaps } from './distance-maps.ts';
import { createGridGraph } from './grid-graph.ts';
import { laneMoveCosts } from './lanes.ts';
import { parseMiniMap } from './test-support/mini-lorr-world.ts';

const EAST = 0;
const SOUTH = 1;
const WEST = 2;
const NORTH = 3;

// Shelf blocks three wide with one-cell aisles between them (columns 5 and 9), as on the LoRR
// warehouse maps, where the aisles repeat every fourth column.
const warehouse = parseMiniMap(['...............', '..@@@.@@@.@@@..', '..@@@.@@@.@@@..', '...............']);
const graph = createGridGraph(warehouse.width, warehouse.height, warehouse.passable);
const at = (col: number, row: number) => graph.compactOf[row * warehouse.width + col]!;

describe('laneMoveCosts', () => {
  const costs = laneMoveCosts(graph, { penalty: 3 });
  const cost = (col: number, row: number, dir: number) => costs[at(col, row) * 4 + dir];

  it('alternates rows: east on even rows, west on odd ones; a move against costs the penalty', () => {
    expect([cost(5, 0, EAST), cost(5, 0, WEST)]).toEqual([0, 3]);
    expect([cost(5, 3, EAST), cost(5, 3, WEST)]).toEqual([3, 0]);
  });

  it('alternates the aisles between shelf blocks among themselves, though they are all on odd columns', () => {
    expect([cost(5, 1, SOUTH), cost(5, 1, NORTH)]).toEqual([0, 3]);
    expect([cost(9, 1, SOUTH), cost(9, 1, NORTH)]).toEqual([3, 0]);
    // Open columns alternate by their index.
    expect([cost(0, 0, SOUTH), cost(1, 0, SOUTH)]).toEqual([0, 3]);
  });

  it('refuses a penalty a distance map cannot hold per move', () => {
    expect(() => laneMoveCosts(graph, { penalty: 255 })).toThrow(/0\.\.254/);
  });
});

describe('DistanceMaps with move costs', () => {
  it('gives plain grid distances when no move costs extra', () => {
    const plain = new DistanceMaps(graph);
    const free = new DistanceMaps(graph, { moveCost: new Uint8Array(graph.freeCount * 4) });
    for (const goal of [0, 20, 59]) {
      plain.ensure(goal);
      free.ensure(goal);
      expect(Array.from(free.map(free.slotOf(goal)))).toEqual(Array.from(plain.map(plain.slotOf(goal))));
    }
  });

  it('makes the way against the lanes dearer, so the cheapest way round follows them', () => {
    const maps = new DistanceMaps(graph, { moveCost: laneMoveCosts(graph, { penalty: 3 }) });
    const goal = 3 * warehouse.width; // bottom-left corner
    const top = 5; // top row, above the first aisle
    maps.ensure(goal);
    // West along row 0 costs 3 extra a move; the aisle at column 5 runs south and row 3 runs
    // west, so down the aisle and along the bottom row is 3 + 5 = 8 moves and no extra.
    expect(maps.distance(goal, top)).toBe(8);
    // Back the other way every shortest route goes against a lane: dearer than its 8 moves.
    maps.ensure(top);
    expect(maps.distance(top, goal)).toBeGreaterThan(8);
  });
});
