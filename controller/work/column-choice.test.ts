import { describe, expect, it } from 'vitest';
import type { GridMap } from '../grid/grid-map.ts';
import { gridFromRows } from '../test-support/ascii-grid.ts';
import { ColumnClaims } from './column-claims.ts';
import { chooseBlockerColumn, chooseDropColumn, chooseReturnColumn, freeSlots, type ColumnChoiceContext } from './column-choice.ts';

const DEPTH = 4;

interface Scene {
  grid: GridMap;
  ctx: ColumnChoiceContext;
  heights: Map<number, number>;
  wanted: Set<number>;
  occupied: Set<number>;
  at: (x: number, y: number) => number;
}

/** A grid drawn as text with stack heights set per cell (0 unless set), no claims, nothing wanted or occupied. */
function scene(rows: string[]): Scene {
  const grid = gridFromRows(rows, DEPTH);
  const heights = new Map<number, number>();
  const wanted = new Set<number>();
  const occupied = new Set<number>();
  const ctx: ColumnChoiceContext = {
    grid,
    stacks: { height: (x, y) => heights.get(grid.index(x, y)) ?? 0 },
    claims: new ColumnClaims(),
    wantedSoon: (c) => wanted.has(c),
    occupied: (c) => occupied.has(c),
  };
  return { grid, ctx, heights, wanted, occupied, at: (x, y) => grid.index(x, y) };
}

describe('freeSlots', () => {
  it('is the depth minus the stack minus the drops on their way', () => {
    const s = scene(['...']);
    s.heights.set(s.at(1, 0), 1);
    s.ctx.claims.addIncoming(s.at(1, 0));
    expect(freeSlots(s.ctx, s.at(1, 0))).toBe(DEPTH - 2);
    expect(freeSlots(s.ctx, s.at(0, 0))).toBe(DEPTH);
  });
});

describe('chooseBlockerColumn', () => {
  it('puts a blocker on the nearest column with room', () => {
    const s = scene(['.....', '.....', '.....']);
    const dug = s.at(2, 1);
    const choice = chooseBlockerColumn(s.ctx, dug)!;
    expect(s.grid.manhattan(choice, dug)).toBe(1);
  });

  it('never puts a blocker back on the column being dug', () => {
    const s = scene(['..']);
    const dug = s.at(0, 0);
    expect(chooseBlockerColumn(s.ctx, dug)).toBe(s.at(1, 0));
  });

  it('breaks ties between equally near columns on the lower cell index', () => {
    const s = scene(['...', '...', '...']);
    // Four neighbours at distance 1; the lowest index is the one above, (1, 0).
    expect(chooseBlockerColumn(s.ctx, s.at(1, 1))).toBe(s.at(1, 0));
  });

  it('skips full columns', () => {
    const s = scene(['.....']);
    const dug = s.at(2, 0);
    s.heights.set(s.at(1, 0), DEPTH);
    s.heights.set(s.at(3, 0), DEPTH);
    const choice = chooseBlockerColumn(s.ctx, dug)!;
    expect([s.at(0, 0), s.at(4, 0)]).toContain(choice);
  });

  it('counts drops on their way against a column with one slot left', () => {
    const s = scene(['...']);
    s.heights.set(s.at(1, 0), DEPTH - 1);
    s.ctx.claims.addIncoming(s.at(1, 0));
    expect(chooseBlockerColumn(s.ctx, s.at(0, 0))).toBe(s.at(2, 0));
  });

  it('skips a column another job is digging', () => {
    const s = scene(['...']);
    s.ctx.claims.lockForDig(s.at(1, 0), 'other-job');
    expect(chooseBlockerColumn(s.ctx, s.at(0, 0))).toBe(s.at(2, 0));
  });

  it('skips a column another bin is already on its way to, even with room left', () => {
    const s = scene(['...']);
    s.ctx.claims.addIncoming(s.at(1, 0));
    expect(freeSlots(s.ctx, s.at(1, 0))).toBeGreaterThan(0);
    expect(chooseBlockerColumn(s.ctx, s.at(0, 0))).toBe(s.at(2, 0));
  });

  it('drops only on storage columns, never on ports, chargers, service or blocked cells', () => {
    const s = scene(['.PC#S.']);
    expect(chooseBlockerColumn(s.ctx, s.at(0, 0))).toBe(s.at(5, 0));
  });

  it('avoids a column wanted soon while another column has room', () => {
    const s = scene(['......']);
    s.wanted.add(s.at(1, 0));
    expect(chooseBlockerColumn(s.ctx, s.at(0, 0))).toBe(s.at(2, 0));
  });

  it('uses a column wanted soon when nothing else has room', () => {
    const s = scene(['...']);
    s.wanted.add(s.at(1, 0));
    s.heights.set(s.at(2, 0), DEPTH);
    expect(chooseBlockerColumn(s.ctx, s.at(0, 0))).toBe(s.at(1, 0));
  });

  it('avoids an occupied column when a free one is within reach, but not at any distance', () => {
    const s = scene(['.'.repeat(60)]);
    s.occupied.add(s.at(1, 0));
    expect(chooseBlockerColumn(s.ctx, s.at(0, 0))).toBe(s.at(2, 0));
    // Beyond the occupied column every other column is far more than the occupancy cost away.
    for (let x = 2; x < 60; x++) s.heights.set(s.at(x, 0), DEPTH);
    s.heights.set(s.at(59, 0), 0);
    expect(chooseBlockerColumn(s.ctx, s.at(0, 0))).toBe(s.at(1, 0));
  });

  it('prefers an occupied column over one wanted soon', () => {
    const s = scene(['...']);
    s.wanted.add(s.at(1, 0));
    s.occupied.add(s.at(2, 0));
    expect(chooseBlockerColumn(s.ctx, s.at(0, 0))).toBe(s.at(2, 0));
  });

  it('returns undefined when every other column is full, locked or awaited', () => {
    const s = scene(['....']);
    s.heights.set(s.at(1, 0), DEPTH);
    s.ctx.claims.lockForDig(s.at(2, 0), 'other-job');
    s.ctx.claims.addIncoming(s.at(3, 0));
    expect(chooseBlockerColumn(s.ctx, s.at(0, 0))).toBeUndefined();
  });
});

