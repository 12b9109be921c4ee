import { describe, expect, it } from 'vitest';
import { newVisit, RequestBook, type ActiveRequest } from './request-book.ts';

function request(requestId: string, portIds: string[]): ActiveRequest {
  return {
    requestId,
    clientId: 'c',
    type: 'pick',
    acceptedAtMs: 0,
    priority: 0,
    lines: [{ sku: 'S1', quantity: portIds.length }],
    visits: portIds.map((portId, i) => newVisit({ visitId: `${requestId}-${i}`, requestId, binId: `B${i}`, portId, mode: 'pick', lines: [{ line: 0, sku: 'S1', quantity: 1 }] })),
    done: new Map(),
    shortage: false,
  };
}

describe('RequestBook', () => {
  it("counts each port's open visits as they are added, settle, are cancelled or put back, and leave", () => {
    const book = new RequestBook();
    const a = request('a', ['P1', 'P1', 'P2']);
    book.add(a);
    book.add(request('b', ['P2']));
    expect([book.openVisitsAt('P1'), book.openVisitsAt('P2'), book.openVisitsAt('P3')]).toEqual([2, 2, 0]);
    const first = a.visits[0]!;
    const before = first.lifecycle.capture();
    for (const type of ['START', 'ARRIVED', 'PRESENTED', 'SETTLED'] as const) first.lifecycle.send({ type });
    a.visits[2]!.lifecycle.send({ type: 'CANCEL' });
    expect([book.openVisitsAt('P1'), book.openVisitsAt('P2')]).toEqual([1, 1]);
    first.lifecycle.restore(before);
    expect(book.openVisitsAt('P1')).toBe(2);
    book.remove('a');
    expect([book.openVisitsAt('P1'), book.openVisitsAt('P2')]).toEqual([0, 1]);
    // A visit that left the book is no longer counted, whatever happens to it.
    a.visits[1]!.lifecycle.send({ type: 'CANCEL' });
    expect(book.openVisitsAt('P1')).toBe(0);
  });

  it('finds the visits of a bin, in the order their requests were added', () => {
    const book = new RequestBook();
    book.add(request('a', ['P1']));
    book.add(request('b', ['P2']));
    expect(book.visitsOfBin('B0').map((v) => v.visitId)).toEqual(['a-0', 'b-0']);
    book.remove('a');
    expect(book.visitsOfBin('B0').map((v) => v.visitId)).toEqual(['b-0']);
  });
});
