import type { Clock } from '../../protocol/clock.ts';
import type { WmsEvent } from '../../protocol/wms/event-schemas.ts';
import type { WmsEventDraft, WmsReplyDraft } from '../../protocol/wms/links.ts';
import type { ParseWmsRequestResult } from '../../protocol/wms/parse-wms-request.ts';
import { canonicalRequestKey } from '../../protocol/wms/canonical-request-key.ts';
import type { RejectionCode, WmsReply } from '../../protocol/wms/reply-schemas.ts';
import type { CancelRequest, InventoryRequest, PickRequest, PutawayRequest, StatusRequest, WmsRequest } from '../../protocol/wms/request-schemas.ts';
import { internalErrorReason } from '../error-boundary.ts';
import type { GridController, VisitObserver } from '../grid-controller.ts';
import { newVisit, type ActiveRequest, type Visit } from '../requests/request-book.ts';
import type { SqliteStore, StoredRequest } from '../store/sqlite-store.ts';
import { selectBinsForPick, selectBinForPutaway } from './bin-selection.ts';
import { RateLimiter } from './rate-limiter.ts';
import { doneQuantities, inventoryAnswer, requestStatus, type Rejection } from './wms-queries.ts';

/**
 * Where answers go: the WMS link (MQTT or in-memory). A reply or event is built (stamped and
 * checked against the schema, throwing if it breaks it) before anything it reports is kept,
 * and sent once that is durable.
 */
export interface WmsOutput {
  buildReply(reply: WmsReplyDraft): WmsReply;
  buildEvent(event: WmsEventDraft): WmsEvent;
  sendReply(clientId: string, reply: WmsReply): void;
  sendEvent(clientId: string, event: WmsEvent): void;
}

/** What the store keeps as a request's progress: its latest event and the pieces done so far. */
type ProgressRecord = Extract<WmsEventDraft, { type: 'progress' }> & { done: { sku: string; quantity: number }[] };

/** The request being handled: what of it is already kept and sent, for `recover`. */
interface Turn {
  readonly requestId: string | null;
  /** Its record is in the store (committed). */
  recorded: boolean;
  /** Its reply went out. */
  replied: boolean;
  /** Picks and putaways it started or was ending: each must end if the handling broke off. */
  readonly touched: string[];
}

/**
 * The WMS API's controller end: every request gets exactly one reply, every accepted pick
 * or putaway exactly one terminal event. A request is checked completely before anything
 * changes, so a rejection leaves no trace but the reply. Request ids are idempotent: a
 * repeat with the same content gets the stored reply again, never a second pick.
 *
 * Limits at the edge: each client's request rate (a token bucket on the clock:
 * RATE_LIMITED beyond it), units per bin (BIN_CAPACITY_EXCEEDED), and a client sees only its
 * own requests (another's is unknown to status and cancel, and its id is taken).
 *
 * A request is kept in one store batch with the stock it reserves: an internal error before
 * it commits leaves nothing (memory undone with the store), and `recover` rejects it with
 * INTERNAL_ERROR; after, `recover` ends what it started with a `failed` event.
 */
export class WmsGateway implements VisitObserver {
  private shuttingDown = false;
  private readonly limiter: RateLimiter;
  private turn: Turn | null = null;

  constructor(
    private readonly controller: GridController,
    private readonly store: SqliteStore,
    private readonly out: WmsOutput,
    private readonly clock: Clock,
  ) {
    controller.addObserver(this);
    this.limiter = new RateLimiter({ perSecond: controller.options.wmsRequestsPerSecond, burst: controller.options.wmsRequestBurst });
  }

  /** From now on new requests are refused with SHUTTING_DOWN. */
  beginShutdown(): void {
    this.shuttingDown = true;
  }

