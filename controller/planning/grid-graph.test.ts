import { describe, expect, it } from 'vitest';
import { copyGraphMoves, createGridGraph, directionBetween, manhattan, setCellClosed } from './grid-graph.ts';
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

describe('setCellClosed', () => {
  it('closes a cell (no move into or out of it) and opens it again with its one-way rules intact', () => {
    const map = parseMiniMap(['...', '...']);
    // 0 -> 1 allowed, 1 -> 0 forbidden: a one-way move the reopening must keep.
    const graph = createGridGraph(map.width, map.height, map.passable, { forbiddenMoves: [[1, 0]] });
    const original = copyGraphMoves(graph);
    const closed = new Uint8Array(graph.cellCount);
    closed[1] = 1;
    setCellClosed(graph, original, closed, 1);
    expect(Array.from(graph.neighbours.subarray(1 * 4, 1 * 4 + 4))).toEqual([-1, -1, -1, -1]);
    expect(graph.neighbours[0 * 4 + 0]).toBe(-1); // 0 east to 1
    expect(graph.neighbours[2 * 4 + 2]).toBe(-1); // 2 west to 1
    expect(graph.neighbours[4 * 4 + 3]).toBe(-1); // 4 north to 1
    expect(graph.compactPredecessors[graph.compactOf[0]! * 4 + 0]).toBe(-1);
    expect(graph.compactOf[1]).toBeGreaterThanOrEqual(0);
    closed[1] = 0;
    setCellClosed(graph, original, closed, 1);
    expect(Array.from(graph.neighbours)).toEqual(Array.from(original.neighbours));
    expect(Array.from(graph.compactNeighbours)).toEqual(Array.from(original.compactNeighbours));
    expect(Array.from(graph.compactPredecessors)).toEqual(Array.from(original.compactPredecessors));
    expect(graph.neighbours[1 * 4 + 2]).toBe(-1); // still one way
  });

  it('keeps the moves between two closed neighbours shut when only one opens', () => {
    const map = parseMiniMap(['....']);
    const graph = createGridGraph(map.width, map.height, map.passable);
    const original = copyGraphMoves(graph);
    const closed = new Uint8Array(graph.cellCount);
    for (const cell of [1, 2]) {
      closed[cell] = 1;
      setCellClosed(graph, original, closed, cell);
    }
    closed[1] = 0;
    setCellClosed(graph, original, closed, 1);
    expect(graph.neighbours[0 * 4 + 0]).toBe(1);
    expect(graph.neighbours[1 * 4 + 2]).toBe(0);
    expect(graph.neighbours[1 * 4 + 0]).toBe(-1); // 1 -> 2, and 2 is still closed
    expect(graph.neighbours[2 * 4 + 2]).toBe(-1);
  });
});
