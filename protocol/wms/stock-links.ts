import type { MessageBus } from '../bus/message-bus.ts';
import { Listeners } from '../listeners.ts';
import { fillTopicLayout } from '../topic-levels.ts';
import type { ParseResult } from './parse-wms-messages.ts';
import { lowStockSchema, parseLowStock, parseStockChange, parseStockSnapshot, stockChangeSchema, stockSnapshotSchema, type LowStock, type StockChange, type StockSnapshot } from './stock-schemas.ts';

/** Site-wide stock topics: `gridline/v1/{site}/stock/{kind}` (stock-schemas.ts). */
export const STOCK_TOPIC_LAYOUT = 'gridline/v1/{site}/stock/{kind}';
export type StockKind = 'snapshot' | 'change' | 'low';

export function stockTopic(site: string, kind: StockKind | '+'): string {
  return fillTopicLayout(STOCK_TOPIC_LAYOUT, { site, kind });
}

/** QoS 1: a lost change would leave a site's view of stock wrong until the next snapshot. */
const STOCK_QOS = 1;

/** The controller's end: each message stamped with the site, checked against its schema (a mistake throws), and published. */
export class StockServerLink {
  constructor(
    private readonly bus: MessageBus,
    private readonly site: string,
  ) {}

  snapshot(message: Omit<StockSnapshot, 'site'>): void {
    this.bus.publish(stockTopic(this.site, 'snapshot'), JSON.stringify(stockSnapshotSchema.parse({ site: this.site, ...message })), { qos: STOCK_QOS, retain: true });
  }

  change(message: Omit<StockChange, 'site'>): void {
    this.bus.publish(stockTopic(this.site, 'change'), JSON.stringify(stockChangeSchema.parse({ site: this.site, ...message })), { qos: STOCK_QOS });
  }

  low(message: Omit<LowStock, 'site'>): void {
    this.bus.publish(stockTopic(this.site, 'low'), JSON.stringify(lowStockSchema.parse({ site: this.site, ...message })), { qos: STOCK_QOS });
  }
}

/** A WMS's end: the snapshot, changes and low-stock events, validated; what does not validate goes to `onInvalidMessage`. */
export class StockClientLink {
  private readonly snapshots = new Listeners<[StockSnapshot]>();
  private readonly changes = new Listeners<[StockChange]>();
  private readonly lows = new Listeners<[LowStock]>();
  private readonly invalid = new Listeners<[topic: string, errors: string[]]>();

  constructor(
    private readonly bus: MessageBus,
    private readonly site: string,
  ) {}

  async start(): Promise<void> {
    const handle = <T>(parse: (text: string) => ParseResult<T>, listeners: Listeners<[T]>) => (topic: string, payload: string) => {
      const parsed = parse(payload);
      if (parsed.ok) listeners.emit(parsed.message);
      else this.invalid.emit(topic, parsed.errors);
    };
    await this.bus.subscribe(stockTopic(this.site, 'snapshot'), handle(parseStockSnapshot, this.snapshots), { qos: STOCK_QOS });
    await this.bus.subscribe(stockTopic(this.site, 'change'), handle(parseStockChange, this.changes), { qos: STOCK_QOS });
    await this.bus.subscribe(stockTopic(this.site, 'low'), handle(parseLowStock, this.lows), { qos: STOCK_QOS });
  }

  onSnapshot(handler: (snapshot: StockSnapshot) => void): () => void {
    return this.snapshots.add(handler);
  }

  onChange(handler: (change: StockChange) => void): () => void {
    return this.changes.add(handler);
  }

  onLow(handler: (low: LowStock) => void): () => void {
    return this.lows.add(handler);
  }

  onInvalidMessage(handler: (topic: string, errors: string[]) => void): () => void {
    return this.invalid.add(handler);
  }
}
