import { setup } from 'xstate';

/**
 * Lifecycle of one visit (one bin presented at one port for one request): queued until a robot
 * starts its retrieval, under way (given back to the queue if its robot is lost), at the port,
 * presented, and done once the person confirms it; or cancelled before it started. Done and
 * cancelled are final: a visit is never started or settled twice. The request service and the
 * job runner read it for their decisions (a request is cancellable while all its visits are
 * queued; a bin at a port is presented for the visit waiting there).
 */
export type VisitEvent = { type: 'START' } | { type: 'REQUEUE' } | { type: 'CANCEL' } | { type: 'ARRIVED' } | { type: 'PRESENTED' } | { type: 'SETTLED' };

export type VisitState = 'queued' | 'underway' | 'atPort' | 'presented' | 'done' | 'cancelled';

export const visitMachine = setup({
  types: { events: {} as VisitEvent },
}).createMachine({
  id: 'visit',
  initial: 'queued',
  states: {
    queued: { on: { START: 'underway', CANCEL: 'cancelled' } },
    underway: { on: { REQUEUE: 'queued', ARRIVED: 'atPort' } },
    atPort: { on: { PRESENTED: 'presented' } },
    presented: { on: { SETTLED: 'done' } },
    done: { type: 'final' },
    cancelled: { type: 'final' },
  },
});
