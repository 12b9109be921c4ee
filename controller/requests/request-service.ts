import type { Urgency } from '../work/urgency.ts';
import type { Clock } from '../../protocol/clock.ts';
import type { WmsEventDraft } from '../../protocol/wms/links.ts';
import type { RejectionCode } from '../../protocol/wms/reply-schemas.ts';
import type { BinRequest, BinRequestType, CountRequest, PickRequest, PutawayRequest } from '../../protocol/wms/request-schemas.ts';
import type { Inventory } from '../inventory/inventory.ts';
import type { PortStation } from '../ports/port-station.ts';
import { settleVisit, type ConfirmedQuantity } from '../ports/visit-settlement.ts';
import type { StoredInventory } from '../store/stored-inventory.ts';
import { selectBinForPutaway, selectBinsForPick, type BinSelectionView } from '../work/bin-selection.ts';
import { newVisit, type ActiveRequest, type RequestBook, type RequestLine, type Visit } from './request-book.ts';
import { countLines, countVisits } from './cycle-count.ts';
import { choosePort } from './port-choice.ts';
import { doneLinesOf, pickPriority, totalsBySku } from './request-lines.ts';
import type { VisitObserver } from './visit-observer.ts';

export type Rejection = { code: RejectionCode; reason: string };

/** Clock ms between checks of the running requests' cut-offs. */
const CUTOFF_CHECK_MS = 1_000;

/** A progress event's fields, beside its type and request id. */
export type ProgressFields = Omit<Extract<WmsEventDraft, { type: 'progress' }>, 'type' | 'requestId'>;

export type TerminalType = 'completed' | 'cancelled' | 'failed';

/** Where a request's events go out (the WMS gateway): each is built, kept, and sent once durable. */
export interface RequestPublisher {
  progress(request: ActiveRequest, fields: ProgressFields): void;
  /** The request's one terminal event; `whileKept` runs in the batch that keeps it. */
  ended(request: ActiveRequest, type: TerminalType, reason: string | undefined, whileKept: () => void): void;
}

/** A pick or putaway that passed its checks: `plan` selects its bins and reserves its stock, inside the batch that keeps the request. */
export interface Acceptance {
  plan(): ActiveRequest;
}

/** The pick, putaway or count as the WMS sent it, kept in the store, for a restart. */
export interface StoredBody {
  readonly requestId: string;
  readonly clientId: string;
  readonly acceptedAtMs: number | null;
  readonly body: BinRequest;
  /** Pieces already picked or put, per SKU, as last kept. */
  readonly done: readonly { sku: string; quantity: number }[];
  /** Pieces already picked or put per request line, as last kept (absent in records kept before lines were). */
  readonly doneLines?: readonly { line: number; quantity: number }[];
}

export interface RequestServiceDeps {
  readonly book: RequestBook;
  readonly stock: StoredInventory;
  readonly inventory: Inventory;
  readonly ports: ReadonlyMap<string, PortStation>;
  readonly clock: Clock;
  readonly bins: BinSelectionView;
  readonly maxUnitsPerBin: number;
  newId(prefix: string): string;
  /** Queues the retrieval of a visit's bin. */
  queueVisit(visit: Visit, urgency: Urgency): void;
  /** Takes the request's retrievals that have not started out of the queue. */
  dropQueuedRetrievals(requestId: string): void;
  /** A request has ended (`completed` or not), for the KPIs. */
  requestFinished(request: ActiveRequest, completed: boolean): void;
  /** How long a request typically takes from acceptance to its end, clock ms (0 while none has ended). */
  typicalRequestMs(): number;
}

/**
 * The one owner of the WMS's picks and putaways, from acceptance to their one terminal event:
 * acceptance (port, bins and their reserved stock as one plan, or a rejection), the visits'
 * lifecycle as the controller's rooms report it (each visit a machine, visit-machine.ts),
 * cancel, failure and completion. The gateway only translates between the wire and these
 * calls, and publishes what it is told (RequestPublisher). Port screens and others observe visits.
 */
