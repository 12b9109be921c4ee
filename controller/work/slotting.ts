import type { GridMap } from '../grid/grid-map.ts';
import type { ContentLine } from '../inventory/types.ts';
import { chooseReturnColumn, type ColumnChoiceContext } from './column-choice.ts';

/**
 * The slotting rule for returned bins (DESIGN.md §2): bins holding a popular SKU go on top
 * of columns near the ports, the rest to the outer zone. Popular means among the top
 * `popularShare` of SKUs by picks so far.
 */
export class Slotting {
  /** Cells from each cell to the nearest port (Manhattan). */
  private readonly portDistance: Int32Array;
  /** Median of `portDistance` over storage cells: the edge of the near zone. */
  private readonly medianPortDistance: number;
  /** Picks per SKU since start. */
  private readonly demand = new Map<string, number>();

  constructor(
    private readonly grid: GridMap,
    portCells: readonly number[],
    private readonly popularShare: number,
  ) {
    this.portDistance = new Int32Array(grid.cellCount);
    const distances: number[] = [];
    for (let cell = 0; cell < grid.cellCount; cell++) {
      let d = Infinity;
      for (const port of portCells) d = Math.min(d, grid.manhattan(cell, port));
      this.portDistance[cell] = Number.isFinite(d) ? d : 0;
      if (grid.isStorage(cell)) distances.push(this.portDistance[cell]!);
    }
    distances.sort((a, b) => a - b);
    this.medianPortDistance = distances[Math.floor(distances.length / 2)] ?? 0;
  }

  recordPick(sku: string): void {
    this.demand.set(sku, (this.demand.get(sku) ?? 0) + 1);
  }

  isPopular(sku: string): boolean {
    const demand = this.demand.get(sku) ?? 0;
    if (demand === 0) return false;
    const counts = [...this.demand.values()].sort((a, b) => b - a);
    const cutoff = counts[Math.max(0, Math.ceil(counts.length * this.popularShare) - 1)] ?? Infinity;
    return demand >= cutoff;
  }

  /** The column a bin with these contents goes back to, from cell `from`; undefined when full. */
  returnColumn(ctx: ColumnChoiceContext, from: number, contents: readonly ContentLine[]): number | undefined {
    const popular = contents.some((line) => this.isPopular(line.sku));
    return chooseReturnColumn(ctx, from, popular, (cell) => this.portDistance[cell]!, this.medianPortDistance);
  }
}
