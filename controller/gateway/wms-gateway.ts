import type { Clock } from '../../protocol/clock.ts';
import type { WmsEventDraft, WmsReplyDraft } from '../../protocol/wms/links.ts';
import type { ParseWmsRequestResult } from '../../protocol/wms/parse-wms-request.ts';
import { canonicalRequestKey } from '../../protocol/wms/canonical-request-key.ts';
import type { InventoryAnswer, InventoryBin, RejectionCode, RequestStatus } from '../../protocol/wms/reply-schemas.ts';
import type { CancelRequest, InventoryRequest, PickRequest, PutawayRequest, StatusRequest, WmsRequest } from '../../protocol/wms/request-schemas.ts';
import type { TerminalEvent } from '../../protocol/wms/event-schemas.ts';
import type { GridController, VisitObserver } from '../grid-controller.ts';
import type { ActiveRequest, Visit } from '../requests/request-book.ts';
import type { SqliteStore } from '../store/sqlite-store.ts';
import { selectBinsForPick, selectBinForPutaway } from './bin-selection.ts';

/** Where answers go: the WMS link (MQTT or in-memory). */
export interface WmsOutput {
  reply(clientId: string, reply: WmsReplyDraft): void;
  event(clientId: string, event: WmsEventDraft): void;
}

type Rejection = { code: RejectionCode; reason: string };

/** What the store keeps as a request's progress: its latest event and the pieces done so far. */
type ProgressRecord = Extract<WmsEventDraft, { type: 'progress' }> & { done: { sku: string; quantity: number }[] };

/**
 * The WMS API's controller end: every request gets exactly one reply, every accepted pick
 * or putaway exactly one terminal event. A request is checked completely before anything
 * changes, so a rejection leaves no trace but the reply. Request ids are idempotent: a
 * repeat with the same content gets the stored reply again, never a second pick.
 */
export class WmsGateway implements VisitObserver {
  private shuttingDown = false;

  constructor(
    private readonly controller: GridController,
    private readonly store: SqliteStore,
    private readonly out: WmsOutput,
    private readonly clock: Clock,
  ) {
    controller.addObserver(this);
  }

  /** From now on new requests are refused with SHUTTING_DOWN. */
  beginShutdown(): void {
    this.shuttingDown = true;
  }