export class RequestService {
  private publisher: RequestPublisher | undefined;
  private readonly observers: VisitObserver[] = [];
  /** Running requests with a cut-off not yet flagged as at risk, by id. */
  private readonly cutoffWatch = new Map<string, ActiveRequest>();
  /** Clock ms of the next cut-off check. */
  private nextCutoffCheckMs = 0;

  constructor(private readonly deps: RequestServiceDeps) {}

  setPublisher(publisher: RequestPublisher): void {
    this.publisher = publisher;
  }

  /** Another observer of visits (a port screen), told after the request is served. */
  addObserver(observer: VisitObserver): void {
    this.observers.push(observer);
  }

  /** The request while it runs. */
  get(requestId: string): ActiveRequest | undefined {
    return this.deps.book.get(requestId);
  }

  /** A visit of a running request. */
  visit(visitId: string): Visit | undefined {
    return this.deps.book.visit(visitId);
  }

  /** The running requests, in the order accepted. */
  all(): IterableIterator<ActiveRequest> {
    return this.deps.book.all();
  }

  // ---------------------------------------------------------------- acceptance

  /** Checks a pick (port, SKUs known, stock available); its plan reserves the stock. */
  acceptPick(clientId: string, request: PickRequest): Acceptance | Rejection {
    const { inventory, clock } = this.deps;
    const port = this.choosePort(request.port, 'pick');
    if ('code' in port) return port;
    const wanted = new Map<string, number>();
    for (const line of request.lines) {
      if (!inventory.knownSku(line.sku)) return { code: 'UNKNOWN_SKU', reason: `SKU "${line.sku}" is not stocked in this grid` };
      wanted.set(line.sku, (wanted.get(line.sku) ?? 0) + line.quantity);
    }
    for (const [sku, quantity] of wanted) {
      const available = inventory.available(sku);
      if (quantity > available) return { code: 'INSUFFICIENT_STOCK', reason: `SKU "${sku}": ${quantity} asked, ${available} available` };
    }
    return {
      plan: () => ({
        requestId: request.requestId,
        clientId,
        type: 'pick',
        acceptedAtMs: clock.now(),
        priority: pickPriority(request),
        ...(request.dueTime ? { dueAtMs: Date.parse(request.dueTime) } : {}),
        lines: request.lines.map(({ sku, quantity }) => ({ sku, quantity })),
        visits: this.pickVisits(request.requestId, request.lines, port),
        done: new Map(),
        shortage: false,
      }),
    };
  }

  /** Checks a putaway (port, its bin, or an empty one, and what a bin may hold). */
  acceptPutaway(clientId: string, request: PutawayRequest): Acceptance | Rejection {
    const { inventory, clock, maxUnitsPerBin: cap } = this.deps;
    const port = this.choosePort(request.port, 'putaway');
    if ('code' in port) return port;
    let binId = request.binId;
    if (binId !== undefined) {
      if (!inventory.has(binId)) return { code: 'UNKNOWN_BIN', reason: `bin "${binId}" does not exist` };
      const others = inventory.contents(binId).filter((line) => line.sku !== request.sku);
      if (others.length > 0) return { code: 'BIN_UNAVAILABLE', reason: `bin "${binId}" holds ${others.map((l) => l.sku).join(', ')}; put ${request.sku} into an empty bin or one holding it` };
      if (this.binBusy(binId)) return { code: 'BIN_UNAVAILABLE', reason: `bin "${binId}" is in use by another request` };
      const held = inventory.contents(binId).find((line) => line.sku === request.sku)?.quantity ?? 0;
      if (held + request.quantity > cap) return { code: 'BIN_CAPACITY_EXCEEDED', reason: `bin "${binId}" holds ${held} of ${request.sku}; ${request.quantity} more would exceed the ${cap} units a bin may hold` };
    } else {
      if (request.quantity > cap) return { code: 'BIN_CAPACITY_EXCEEDED', reason: `${request.quantity} units exceed the ${cap} units a bin may hold; split the putaway` };
      binId = selectBinForPutaway(this.deps.bins, port.cell, (id) => this.binBusy(id));
      if (binId === undefined) return { code: 'NO_EMPTY_BIN', reason: 'no empty bin is free in storage' };
    }
    const into = binId;
    return {
      plan: () => ({
        requestId: request.requestId,
        clientId,
        type: 'putaway',
        acceptedAtMs: clock.now(),
        priority: 0,
        lines: [{ sku: request.sku, quantity: request.quantity }],
        visits: [this.putawayVisit(request.requestId, into, port, request.sku, request.quantity)],
        done: new Map(),
        shortage: false,
      }),
    };
  }

