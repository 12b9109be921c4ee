import { SeededRandom } from '../../protocol/random.ts';
import type { RejectionCode } from '../../protocol/wms/reply-schemas.ts';
import type { PickLine, PickRequest, PutawayRequest } from '../../protocol/wms/request-schemas.ts';
import type { TerminalEvent } from '../../protocol/wms/event-schemas.ts';
import type { DemoWmsOptions } from './demo-wms-options.ts';
import { SkuPopularity } from './sku-popularity.ts';

export interface StockLine {
  sku: string;
  quantity: number;
}

/** What the generator produces; the request id is added by the caller. */
export type GeneratedRequest = Omit<PickRequest, 'requestId'> | Omit<PutawayRequest, 'requestId'>;

/** Rejections that say the WMS's idea of the stock was too high: the units are not given back. */
const STOCK_WAS_WRONG: readonly RejectionCode[] = ['INSUFFICIENT_STOCK', 'UNKNOWN_SKU'];

/**
 * The content side of the demo WMS: chooses what each request asks for, and keeps a running
 * estimate of the stock so that nearly every pick is valid. Picks reserve what they ask for
 * when sent; units come back when a pick is rejected for a reason other than stock, or is
 * cancelled or fails (less what was picked). A shortage at completion is not given back:
 * it means the stock was lower than thought. Putaways add their units when they complete,
 * and a new SKU becomes pickable then.
 *
 * Popularity follows stock: the SKU with the most units is the most popular, ties broken by
 * a seeded shuffle (the seeded inventory generator gives popular SKUs more bins).
 */
export class DemoRequestGenerator {
  private readonly random: SeededRandom;
  private readonly available = new Map<string, number>();
  private readonly popularity: SkuPopularity;
  private newSkuCount = 0;

  constructor(
    stock: readonly StockLine[],
    private readonly options: Pick<DemoWmsOptions, 'seed' | 'putawayShare' | 'linesPerPick' | 'maxQuantityPerLine' | 'putawayQuantity' | 'newSkuShare' | 'popularityExponent'>,
  ) {
    this.random = new SeededRandom(`${options.seed}:demo-wms:requests`);
    for (const { sku, quantity } of stock) {
      if (!(Number.isInteger(quantity) && quantity >= 0)) throw new RangeError(`stock of ${sku} must be an integer >= 0, got ${quantity}`);
      this.available.set(sku, (this.available.get(sku) ?? 0) + quantity);
    }
    const skus = this.random.shuffle([...this.available.keys()].sort());
    // Array.prototype.sort is stable: equal stock keeps the shuffled order.
    skus.sort((a, b) => this.available.get(b)! - this.available.get(a)!);
    this.popularity = new SkuPopularity(skus, options.popularityExponent);
  }

  /** Units of the SKU the WMS believes are free to ask for. */
  availableOf(sku: string): number {
    return this.available.get(sku) ?? 0;
  }

  /** The next request: a putaway with `putawayShare`, else a pick (a putaway when nothing is in stock). */
  next(): GeneratedRequest {
    const kindDraw = this.random.next();
    if (kindDraw >= this.options.putawayShare) {
      const pick = this.nextPick();
      if (pick) return pick;
    }
    return this.nextPutaway();
  }

  /** Gives reserved units back or books stored ones, once per request when it closes. */
  onRejected(request: GeneratedRequest, code: RejectionCode): void {
    if (request.type !== 'pick' || STOCK_WAS_WRONG.includes(code)) return;
    for (const line of request.lines) this.addStock(line.sku, line.quantity);
  }

  onTerminal(request: GeneratedRequest, event: TerminalEvent): void {
    if (request.type === 'pick') {
      if (event.type === 'completed') return;
      for (const line of request.lines) {
        const picked = event.picked?.find((p) => p.sku === line.sku)?.quantity ?? 0;
        this.addStock(line.sku, Math.max(0, line.quantity - picked));
      }
      return;
    }
    const stored = event.stored?.find((s) => s.sku === request.sku)?.quantity ?? (event.type === 'completed' ? request.quantity : 0);
    if (stored > 0) {
      this.addStock(request.sku, stored);
      this.popularity.add(request.sku);
    }
  }

  private nextPick(): Omit<PickRequest, 'requestId'> | null {
    const { min, max } = this.options.linesPerPick;
    const lineCount = this.random.int(min, max);
    const lines: PickLine[] = [];
    const inOrder = new Set<string>();
    for (let i = 0; i < lineCount; i++) {
      const sku = this.popularity.draw(this.random, (s) => !inOrder.has(s) && this.availableOf(s) > 0);
      if (sku === null) break;
      const quantity = this.random.int(1, Math.min(this.options.maxQuantityPerLine, this.availableOf(sku)));
      inOrder.add(sku);
      lines.push({ sku, quantity });
    }
    if (lines.length === 0) return null;
    for (const line of lines) this.addStock(line.sku, -line.quantity);
    return { type: 'pick', lines };
  }

  private nextPutaway(): Omit<PutawayRequest, 'requestId'> {
    const isNew = this.popularity.size === 0 || this.random.next() < this.options.newSkuShare;
    const sku = isNew ? `SKU-NEW-${String(++this.newSkuCount).padStart(4, '0')}` : this.popularity.draw(this.random)!;
    const quantity = this.random.int(this.options.putawayQuantity.min, this.options.putawayQuantity.max);
    return { type: 'putaway', sku, quantity };
  }

  private addStock(sku: string, units: number): void {
    this.available.set(sku, this.availableOf(sku) + units);
  }
}
