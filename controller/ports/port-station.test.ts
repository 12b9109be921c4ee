import { describe, expect, it } from 'vitest';
import { PortStation } from './port-station.ts';

describe('PortStation', () => {
  it('is full while bins in it and on their way reach its capacity, through a bin\'s whole visit', () => {
    const port = new PortStation('P1', 0, 'pick', 2);
    expect(port.hasRoom()).toBe(true);
    port.expectBins(1);
    port.expectBins(1);
    expect(port.hasRoom()).toBe(false);
    port.expectBins(-1);
    expect(port.hasRoom()).toBe(true);
    port.expectBins(1);
    port.binArrived('B1');
    expect([port.hasRoom(), port.load, port.queue]).toEqual([false, 2, ['B1']]);
    const shown = { binId: port.takeNextWaiting()!, taskId: 't1', mode: 'pick' as const, lines: [{ lineId: 'v1:0', visitId: 'v1', requestId: 'R1', sku: 'S1', quantity: 1 }] };
    port.present(shown);
    expect([port.hasRoom(), port.presented]).toEqual([false, shown]);
    port.confirmed('B1');
    expect([port.hasRoom(), port.presented, [...port.awaitingReturn]]).toEqual([false, null, ['B1']]);
    port.returned('B1');
    expect([port.hasRoom(), port.load]).toEqual([true, 1]);
  });

  it('keeps a confirmed bin for the next visits waiting for it: it is presented next, and the load stays', () => {
    const port = new PortStation('P1', 0, 'pick', 3);
    port.expectBins(1);
    port.expectBins(1);
    port.binArrived('B1');
    port.binArrived('B2');
    port.present({ binId: port.takeNextWaiting()!, taskId: 't1', mode: 'pick', lines: [] });
    port.confirmedAndKept('B1');
    expect([port.presented, port.queue, port.load, [...port.awaitingReturn]]).toEqual([null, ['B1', 'B2'], 2, []]);
  });

  it('an operator closes and opens it; one closed in the layout stays closed', () => {
    const port = new PortStation('P1', 0, 'pick', 2);
    port.setOperatorOpen(false);
    expect([port.open, port.takesVisits, port.closedByOperator]).toEqual([true, false, true]);
    port.setOperatorOpen(true);
    expect(port.takesVisits).toBe(true);
    const closed = new PortStation('P2', 1, 'closed', 2);
    closed.setOperatorOpen(true);
    expect([closed.open, closed.takesVisits]).toEqual([false, false]);
  });
});