  /**
   * Checks a count: the port, and the bin (or every bin holding the SKU, at most
   * MAX_COUNT_BINS), each holding stock and used by no other request (no visit, no stock
   * reserved in it). Its plan reserves every unit of each SKU to count in its bin, so no pick
   * takes from a bin before it is counted.
   */
  acceptCount(clientId: string, request: CountRequest): Acceptance | Rejection {
    const port = this.choosePort(request.port, 'pick');
    if ('code' in port) return port;
    const lines = this.countLines(request);
    if ('code' in lines) return lines;
    return { plan: () => this.countRequest(clientId, request.requestId, this.deps.clock.now(), lines, port) };
  }

  /** The SKUs a count covers, bin by bin (see countLines); bins other requests use are refused. */
  private countLines(request: CountRequest): RequestLine[] | Rejection {
    return countLines(this.deps.inventory, request, (binId) => this.binBusy(binId));
  }

  private countRequest(clientId: string, requestId: string, acceptedAtMs: number, lines: readonly RequestLine[], port: { id: string }): ActiveRequest {
    const visits = countVisits(lines, (binId, binLines) => newVisit({ visitId: this.deps.newId('visit'), requestId, binId, portId: port.id, mode: 'count', lines: binLines }), (binId, sku, units) => this.deps.stock.reserve(binId, sku, units, requestId).reservationId);
    return { requestId, clientId, type: 'count', acceptedAtMs, priority: 0, lines, visits, done: new Map(), shortage: false, counts: [] };
  }

  /**
   * An accepted request starts: it is in the book, its visits queued. In a batch (the one
   * that keeps the request), all of it is taken back if the batch rolls back.
   */
  start(active: ActiveRequest): void {
    const { book, stock } = this.deps;
    book.add(active);
    stock.onRollback(() => {
      this.deps.dropQueuedRetrievals(active.requestId);
      this.cutoffWatch.delete(active.requestId);
      book.remove(active.requestId);
    });
    if (active.dueAtMs !== undefined) this.cutoffWatch.set(active.requestId, active);
    this.publish(active.requestId, { stage: 'queued' });
    for (const visit of active.visits) {
      this.publish(active.requestId, { stage: 'binSelected', binId: visit.binId, port: visit.portId, depth: this.deps.inventory.depthFromTop(visit.binId) ?? 0 });
      this.deps.queueVisit(visit, active);
    }
  }

  // ---------------------------------------------------------------- cancel and failure

  /** Why the running request cannot be cancelled (a bin of it is moving), or undefined. */
  whyNotCancellable(requestId: string): Rejection | undefined {
    const active = this.deps.book.get(requestId);
    if (!active || active.visits.some((v) => v.state !== 'queued' && v.state !== 'cancelled')) {
      return { code: 'NOT_CANCELLABLE', reason: `bins for "${requestId}" are already moving; it will complete` };
    }
    return undefined;
  }

  /** Cancels a request none of whose bins has started (checked with whyNotCancellable): it ends `cancelled`. */
  cancel(requestId: string, byRequestId: string): void {
    const active = this.deps.book.get(requestId);
    if (!active) return;
    if (active.visits.every((v) => v.state === 'queued' || v.state === 'cancelled')) this.dropQueued(requestId);
    this.end(active, 'cancelled', `cancelled by request "${byRequestId}"`);
  }

  /**
   * Drops the retrievals of a request that have not started and releases its reserved stock
   * (a cancelled or failed request); visits already under way run to the port and back.
   */
  dropQueued(requestId: string): void {
    this.deps.dropQueuedRetrievals(requestId);
    for (const visit of this.deps.book.get(requestId)?.visits ?? []) visit.lifecycle.send({ type: 'CANCEL' });
    this.deps.stock.releaseRequest(requestId);
  }