describe('chooseDropColumn', () => {
  it('never offers an excluded column', () => {
    const s = scene(['...']);
    expect(chooseDropColumn(s.ctx, () => 0, (c) => c !== s.at(2, 0))).toBe(s.at(2, 0));
  });
});

describe('chooseReturnColumn', () => {
  /** A row of storage with a port at the left end; distance to the port is x. */
  function row(length: number): Scene & { portDistance: (c: number) => number; median: number } {
    const s = scene(['P' + '.'.repeat(length - 1)]);
    const port = s.at(0, 0);
    const portDistance = (c: number) => s.grid.manhattan(c, port);
    const distances = [...Array(s.grid.cellCount).keys()].filter((c) => s.grid.isStorage(c)).map(portDistance).sort((a, b) => a - b);
    return { ...s, portDistance, median: distances[Math.floor(distances.length / 2)]! };
  }

  it('puts a popular bin nearer the port than an unpopular one coming from the same place', () => {
    const s = row(12);
    for (const fromX of [1, 4, 6, 9, 11]) {
      const from = s.at(fromX, 0);
      const popular = chooseReturnColumn(s.ctx, from, true, s.portDistance, s.median)!;
      const unpopular = chooseReturnColumn(s.ctx, from, false, s.portDistance, s.median)!;
      expect(s.portDistance(popular), `from x=${fromX}`).toBeLessThan(s.portDistance(unpopular));
    }
  });

  it('puts a popular bin next to the port even when it comes from the far end', () => {
    const s = row(12);
    expect(chooseReturnColumn(s.ctx, s.at(11, 0), true, s.portDistance, s.median)).toBe(s.at(1, 0));
  });

  it('sends an unpopular bin to the outer zone, at or past the median distance from the port', () => {
    const s = row(12);
    for (const fromX of [1, 3, 6, 11]) {
      const chosen = chooseReturnColumn(s.ctx, s.at(fromX, 0), false, s.portDistance, s.median)!;
      expect(s.portDistance(chosen), `from x=${fromX}`).toBeGreaterThanOrEqual(s.median);
    }
  });

  it('an unpopular bin in the outer zone goes to the nearest outer column', () => {
    const s = row(12);
    expect(chooseReturnColumn(s.ctx, s.at(9, 0), false, s.portDistance, s.median)).toBe(s.at(9, 0));
  });

  it('a popular bin takes the next nearest column when the near ones are full', () => {
    const s = row(12);
    s.heights.set(s.at(1, 0), DEPTH);
    s.heights.set(s.at(2, 0), DEPTH);
    expect(chooseReturnColumn(s.ctx, s.at(11, 0), true, s.portDistance, s.median)).toBe(s.at(3, 0));
  });

  it('returns undefined when the grid is full', () => {
    const s = row(4);
    for (let x = 1; x < 4; x++) s.heights.set(s.at(x, 0), DEPTH);
    expect(chooseReturnColumn(s.ctx, s.at(2, 0), true, s.portDistance, s.median)).toBeUndefined();
    expect(chooseReturnColumn(s.ctx, s.at(2, 0), false, s.portDistance, s.median)).toBeUndefined();
  });
});
