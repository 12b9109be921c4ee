import type { TerminalEvent, WmsEvent } from '../../protocol/wms/event-schemas.ts';
import type { RejectionCode, WmsReply } from '../../protocol/wms/reply-schemas.ts';
import type { PickRequest, PutawayRequest } from '../../protocol/wms/request-schemas.ts';

export type LedgerRequest = PickRequest | PutawayRequest;

/** Everything one request got back, with clock times (ms since the epoch). */
export interface LedgerEntry {
  readonly requestId: string;
  readonly request: LedgerRequest;
  readonly sentMs: number;
  /** Every reply in arrival order; the API promises exactly one. */
  readonly replies: { atMs: number; reply: WmsReply }[];
  /** Every event in arrival order, progress and terminal. */
  readonly events: { atMs: number; event: WmsEvent }[];
  /** The first terminal event; the API promises exactly one per accepted request. */
  terminal: { atMs: number; event: TerminalEvent } | null;
  /** Events (of any kind, repeated terminals included) that arrived after the first terminal. */
  eventsAfterTerminal: number;
}

/** A reply or event that names a request this client never sent, or no request at all. */
export interface StrayMessage {
  readonly kind: 'reply' | 'event';
  readonly requestId: string | null;
  readonly atMs: number;
  readonly summary: string;
}

export interface LedgerCounts {
  sent: number;
  sentByType: { pick: number; putaway: number };
  accepted: number;
  rejected: number;
  rejectedByCode: Partial<Record<RejectionCode, number>>;
  completed: number;
  cancelled: number;
  failed: number;
  /** Sent and neither rejected nor ended (accepted with a terminal event) yet. */
  open: number;
  /** Accepted-reply → terminal event of completed requests, clock seconds, in completion order. */
  durationsS: number[];
}

export interface ViolationQuery {
  /** Clock now, ms: requests sent more than `replyTimeoutMs` ago without a reply are reported. */
  nowMs: number;
  replyTimeoutMs: number;
  /**
   * When true (the run is over), every request without a reply and every accepted request
   * without a terminal event is reported too. When false, only what has arrived is judged.
   */
  final: boolean;
}

/**
 * The demo WMS's record of the conversation, per request, and the check of DESIGN.md §3
 * "WMS" / §5 invariant 3: each request gets exactly one accept-or-reject reply, and each
 * accepted request exactly one terminal event, with no events after it.
 */
export class WmsRequestLedger {
  private readonly entries = new Map<string, LedgerEntry>();
  private readonly strays: StrayMessage[] = [];
  private readonly invalid: string[] = [];
  private readonly counts: LedgerCounts = {
    sent: 0,
    sentByType: { pick: 0, putaway: 0 },
    accepted: 0,
    rejected: 0,
    rejectedByCode: {},
    completed: 0,
    cancelled: 0,
    failed: 0,
    open: 0,
    durationsS: [],
  };

  /** Called when a request closes (first rejection, or accepted with its first terminal). */
  constructor(private readonly onClosed: (entry: LedgerEntry) => void = () => {}) {}

  recordSent(request: LedgerRequest, atMs: number): void {
    if (this.entries.has(request.requestId)) throw new Error(`request id ${request.requestId} was already sent`);
    this.entries.set(request.requestId, { requestId: request.requestId, request, sentMs: atMs, replies: [], events: [], terminal: null, eventsAfterTerminal: 0 });
    this.counts.sent++;
    this.counts.sentByType[request.type]++;
    this.counts.open++;
  }

