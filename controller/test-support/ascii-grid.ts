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
