import { describe, expect, it } from 'vitest';
import { Matrix4, Quaternion, Vector3 } from 'three';
import { writeBinMatrices, writeHidden, writeTranslateScale } from './instance-writes.ts';

describe('instance matrix writes', () => {
  it('write the matrix three.js composes from a translation and a scale', () => {
    const array = new Float32Array(32).fill(7);
    writeTranslateScale(array, 1, 1.5, 2, -3, 0.5, 2, 4);
    const m = new Matrix4().compose(new Vector3(1.5, 2, -3), new Quaternion(), new Vector3(0.5, 2, 4));
    expect(Array.from(array.subarray(16, 32))).toEqual(m.elements);
    expect(Array.from(array.subarray(0, 16))).toEqual(new Array(16).fill(7)); // instance 0 untouched
    const p = new Vector3(1, 1, 1).applyMatrix4(new Matrix4().fromArray(array, 16));
    expect([p.x, p.y, p.z]).toEqual([2, 4, 1]);
  });

  it('hide an instance by collapsing it', () => {
    const array = new Float32Array(16);
    writeHidden(array, 0);
    const m = new Matrix4().fromArray(array);
    const a = new Vector3(1, 1, 1).applyMatrix4(m);
    const b = new Vector3(-1, -1, -1).applyMatrix4(m);
    expect(a.equals(b)).toBe(true);
  });
});

describe('bin instances', () => {
  it('stand one per bin, bottom first, column by column, at the cell centre and level', () => {
    // 3 × 2 grid, heights row-major: (0,0)=2, (1,0)=0, (2,0)=1, (0,1)=0, (1,1)=3, (2,1)=0
    const heights = Uint8Array.from([2, 0, 1, 0, 3, 0]);
    const matrices = new Float32Array(6 * 16);
    const columnStart = new Uint32Array(7);
    const n = writeBinMatrices(heights, { columnsX: 3, cellSizeXM: 0.7, cellSizeYM: 0.5, binHeightM: 0.3 }, matrices, columnStart);
    expect(n).toBe(6);
    const positions = Array.from({ length: n }, (_, i) => {
      const o = i * 16;
      return [matrices[o + 12], matrices[o + 13], matrices[o + 14]].map((v) => Math.round(v! * 1000) / 1000);
    });
    expect(positions).toEqual([
      [0, 0.15, 0],
      [0, 0.45, 0],
      [1.4, 0.15, 0],
      [0.7, 0.15, 0.5],
      [0.7, 0.45, 0.5],
      [0.7, 0.75, 0.5],
    ]);
    expect(Array.from(columnStart)).toEqual([0, 2, 2, 3, 3, 6, 6]);
  });

  it('writes 160,000 bins of a full 100 × 100 × 16 grid', () => {
    const heights = new Uint8Array(100 * 100).fill(16);
    const matrices = new Float32Array(160_000 * 16);
    const columnStart = new Uint32Array(10_001);
    expect(writeBinMatrices(heights, { columnsX: 100, cellSizeXM: 0.7, cellSizeYM: 0.5, binHeightM: 0.33 }, matrices, columnStart)).toBe(160_000);
    expect(columnStart[10_000]).toBe(160_000);
    expect(matrices[159_999 * 16 + 12]).toBeCloseTo(99 * 0.7, 4);
    expect(matrices[159_999 * 16 + 14]).toBeCloseTo(99 * 0.5, 4);
  });
});
