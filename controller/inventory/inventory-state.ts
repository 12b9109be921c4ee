import { InventoryError } from './inventory-error.ts';
import { Reservations } from './reservations.ts';
import type { BinLocation, ContentLine } from './types.ts';

export interface BinEntry {
  location: BinLocation;
  /** Replaced, never mutated, so a copy handed out cannot go stale under the caller. */
  contents: readonly ContentLine[];
}

/** For error messages and consistency problems. */
export function describeLocation(location: BinLocation): string {
  switch (location.kind) {
    case 'column':
      return `column (${location.x}, ${location.y}) level ${location.level}`;
    case 'robot':
      return `robot ${location.serial}`;
    case 'port':
      return `port ${location.portId}`;
  }
}

/**
 * The collections behind an Inventory, shared with the modules that load and check them, and
 * the primitives that read them or keep them in step. Dimensions are validated by the Inventory
 * before this is built.
 */
export class InventoryState {
  /** Indexed by `y * columnsX + x`; each stack lists bin ids bottom -> top. */
  readonly stacks: string[][];
  readonly bins = new Map<string, BinEntry>();
  readonly binByRobot = new Map<string, string>();
  /** Per port, the bins there in arrival order. */
  readonly binsByPort = new Map<string, Set<string>>();
  /** sku -> ids of bins holding a positive quantity of it. */
  readonly skuIndex = new Map<string, Set<string>>();
  readonly stockBySku = new Map<string, number>();
  readonly knownSkuSet = new Set<string>();
  readonly emptyBinIds = new Set<string>();
  readonly reservations = new Reservations((binId) => this.requireBin(binId).contents);

  constructor(
    readonly columnsX: number,
    readonly columnsY: number,
    readonly depth: number,
  ) {
    this.stacks = Array.from({ length: columnsX * columnsY }, () => []);
  }

  columnIndex(x: number, y: number): number {
    return y * this.columnsX + x;
  }

  isInGrid(x: unknown, y: unknown): x is number {
    return (
      Number.isInteger(x) && Number.isInteger(y) &&
      (x as number) >= 0 && (x as number) < this.columnsX &&
      (y as number) >= 0 && (y as number) < this.columnsY
    );
  }

  requireStack(x: number, y: number): string[] {
    if (!this.isInGrid(x, y)) {
      throw new InventoryError(
        'COLUMN_OUT_OF_RANGE',
        `column (${String(x)}, ${String(y)}) is outside the ${this.columnsX} x ${this.columnsY} grid`,
      );
    }
    return this.stacks[this.columnIndex(x, y)]!;
  }

  requireBin(binId: string): BinEntry {
    const entry = this.bins.get(binId);
    if (entry === undefined) throw new InventoryError('UNKNOWN_BIN', `no bin ${JSON.stringify(binId)} in this grid`);
    return entry;
  }

  /** Sets one SKU's quantity in a bin (0 removes the line) and keeps every index in step. */
  setQuantity(binId: string, entry: BinEntry, sku: string, quantity: number): void {
    const previous = entry.contents.find((line) => line.sku === sku)?.quantity ?? 0;
    if (quantity === 0) entry.contents = entry.contents.filter((line) => line.sku !== sku);
    else if (previous === 0) entry.contents = [...entry.contents, { sku, quantity }];
    else entry.contents = entry.contents.map((line) => (line.sku === sku ? { sku, quantity } : line));
    if (entry.contents.length === 0) this.emptyBinIds.add(binId);
    else this.emptyBinIds.delete(binId);

    const stock = (this.stockBySku.get(sku) ?? 0) - previous + quantity;
    if (stock === 0) this.stockBySku.delete(sku);
    else this.stockBySku.set(sku, stock);

    if (quantity === 0) {
      const holders = this.skuIndex.get(sku);
      holders?.delete(binId);
      if (holders?.size === 0) this.skuIndex.delete(sku);
    } else {
      this.knownSkuSet.add(sku);
      let holders = this.skuIndex.get(sku);
      if (holders === undefined) this.skuIndex.set(sku, (holders = new Set()));
      holders.add(binId);
    }
  }
}
