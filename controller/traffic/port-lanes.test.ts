import { describe, expect, it } from 'vitest';
import { gridFromRows } from '../test-support/ascii-grid.ts';
import { directionBetween, createGridGraph } from '../planning/grid-graph.ts';
import { DistanceMaps } from '../planning/distance-maps.ts';
import { portLanes, portTrafficRules } from './port-lanes.ts';

function cellsOf(rows: readonly string[], char: string): number[] {
  const width = rows[0]!.length;
  const out: number[] = [];
  rows.forEach((row, y) => [...row].forEach((c, x) => c === char && out.push(y * width + x)));
  return out;
}

describe('portLanes', () => {
  it('runs a lane along the edge a port is on: in from the west, out to the east on a top or bottom edge', () => {
    const rows = ['..P..', '.....', '.....'];
    const grid = gridFromRows(rows);
    expect(portLanes(grid, cellsOf(rows, 'P'))).toEqual([{ port: grid.index(2, 0), entry: grid.index(1, 0), exit: grid.index(3, 0), approach: grid.index(0, 0) }]);
  });

  it('runs north to south on a left or right edge', () => {
    const rows = ['...', 'P..', '...'];
    const grid = gridFromRows(rows);
    // No cell before the entry: the entry may be reached from any side.
    expect(portLanes(grid, cellsOf(rows, 'P'))).toEqual([{ port: grid.index(0, 1), entry: grid.index(0, 0), exit: grid.index(0, 2), approach: null }]);
  });

  it('gives no lane to a port in a corner, next to another port, or between blocked cells', () => {
    const rows = ['P...PP.', '.......', '#P#....'];
    const grid = gridFromRows(rows);
    // The corner port has no west cell; the two neighbours have each other; the bottom one has
    // blocked cells east and west and the grid's edge south.
    expect(portLanes(grid, cellsOf(rows, 'P'))).toEqual([]);
  });
});

describe('portTrafficRules', () => {
  const rows = ['.....', '..P..', '.....'];
  const grid = gridFromRows(rows);
  const port = grid.index(2, 1);
  const lanes = portLanes(grid, [port]);
  const passable = new Uint8Array(grid.cellCount).fill(1);
  const graph = createGridGraph(grid.width, grid.height, passable, portTrafficRules(grid, lanes, 6));

  it('lets robots into a port cell from its entry only and out to its exit only', () => {
    const { entry, exit } = lanes[0]!;
    expect(directionBetween(graph, entry, port)).toBeGreaterThanOrEqual(0);
    expect(directionBetween(graph, port, exit)).toBeGreaterThanOrEqual(0);
    for (const other of [grid.index(2, 0), grid.index(2, 2), exit]) expect(directionBetween(graph, other, port)).toBe(-1);
    for (const other of [grid.index(2, 0), grid.index(2, 2), entry]) expect(directionBetween(graph, port, other)).toBe(-1);
  });

  it('lets robots onto the entry only along the lane, from the cell before it', () => {
    const { entry, approach } = lanes[0]!;
    expect(approach).toBe(grid.index(0, 1));
    expect(directionBetween(graph, approach!, entry)).toBeGreaterThanOrEqual(0);
    for (const side of [grid.index(1, 0), grid.index(1, 2)]) {
      expect(directionBetween(graph, side, entry)).toBe(-1);
      expect(directionBetween(graph, entry, side)).toBeGreaterThanOrEqual(0);
    }
  });

  it('sends paths that only pass by around the port cell', () => {
    const maps = new DistanceMaps(graph);
    const east = grid.index(4, 1);
    maps.ensure(east);
    // From the west end: through the port would be 4 moves, around it 6 (under the cost of 6).
    expect(maps.distance(east, grid.index(0, 1))).toBe(6);
    // A robot standing on the port cell still has its way out, through the exit.
    expect(maps.distance(east, port)).toBe(2 + 6);
    maps.ensure(port);
    expect(maps.distance(port, grid.index(0, 1))).toBe(2);
    // From the far side: round to the cell before the entry, then along the lane.
    expect(maps.distance(port, grid.index(4, 1))).toBe(8);
  });
});
