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

  it('makes forbidden moves one-way: the move goes, the way back stays, predecessors follow', () => {
    const line = parseMiniMap(['...']);
    const oneWay = createGridGraph(3, 1, line.passable, { forbiddenMoves: [[1, 0]] });
    expect(directionBetween(oneWay, 1, 0)).toBe(-1);
    expect(directionBetween(oneWay, 0, 1)).toBe(0);
    // Into cell 0 nobody may come (from 1, west of it is the edge); into 1 still from 0.
    expect(Array.from(oneWay.compactPredecessors.subarray(0, 4))).toEqual([-1, -1, -1, -1]);
    expect(oneWay.compactPredecessors[1 * 4 + 2]).toBe(0);
    expect(graph.compactPredecessors).toBe(graph.compactNeighbours);
  });

  it('rejects a forbidden move between cells that are not neighbours, and a bad through cost', () => {
    const line = parseMiniMap(['...']);
    expect(() => createGridGraph(3, 1, line.passable, { forbiddenMoves: [[0, 2]] })).toThrow(/not a move between neighbouring free cells/);
    expect(() => createGridGraph(3, 1, line.passable, { throughCost: new Map([[1, -1]]) })).toThrow(/integer 0..65535/);
    expect(() => createGridGraph(map.width, map.height, map.passable, { throughCost: new Map([[2, 3]]) })).toThrow(/not a free cell/);
  });
});
