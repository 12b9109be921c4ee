import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { portMachine, type PortEvent } from './port-machine.ts';

function port(open: boolean, ...events: PortEvent['type'][]) {
  const actor = createActor(portMachine, { input: { open } });
  actor.start();
  for (const type of events) actor.send({ type });
  return actor.getSnapshot();
}

describe('portMachine', () => {
  it('starts open and idle when the layout opens it', () => {
    expect(port(true).value).toEqual({ open: 'idle' });
  });

  it('starts closed when the layout closes it', () => {
    expect(port(false).value).toBe('closed');
  });

  it('presents a bin and is idle again once the person confirms it', () => {
    expect(port(true, 'PRESENT').value).toEqual({ open: 'presenting' });
    expect(port(true, 'PRESENT', 'CONFIRMED').value).toEqual({ open: 'idle' });
  });

  it('presents one bin at a time', () => {
    expect(port(true, 'PRESENT', 'PRESENT').value).toEqual({ open: 'presenting' });
    expect(port(true, 'PRESENT', 'PRESENT', 'CONFIRMED').value).toEqual({ open: 'idle' });
  });

  it('does not close while a bin is presented; closes once it is confirmed', () => {
    expect(port(true, 'PRESENT', 'CLOSE').value).toEqual({ open: 'presenting' });
    expect(port(true, 'PRESENT', 'CONFIRMED', 'CLOSE').value).toBe('closed');
  });

  it('an idle port closes and opens again', () => {
    expect(port(true, 'CLOSE').value).toBe('closed');
    expect(port(true, 'CLOSE', 'OPEN').value).toEqual({ open: 'idle' });
    expect(port(false, 'OPEN').value).toEqual({ open: 'idle' });
  });

  it('a closed port presents nothing and ignores confirmations', () => {
    expect(port(false, 'PRESENT').value).toBe('closed');
    expect(port(false, 'CONFIRMED').value).toBe('closed');
  });

  it('an idle port ignores a confirmation with nothing presented, and a second OPEN', () => {
    expect(port(true, 'CONFIRMED').value).toEqual({ open: 'idle' });
    expect(port(true, 'OPEN').value).toEqual({ open: 'idle' });
  });

  it('never reaches a final state', () => {
    expect(port(true, 'CLOSE').status).toBe('active');
  });
});
