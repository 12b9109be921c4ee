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
  readonly sku: string;
  /** Pieces to pick (pick) or to put in (putaway). */
  readonly quantity: number;
  /** Inventory reservation behind a pick line. */
  readonly reservationId?: string;
}

export interface Visit {
  readonly visitId: string;
  readonly requestId: string;
  readonly binId: string;
  readonly portId: string;
  readonly mode: 'pick' | 'putaway';
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
  readonly type: 'pick' | 'putaway';
  /** Clock ms at acceptance, for request-time percentiles. */
  readonly acceptedAtMs: number;
  readonly priority: number;
  readonly visits: Visit[];
  /** Pieces actually picked or put, per SKU, in confirmation order. */
  readonly done: Map<string, number>;
  shortage: boolean;
}

export class RequestBook {
  private readonly requests = new Map<string, ActiveRequest>();
  private readonly visits = new Map<string, Visit>();

  add(request: ActiveRequest): void {
    if (this.requests.has(request.requestId)) throw new Error(`request ${request.requestId} is already active`);
    this.requests.set(request.requestId, request);
    for (const visit of request.visits) this.visits.set(visit.visitId, visit);
  }

  get(requestId: string): ActiveRequest | undefined {
    return this.requests.get(requestId);
  }

  visit(visitId: string): Visit | undefined {
    return this.visits.get(visitId);
  }

  /** Ends a request: it leaves the book, with its visits. */
  remove(requestId: string): ActiveRequest | undefined {
    const request = this.requests.get(requestId);
    if (!request) return undefined;
    this.requests.delete(requestId);
    for (const visit of request.visits) this.visits.delete(visit.visitId);
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
