import { describe, expect, it, vi } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { facilityMachine } from './facility-machine.ts';
import { MachineRecord } from './machine-record.ts';

describe('facilityMachine', () => {
  it('runs until an emergency stop, and runs again once it is released', () => {
    let [s] = initialTransition(facilityMachine);
    expect(s.value).toBe('running');
    [s] = transition(facilityMachine, s, { type: 'EMERGENCY_STOP' });
    expect(s.value).toBe('emergencyStop');
    [s] = transition(facilityMachine, s, { type: 'RELEASE' });
    expect(s.value).toBe('running');
  });

  it('freezes the traffic once on the stop (a second stop changes nothing) and thaws it on the release', () => {
    const effects = { freezeTraffic: vi.fn(), thawTraffic: vi.fn() };
    const facility = new MachineRecord(facilityMachine.provide({ actions: effects }));
    facility.send({ type: 'RELEASE' });
    expect(effects.thawTraffic).not.toHaveBeenCalled();
    facility.send({ type: 'EMERGENCY_STOP' });
    facility.send({ type: 'EMERGENCY_STOP' });
    expect(effects.freezeTraffic).toHaveBeenCalledTimes(1);
    facility.send({ type: 'RELEASE' });
    expect(effects.thawTraffic).toHaveBeenCalledTimes(1);
  });
});
