import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { portMachine, type PortEvent, type PortStateValue } from './port-machine.ts';

function port(open: boolean, ...events: PortEvent[]) {
  let [snapshot] = initialTransition(portMachine, { open, capacityBins: 3 });
  for (const event of events) [snapshot] = transition(portMachine, snapshot, event);
  return snapshot;
}
const value = (open: boolean, ...events: PortEvent[]) => port(open, ...events).value as PortStateValue;
const line = (binId: string) => ({ lineId: `v-${binId}:0`, visitId: `v-${binId}`, requestId: 'R1', sku: 'S1', quantity: 2 });
const PRESENT = (binId: string): PortEvent => ({ type: 'PRESENT', binId, taskId: `t-${binId}`, mode: 'pick', lines: [line(binId)] });

describe('portMachine', () => {
  it('starts open, idle and with room when the layout opens it; closed in the layout otherwise', () => {
    expect(value(true)).toEqual({ mode: 'open', presentation: 'idle', room: 'hasRoom' });
    expect(value(false).mode).toBe('closedInLayout');
  });

  it('presents one bin at a time, remembering which, until the person confirms it', () => {
    const s = port(true, PRESENT('B1'), PRESENT('B2'));
    expect(s.value).toMatchObject({ presentation: 'presenting' });
    expect(s.context.presented).toEqual({ binId: 'B1', taskId: 't-B1', mode: 'pick', lines: [line('B1')] });
    const confirmed = port(true, PRESENT('B1'), { type: 'CONFIRMED' });
    expect(confirmed.value).toMatchObject({ presentation: 'idle' });
    expect(confirmed.context.presented).toBeNull();
  });

  it('an operator closes and opens it; a bin presented stays presented meanwhile', () => {
    expect(value(true, { type: 'CLOSE' }).mode).toBe('closedByOperator');
    expect(value(true, { type: 'CLOSE' }, { type: 'OPEN' }).mode).toBe('open');
    expect(value(true, PRESENT('B1'), { type: 'CLOSE' })).toMatchObject({ mode: 'closedByOperator', presentation: 'presenting' });
  });

  it('a port closed in the layout cannot be opened or closed by an operator', () => {
    expect(value(false, { type: 'OPEN' }).mode).toBe('closedInLayout');
    expect(value(false, { type: 'CLOSE' }).mode).toBe('closedInLayout');
  });

  it('is full while its load reaches its capacity, and has room again below it', () => {
    expect(value(true, { type: 'LOAD_CHANGED', load: 2 }).room).toBe('hasRoom');
    expect(value(true, { type: 'LOAD_CHANGED', load: 3 }).room).toBe('full');
    expect(value(true, { type: 'LOAD_CHANGED', load: 3 }, { type: 'LOAD_CHANGED', load: 4 }).room).toBe('full');
    expect(value(true, { type: 'LOAD_CHANGED', load: 3 }, { type: 'LOAD_CHANGED', load: 2 }).room).toBe('hasRoom');
  });

  it('never reaches a final state', () => {
    expect(port(true, { type: 'CLOSE' }).status).toBe('active');
  });
});
