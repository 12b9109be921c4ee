import type { BinRequestType } from '../../protocol/wms/request-schemas.ts';
import { MachineRecord } from '../machines/machine-record.ts';
import { visitMachine, type VisitState } from '../machines/visit-machine.ts';

export type { VisitState } from '../machines/visit-machine.ts';

/**
 * Accepted WMS requests that are still running, and their bin visits. A visit is one bin
 * presented at one port for one request: the pieces to pick from it (or to put into it).
 * The book only keeps score: the request service (request-service.ts) changes it and gives the
 * WMS gateway the events to publish.
 */

export interface VisitLine {
  /** The request line it serves: an index into the request's `lines`. */
  readonly line: number;
  readonly sku: string;
  /** Pieces to pick (pick) or to put in (putaway); 0 for a count line (a blind count). */
  readonly quantity: number;
  /**
   * Inventory reservation behind a pick line (one per SKU of the visit's bin, shared by its
   * lines of that SKU), or behind a count line (the SKU's every unit in the bin, so no pick
   * takes from it before it is counted).
   */
  readonly reservationId?: string;
}

export interface Visit {
  readonly visitId: string;
  readonly requestId: string;
  readonly binId: string;
  readonly portId: string;
  readonly mode: BinRequestType;
  readonly lines: readonly VisitLine[];
  /** Its lifecycle (visit-machine.ts): `state` reads it. */
  readonly lifecycle: MachineRecord<typeof visitMachine>;
  readonly state: VisitState;
}

/** A visit, queued. */
export function newVisit(fields: Omit<Visit, 'lifecycle' | 'state'>): Visit {
  const lifecycle = new MachineRecord(visitMachine);
  return {
    ...fields,
    lifecycle,
    get state() {
      return lifecycle.snapshot.value as VisitState;
    },
  };
}

export interface ActiveRequest {
  readonly requestId: string;
  readonly clientId: string;
  readonly type: BinRequestType;
  /** Clock ms at acceptance, for request-time percentiles. */
  readonly acceptedAtMs: number;
  readonly priority: number;
  /** Clock ms of the request's cut-off (the WMS's dueTime), if it has one. */
  readonly dueAtMs?: number;
  /** The lines asked for, in the request's order (a putaway has one). */
  readonly lines: readonly RequestLine[];
  readonly visits: Visit[];
  /** Pieces actually picked, put or counted per line (an index into `lines`), in confirmation order. */
  readonly done: Map<number, number>;
  shortage: boolean;
  /** A count request's counts so far, in confirmation order. */
  readonly counts?: BinCount[];
}

/** One SKU of a bin counted: the units the inventory recorded before, and the units counted (now recorded). */
export interface BinCount {
  readonly binId: string;
  readonly sku: string;
  readonly recorded: number;
  readonly counted: number;
}

export interface RequestLine {
  readonly sku: string;
  /** Pieces asked for; for a count, the units recorded in its bin when the count was accepted. */
  readonly quantity: number;
  /** A count line's bin (a count request has a line per bin and SKU). */
  readonly binId?: string;
}

/** Pieces done per SKU, in the order first confirmed. */
export function doneBySku(request: ActiveRequest): { sku: string; quantity: number }[] {
  const bySku = new Map<string, number>();
  for (const [line, quantity] of request.done) {
    const sku = request.lines[line]!.sku;
    bySku.set(sku, (bySku.get(sku) ?? 0) + quantity);
  }
  return [...bySku].map(([sku, quantity]) => ({ sku, quantity }));
}

/** Pieces done per line, in the request's order: every line, 0 for one not (yet) served. */
export function doneByLine(request: ActiveRequest): { line: number; sku: string; quantity: number }[] {
  return request.lines.map((line, i) => ({ line: i, sku: line.sku, quantity: request.done.get(i) ?? 0 }));
}

export class RequestBook {
  private readonly requests = new Map<string, ActiveRequest>();
  private readonly visits = new Map<string, Visit>();
  /** The running requests' visits per bin, in the order their requests were added. */
  private readonly byBin = new Map<string, Visit[]>();
  /** The running requests' visits not done nor cancelled, per port (a port's load, for choosing one). */
  private readonly openAtPort = new Map<string, Set<Visit>>();

  add(request: ActiveRequest): void {
    if (this.requests.has(request.requestId)) throw new Error(`request ${request.requestId} is already active`);
    this.requests.set(request.requestId, request);
    for (const visit of request.visits) {
      this.visits.set(visit.visitId, visit);
      const ofBin = this.byBin.get(visit.binId);
      if (ofBin) ofBin.push(visit);
      else this.byBin.set(visit.binId, [visit]);
      visit.lifecycle.onChange = () => this.countOpen(visit);
      this.countOpen(visit);
    }
  }

  /** Visits of running requests at the port that are not done nor cancelled. */
  openVisitsAt(portId: string): number {
    return this.openAtPort.get(portId)?.size ?? 0;
  }

  private countOpen(visit: Visit): void {
    let open = this.openAtPort.get(visit.portId);
    if (!open) this.openAtPort.set(visit.portId, (open = new Set()));
    if (visit.state === 'done' || visit.state === 'cancelled') open.delete(visit);
    else open.add(visit);
  }

  get(requestId: string): ActiveRequest | undefined {
    return this.requests.get(requestId);
  }

  visit(visitId: string): Visit | undefined {
    return this.visits.get(visitId);
  }

  /** The running requests' visits to the bin (any state), in the order their requests were added. */
  visitsOfBin(binId: string): readonly Visit[] {
    return this.byBin.get(binId) ?? [];
  }

  /** Whether a running request still needs the bin: a visit of it neither done nor cancelled. */
  binHasOpenVisit(binId: string): boolean {
    return this.visitsOfBin(binId).some((visit) => visit.state !== 'done' && visit.state !== 'cancelled');
  }

  /** Ends a request: it leaves the book, with its visits. */
  remove(requestId: string): ActiveRequest | undefined {
    const request = this.requests.get(requestId);
    if (!request) return undefined;
    this.requests.delete(requestId);
    for (const visit of request.visits) {
      this.visits.delete(visit.visitId);
      visit.lifecycle.onChange = null;
      this.openAtPort.get(visit.portId)?.delete(visit);
      const ofBin = this.byBin.get(visit.binId);
      if (!ofBin) continue;
      const left = ofBin.filter((v) => v !== visit);
      if (left.length > 0) this.byBin.set(visit.binId, left);
      else this.byBin.delete(visit.binId);
    }
    return request;
  }

  /** True when every visit of the request is done or cancelled. */
  finished(requestId: string): boolean {
    const request = this.requests.get(requestId);
    return !!request && request.visits.every((v) => v.state === 'done' || v.state === 'cancelled');
  }

  get size(): number {
    return this.requests.size;
  }

  all(): IterableIterator<ActiveRequest> {
    return this.requests.values();
  }
}
