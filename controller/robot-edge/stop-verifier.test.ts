import { describe, expect, it } from 'vitest';
import type { State } from '../../protocol/vda5050/types.ts';
import { idleState } from '../test-support/robot-states.ts';
import { describeOutcome, StopVerifier, type StopOutcome } from './stop-verifier.ts';

const stopped = (eStop: State['safetyState']['eStop'] = 'REMOTE', paused = false): State => ({ ...idleState('R1', 'c1_1'), paused, safetyState: { eStop, fieldViolation: false } });

// VDA 5050 2.0.0 §6.8.2 startPause FINISHED: "The AGV reports .paused: true"; §6.10.6 safetyState.eStop.
describe('StopVerifier', () => {
  it('confirms each robot when its own state shows the stop, with the time it took', () => {
    const v = new StopVerifier();
    const done: StopOutcome[][] = [];
    v.begin(
      [
        { serial: 'R1', condition: 'eStopOn', actionId: 'e1', how: 'emergencyStop' },
        { serial: 'R2', condition: 'paused', actionId: 'p2', how: 'startPause (its factsheet has no emergencyStop)' },
      ],
      1_000,
      2_000,
      (o) => done.push(o),
    );
    v.onState('R1', stopped('NONE'), 1_050);
    v.onState('R1', stopped('REMOTE'), 1_120);
    expect(done).toEqual([]);
    v.onState('R2', stopped('NONE', true), 1_300);
    expect(done).toEqual([
      [
        { serial: 'R1', outcome: 'confirmed', afterMs: 120, detail: 'emergencyStop' },
        { serial: 'R2', outcome: 'confirmed', afterMs: 300, detail: 'startPause (its factsheet has no emergencyStop)' },
      ],
    ]);
  });

  it('never reports a stop no state showed: silence is "not confirmed" at the deadline, a FAILED action at once', () => {
    const v = new StopVerifier();
    const done: StopOutcome[][] = [];
    v.begin(
      [
        { serial: 'R1', condition: 'eStopOn', actionId: 'e1', how: 'emergencyStop' },
        { serial: 'R2', condition: 'paused', actionId: 'p2', how: 'startPause' },
        { serial: 'R3', condition: null, how: 'its factsheet lists neither emergencyStop nor startPause' },
      ],
      0,
      2_000,
      (o) => done.push(o),
    );
    v.onState('R2', { ...stopped('NONE'), actionStates: [{ actionId: 'p2', actionStatus: 'FAILED', resultDescription: 'not supported' }] }, 500);
    v.tick(1_999);
    expect(done).toEqual([]);
    v.tick(2_000);
    expect(done[0]!.map(describeOutcome)).toEqual([
      'R1 not confirmed: emergencyStop: no state of the robot showed it within 2.0 s',
      'R2 not confirmed: startPause: the robot answered FAILED (not supported)',
      'R3 not supported: its factsheet lists neither emergencyStop nor startPause',
    ]);
  });

  it('decides at once when nothing can be asked of any robot', () => {
    const v = new StopVerifier();
    const done: StopOutcome[][] = [];
    v.begin([], 0, 2_000, (o) => done.push(o));
    expect(done).toEqual([[]]);
  });
});
