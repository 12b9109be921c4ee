import { describe, expect, it } from 'vitest';
import { HORIZON, OPERATIONS, WAIT_ALL, operationTables } from './operations.ts';
import { ACTION_LETTERS } from '../../protocol/lorr/index.ts';

describe('OPERATIONS', () => {
  it('holds one sequence per distinct outcome, staying put and driving straight among them', () => {
    const letters = OPERATIONS.map((op) => op.map((a) => ACTION_LETTERS[a]).join(''));
    expect(new Set(letters).size).toBe(letters.length);
    expect(letters.every((l) => l.length === HORIZON)).toBe(true);
    expect(letters).toContain('WWW');
    expect(letters).toContain('FFF');
    // A turn there and back is staying put; two quarter turns either way are one outcome.
    expect(letters.filter((l) => l.includes('RC') || l.includes('CR'))).toEqual([]);
    expect(letters).toContain('RRF');
    expect(letters.filter((l) => l.startsWith('CC'))).toEqual([]);
    expect(letters).toHaveLength(31);
  });
});

describe('operationTables', () => {
  it('gives each operation its moves, final heading and first and last action from every start heading', () => {
    const tables = operationTables();
    const index = OPERATIONS.findIndex((op) => op.map((a) => ACTION_LETTERS[a]).join('') === 'RFF');
    expect(index).toBeGreaterThanOrEqual(0);
    // From facing north (3): a clockwise turn, then two moves east (0).
    const at = (index * 4 + 3) * HORIZON;
    expect(Array.from(tables.moves.subarray(at, at + HORIZON))).toEqual([-1, 0, 0]);
    expect(tables.finalHeading[index * 4 + 3]).toBe(0);
    expect(ACTION_LETTERS[tables.firstAction[index]!]).toBe('R');
    expect(ACTION_LETTERS[tables.lastAction[index]!]).toBe('F');
    expect(OPERATIONS[WAIT_ALL]!.map((a) => ACTION_LETTERS[a]).join('')).toBe('WWW');
  });
});