  recordReply(reply: WmsReply, atMs: number): void {
    const entry = reply.requestId === null ? undefined : this.entries.get(reply.requestId);
    if (!entry) {
      const summary = reply.type === 'rejected' ? `rejected ${reply.code}: ${reply.reason}` : `accepted ${reply.requestType}`;
      this.strays.push({ kind: 'reply', requestId: reply.requestId, atMs, summary });
      return;
    }
    const wasClosed = isClosed(entry);
    entry.replies.push({ atMs, reply });
    if (entry.replies.length > 1) return;
    if (reply.type === 'accepted') this.counts.accepted++;
    else {
      this.counts.rejected++;
      this.counts.rejectedByCode[reply.code] = (this.counts.rejectedByCode[reply.code] ?? 0) + 1;
    }
    if (!wasClosed && isClosed(entry)) this.close(entry);
  }

  recordEvent(event: WmsEvent, atMs: number): void {
    const entry = this.entries.get(event.requestId);
    if (!entry) {
      this.strays.push({ kind: 'event', requestId: event.requestId, atMs, summary: event.type === 'progress' ? `progress ${event.stage}` : event.type });
      return;
    }
    entry.events.push({ atMs, event });
    if (entry.terminal) {
      entry.eventsAfterTerminal++;
      return;
    }
    if (event.type === 'progress') return;
    const wasClosed = isClosed(entry);
    entry.terminal = { atMs, event };
    this.counts[event.type]++;
    const accepted = entry.replies[0];
    if (event.type === 'completed' && accepted?.reply.type === 'accepted') this.counts.durationsS.push((atMs - accepted.atMs) / 1000);
    if (!wasClosed && isClosed(entry)) this.close(entry);
  }

  /** A reply or event that failed validation on the way in. */
  recordInvalid(topic: string, errors: readonly string[]): void {
    this.invalid.push(`invalid message on ${topic}: ${errors.join('; ')}`);
  }

  counters(): LedgerCounts {
    return { ...this.counts, sentByType: { ...this.counts.sentByType }, rejectedByCode: { ...this.counts.rejectedByCode }, durationsS: [...this.counts.durationsS] };
  }

  get open(): number {
    return this.counts.open;
  }

  /** Every request in the order sent. Entries are live records: read, do not change. */
  list(): readonly LedgerEntry[] {
    return [...this.entries.values()];
  }

  /** Breaches of the reply/terminal contract, one readable line each; empty when all is well. */
  protocolViolations(query: ViolationQuery): string[] {
    const problems: string[] = [];
    for (const entry of this.entries.values()) {
      const id = entry.requestId;
      const replies = entry.replies.length;
      const terminals = entry.events.filter((e) => e.event.type !== 'progress').length;
      const first = entry.replies[0]?.reply;
      if (replies > 1) problems.push(`${id}: ${replies} replies (expected exactly 1)`);
      if (replies === 0 && (query.final || query.nowMs - entry.sentMs > query.replyTimeoutMs)) {
        problems.push(`${id}: no reply ${((query.nowMs - entry.sentMs) / 1000).toFixed(1)} s after it was sent (expected exactly 1)`);
      }
      if (first?.type === 'rejected' && entry.events.length > 0) problems.push(`${id}: rejected (${first.code}) but got ${entry.events.length} events`);
      if (first?.type !== 'rejected') {
        if (terminals > 1) problems.push(`${id}: ${terminals} terminal events (expected exactly 1)`);
        if (terminals === 0 && first?.type === 'accepted' && query.final) problems.push(`${id}: accepted but no terminal event`);
      }
      if (entry.eventsAfterTerminal > 0) problems.push(`${id}: ${entry.eventsAfterTerminal} events after the terminal event`);
    }
    for (const stray of this.strays) {
      problems.push(`${stray.requestId ?? '(no requestId)'}: ${stray.kind} (${stray.summary}) for a request this client never sent`);
    }
    problems.push(...this.invalid);
    return problems;
  }

  private close(entry: LedgerEntry): void {
    this.counts.open--;
    this.onClosed(entry);
  }
}

function isClosed(entry: LedgerEntry): boolean {
  const first = entry.replies[0]?.reply;
  return first?.type === 'rejected' || (first?.type === 'accepted' && entry.terminal !== null);
}