  /** An accepted request whose handling broke off ends `failed` with `reason` (unless it has ended), its stock released. */
  failAfterError(stored: { requestId: string; clientId: string; type: BinRequestType; acceptedAtMs: number | null }, reason: string): void {
    const active = this.deps.book.get(stored.requestId);
    if (active) this.dropQueued(stored.requestId);
    else this.deps.stock.releaseRequest(stored.requestId);
    const request = active ?? { requestId: stored.requestId, clientId: stored.clientId, type: stored.type, acceptedAtMs: stored.acceptedAtMs ?? this.deps.clock.now(), priority: 0, lines: [], visits: [], done: new Map(), shortage: false };
    this.end(request, 'failed', reason);
  }

  // ---------------------------------------------------------------- visits, as the rooms report them

  /** A robot started the visit's retrieval. */
  started(visit: Visit | undefined): void {
    visit?.lifecycle.send({ type: 'START' });
  }

  /** The visit's robot gave its retrieval back: it is queued again. */
  requeued(visit: Visit | undefined): void {
    visit?.lifecycle.send({ type: 'REQUEUE' });
  }

  /** The visit's bin was set down at its port. */
  arrived(visit: Visit | undefined): void {
    visit?.lifecycle.send({ type: 'ARRIVED' });
  }

  stage(visit: Visit, stage: 'digging' | 'binInTransit', details: { depth?: number }): void {
    this.publish(visit.requestId, { stage, binId: visit.binId, port: visit.portId, ...(details.depth !== undefined ? { depth: details.depth } : {}) });
    this.observers.forEach((o) => o.visitStage?.(visit, stage, details));
  }

  /** A bin is presented to the person at the port, for these visits (one or, batched, several). */
  presented(portId: string, visits: readonly Visit[]): void {
    for (const visit of visits) {
      visit.lifecycle.send({ type: 'PRESENTED' });
      this.publish(visit.requestId, { stage: 'binAtPort', binId: visit.binId, port: visit.portId });
    }
    this.observers.forEach((o) => o.binPresented?.(portId));
  }

  /**
   * The person confirmed the presented visit (inside the stock batch of the confirmation):
   * `quantities[i]` pieces for its line `i`. The stock and the request's score change, the
   * visit is done, and the request completes once all its visits are. Returns the pieces
   * confirmed per line.
   */
  settle(visit: Visit, quantities: readonly number[]): ConfirmedQuantity[] {
    return settleVisit(this.deps.stock, this.deps.book.get(visit.requestId), visit, quantities);
  }

  /** Every visit of the bin presented at the port is confirmed: the port's screen clears. */
  binConfirmed(portId: string): void {
    this.observers.forEach((o) => o.binConfirmed?.(portId));
  }

  /** The running requests' visits to the bin, in any state. */
  visitsOfBin(binId: string): readonly Visit[] {
    return this.deps.book.visitsOfBin(binId);
  }

  /** Whether a running request still needs the bin (RequestBook.binHasOpenVisit). */
  binHasOpenVisit(binId: string): boolean {
    return this.deps.book.binHasOpenVisit(binId);
  }

  /** Tells of a settled visit (see `settle`), once the confirmation's other changes are registered. */
  confirmed(visit: Visit, quantities: readonly ConfirmedQuantity[]): void {
    const request = this.deps.book.get(visit.requestId);
    if (request) {
      for (const q of quantities) {
        const stage = visit.mode === 'pick' ? 'linePicked' : visit.mode === 'putaway' ? 'binStored' : 'binCounted';
        this.publish(visit.requestId, { stage, binId: visit.binId, port: visit.portId, line: q.line, sku: q.sku, quantity: q.quantity, ...(q.recorded !== undefined ? { recorded: q.recorded } : {}) });
      }
      if (this.deps.book.finished(request.requestId)) this.end(request, 'completed', request.shortage ? 'short: fewer pieces were found than asked for' : undefined);
    }
    this.observers.forEach((o) => o.visitConfirmed?.(visit, quantities));
  }