  handle(clientId: string, parsed: ParseWmsRequestResult): void {
    const requestId = parsed.ok ? parsed.request.requestId : parsed.requestId;
    this.turn = { requestId, recorded: false, replied: false, touched: [] };
    const key = parsed.ok ? canonicalRequestKey(parsed.request) : ''; // '' is no request's key
    const earlier = parsed.ok ? this.store.getRequest(parsed.request.requestId) : undefined;
    // A repeat (a client retrying after a lost reply) gets its first answer, over the rate limit
    // too: a RATE_LIMITED for a request already accepted would contradict it.
    if (earlier && earlier.clientId === clientId && earlier.canonicalKey === key && earlier.reply) return this.answer(clientId, earlier.reply as WmsReplyDraft);
    const rate = this.limiter.take(clientId, this.clock.now());
    if (!rate.ok) {
      const { perSecond, burst } = this.limiter.limit;
      return this.reject(clientId, requestId, 'RATE_LIMITED', `client "${clientId}" sent more than ${perSecond} requests a second (bursts of up to ${burst}); send it again in ${rate.retryAfterMs / 1000} s`);
    }
    if (!parsed.ok) return this.reject(clientId, requestId, parsed.code, parsed.reason);
    const request = parsed.request;
    if (earlier) {
      // Another client's request is never shown: not its reply, nor whether it was the same.
      if (earlier.clientId !== clientId) return this.reject(clientId, request.requestId, 'DUPLICATE_REQUEST_ID', `requestId "${request.requestId}" is already in use (ids are site-wide); choose another`);
      return this.reject(clientId, request.requestId, 'DUPLICATE_REQUEST_ID', `requestId "${request.requestId}" was already used for a different request`);
    }
    if (this.shuttingDown) return this.reject(clientId, request.requestId, 'SHUTTING_DOWN', 'the controller is shutting down; send the request again once it is back');
    switch (request.type) {
      case 'pick':
        return this.pick(clientId, request, key);
      case 'putaway':
        return this.putaway(clientId, request, key);
      case 'cancel':
        return this.cancel(clientId, request, key);
      case 'status':
        return this.status(clientId, request, key);
      case 'inventory':
        return this.inventory(clientId, request, key);
    }
  }

  /**
   * Ends a request whose handling threw (the error boundary calls this with the error): what
   * it started ends with a `failed` event, and it is answered: with its reply if that was kept
   * but not sent, else with an INTERNAL_ERROR rejection (nothing of it was kept).
   */
  recover(clientId: string, parsed: ParseWmsRequestResult, error: Error): void {
    const requestId = parsed.ok ? parsed.request.requestId : parsed.requestId;
    const turn = this.turn?.requestId === requestId ? this.turn : { requestId, recorded: false, replied: false, touched: [] };
    this.turn = null;
    const reason = internalErrorReason(error);
    try {
      // The reply first: a client hears "accepted" before the request's "failed", never after.
      if (!turn.replied) {
        const kept = turn.recorded && requestId !== null ? this.store.getRequest(requestId)?.reply : undefined;
        if (kept) this.out.sendReply(clientId, this.out.buildReply(kept as WmsReplyDraft));
        else this.out.sendReply(clientId, this.out.buildReply({ type: 'rejected', requestId, code: 'INTERNAL_ERROR', reason: `${reason}; nothing was changed, the request may be sent again` }));
      }
    } finally {
      for (const touched of turn.touched) this.endAfterError(touched, reason);
    }
  }

  // ---------------------------------------------------------------- requests

  private pick(clientId: string, request: PickRequest, key: string): void {
    const inventory = this.controller.inventory;
    const port = this.choosePort(request.port, 'pick');
    if ('code' in port) return this.reject(clientId, request.requestId, port.code, port.reason);
    const wanted = new Map<string, number>();
    for (const line of request.lines) {
      if (!inventory.knownSku(line.sku)) return this.reject(clientId, request.requestId, 'UNKNOWN_SKU', `SKU "${line.sku}" is not stocked in this grid`);
      wanted.set(line.sku, (wanted.get(line.sku) ?? 0) + line.quantity);
    }
    for (const [sku, quantity] of wanted) {
      const available = inventory.available(sku);
      if (quantity > available) return this.reject(clientId, request.requestId, 'INSUFFICIENT_STOCK', `SKU "${sku}": ${quantity} asked, ${available} available`);
    }
    this.accept(clientId, request, key, () => ({
      requestId: request.requestId,
      clientId,
      type: 'pick',
      acceptedAtMs: this.clock.now(),
      priority: pickPriority(request),
      visits: this.pickVisits(request.requestId, wanted, port),
      done: new Map(),
      shortage: false,
    }));
  }

