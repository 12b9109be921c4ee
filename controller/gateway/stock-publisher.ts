import type { Clock, TimerHandle } from '../../protocol/clock.ts';
import type { LowStock, StockChange, StockLevel, StockSnapshot } from '../../protocol/wms/stock-schemas.ts';
import type { Inventory } from '../inventory/inventory.ts';

/** Clock ms between looks at the stock levels. */
export const STOCK_CHECK_MS = 1_000;
/** Clock ms between retained snapshots, when something changed since the last. */
export const STOCK_SNAPSHOT_MS = 60_000;

/** Where stock messages go (the stock topics, stock-schemas.ts); a snapshot is retained. */
export interface StockOutput {
  snapshot(message: Omit<StockSnapshot, 'site'>): void;
  change(message: Omit<StockChange, 'site'>): void;
  low(message: Omit<LowStock, 'site'>): void;
}

export interface StockPublisherOptions {
  /** Below this many available units a SKU is low, unless `lowStockUnitsBySku` names it. */
  readonly lowStockUnits: number;
  readonly lowStockUnitsBySku: Readonly<Record<string, number>>;
}

/**
 * Stock levels for the WMS: a retained snapshot of every SKU at start and then every
 * STOCK_SNAPSHOT_MS while levels change, a change event for each SKU whose level changed
 * (looked at every STOCK_CHECK_MS of clock time, so a burst of picks is one event per SKU),
 * and a low-stock event when a SKU's available units fall below its threshold (again only
 * after they were back at or above it). Reads the inventory; changes nothing.
 */
export class StockPublisher {
  private readonly last = new Map<string, StockLevel>();
  private readonly low = new Set<string>();
  private readonly since: string;
  private sequence = 0;
  private snapshotSequence = -1;
  private lastSnapshotMs = -Infinity;
  private timer: TimerHandle | null = null;

  constructor(
    private readonly inventory: Inventory,
    private readonly clock: Clock,
    private readonly options: StockPublisherOptions,
    private readonly out: StockOutput,
    /** Runs each look at the stock (the controller's error boundary: a failure is an alarm, not a stop). */
    private readonly guard: (work: () => void) => void = (work) => work(),
  ) {
    this.since = new Date(clock.now()).toISOString();
    // The levels at start are the snapshot's; SKUs already low are not reported as newly low.
    for (const level of this.levels()) {
      this.last.set(level.sku, level);
      if (level.available < level.lowStockThreshold) this.low.add(level.sku);
    }
  }

  start(): void {
    if (this.timer !== null) return;
    this.guard(() => this.publishSnapshot());
    const tick = () => {
      this.timer = this.clock.setTimeout(tick, STOCK_CHECK_MS);
      this.guard(() => this.check());
    };
    this.timer = this.clock.setTimeout(tick, STOCK_CHECK_MS);
  }

  stop(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Publishes what changed since the last look, and a snapshot when one is due. */
  check(): void {
    for (const level of this.levels()) {
      const before = this.last.get(level.sku);
      if (before && before.onHand === level.onHand && before.available === level.available && before.lowStockThreshold === level.lowStockThreshold) continue;
      this.last.set(level.sku, level);
      this.sequence++;
      this.out.change({ ...this.header(), ...level });
      if (level.available < level.lowStockThreshold) {
        if (!this.low.has(level.sku)) {
          this.low.add(level.sku);
          this.out.low({ ...this.header(), ...level });
        }
      } else this.low.delete(level.sku);
    }
    if (this.sequence !== this.snapshotSequence && this.clock.now() - this.lastSnapshotMs >= STOCK_SNAPSHOT_MS) this.publishSnapshot();
  }

  private publishSnapshot(): void {
    this.snapshotSequence = this.sequence;
    this.lastSnapshotMs = this.clock.now();
    this.out.snapshot({ ...this.header(), skus: [...this.last.values()] });
  }

  private header() {
    return { timestamp: new Date(this.clock.now()).toISOString(), since: this.since, sequence: this.sequence };
  }

  private levels(): StockLevel[] {
    // A store written before quantities were capped may hold more than a message can carry exactly.
    const units = (n: number) => Math.min(Math.max(0, n), Number.MAX_SAFE_INTEGER);
    return this.inventory.knownSkus().map((sku) => ({
      sku,
      onHand: units(this.inventory.stockOf(sku)),
      available: units(this.inventory.available(sku)),
      lowStockThreshold: this.options.lowStockUnitsBySku[sku] ?? this.options.lowStockUnits,
    }));
  }
}
