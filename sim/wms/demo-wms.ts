import type { Clock, TimerHandle } from '../../protocol/clock.ts';
import { SeededRandom } from '../../protocol/random.ts';
import { REQUEST_ID_PATTERN } from '../../protocol/wms/common-schemas.ts';
import type { WmsEvent } from '../../protocol/wms/event-schemas.ts';
import type { WmsReply } from '../../protocol/wms/reply-schemas.ts';
import type { WmsRequest } from '../../protocol/wms/request-schemas.ts';
import { resolveDemoWmsOptions, type DemoWmsOptions } from './demo-wms-options.ts';
import { DemoRequestGenerator, type StockLine } from './request-generator.ts';
import { WmsRequestLedger, type LedgerCounts, type LedgerEntry, type LedgerRequest } from './request-ledger.ts';

export type { DemoWmsOptions } from './demo-wms-options.ts';

/**
 * The part of a WMS client link the demo WMS uses. `WmsClientLink` (protocol/wms/links.ts)
 * satisfies it. The composition root starts the link (subscribes) before `DemoWms.start()`.
 */
export interface DemoWmsLink {
  readonly clientId: string;
  send(request: WmsRequest): void;
  onReply(handler: (reply: WmsReply) => void): () => void;
  onEvent(handler: (event: WmsEvent) => void): () => void;
  onInvalidMessage?(handler: (topic: string, errors: string[]) => void): () => void;
}

export interface DemoWmsDeps {
  link: DemoWmsLink;
  clock: Clock;
  /** What is in stock at the start, e.g. the facility's initial inventory; lines of one SKU may repeat (they are added). */
  stock: readonly StockLine[];
  options?: Partial<DemoWmsOptions>;
  /**
   * Start of every request id; the link's client id when absent. A prefix from the start time
   * keeps ids unique when a facility starts again on a store that remembers earlier runs' ids.
   */
  requestIdPrefix?: string;
}

export type DemoWmsStats = LedgerCounts;

/**
 * A warehouse management system for demos and scenario runs: sends a seeded stream of pick
 * and putaway requests over the WMS API, with Poisson arrivals at `requestsPerHour` and at
 * most `maxOpenRequests` open, and records every reply and event per request to check the
 * API's promises (`protocolViolations`) and to measure (`stats`).
 *
 * Request ids are `${requestIdPrefix}-${n}`, n from 1, zero-padded to `requestNumberDigits`.
 */
export class DemoWms {
  readonly options: DemoWmsOptions;
  private readonly link: DemoWmsLink;
  private readonly clock: Clock;
  private readonly generator: DemoRequestGenerator;
  private readonly arrivals: SeededRandom;
  private readonly ledger: WmsRequestLedger;
  private running = false;
  private arrivalTimer: TimerHandle | null = null;
  /** An arrival came while `maxOpenRequests` were open; it is sent when one closes. */
  private arrivalWaiting = false;
  private requestNumber = 0;
  private readonly requestIdPrefix: string;

  constructor(deps: DemoWmsDeps) {
    this.requestIdPrefix = deps.requestIdPrefix ?? deps.link.clientId;
    this.options = resolveDemoWmsOptions(deps.options);
    this.link = deps.link;
    this.clock = deps.clock;
    const sampleId = this.requestIdOf(1);
    if (!REQUEST_ID_PATTERN.test(sampleId)) throw new RangeError(`request id prefix ${JSON.stringify(this.requestIdPrefix)} makes request ids like ${JSON.stringify(sampleId)}, which the WMS API does not allow`);
    this.generator = new DemoRequestGenerator(deps.stock, this.options);
    this.arrivals = new SeededRandom(`${this.options.seed}:demo-wms:arrivals`);
    this.ledger = new WmsRequestLedger((entry) => this.closed(entry));
    this.link.onReply((reply) => this.ledger.recordReply(reply, this.clock.now()));
    this.link.onEvent((event) => this.ledger.recordEvent(event, this.clock.now()));
    this.link.onInvalidMessage?.((topic, errors) => this.ledger.recordInvalid(topic, errors));
  }

  /** Begins sending: the first request arrives after one seeded inter-arrival gap. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.scheduleArrival();
  }

  /** Stops sending new requests; replies and events are still recorded, so open requests can drain. */
  stop(): void {
    this.running = false;
    this.arrivalWaiting = false;
    if (this.arrivalTimer !== null) this.clock.clearTimeout(this.arrivalTimer);
    this.arrivalTimer = null;
  }

  get isSending(): boolean {
    return this.running;
  }

  stats(): DemoWmsStats {
    return this.ledger.counters();
  }

  /** Every request sent, in order, with its replies, events and terminal event. */
  requestLedger(): readonly LedgerEntry[] {
    return this.ledger.list();
  }

  /**
   * Breaches of "exactly one reply per request, exactly one terminal event per accepted
   * request, nothing after it, nothing for unknown ids" (DESIGN.md §3 "WMS", §5 invariant 3).
   * By default only what has arrived is judged, plus replies overdue by `replyTimeoutS`, so it
   * may be called at any time; `{ final: true }` at the end of a run also lists requests that
   * never got their reply or, accepted, their terminal event.
   */
  protocolViolations(options: { final?: boolean } = {}): string[] {
    return this.ledger.protocolViolations({ nowMs: this.clock.now(), replyTimeoutMs: this.options.replyTimeoutS * 1000, final: options.final ?? false });
  }

  /** Units of a SKU the WMS believes it may still ask for (its running stock estimate). */
  estimatedStockOf(sku: string): number {
    return this.generator.availableOf(sku);
  }

  private scheduleArrival(): void {
    const { totalRequests, requestsPerHour } = this.options;
    if (!this.running) return;
    if (totalRequests !== undefined && this.requestNumber >= totalRequests) {
      this.running = false;
      return;
    }
    const gapMs = this.arrivals.exponential(3_600_000 / requestsPerHour);
    this.arrivalTimer = this.clock.setTimeout(() => this.arrive(), gapMs);
  }

  private arrive(): void {
    this.arrivalTimer = null;
    if (this.ledger.open >= this.options.maxOpenRequests) {
      this.arrivalWaiting = true;
      return;
    }
    this.sendNext();
    this.scheduleArrival();
  }

  private closed(entry: LedgerEntry): void {
    const first = entry.replies[0]!.reply;
    if (first.type === 'rejected') this.generator.onRejected(entry.request, first.code);
    else if (entry.terminal) this.generator.onTerminal(entry.request, entry.terminal.event);
    if (this.arrivalWaiting && this.running) {
      this.arrivalWaiting = false;
      this.sendNext();
      this.scheduleArrival();
    }
  }

  private sendNext(): void {
    const requestId = this.requestIdOf(++this.requestNumber);
    const request = { ...this.generator.next(), requestId } as LedgerRequest;
    this.ledger.recordSent(request, this.clock.now());
    this.link.send(request);
  }

  private requestIdOf(n: number): string {
    return `${this.requestIdPrefix}-${String(n).padStart(this.options.requestNumberDigits, '0')}`;
  }
}