  /** Visits serving `wanted` (pieces per SKU) at the port, with their stock reserved; availability is checked. */
  private pickVisits(requestId: string, wanted: ReadonlyMap<string, number>, port: { id: string; cell: number }): Visit[] {
    return selectBinsForPick(this.controller, wanted, port.cell).map((bin) =>
      newVisit({
        visitId: this.controller.newId('visit'),
        requestId,
        binId: bin.binId,
        portId: port.id,
        mode: 'pick',
        lines: bin.lines.map((line) => ({ ...line, reservationId: this.controller.stock.reserve(bin.binId, line.sku, line.quantity, requestId).reservationId })),
      }),
    );
  }

  private putawayVisit(requestId: string, binId: string, port: { id: string }, sku: string, quantity: number): Visit {
    return newVisit({ visitId: this.controller.newId('visit'), requestId, binId, portId: port.id, mode: 'putaway', lines: [{ sku, quantity }] });
  }

  private putaway(clientId: string, request: PutawayRequest, key: string): void {
    const port = this.choosePort(request.port, 'putaway');
    if ('code' in port) return this.reject(clientId, request.requestId, port.code, port.reason);
    const inventory = this.controller.inventory;
    const cap = this.controller.options.maxUnitsPerBin;
    let binId = request.binId;
    if (binId !== undefined) {
      if (!inventory.has(binId)) return this.reject(clientId, request.requestId, 'UNKNOWN_BIN', `bin "${binId}" does not exist`);
      const others = inventory.contents(binId).filter((line) => line.sku !== request.sku);
      if (others.length > 0) return this.reject(clientId, request.requestId, 'BIN_UNAVAILABLE', `bin "${binId}" holds ${others.map((l) => l.sku).join(', ')}; put ${request.sku} into an empty bin or one holding it`);
      if (this.binBusy(binId)) return this.reject(clientId, request.requestId, 'BIN_UNAVAILABLE', `bin "${binId}" is in use by another request`);
      const held = inventory.contents(binId).find((line) => line.sku === request.sku)?.quantity ?? 0;
      if (held + request.quantity > cap) return this.reject(clientId, request.requestId, 'BIN_CAPACITY_EXCEEDED', `bin "${binId}" holds ${held} of ${request.sku}; ${request.quantity} more would exceed the ${cap} units a bin may hold`);
    } else {
      if (request.quantity > cap) return this.reject(clientId, request.requestId, 'BIN_CAPACITY_EXCEEDED', `${request.quantity} units exceed the ${cap} units a bin may hold; split the putaway`);
      binId = selectBinForPutaway(this.controller, port.cell, (id) => this.binBusy(id));
      if (binId === undefined) return this.reject(clientId, request.requestId, 'NO_EMPTY_BIN', 'no empty bin is free in storage');
    }
    const into = binId;
    this.accept(clientId, request, key, () => ({
      requestId: request.requestId,
      clientId,
      type: 'putaway',
      acceptedAtMs: this.clock.now(),
      priority: 0,
      visits: [this.putawayVisit(request.requestId, into, port, request.sku, request.quantity)],
      done: new Map(),
      shortage: false,
    }));
  }

  private cancel(clientId: string, request: CancelRequest, key: string): void {
    const target = this.ownRequest(clientId, request.targetRequestId);
    if (!target) return this.reject(clientId, request.requestId, 'UNKNOWN_REQUEST', `no accepted request "${request.targetRequestId}"`);
    if (target.type !== 'pick' && target.type !== 'putaway') return this.reject(clientId, request.requestId, 'NOT_CANCELLABLE', `"${request.targetRequestId}" is a ${target.type} request, which is answered at once`);
    if (target.status === 'terminal') return this.reject(clientId, request.requestId, 'NOT_CANCELLABLE', `"${request.targetRequestId}" has already ended`);
    const active = this.controller.requests.get(request.targetRequestId);
    if (!active || active.visits.some((v) => v.state !== 'queued' && v.state !== 'cancelled')) {
      return this.reject(clientId, request.requestId, 'NOT_CANCELLABLE', `bins for "${request.targetRequestId}" are already moving; it will complete`);
    }
    this.keep(clientId, request, key, this.acceptedReply(request), () => {
      this.turn?.touched.push(active.requestId);
      this.controller.cancelQueuedVisits(active.requestId);
      this.terminate(active, 'cancelled', `cancelled by request "${request.requestId}"`);
    });
  }

