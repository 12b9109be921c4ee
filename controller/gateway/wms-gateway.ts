import type { Clock } from '../../protocol/clock.ts';
import type { WmsEvent } from '../../protocol/wms/event-schemas.ts';
import type { WmsEventDraft, WmsReplyDraft } from '../../protocol/wms/links.ts';
import type { ParseWmsRequestResult } from '../../protocol/wms/parse-wms-request.ts';
import { canonicalRequestKey } from '../../protocol/wms/canonical-request-key.ts';
import type { RejectionCode, WmsReply } from '../../protocol/wms/reply-schemas.ts';
import { isBinRequestType, type BinRequest, type CancelRequest, type CountRequest, type InventoryRequest, type PickRequest, type PutawayRequest, type StatusRequest, type WmsRequest } from '../../protocol/wms/request-schemas.ts';
import { internalErrorReason } from '../error-boundary.ts';
import type { GridController } from '../grid-controller.ts';
import { doneByLine, type ActiveRequest } from '../requests/request-book.ts';
import type { Acceptance, ProgressFields, RequestPublisher, RequestService, StoredBody, TerminalType } from '../requests/request-service.ts';
import type { SqliteStore, StoredRequest } from '../store/sqlite-store.ts';
import { RateLimiter } from './rate-limiter.ts';
import { doneQuantities, inventoryAnswer, requestStatus } from './wms-queries.ts';

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
type ProgressRecord = Extract<WmsEventDraft, { type: 'progress' }> & { done: { sku: string; quantity: number }[]; doneLines?: { line: number; quantity: number }[] };

/** The request being handled: what of it is already kept and sent, for `recover`. */
export interface Turn {
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
export class WmsGateway implements RequestPublisher {
  private shuttingDown = false;
  private readonly limiter: RateLimiter;
  /** Where the picks and putaways are served. */
  private readonly requests: RequestService;
  private turn: Turn | null = null;
  /** While a group of requests is handled (holdEvents): its events, kept and in order, to be sent after every reply of the group. */
  private heldEvents: (() => void)[] | null = null;

  constructor(
    private readonly controller: GridController,
    private readonly store: SqliteStore,
    private readonly out: WmsOutput,
    private readonly clock: Clock,
  ) {
    this.requests = controller.requestService;
    this.requests.setPublisher(this);
    this.limiter = new RateLimiter({ perSecond: controller.options.wmsRequestsPerSecond, burst: controller.options.wmsRequestBurst });
  }

  /**
   * Runs `handleGroup` (a group of requests, WmsIntake) with their events held back until it is
   * done: every reply of the group goes out first, then the events, each after its request's
   * reply as ever. A reply does not wait behind the events of the requests before it.
   */
  holdEvents(handleGroup: () => void): void {
    const held: (() => void)[] = [];
    this.heldEvents = held;
    try {
      handleGroup();
    } finally {
      this.heldEvents = null;
      for (const send of held) send();
    }
  }

  /** From now on new requests are refused with SHUTTING_DOWN. */
  beginShutdown(): void {
    this.shuttingDown = true;
  }

  /** Handles one request; returns its turn (what was kept and answered), for `recover`. */
  handle(clientId: string, parsed: ParseWmsRequestResult): Turn {
    const requestId = parsed.ok ? parsed.request.requestId : parsed.requestId;
    const turn: Turn = { requestId, recorded: false, replied: false, touched: [] };
    this.turn = turn;
    this.dispatch(clientId, parsed);
    return turn;
  }

