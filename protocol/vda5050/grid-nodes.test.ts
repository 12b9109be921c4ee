import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cellNodeId, dropAction, parseCellNodeId, parseGridActionParameters, pickAction } from './grid-nodes.ts';

describe('grid cells as VDA 5050 nodes', () => {
  it('names cell (12, 7) c12_7 and parses it back', () => {
    expect(cellNodeId(12, 7)).toBe('c12_7');
    expect(parseCellNodeId('c12_7')).toEqual({ x: 12, y: 7 });
  });

  it('round-trips every integer cell', () => {
    fc.assert(fc.property(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: -1e6, max: 1e6 }), (x, y) => {
      expect(parseCellNodeId(cellNodeId(x, y))).toEqual({ x, y });
    }));
  });

  it('does not parse other node ids', () => {
    for (const id of ['c1', 'c1_', 'x1_2', 'c01_2', 'c1_2_3', 'c1.5_2', 'c-0_1', '']) expect(parseCellNodeId(id)).toBeUndefined();
  });

  it('refuses fractional cells', () => {
    expect(() => cellNodeId(1.5, 2)).toThrow(RangeError);
  });
});

describe('pick and drop actions', () => {
  it('builds a HARD-blocking pick with binId, column and level parameters', () => {
    expect(pickAction('a1', { binId: 'BIN-1', x: 3, y: 4, level: 7 })).toEqual({
      actionType: 'pick',
      actionId: 'a1',
      blockingType: 'HARD',
      actionParameters: [
        { key: 'binId', value: 'BIN-1' },
        { key: 'x', value: 3 },
        { key: 'y', value: 4 },
        { key: 'level', value: 7 },
      ],
    });
  });

  it('parses the parameters back', () => {
    const params = { binId: 'BIN-9', x: 0, y: 2, level: 0 };
    expect(parseGridActionParameters(dropAction('d', params))).toEqual({ ok: true, value: params });
  });

  it('reports missing or mistyped parameters as readable errors', () => {
    const result = parseGridActionParameters({
      actionType: 'pick',
      actionParameters: [
        { key: 'x', value: '3' },
        { key: 'y', value: 1 },
        { key: 'level', value: -1 },
      ],
    });
    expect(result).toEqual({
      ok: false,
      errors: ['actionParameters.binId: expected a non-empty string', 'actionParameters.x: expected an integer', 'actionParameters.level: expected an integer >= 0'],
    });
  });

  it('rejects other action types', () => {
    expect(parseGridActionParameters({ actionType: 'startPause' })).toEqual({ ok: false, errors: ["actionType: expected 'pick' or 'drop', got 'startPause'"] });
  });

  it('refuses to build an action with a negative level (a programming mistake)', () => {
    expect(() => pickAction('a', { binId: 'b', x: 0, y: 0, level: -1 })).toThrow(/level/);
  });
});