  /** The visit cannot be served: its request fails with `reason`, its other retrievals not started are dropped. */
  failed(visit: Visit, reason: string): void {
    const request = this.deps.book.get(visit.requestId);
    if (request) {
      this.dropQueued(request.requestId);
      this.end(request, 'failed', reason);
    }
    this.observers.forEach((o) => o.visitFailed?.(visit, reason));
  }

  // ---------------------------------------------------------------- cut-offs

  /**
   * Flags, once each, the running requests that will miss their cut-off (at most once per
   * CUTOFF_CHECK_MS of clock time): those past it, and those with a bin not yet presented
   * that a typical request time from their acceptance would take past it. The WMS gets a
   * `cutoffAtRisk` progress event with the time the request is expected to end.
   */
  watchCutoffs(): void {
    const now = this.deps.clock.now();
    if (now < this.nextCutoffCheckMs || this.cutoffWatch.size === 0) return;
    this.nextCutoffCheckMs = now + CUTOFF_CHECK_MS;
    const typicalMs = this.deps.typicalRequestMs();
    for (const request of [...this.cutoffWatch.values()]) {
      const waitingForBins = request.visits.some((v) => v.state === 'queued' || v.state === 'underway' || v.state === 'atPort');
      const expectedAtMs = Math.max(now, waitingForBins ? request.acceptedAtMs + typicalMs : now);
      if (expectedAtMs <= request.dueAtMs! && now <= request.dueAtMs!) continue;
      this.cutoffWatch.delete(request.requestId);
      this.publish(request.requestId, { stage: 'cutoffAtRisk', dueTime: new Date(request.dueAtMs!).toISOString(), expectedAt: new Date(expectedAtMs).toISOString() });
    }
  }

  // ---------------------------------------------------------------- a restart

  /**
   * Plans again the picks and putaways that were open when the controller last stopped, for
   * what is still to do: pieces already confirmed (kept with each progress record) are not
   * picked or put twice.
   */
  resume(open: readonly StoredBody[]): { resumed: number; failed: number } {
    let resumed = 0;
    let failed = 0;
    const { book, stock, inventory, clock } = this.deps;
    for (const stored of open) {
      stock.releaseRequest(stored.requestId);
      const body = stored.body;
      if (body.type === 'count') {
        if (this.resumeCount(stored, body)) resumed++;
        else failed++;
        continue;
      }
      const lines: RequestLine[] = body.type === 'pick' ? body.lines.map(({ sku, quantity }) => ({ sku, quantity })) : [{ sku: body.sku, quantity: body.quantity }];
      const done = doneLinesOf(stored, lines);
      const active: ActiveRequest = {
        requestId: stored.requestId,
        clientId: stored.clientId,
        type: body.type,
        // A clock that restarted behind the stored time (simulated runs) must not give negative ages.
        acceptedAtMs: Math.min(stored.acceptedAtMs ?? Infinity, clock.now()),
        priority: body.type === 'pick' ? pickPriority(body) : 0,
        ...(body.type === 'pick' && body.dueTime ? { dueAtMs: Date.parse(body.dueTime) } : {}),
        lines,
        visits: [],
        done,
        shortage: false,
      };
      const remaining = lines.map((line, i) => ({ sku: line.sku, quantity: Math.max(0, line.quantity - (done.get(i) ?? 0)) }));
      book.add(active);
      if (remaining.every((line) => line.quantity === 0)) {
        this.end(active, 'completed');
        continue;
      }
      const port = this.choosePort(body.port, body.type);
      let problem: string | undefined;
      if ('code' in port) problem = port.reason;
      else if (body.type === 'pick') {
        const short = [...totalsBySku(remaining)].find(([sku, q]) => inventory.available(sku) < q);
        if (short) problem = `SKU "${short[0]}" no longer has the ${short[1]} pieces still to pick`;
        else active.visits.push(...this.pickVisits(stored.requestId, remaining, port));
      } else {
        const binId = body.binId ?? selectBinForPutaway(this.deps.bins, port.cell, (id) => this.binBusy(id));
        if (binId === undefined) problem = 'no empty bin is free in storage';
        else active.visits.push(this.putawayVisit(stored.requestId, binId, port, body.sku, remaining[0]!.quantity));
      }
      if (problem) {
        this.end(active, 'failed', `the controller restarted and ${problem}`);
        failed++;
        continue;
      }
      book.remove(stored.requestId);
      this.start(active);
      resumed++;
    }
    return { resumed, failed };
  }

