/**
 * Writing instance transforms straight into an InstancedMesh's matrix array (column-major
 * 4×4, as three.js stores them), without Matrix4 objects: the per-frame update calls these
 * for every robot and allocates nothing. Instances here are axis-aligned boxes and tiles, so a
 * matrix is a scale and a translation.
 */

/** Instance `i`: scale (sx, sy, sz), then move to (x, y, z). A scale of 0 hides the instance. */
export function writeTranslateScale(matrices: Float32Array, i: number, x: number, y: number, z: number, sx: number, sy: number, sz: number): void {
  const o = i * 16;
  matrices[o] = sx;
  matrices[o + 1] = 0;
  matrices[o + 2] = 0;
  matrices[o + 3] = 0;
  matrices[o + 4] = 0;
  matrices[o + 5] = sy;
  matrices[o + 6] = 0;
  matrices[o + 7] = 0;
  matrices[o + 8] = 0;
  matrices[o + 9] = 0;
  matrices[o + 10] = sz;
  matrices[o + 11] = 0;
  matrices[o + 12] = x;
  matrices[o + 13] = y;
  matrices[o + 14] = z;
  matrices[o + 15] = 1;
}

/** Instance `i` hidden: every vertex collapses onto one point, which draws nothing. */
export function writeHidden(matrices: Float32Array, i: number): void {
  writeTranslateScale(matrices, i, 0, -1e4, 0, 0, 0, 0);
}

export function writeColor(colors: Float32Array, i: number, r: number, g: number, b: number): void {
  const o = i * 3;
  colors[o] = r;
  colors[o + 1] = g;
  colors[o + 2] = b;
}

/** Where the bins of a grid stand: scene metres of cell (x, y) level `level` (0 = bottom). */
export interface BinPlacement {
  readonly columnsX: number;
  readonly cellSizeXM: number;
  readonly cellSizeYM: number;
  readonly binHeightM: number;
}

/**
 * Writes one instance per bin, column by column (row-major) and bottom first, into
 * `matrices` (translation only: the bin geometry has the bin's size) and records in
 * `columnStart` (length columns + 1) the first instance of each column, so one column's bins
 * can be found again (e.g. to tint the selected column). Returns the number of bins written.
 */
export function writeBinMatrices(heights: Uint8Array, place: BinPlacement, matrices: Float32Array, columnStart: Uint32Array): number {
  let n = 0;
  for (let c = 0; c < heights.length; c++) {
    columnStart[c] = n;
    const h = heights[c]!;
    if (h === 0) continue;
    const x = (c % place.columnsX) * place.cellSizeXM;
    const z = Math.floor(c / place.columnsX) * place.cellSizeYM;
    for (let level = 0; level < h; level++) {
      writeTranslateScale(matrices, n, x, (level + 0.5) * place.binHeightM, z, 1, 1, 1);
      n++;
    }
  }
  columnStart[heights.length] = n;
  return n;
}

/** A small, stable hash of a bin's column and level, for varying bin shades. */
export function binShade(column: number, level: number): number {
  let h = Math.imul(column ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(level + 1, 0xc2b2ae35);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return (h >>> 0) / 4294967296;
}