  private status(clientId: string, request: StatusRequest, key: string): void {
    const target = this.ownRequest(clientId, request.targetRequestId);
    if (!target) return this.reject(clientId, request.requestId, 'UNKNOWN_REQUEST', `no accepted request "${request.targetRequestId}"`);
    const status = requestStatus(target, this.controller.requests.get(target.requestId));
    this.keep(clientId, request, key, { ...this.acceptedReply(request), status } as WmsReplyDraft);
  }

  private inventory(clientId: string, request: InventoryRequest, key: string): void {
    const answer = inventoryAnswer(this.controller.inventory, request);
    if ('code' in answer) return this.reject(clientId, request.requestId, answer.code, answer.reason);
    this.keep(clientId, request, key, { ...this.acceptedReply(request), inventory: answer } as WmsReplyDraft);
  }

  /** A request of this client that was accepted; another client's counts as none (nothing of it shows). */
  private ownRequest(clientId: string, requestId: string): StoredRequest | undefined {
    const target = this.store.getRequest(requestId);
    return target && target.status !== 'rejected' && target.clientId === clientId ? target : undefined;
  }

  // ---------------------------------------------------------------- visits (VisitObserver)

  visitStage(visit: Visit, stage: 'digging' | 'binInTransit', details: { depth?: number }): void {
    this.progress(visit.requestId, { stage, binId: visit.binId, port: visit.portId, ...(details.depth !== undefined ? { depth: details.depth } : {}) });
  }

  visitPresented(visit: Visit): void {
    this.progress(visit.requestId, { stage: 'binAtPort', binId: visit.binId, port: visit.portId });
  }

  visitConfirmed(visit: Visit, quantities: { sku: string; quantity: number }[]): void {
    const request = this.controller.requests.get(visit.requestId);
    if (!request) return;
    for (const q of quantities) this.progress(visit.requestId, { stage: visit.mode === 'pick' ? 'linePicked' : 'binStored', binId: visit.binId, port: visit.portId, sku: q.sku, quantity: q.quantity });
    if (this.controller.requests.finished(request.requestId)) {
      this.terminate(request, 'completed', request.shortage ? 'short: fewer pieces were found than asked for' : undefined);
    }
  }