  /**
   * A count open at the restart is planned afresh: every bin of it is counted (again, for one
   * counted before the restart: the WMS was told of that count, and a second one changes
   * nothing that is right). False when it cannot be (it fails).
   */
  private resumeCount(stored: StoredBody, body: CountRequest): boolean {
    const acceptedAtMs = Math.min(stored.acceptedAtMs ?? Infinity, this.deps.clock.now());
    const port = this.choosePort(body.port, 'pick');
    const lines = 'code' in port ? port : this.countLines(body);
    if ('code' in lines || 'code' in port) {
      const active: ActiveRequest = { requestId: stored.requestId, clientId: stored.clientId, type: 'count', acceptedAtMs, priority: 0, lines: [], visits: [], done: new Map(), shortage: false, counts: [] };
      this.deps.book.add(active);
      this.end(active, 'failed', `the controller restarted and ${'code' in lines ? lines.reason : 'no port takes it'}`);
      return false;
    }
    this.start(this.countRequest(stored.clientId, stored.requestId, acceptedAtMs, lines, port));
    return true;
  }

  // ---------------------------------------------------------------- policies

  /**
   * Visits serving the request's lines (pieces per line, in the request's order; a line with
   * none left is skipped) at the port, with their stock reserved; availability is checked.
   */
  private pickVisits(requestId: string, lines: readonly { sku: string; quantity: number }[], port: { id: string; cell: number }): Visit[] {
    const { stock, newId } = this.deps;
    return selectBinsForPick(this.deps.bins, lines, port.cell).map((bin) => {
      // One reservation per SKU in the bin, shared by the lines of that SKU (settlement releases it once).
      const reservations = new Map<string, string>();
      for (const [sku, quantity] of totalsBySku(bin.lines)) reservations.set(sku, stock.reserve(bin.binId, sku, quantity, requestId).reservationId);
      return newVisit({
        visitId: newId('visit'),
        requestId,
        binId: bin.binId,
        portId: port.id,
        mode: 'pick',
        lines: bin.lines.map((line) => ({ ...line, reservationId: reservations.get(line.sku)! })),
      });
    });
  }

  private putawayVisit(requestId: string, binId: string, port: { id: string }, sku: string, quantity: number): Visit {
    return newVisit({ visitId: this.deps.newId('visit'), requestId, binId, portId: port.id, mode: 'putaway', lines: [{ line: 0, sku, quantity }] });
  }

  /** The port a request is served at (see choosePort). */
  private choosePort(portId: string | undefined, mode: 'pick' | 'putaway'): { id: string; cell: number } | Rejection {
    return choosePort(this.deps.ports, (id) => this.deps.book.openVisitsAt(id), portId, mode);
  }

  /** Whether another request's visit still needs the bin, or it is out of storage. */
  private binBusy(binId: string): boolean {
    if (this.deps.book.binHasOpenVisit(binId)) return true;
    return this.deps.inventory.location(binId).kind !== 'column';
  }

  private publish(requestId: string, fields: ProgressFields): void {
    const request = this.deps.book.get(requestId);
    if (request) this.publisher?.progress(request, fields);
  }

  /** The request's one terminal event: kept, and the request leaves the book (back if the batch rolls back). */
  private end(request: ActiveRequest, type: TerminalType, reason?: string): void {
    const { book, stock } = this.deps;
    const leaveBook = () => {
      const removed = book.remove(request.requestId);
      const watched = this.cutoffWatch.delete(request.requestId);
      if (removed) stock.onRollback(() => book.add(removed));
      if (watched) stock.onRollback(() => this.cutoffWatch.set(request.requestId, request));
      stock.afterCommit(() => this.deps.requestFinished(request, type === 'completed'));
    };
    if (this.publisher) this.publisher.ended(request, type, reason, leaveBook);
    else leaveBook();
  }
}
