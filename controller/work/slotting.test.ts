import { describe, expect, it } from 'vitest';
import { gridFromRows } from '../test-support/ascii-grid.ts';
import { ColumnClaims } from './column-claims.ts';
import type { ColumnChoiceContext } from './column-choice.ts';
import { Slotting } from './slotting.ts';

const grid = gridFromRows(['P.........', '..........', '..........']);
const ctx: ColumnChoiceContext = { grid, stacks: { height: () => 0 }, claims: new ColumnClaims(), wantedSoon: () => false, occupied: () => false };

describe('Slotting', () => {
  it('calls a SKU popular once it is among the top share of picks', () => {
    const slotting = new Slotting(grid, [grid.index(0, 0)], 0.5);
    expect(slotting.isPopular('A')).toBe(false);
    for (let i = 0; i < 5; i++) slotting.recordPick('A');
    slotting.recordPick('B');
    expect(slotting.isPopular('A')).toBe(true);
    expect(slotting.isPopular('B')).toBe(false);
  });

  it('puts bins of popular SKUs nearer the port than the rest', () => {
    const slotting = new Slotting(grid, [grid.index(0, 0)], 0.5);
    for (let i = 0; i < 5; i++) slotting.recordPick('HOT');
    slotting.recordPick('COLD');
    const from = grid.index(5, 1);
    const hot = slotting.returnColumn(ctx, from, [{ sku: 'HOT', quantity: 1 }])!;
    const cold = slotting.returnColumn(ctx, from, [{ sku: 'COLD', quantity: 1 }])!;
    expect(grid.manhattan(hot, grid.index(0, 0))).toBeLessThan(grid.manhattan(cold, grid.index(0, 0)));
  });
});