  private dispatch(clientId: string, parsed: ParseWmsRequestResult): void {
    const requestId = parsed.ok ? parsed.request.requestId : parsed.requestId;
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
      case 'count':
        return this.count(clientId, request, key);
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
  recover(clientId: string, parsed: ParseWmsRequestResult, error: Error, handled?: Turn): void {
    const requestId = parsed.ok ? parsed.request.requestId : parsed.requestId;
    const turn = handled ?? (this.turn?.requestId === requestId ? this.turn : { requestId, recorded: false, replied: false, touched: [] });
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
    const acceptance = this.requests.acceptPick(clientId, request);
    if ('code' in acceptance) return this.reject(clientId, request.requestId, acceptance.code, acceptance.reason);
    this.accept(clientId, request, key, acceptance);
  }

  private putaway(clientId: string, request: PutawayRequest, key: string): void {
    const acceptance = this.requests.acceptPutaway(clientId, request);
    if ('code' in acceptance) return this.reject(clientId, request.requestId, acceptance.code, acceptance.reason);
    this.accept(clientId, request, key, acceptance);
  }

  private count(clientId: string, request: CountRequest, key: string): void {
    const acceptance = this.requests.acceptCount(clientId, request);
    if ('code' in acceptance) return this.reject(clientId, request.requestId, acceptance.code, acceptance.reason);
    this.accept(clientId, request, key, acceptance);
  }

  private cancel(clientId: string, request: CancelRequest, key: string): void {
    const target = this.ownRequest(clientId, request.targetRequestId);
    if (!target) return this.reject(clientId, request.requestId, 'UNKNOWN_REQUEST', `no accepted request "${request.targetRequestId}"`);
    if (!isBinRequestType(target.type)) return this.reject(clientId, request.requestId, 'NOT_CANCELLABLE', `"${request.targetRequestId}" is a ${target.type} request, which is answered at once`);
    if (target.status === 'terminal') return this.reject(clientId, request.requestId, 'NOT_CANCELLABLE', `"${request.targetRequestId}" has already ended`);
    const refusal = this.requests.whyNotCancellable(request.targetRequestId);
    if (refusal) return this.reject(clientId, request.requestId, refusal.code, refusal.reason);
    const turn = this.turn;
    this.keep(clientId, request, key, this.acceptedReply(request), () => {
      turn?.touched.push(request.targetRequestId);
      this.requests.cancel(request.targetRequestId, request.requestId);
    });
  }

  private status(clientId: string, request: StatusRequest, key: string): void {
    const target = this.ownRequest(clientId, request.targetRequestId);
    if (!target) return this.reject(clientId, request.requestId, 'UNKNOWN_REQUEST', `no accepted request "${request.targetRequestId}"`);
    const status = requestStatus(target, this.requests.get(target.requestId));
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

  // ---------------------------------------------------------------- what the request service publishes

  /** A request's progress: built, kept with the pieces done so far, sent once durable. */
  progress(request: ActiveRequest, fields: ProgressFields): void {
    const draft: WmsEventDraft = { type: 'progress', requestId: request.requestId, ...fields };
    const event = this.out.buildEvent(draft);
    const doneLines = [...request.done].map(([line, quantity]) => ({ line, quantity }));
    const record: ProgressRecord = { ...draft, done: doneQuantities(request), doneLines };
    const send = () => this.out.sendEvent(request.clientId, event);
    this.store.keepProgress(request.requestId, record, () => this.sendOrHold(send));
  }

  /** Sends an event now, or after the replies of the group being handled (holdEvents). */
  private sendOrHold(send: () => void): void {
    if (this.heldEvents) this.heldEvents.push(send);
    else send();
  }

  /** The one terminal event of a request: built, kept (with what the service does meanwhile: `whileKept`), then sent. */
  ended(request: ActiveRequest, type: TerminalType, reason: string | undefined, whileKept: () => void): void {
    const done = doneQuantities(request);
    const draft: WmsEventDraft = {
      type,
      requestId: request.requestId,
      ...(reason ? { reason } : {}),
      ...(request.type === 'pick' ? { picked: done } : request.type === 'putaway' ? { stored: done } : { counted: request.counts ?? [] }),
      ...(request.lines.length > 0 ? { lines: doneByLine(request) } : {}),
    };
    const event = this.out.buildEvent(draft);
    const send = () => this.out.sendEvent(request.clientId, event);
    this.store.keepTerminal(request.requestId, draft, whileKept, () => this.sendOrHold(send));
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Plans again the picks and putaways that were open when the controller last stopped (see
   * RequestService.resume). Queries and cancels were answered in their reply and need nothing.
   */
  resumeOpenRequests(): { resumed: number; failed: number } {
    const open: StoredBody[] = [];
    for (const stored of this.store.openRequests()) {
      if (!isBinRequestType(stored.type)) continue;
      const progress = stored.progress as ProgressRecord | null;
      const done = progress?.done ?? [];
      open.push({ requestId: stored.requestId, clientId: stored.clientId, acceptedAtMs: stored.acceptedAtMs, body: stored.body as BinRequest, done, ...(progress?.doneLines ? { doneLines: progress.doneLines } : {}) });
    }
    return this.requests.resume(open);
  }

  /**
   * Accepts a pick or putaway: its record, its reply, the stock `plan` reserves and its start
   * (in the book, its retrievals queued, its first progress) are kept in one batch, so the
   * next request handled sees it (in a group commit, before this one is durable); once that is
   * durable the reply goes out, then the progress.
   */
  private accept(clientId: string, request: BinRequest, key: string, acceptance: Acceptance): void {
    const turn = this.turn;
    this.store.applyBatch(() => {
      const active = acceptance.plan();
      this.keep(clientId, request, key, this.acceptedReply(request));
      // Ended by `recover` if what follows fails once the request is kept (if it is not, nothing is ended).
      turn?.touched.push(active.requestId);
      this.requests.start(active);
    });
  }

  /**
   * Keeps an accepted request's record with its reply (built first: one that cannot be built
   * keeps nothing), then, once durable, sends the reply and runs `then`.
   */
  private keep(clientId: string, request: WmsRequest, key: string, reply: WmsReplyDraft, then?: () => void): void {
    const built = this.out.buildReply(reply);
    // Run once durable: in a group commit (WmsIntake) that is after later requests were handled.
    const turn = this.turn;
    const recorded = () => {
      if (turn) turn.recorded = true;
    };
    const replied = () => {
      this.out.sendReply(clientId, built);
      if (turn) turn.replied = true;
    };
    this.store.keepRequest({ requestId: request.requestId, clientId, type: request.type, canonicalKey: key, body: request, status: 'accepted', acceptedAtMs: this.clock.now(), reply }, recorded, replied, ...(then ? [then] : []));
  }

  private acceptedReply(request: WmsRequest): WmsReplyDraft {
    return { type: 'accepted', requestId: request.requestId, requestType: request.type };
  }

  private reject(clientId: string, requestId: string | null, code: RejectionCode, reason: string): void {
    this.answer(clientId, { type: 'rejected', requestId, code, reason });
  }

  /**
   * Sends a reply that needs nothing kept (a rejection, a repeat's stored reply): in a group
   * commit once the requests before it are durable, so a client's replies keep their order.
   */
  private answer(clientId: string, reply: WmsReplyDraft): void {
    const built = this.out.buildReply(reply);
    const turn = this.turn;
    this.store.afterCommit(() => {
      this.out.sendReply(clientId, built);
      if (turn) turn.replied = true;
    });
  }

  /** An accepted pick or putaway whose handling broke off ends `failed` (unless it has ended), its stock released. */
  private endAfterError(requestId: string, reason: string): void {
    const stored = this.store.getRequest(requestId);
    if (stored?.status !== 'accepted' || !isBinRequestType(stored.type)) return;
    this.requests.failAfterError({ requestId, clientId: stored.clientId, type: stored.type, acceptedAtMs: stored.acceptedAtMs }, reason);
  }
}
