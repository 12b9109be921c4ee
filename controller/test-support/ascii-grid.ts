/**
 * Test helper: a GridMap drawn as text, one string per row (y = 0 first), one character per
 * cell: `.` storage, `#` blocked, `P` port, `C` charger, `S` service. Depth defaults to 4.
 */
import { GridMap, type CellKind } from '../grid/grid-map.ts';

const kindOfChar: Record<string, CellKind> = { '.': 'storage', '#': 'blocked', P: 'port', C: 'charger', S: 'service' };

export function gridFromRows(rows: readonly string[], depth = 4): GridMap {
  const width = rows[0]?.length ?? 0;
  if (width === 0 || rows.some((r) => r.length !== width)) throw new Error('gridFromRows: rows must be non-empty and of equal length');
  return new GridMap(width, rows.length, depth, (x, y) => {
    const kind = kindOfChar[rows[y]![x]!];
    if (kind === undefined) throw new Error(`gridFromRows: unknown cell character '${rows[y]![x]}'`);
    return kind;
  });
}

/** Number of axis changes along a route of neighbouring cells. */
export function turnsOf(grid: GridMap, route: readonly number[]): number {
  let turns = 0;
  for (let i = 2; i < route.length; i++) {
    const before = axisOf(grid, route[i - 2]!, route[i - 1]!);
    const after = axisOf(grid, route[i - 1]!, route[i]!);
    if (before !== after) turns++;
  }
  return turns;
}

/** True when every step of the route moves to a 4-neighbour. */
export function isContiguous(grid: GridMap, route: readonly number[]): boolean {
  for (let i = 1; i < route.length; i++) if (grid.manhattan(route[i - 1]!, route[i]!) !== 1) return false;
  return true;
}

function axisOf(grid: GridMap, a: number, b: number): 'x' | 'y' {
  return grid.cellOf(a).y === grid.cellOf(b).y ? 'x' : 'y';
}
