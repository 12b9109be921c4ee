import { describe, expect, it } from 'vitest';
import { createGridGraph, directionBetween, manhattan } from './grid-graph.ts';
import { parseMiniMap } from './test-support/mini-lorr-world.ts';

describe('createGridGraph', () => {
  const map = parseMiniMap(['..@', '...']);
  const graph = createGridGraph(map.width, map.height, map.passable);

  it('lists neighbours by direction east, south, west, north, with -1 for walls and edges', () => {
    expect(Array.from(graph.neighbours.subarray(0, 4))).toEqual([1, 3, -1, -1]);
    expect(Array.from(graph.neighbours.subarray(1 * 4, 1 * 4 + 4))).toEqual([-1, 4, 0, -1]);
    expect(Array.from(graph.neighbours.subarray(4 * 4, 4 * 4 + 4))).toEqual([5, -1, 3, 1]);
  });

  it('gives obstacles no neighbours and no compact index', () => {
    expect(Array.from(graph.neighbours.subarray(2 * 4, 2 * 4 + 4))).toEqual([-1, -1, -1, -1]);
    expect(graph.compactOf[2]).toBe(-1);
    expect(graph.freeCount).toBe(5);
    expect(Array.from(graph.freeCells)).toEqual([0, 1, 3, 4, 5]);
  });

  it('rejects a bitmap of the wrong size', () => {
    expect(() => createGridGraph(3, 3, new Uint8Array(8))).toThrow(/expected 9/);
  });

  it('measures Manhattan distance and direction between neighbours', () => {
    expect(manhattan(graph, 0, 5)).toBe(3);
    expect(directionBetween(graph, 4, 1)).toBe(3);
    expect(directionBetween(graph, 0, 5)).toBe(-1);
  });
});
