/**
 * The controller's static picture of the grid: which cells exist, their kind, and distances.
 * Cells are addressed by a dense index `y * width + x` so that per-cell tables are plain
 * arrays; `Cell` objects appear only at the edges (messages, logs).
 */
import { cellKind, type CellKind, type GridLayout } from '../../protocol/layout/index.ts';

export type { CellKind };

export interface Cell {
  readonly x: number;
  readonly y: number;
}

export class GridMap {
  readonly cellCount: number;
  private readonly kinds: CellKind[];

  constructor(
    readonly width: number,
    readonly height: number,
    readonly depth: number,
    kindOf: (x: number, y: number) => CellKind,
  ) {
    this.cellCount = width * height;
    this.kinds = new Array<CellKind>(this.cellCount);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) this.kinds[y * width + x] = kindOf(x, y);
  }

  static fromLayout(layout: GridLayout): GridMap {
    return new GridMap(layout.columns.x, layout.columns.y, layout.depth, (x, y) => cellKind(layout, x, y));
  }

  index(x: number, y: number): number {
    return y * this.width + x;
  }

  cellOf(index: number): Cell {
    return { x: index % this.width, y: Math.floor(index / this.width) };
  }

  inside(x: number, y: number): boolean {
    return x >= 0 && y >= 0 && x < this.width && y < this.height;
  }

  /** Robots drive on every cell but blocked ones (pillars and voids). */
  drivable(index: number): boolean {
    return this.kinds[index] !== undefined && this.kinds[index] !== 'blocked';
  }

  /** Columns that hold stacks of bins. */
  isStorage(index: number): boolean {
    return this.kinds[index] === 'storage';
  }

  /** Drivable 4-neighbours of a cell, in a fixed order (east, south, west, north). */
  neighbours(index: number): number[] {
    const x = index % this.width;
    const y = (index - x) / this.width;
    const out: number[] = [];
    if (x + 1 < this.width && this.drivable(index + 1)) out.push(index + 1);
    if (y + 1 < this.height && this.drivable(index + this.width)) out.push(index + this.width);
    if (x > 0 && this.drivable(index - 1)) out.push(index - 1);
    if (y > 0 && this.drivable(index - this.width)) out.push(index - this.width);
    return out;
  }

  manhattan(a: number, b: number): number {
    const ax = a % this.width;
    const bx = b % this.width;
    return Math.abs(ax - bx) + Math.abs((a - ax) / this.width - (b - bx) / this.width);
  }
}