  handle(clientId: string, parsed: ParseWmsRequestResult): void {
    if (!parsed.ok) {
      this.out.reply(clientId, { type: 'rejected', requestId: parsed.requestId, code: parsed.code, reason: parsed.reason });
      return;
    }
    const request = parsed.request;
    const key = canonicalRequestKey(request);
    const earlier = this.store.getRequest(request.requestId);
    if (earlier) {
      if (earlier.canonicalKey === key && earlier.reply) this.out.reply(clientId, earlier.reply as WmsReplyDraft);
      else this.reject(clientId, request.requestId, 'DUPLICATE_REQUEST_ID', `requestId "${request.requestId}" was already used for a different request`);
      return;
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
    const visits = this.pickVisits(request.requestId, wanted, port);
    this.accept(clientId, request, key, { requestId: request.requestId, clientId, type: 'pick', acceptedAtMs: this.clock.now(), priority: pickPriority(request), visits, done: new Map(), shortage: false });
  }

  /** Visits serving `wanted` (pieces per SKU) at the port, with their stock reserved; availability is checked. */
  private pickVisits(requestId: string, wanted: ReadonlyMap<string, number>, port: { id: string; cell: number }): Visit[] {
    return selectBinsForPick(this.controller, wanted, port.cell).map((bin) => ({
      visitId: this.controller.newId('visit'),
      requestId,
      binId: bin.binId,
      portId: port.id,
      mode: 'pick',
      state: 'queued',
      lines: bin.lines.map((line) => ({ ...line, reservationId: this.controller.stock.reserve(bin.binId, line.sku, line.quantity, requestId).reservationId })),
    }));
  }

  private putawayVisit(requestId: string, binId: string, port: { id: string }, sku: string, quantity: number): Visit {
    return { visitId: this.controller.newId('visit'), requestId, binId, portId: port.id, mode: 'putaway', state: 'queued', lines: [{ sku, quantity }] };
  }

  private putaway(clientId: string, request: PutawayRequest, key: string): void {
    const port = this.choosePort(request.port, 'putaway');
    if ('code' in port) return this.reject(clientId, request.requestId, port.code, port.reason);
    const inventory = this.controller.inventory;
    let binId = request.binId;
    if (binId !== undefined) {
      if (!inventory.has(binId)) return this.reject(clientId, request.requestId, 'UNKNOWN_BIN', `bin "${binId}" does not exist`);
      const others = inventory.contents(binId).filter((line) => line.sku !== request.sku);
      if (others.length > 0) return this.reject(clientId, request.requestId, 'BIN_UNAVAILABLE', `bin "${binId}" holds ${others.map((l) => l.sku).join(', ')}; put ${request.sku} into an empty bin or one holding it`);
      if (this.binBusy(binId)) return this.reject(clientId, request.requestId, 'BIN_UNAVAILABLE', `bin "${binId}" is in use by another request`);
    } else {
      binId = selectBinForPutaway(this.controller, port.cell, (id) => this.binBusy(id));
      if (binId === undefined) return this.reject(clientId, request.requestId, 'NO_EMPTY_BIN', 'no empty bin is free in storage');
    }
    const visit = this.putawayVisit(request.requestId, binId, port, request.sku, request.quantity);
    this.accept(clientId, request, key, { requestId: request.requestId, clientId, type: 'putaway', acceptedAtMs: this.clock.now(), priority: 0, visits: [visit], done: new Map(), shortage: false });
  }

  private cancel(clientId: string, request: CancelRequest, key: string): void {
    const target = this.store.getRequest(request.targetRequestId);
    if (!target || target.status === 'rejected') return this.reject(clientId, request.requestId, 'UNKNOWN_REQUEST', `no accepted request "${request.targetRequestId}"`);
    if (target.type !== 'pick' && target.type !== 'putaway') return this.reject(clientId, request.requestId, 'NOT_CANCELLABLE', `"${request.targetRequestId}" is a ${target.type} request, which is answered at once`);
    if (target.status === 'terminal') return this.reject(clientId, request.requestId, 'NOT_CANCELLABLE', `"${request.targetRequestId}" has already ended`);
    if (!this.controller.cancelQueuedVisits(request.targetRequestId)) {
      return this.reject(clientId, request.requestId, 'NOT_CANCELLABLE', `bins for "${request.targetRequestId}" are already moving; it will complete`);
    }
    this.store.insertRequest({ requestId: request.requestId, clientId, type: 'cancel', canonicalKey: key, body: request, status: 'accepted', acceptedAtMs: this.clock.now(), reply: this.acceptedReply(request) });
    this.out.reply(clientId, this.acceptedReply(request));
    const active = this.controller.requests.get(request.targetRequestId);
    if (active) this.terminate(active, 'cancelled', `cancelled by request "${request.requestId}"`);
  }

  private status(clientId: string, request: StatusRequest, key: string): void {
    const target = this.store.getRequest(request.targetRequestId);
    if (!target || target.status === 'rejected') return this.reject(clientId, request.requestId, 'UNKNOWN_REQUEST', `no accepted request "${request.targetRequestId}"`);
    const active = this.controller.requests.get(target.requestId);
    const terminal = target.terminalEvent as TerminalEvent | null;
    const progress = target.progress as { stage?: RequestStatus['lastStage'] } | null;
    const status: RequestStatus = {
      targetRequestId: target.requestId,
      requestType: target.type as RequestStatus['requestType'],
      state: terminal ? terminal.type : target.type !== 'pick' && target.type !== 'putaway' ? 'completed' : active && active.visits.some((v) => v.state !== 'queued') ? 'inProgress' : 'queued',
      lastStage: progress?.stage ?? null,
      picked: target.type === 'pick' ? (terminal?.picked ?? quantities(active)) : [],
      stored: target.type === 'putaway' ? (terminal?.stored ?? quantities(active)) : [],
      ...(terminal?.reason ? { reason: terminal.reason } : {}),
    };
    this.answerQuery(clientId, request, key, { status });
  }

  private inventory(clientId: string, request: InventoryRequest, key: string): void {
    const inventory = this.controller.inventory;
    let binIds: string[];
    if (request.binId !== undefined) {
      if (!inventory.has(request.binId)) return this.reject(clientId, request.requestId, 'UNKNOWN_BIN', `bin "${request.binId}" does not exist`);
      binIds = [request.binId];
    } else {
      if (!inventory.knownSku(request.sku!)) return this.reject(clientId, request.requestId, 'UNKNOWN_SKU', `SKU "${request.sku}" is not stocked in this grid`);
      binIds = inventory.binsWithSku(request.sku!);
    }
    const bins: InventoryBin[] = binIds.map((binId) => ({ binId, location: this.wireLocation(binId), contents: inventory.contents(binId) }));
    const totalQuantity = bins.reduce((sum, bin) => sum + bin.contents.filter((l) => request.sku === undefined || l.sku === request.sku).reduce((s, l) => s + l.quantity, 0), 0);
    const answer: InventoryAnswer = { ...(request.sku !== undefined ? { sku: request.sku } : { binId: request.binId }), totalQuantity, bins };
    this.answerQuery(clientId, request, key, { inventory: answer });
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

  private accept(clientId: string, request: PickRequest | PutawayRequest, key: string, active: ActiveRequest): void {
    const reply = this.acceptedReply(request);
    this.store.insertRequest({ requestId: request.requestId, clientId, type: request.type, canonicalKey: key, body: request, status: 'accepted', acceptedAtMs: active.acceptedAtMs, reply });
    this.out.reply(clientId, reply);
    this.start(active);
  }

  private start(active: ActiveRequest): void {
    this.controller.requests.add(active);
    this.progress(active.requestId, { stage: 'queued' });
    for (const visit of active.visits) {
      this.progress(active.requestId, { stage: 'binSelected', binId: visit.binId, port: visit.portId, depth: this.controller.inventory.depthFromTop(visit.binId) ?? 0 });
      this.controller.queueVisit(visit, active.priority);
    }
  }

  private answerQuery(clientId: string, request: StatusRequest | InventoryRequest, key: string, extra: Partial<WmsReplyDraft>): void {
    const reply = { ...this.acceptedReply(request), ...extra } as WmsReplyDraft;
    this.store.insertRequest({ requestId: request.requestId, clientId, type: request.type, canonicalKey: key, body: request, status: 'accepted', acceptedAtMs: this.clock.now(), reply });
    this.out.reply(clientId, reply);
  }

  private acceptedReply(request: WmsRequest): WmsReplyDraft {
    return { type: 'accepted', requestId: request.requestId, requestType: request.type };
  }

  private reject(clientId: string, requestId: string, code: RejectionCode, reason: string): void {
    this.out.reply(clientId, { type: 'rejected', requestId, code, reason });
  }

  private progress(requestId: string, fields: Omit<Extract<WmsEventDraft, { type: 'progress' }>, 'type' | 'requestId'>): void {
    const request = this.controller.requests.get(requestId);
    if (!request) return;
    const event: WmsEventDraft = { type: 'progress', requestId, ...fields };
    const record: ProgressRecord = { ...event, done: quantities(request) };
    this.store.setRequestProgress(requestId, record);
    this.out.event(request.clientId, event);
  }

  private terminate(request: ActiveRequest, type: 'completed' | 'cancelled' | 'failed', reason?: string): void {
    const done = quantities(request);
    const event: WmsEventDraft = {
      type,
      requestId: request.requestId,
      ...(reason ? { reason } : {}),
      ...(request.type === 'pick' ? { picked: done } : { stored: done }),
    };
    this.store.setTerminal(request.requestId, event);
    this.controller.requests.remove(request.requestId);
    this.controller.noteRequestFinished(request.acceptedAtMs);
    this.out.event(request.clientId, event);
  }

  private wireLocation(binId: string): InventoryBin['location'] {
    const location = this.controller.inventory.location(binId);
    if (location.kind === 'robot') return { kind: 'robot', serialNumber: location.serial };
    if (location.kind === 'port') return { kind: 'port', port: location.portId };
    return { kind: 'column', x: location.x, y: location.y, level: location.level, depth: this.controller.inventory.depthFromTop(binId) ?? 0 };
  }
}

function quantities(request: ActiveRequest | undefined): { sku: string; quantity: number }[] {
  return request ? [...request.done].map(([sku, quantity]) => ({ sku, quantity })) : [];
}

function pickPriority(request: PickRequest): number {
  return Math.max(...request.lines.map((l) => l.priority ?? 0));
}