  visitFailed(visit: Visit, reason: string): void {
    const request = this.controller.requests.get(visit.requestId);
    if (!request) return;
    this.controller.dropQueuedVisits(request.requestId);
    this.terminate(request, 'failed', reason);
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Plans again the picks and putaways that were open when the controller last stopped, for
   * what is still to do: pieces already confirmed (kept with each progress record) are not
   * picked or put twice. Queries and cancels were answered in their reply and need nothing.
   */
  resumeOpenRequests(): { resumed: number; failed: number } {
    let resumed = 0;
    let failed = 0;
    for (const stored of this.store.openRequests()) {
      if (stored.type !== 'pick' && stored.type !== 'putaway') continue;
      this.controller.stock.releaseRequest(stored.requestId);
      const body = stored.body as PickRequest | PutawayRequest;
      const done = new Map((stored.progress as ProgressRecord | null)?.done.map((q) => [q.sku, q.quantity] as const) ?? []);
      const active: ActiveRequest = {
        requestId: stored.requestId,
        clientId: stored.clientId,
        type: body.type,
        // A clock that restarted behind the stored time (simulated runs) must not give negative ages.
        acceptedAtMs: Math.min(stored.acceptedAtMs ?? Infinity, this.clock.now()),
        priority: body.type === 'pick' ? pickPriority(body) : 0,
        visits: [],
        done,
        shortage: false,
      };
      const remaining = new Map<string, number>();
      const lines = body.type === 'pick' ? body.lines : [{ sku: body.sku, quantity: body.quantity }];
      for (const line of lines) remaining.set(line.sku, (remaining.get(line.sku) ?? 0) + line.quantity);
      for (const [sku, quantity] of done) remaining.set(sku, (remaining.get(sku) ?? 0) - quantity);
      for (const [sku, quantity] of remaining) if (quantity <= 0) remaining.delete(sku);
      this.controller.requests.add(active);
      if (remaining.size === 0) {
        this.terminate(active, 'completed');
        continue;
      }
      const port = this.choosePort(body.port, body.type);
      let problem: string | undefined;
      if ('code' in port) problem = port.reason;
      else if (body.type === 'pick') {
        const short = [...remaining].find(([sku, q]) => this.controller.inventory.available(sku) < q);
        if (short) problem = `SKU "${short[0]}" no longer has the ${short[1]} pieces still to pick`;
        else active.visits.push(...this.pickVisits(stored.requestId, remaining, port));
      } else {
        const binId = body.binId ?? selectBinForPutaway(this.controller, port.cell, (id) => this.binBusy(id));
        if (binId === undefined) problem = 'no empty bin is free in storage';
        else active.visits.push(this.putawayVisit(stored.requestId, binId, port, body.sku, remaining.get(body.sku)!));
      }
      if (problem) {
        this.terminate(active, 'failed', `the controller restarted and ${problem}`);
        failed++;
        continue;
      }
      this.controller.requests.remove(stored.requestId);
      this.start(active);
      resumed++;
    }
    return { resumed, failed };
  }

  private choosePort(portId: string | undefined, mode: 'pick' | 'putaway'): { id: string; cell: number } | Rejection {
    const ports = [...this.controller.ports.values()];
    if (portId !== undefined) {
      const port = this.controller.ports.get(portId);
      if (!port) return { code: 'UNKNOWN_PORT', reason: `port "${portId}" does not exist; ports are ${ports.map((p) => p.id).join(', ')}` };
      if (port.mode !== mode) return { code: 'PORT_UNAVAILABLE', reason: `port "${portId}" is ${port.mode === 'closed' ? 'closed' : `in ${port.mode} mode`}, not ${mode}` };
      return { id: port.id, cell: port.cell };
    }
    const ofMode = ports.filter((p) => p.mode === mode);
    // Ports an operator closed are passed over while another port of the mode takes work; if
    // all are closed the request waits at one of them until it opens again.
    const open = ofMode.filter((p) => this.controller.portTakesVisits(p.id));
    const candidates = open.length > 0 ? open : ofMode;
    if (candidates.length === 0) return { code: 'PORT_UNAVAILABLE', reason: `no port is open for ${mode}` };
    const load = new Map(candidates.map((p) => [p.id, 0]));
    for (const request of this.controller.requests.all()) for (const visit of request.visits) if (load.has(visit.portId) && visit.state !== 'done' && visit.state !== 'cancelled') load.set(visit.portId, load.get(visit.portId)! + 1);
    const best = candidates.reduce((a, b) => (load.get(b.id)! < load.get(a.id)! ? b : a));
    return { id: best.id, cell: best.cell };
  }

  private binBusy(binId: string): boolean {
    for (const request of this.controller.requests.all()) for (const visit of request.visits) if (visit.binId === binId && visit.state !== 'done' && visit.state !== 'cancelled') return true;
    return this.controller.inventory.location(binId).kind !== 'column';
  }

  /**
   * Accepts a pick or putaway: its record, its reply and the stock `plan` reserves are kept in
   * one batch; once that is durable the reply goes out and the request starts.
   */
  private accept(clientId: string, request: PickRequest | PutawayRequest, key: string, plan: () => ActiveRequest): void {
    this.store.applyBatch(() => {
      const active = plan();
      this.keep(clientId, request, key, this.acceptedReply(request), () => {
        this.turn?.touched.push(active.requestId);
        this.start(active);
      });
    });
  }

  /**
   * Keeps an accepted request's record with its reply (built first: one that cannot be built
   * keeps nothing), then, once durable, sends the reply and runs `then`.
   */
  private keep(clientId: string, request: WmsRequest, key: string, reply: WmsReplyDraft, then?: () => void): void {
    this.store.applyBatch(() => {
      const built = this.out.buildReply(reply);
      this.store.insertRequest({ requestId: request.requestId, clientId, type: request.type, canonicalKey: key, body: request, status: 'accepted', acceptedAtMs: this.clock.now(), reply });
      this.store.afterCommit(() => {
        if (this.turn) this.turn.recorded = true;
      });
      this.store.afterCommit(() => this.send(clientId, built));
      if (then) this.store.afterCommit(then);
    });
  }

  private start(active: ActiveRequest): void {
    this.controller.requests.add(active);
    this.progress(active.requestId, { stage: 'queued' });
    for (const visit of active.visits) {
      this.progress(active.requestId, { stage: 'binSelected', binId: visit.binId, port: visit.portId, depth: this.controller.inventory.depthFromTop(visit.binId) ?? 0 });
      this.controller.queueVisit(visit, active.priority);
    }
  }

  private acceptedReply(request: WmsRequest): WmsReplyDraft {
    return { type: 'accepted', requestId: request.requestId, requestType: request.type };
  }

  private reject(clientId: string, requestId: string | null, code: RejectionCode, reason: string): void {
    this.answer(clientId, { type: 'rejected', requestId, code, reason });
  }

  /** Sends a reply that needs nothing kept (a rejection, a repeat's stored reply). */
  private answer(clientId: string, reply: WmsReplyDraft): void {
    this.send(clientId, this.out.buildReply(reply));
  }

  private send(clientId: string, reply: WmsReply): void {
    this.out.sendReply(clientId, reply);
    if (this.turn) this.turn.replied = true;
  }

  private progress(requestId: string, fields: Omit<Extract<WmsEventDraft, { type: 'progress' }>, 'type' | 'requestId'>): void {
    const request = this.controller.requests.get(requestId);
    if (!request) return;
    const draft: WmsEventDraft = { type: 'progress', requestId, ...fields };
    const event = this.out.buildEvent(draft);
    const record: ProgressRecord = { ...draft, done: doneQuantities(request) };
    this.store.applyBatch(() => {
      this.store.setRequestProgress(requestId, record);
      this.store.afterCommit(() => this.out.sendEvent(request.clientId, event));
    });
  }

  /** The one terminal event of a request: kept, the request leaves the book (back if the batch it ran in rolls back), then sent. */
  private terminate(request: ActiveRequest, type: 'completed' | 'cancelled' | 'failed', reason?: string): void {
    const done = doneQuantities(request);
    const draft: WmsEventDraft = {
      type,
      requestId: request.requestId,
      ...(reason ? { reason } : {}),
      ...(request.type === 'pick' ? { picked: done } : { stored: done }),
    };
    const event = this.out.buildEvent(draft);
    this.store.applyBatch(() => {
      this.store.setTerminal(request.requestId, draft);
      const removed = this.controller.requests.remove(request.requestId);
      if (removed) this.store.onRollback(() => this.controller.requests.add(removed));
      this.store.afterCommit(() => {
        this.controller.noteRequestFinished(request.acceptedAtMs);
        this.out.sendEvent(request.clientId, event);
      });
    });
  }

  /** An accepted pick or putaway whose handling broke off ends `failed` (unless it has ended), its stock released. */
  private endAfterError(requestId: string, reason: string): void {
    const stored = this.store.getRequest(requestId);
    if (stored?.status !== 'accepted' || (stored.type !== 'pick' && stored.type !== 'putaway')) return;
    const active = this.controller.requests.get(requestId);
    if (active) this.controller.dropQueuedVisits(requestId);
    else this.controller.stock.releaseRequest(requestId);
    const type = stored.type;
    this.terminate(active ?? { requestId, clientId: stored.clientId, type, acceptedAtMs: stored.acceptedAtMs ?? this.clock.now(), priority: 0, visits: [], done: new Map(), shortage: false }, 'failed', reason);
  }
}

function pickPriority(request: PickRequest): number {
  return Math.max(...request.lines.map((l) => l.priority ?? 0));
}
