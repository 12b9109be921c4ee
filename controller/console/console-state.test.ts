import { describe, expect, it } from 'vitest';
import type { VisitEvent } from '../machines/visit-machine.ts';
import { newVisit, type ActiveRequest, type VisitState } from '../requests/request-book.ts';
import { tinyController } from '../test-support/tiny-controller.ts';
import { ConsoleStateBuilder, MAX_CONSOLE_REQUESTS } from './console-state.ts';
import { describeJob } from './job-words.ts';

function request(requestId: string, states: VisitState[], acceptedAtMs = Date.UTC(2026, 0, 1)): ActiveRequest {
  return {
    requestId,
    clientId: 'c',
    type: 'pick',
    acceptedAtMs,
    priority: 0,
    lines: [{ sku: 'S1', quantity: 2 * states.length }],
    done: new Map(),
    shortage: false,
    visits: states.map((state, i) => {
      const visit = newVisit({ visitId: `${requestId}-v${i}`, requestId, binId: `B${i}`, portId: 'P1', mode: 'pick', lines: [{ line: 0, sku: 'S1', quantity: 2 }] });
      for (const type of EVENTS_TO[state]) visit.lifecycle.send({ type });
      return visit;
    }),
  };
}

/** The events that take a visit from queued to each state. */
const EVENTS_TO: Record<VisitState, VisitEvent['type'][]> = {
  queued: [],
  underway: ['START'],
  atPort: ['START', 'ARRIVED'],
  presented: ['START', 'ARRIVED', 'PRESENTED'],
  done: ['START', 'ARRIVED', 'PRESENTED', 'SETTLED'],
  cancelled: ['CANCEL'],
};

describe('ConsoleStateBuilder, requests', () => {
  it('shows open requests with progress in words and a fraction, then ended ones with how they ended', () => {
    const controller = tinyController([]);
    const builder = new ConsoleStateBuilder(controller);
    const a = request('a', ['done', 'presented']);
    a.done.set(0, 2);
    controller.requests.add(a);
    controller.requests.add(request('b', ['queued']));
    controller.requests.add(request('c', ['underway', 'queued']));
    controller.requests.add(request('d', ['queued', 'queued']));
    expect(builder.build().requests).toEqual([
      { requestId: 'a', type: 'pick', status: 'inProgress', progress: '1 of 2 bins done, 2 of 4 pieces picked', fraction: 0.875, acceptedAt: '2026-01-01T00:00:00.000Z' },
      { requestId: 'b', type: 'pick', status: 'queued', progress: '0 of 1 bin done, 0 of 2 pieces picked', fraction: 0, acceptedAt: '2026-01-01T00:00:00.000Z' },
      { requestId: 'c', type: 'pick', status: 'inProgress', progress: '0 of 2 bins done, 0 of 4 pieces picked', fraction: 0.125, acceptedAt: '2026-01-01T00:00:00.000Z' },
      { requestId: 'd', type: 'pick', status: 'queued', progress: '0 of 2 bins done, 0 of 4 pieces picked', fraction: 0, acceptedAt: '2026-01-01T00:00:00.000Z' },
    ]);
    // a completes, b is cancelled, c fails (its visit under way went wrong; the queued one is dropped).
    a.visits[1]!.lifecycle.send({ type: 'SETTLED' });
    a.done.set(0, 3);
    controller.requests.get('b')!.visits[0]!.lifecycle.send({ type: 'CANCEL' });
    controller.requests.get('c')!.visits[1]!.lifecycle.send({ type: 'CANCEL' });
    for (const id of ['a', 'b', 'c']) controller.requests.remove(id);
    expect(builder.build().requests.map((r) => [r.requestId, r.status, r.progress, r.fraction])).toEqual([
      ['d', 'queued', '0 of 2 bins done, 0 of 4 pieces picked', 0],
      ['c', 'failed', 'failed: 0 of 2 bins done, 0 of 2 pieces picked', 0.625],
      ['b', 'cancelled', 'cancelled: 0 of 1 bin done, 0 of 0 pieces picked', 1],
      ['a', 'completed', 'completed: 2 of 2 bins done, 3 of 3 pieces picked', 1],
    ]);
  });

  it('lists at most MAX_CONSOLE_REQUESTS, open ones first, and keeps only that many ended ones', () => {
    const controller = tinyController([]);
    const builder = new ConsoleStateBuilder(controller);
    for (let i = 0; i < 250; i++) controller.requests.add(request(`r${i}`, ['done']));
    builder.build();
    for (let i = 0; i < 250; i++) controller.requests.remove(`r${i}`);
    controller.requests.add(request('open', ['queued']));
    const requests = builder.build().requests;
    expect(requests).toHaveLength(MAX_CONSOLE_REQUESTS);
    expect(requests[0]!.requestId).toBe('open');
    expect(requests[1]!.requestId).toBe('r249');
    expect(requests.at(-1)!.requestId).toBe(`r${250 - MAX_CONSOLE_REQUESTS + 1}`);
  });
});

describe('describeJob', () => {
  it('says what a robot does, a parking move of a robot in service being its way to service', () => {
    expect(describeJob({ kind: 'park', id: 'p', cell: 9, queuedAtMs: 0 }, 8)).toBe('park at (1, 1)');
    expect(describeJob({ kind: 'park', id: 'p', cell: 9, queuedAtMs: 0 }, 8, true)).toBe('drive to service cell (1, 1)');
    expect(describeJob({ kind: 'dig', id: 'd', retrievalId: 'v', column: 17, queuedAtMs: 0 }, 8)).toBe('help dig column (1, 2)');
    expect(describeJob({ kind: 'retrieve', id: 'v', binId: 'B'.repeat(150), portId: 'P1', requestId: 'r'.repeat(60), priority: 0, queuedAtMs: 0 }, 8)).toHaveLength(200);
  });
});
