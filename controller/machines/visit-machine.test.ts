import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { visitMachine, type VisitEvent } from './visit-machine.ts';

function visit(...events: VisitEvent['type'][]) {
  let [snapshot] = initialTransition(visitMachine);
  for (const type of events) [snapshot] = transition(visitMachine, snapshot, { type });
  return snapshot;
}

describe('visitMachine', () => {
  it('goes queued, under way, at the port, presented, done', () => {
    expect(visit().value).toBe('queued');
    expect(visit('START').value).toBe('underway');
    expect(visit('START', 'ARRIVED').value).toBe('atPort');
    expect(visit('START', 'ARRIVED', 'PRESENTED').value).toBe('presented');
    expect(visit('START', 'ARRIVED', 'PRESENTED', 'SETTLED').value).toBe('done');
  });

  it('goes back to the queue when its robot gives it back, and can start again', () => {
    expect(visit('START', 'REQUEUE').value).toBe('queued');
    expect(visit('START', 'REQUEUE', 'START').value).toBe('underway');
  });

  it('is cancelled only while queued', () => {
    expect(visit('CANCEL').value).toBe('cancelled');
    expect(visit('START', 'CANCEL').value).toBe('underway');
    expect(visit('START', 'ARRIVED', 'CANCEL').value).toBe('atPort');
  });

  it('is settled only once presented, and presented only once at the port', () => {
    expect(visit('SETTLED').value).toBe('queued');
    expect(visit('START', 'PRESENTED').value).toBe('underway');
    expect(visit('START', 'ARRIVED', 'SETTLED').value).toBe('atPort');
  });

  it('done and cancelled are final: nothing moves them again', () => {
    for (const end of [visit('START', 'ARRIVED', 'PRESENTED', 'SETTLED'), visit('CANCEL')]) {
      expect(end.status).toBe('done');
      for (const type of ['START', 'REQUEUE', 'CANCEL', 'ARRIVED', 'PRESENTED', 'SETTLED'] as const) {
        const [next] = transition(visitMachine, end, { type });
        expect(next.value).toBe(end.value);
      }
    }
  });
});
