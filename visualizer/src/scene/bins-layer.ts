import { InstancedBufferAttribute, InstancedMesh, MeshBasicMaterial, type Object3D } from 'three';
import { binGeometry } from './bin-geometry.ts';
import { PALETTE } from './palette.ts';
import { binShade, writeBinMatrices, writeColor } from './instance-writes.ts';
import type { SceneDimensions } from './scene-dimensions.ts';

/**
 * Every bin in the grid as one instance of ONE InstancedMesh: one draw call whatever the
 * number of bins. Rebuilt only when the stacks change (console/stacks, at most once a second);
 * tinting the selected column rewrites only that column's colours.
 */
export class BinsLayer {
  mesh: InstancedMesh | null = null;
  /** Unlit: the bin geometry carries its shading in vertex colours (see bin-geometry.ts). */
  private readonly material = new MeshBasicMaterial({ color: 0xffffff, vertexColors: true });
  private capacity = 0;
  private columnStart = new Uint32Array(1);
  private heights: Uint8Array | null = null;
  private dims: SceneDimensions | null = null;
  private highlighted = -1;

  constructor(private readonly parent: Object3D) {}

  /** Bins drawn now. */
  get count(): number {
    return this.mesh?.count ?? 0;
  }

  /** Writes one instance per bin of `heights` (row-major, bins per column). */
  rebuild(dims: SceneDimensions, heights: Uint8Array | null): void {
    const total = heights ? heights.reduce((sum, h) => sum + h, 0) : 0;
    if (!this.mesh || dims !== this.dims || total > this.capacity) this.createMesh(dims, Math.max(total, 1));
    const mesh = this.mesh!;
    this.heights = heights;
    this.highlighted = -1;
    if (!heights) {
      mesh.count = 0;
      mesh.visible = false;
      return;
    }
    if (this.columnStart.length !== heights.length + 1) this.columnStart = new Uint32Array(heights.length + 1);
    const place = { columnsX: dims.columnsX, cellSizeXM: dims.cellX, cellSizeYM: dims.cellY, binHeightM: dims.binHeight };
    const n = writeBinMatrices(heights, place, mesh.instanceMatrix.array as Float32Array, this.columnStart);
    const colors = mesh.instanceColor!.array as Float32Array;
    for (let c = 0; c < heights.length; c++) {
      for (let i = this.columnStart[c]!, level = 0; i < this.columnStart[c + 1]!; i++, level++) this.writeBinColor(colors, i, c, level);
    }
    mesh.count = n;
    mesh.visible = n > 0;
    mesh.instanceMatrix.needsUpdate = true;
    mesh.instanceColor!.needsUpdate = true;
  }

  /** Tints the bins of one column (row-major index), or none with -1. */
  highlightColumn(column: number): void {
    if (column === this.highlighted || !this.mesh || !this.heights) return;
    const colors = this.mesh.instanceColor!.array as Float32Array;
    if (this.highlighted >= 0) {
      for (let i = this.columnStart[this.highlighted]!, level = 0; i < this.columnStart[this.highlighted + 1]!; i++, level++) this.writeBinColor(colors, i, this.highlighted, level);
    }
    if (column >= 0 && column < this.heights.length) {
      const c = PALETTE.bin.selected;
      for (let i = this.columnStart[column]!; i < this.columnStart[column + 1]!; i++) writeColor(colors, i, c.r, c.g, c.b);
    }
    this.highlighted = column;
    this.mesh.instanceColor!.needsUpdate = true;
  }

  private writeBinColor(colors: Float32Array, i: number, column: number, level: number): void {
    const { dark, light } = PALETTE.bin;
    const f = 0.35 * binShade(column, level) + 0.65 * (level / Math.max(1, (this.dims?.depth ?? 1) - 1));
    writeColor(colors, i, dark.r + (light.r - dark.r) * f, dark.g + (light.g - dark.g) * f, dark.b + (light.b - dark.b) * f);
  }

  private createMesh(dims: SceneDimensions, atLeast: number): void {
    if (this.mesh) {
      this.parent.remove(this.mesh);
      this.mesh.geometry.dispose();
      this.mesh.dispose();
    }
    // Room to grow a little without building a new mesh when bins are added.
    this.capacity = Math.ceil(atLeast * 1.1);
    const mesh = new InstancedMesh(binGeometry(dims.binW, dims.binH, dims.binD), this.material, this.capacity);
    mesh.instanceColor = new InstancedBufferAttribute(new Float32Array(this.capacity * 3), 3);
    mesh.count = 0;
    // The mesh spans the whole grid and is not raycast: culling and a bounding sphere buy nothing.
    mesh.frustumCulled = false;
    mesh.name = 'bins';
    this.mesh = mesh;
    this.dims = dims;
    this.parent.add(mesh);
  }
}
