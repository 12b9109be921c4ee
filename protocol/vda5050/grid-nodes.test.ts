import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cellNodeId, parseCellNodeId } from './grid-nodes.ts';

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
