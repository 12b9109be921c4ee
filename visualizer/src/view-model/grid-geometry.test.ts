import { describe, expect, it } from 'vitest';
import { syntheticLayout } from '../bench/synthetic-messages.ts';
import { cellIndex, cellKindAt, cellOfPosition, checkLayout, isInsideGrid } from './grid-geometry.ts';

const CELL = { x: 0.7, y: 0.5 };

describe('metres to cells', () => {
  it('rounds agvPosition / cellSizeM to the nearest cell on each axis', () => {
    expect(cellOfPosition(0, 0, CELL)).toEqual({ x: 0, y: 0 });
    expect(cellOfPosition(1.4, 1.0, CELL)).toEqual({ x: 2, y: 2 });
    // 0.34 m is 0.486 cells: still cell 0; 0.36 m is 0.514 cells: cell 1.
    expect(cellOfPosition(0.34, 0.24, CELL)).toEqual({ x: 0, y: 0 });
    expect(cellOfPosition(0.36, 0.26, CELL)).toEqual({ x: 1, y: 1 });
    expect(cellOfPosition(69.3, 49.5, CELL)).toEqual({ x: 99, y: 99 });
  });

  it('gives 0, not -0, for a robot a little before the first cell', () => {
    const cell = cellOfPosition(-0.1, -0.2, CELL);
    expect(Object.is(cell.x, 0)).toBe(true);
    expect(Object.is(cell.y, 0)).toBe(true);
  });

  it('knows the grid bounds and the row-major order', () => {
    const columns = { x: 3, y: 2 };
    expect(isInsideGrid({ x: 2, y: 1 }, columns)).toBe(true);
    expect(isInsideGrid({ x: 3, y: 1 }, columns)).toBe(false);
    expect(isInsideGrid({ x: -1, y: 0 }, columns)).toBe(false);
    expect(cellIndex(2, 1, 3)).toBe(5);
  });
});

describe('layout checks', () => {
  it('reads cell kinds row-major', () => {
    const layout = syntheticLayout({ site: 's', columnsX: 3, columnsY: 2, depth: 4, robots: [], cellKinds: 'spcbvs' });
    expect([cellKindAt(layout, 0, 0), cellKindAt(layout, 1, 0), cellKindAt(layout, 2, 0), cellKindAt(layout, 0, 1), cellKindAt(layout, 1, 1)]).toEqual([
      'storage',
      'port',
      'charger',
      'blocked',
      'service',
    ]);
    expect(checkLayout(layout)).toEqual([]);
  });

  it('refuses cell kinds of the wrong length and ports or chargers outside the grid', () => {
    const layout = syntheticLayout({
      site: 's',
      columnsX: 3,
      columnsY: 2,
      depth: 4,
      robots: [],
      cellKinds: 'sss',
      ports: [{ id: 'P1', x: 3, y: 0, mode: 'pick' }],
      chargers: [{ id: 'C1', x: 0, y: 2 }],
    });
    expect(checkLayout(layout)).toEqual([
      'layout cellKinds has 3 characters; a 3 × 2 grid needs 6',
      'layout port P1 at (3, 0) is outside the grid',
      'layout charger C1 at (0, 2) is outside the grid',
    ]);
  });
});
