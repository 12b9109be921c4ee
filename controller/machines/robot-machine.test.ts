import { describe, expect, it, vi } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { MachineRecord } from './machine-record.ts';
import { robotMachine, robotStateName, type RobotEvent, type RobotStateValue } from './robot-machine.ts';

/** The snapshot after these events, by pure transitions from the start. */
function robot(...events: RobotEvent[]) {
  let [snapshot] = initialTransition(robotMachine, { serial: 'R1' });
  for (const event of events) [snapshot] = transition(robotMachine, snapshot, event);
  return snapshot;
}

const name = (...events: RobotEvent[]) => robotStateName(robot(...events).value as RobotStateValue);
const value = (...events: RobotEvent[]) => robot(...events).value as RobotStateValue;
const FAULT = (reason: string): RobotEvent => ({ type: 'FAULT', reason, alarm: `fault ${reason}` });

describe('robotMachine', () => {
  it('starts offline, unplaced, free and running, with no job, fault or hold, knowing its serial', () => {
    const s = robot();
    expect(robotStateName(s.value as RobotStateValue)).toBe('offline');
    expect(s.value).toMatchObject({ connection: 'offline', placement: 'unplaced', hold: 'free', operator: 'running', service: 'working', battery: 'notCharging', release: 'none' });
    expect(s.context).toEqual({ serial: 'R1', jobId: null, fault: null, hold: null });
  });

  it('becomes idle when it connects without a job; is placed once', () => {
    expect(name({ type: 'CONNECTED' })).toBe('idle');
    expect(value({ type: 'PLACED' }).placement).toBe('placed');
  });

  it('takes a job when idle and remembers which; idle again when it finishes', () => {
    const s = robot({ type: 'CONNECTED' }, { type: 'JOB_ASSIGNED', jobId: 'job-1' });
    expect(robotStateName(s.value as RobotStateValue)).toBe('working');
    expect(s.context.jobId).toBe('job-1');
    const done = robot({ type: 'CONNECTED' }, { type: 'JOB_ASSIGNED', jobId: 'job-1' }, { type: 'JOB_FINISHED' });
    expect(robotStateName(done.value as RobotStateValue)).toBe('idle');
    expect(done.context.jobId).toBeNull();
  });

  it('ignores a second job while working, and jobs while offline or in fault', () => {
    expect(robot({ type: 'CONNECTED' }, { type: 'JOB_ASSIGNED', jobId: 'job-1' }, { type: 'JOB_ASSIGNED', jobId: 'job-2' }).context.jobId).toBe('job-1');
    expect(robot({ type: 'JOB_ASSIGNED', jobId: 'job-1' }).context.jobId).toBeNull();
    expect(robot({ type: 'CONNECTED' }, FAULT('x'), { type: 'JOB_ASSIGNED', jobId: 'job-1' }).context.jobId).toBeNull();
  });

  it('ignores faults while offline', () => {
    const s = robot(FAULT('motor'));
    expect(robotStateName(s.value as RobotStateValue)).toBe('offline');
    expect(s.context.fault).toBeNull();
  });

  it('goes offline when the connection is lost, and back to its unfinished job when it reconnects', () => {
    expect(name({ type: 'CONNECTED' }, { type: 'CONNECTION_LOST' })).toBe('offline');
    expect(name({ type: 'CONNECTED' }, { type: 'JOB_ASSIGNED', jobId: 'job-1' }, { type: 'CONNECTION_LOST' }, { type: 'CONNECTED' })).toBe('working');
    expect(name({ type: 'CONNECTED' }, { type: 'JOB_ASSIGNED', jobId: 'job-1' }, { type: 'CONNECTION_LOST' }, { type: 'JOB_FINISHED' }, { type: 'CONNECTED' })).toBe('idle');
  });

  it('records a fault, resumes its job (or idles) when it clears, and forgets it offline', () => {
    const s = robot({ type: 'CONNECTED' }, { type: 'JOB_ASSIGNED', jobId: 'job-1' }, FAULT('wheel'));
    expect(robotStateName(s.value as RobotStateValue)).toBe('fault');
    expect(s.context).toMatchObject({ fault: 'wheel', jobId: 'job-1' });
    expect(name({ type: 'CONNECTED' }, { type: 'JOB_ASSIGNED', jobId: 'job-1' }, FAULT('x'), { type: 'FAULT_CLEARED' })).toBe('working');
    expect(name({ type: 'CONNECTED' }, FAULT('x'), { type: 'FAULT_CLEARED' })).toBe('idle');
    expect(name({ type: 'CONNECTED' }, FAULT('x'), { type: 'CONNECTION_LOST' }, { type: 'CONNECTED' })).toBe('idle');
  });

  it('is paused and held independently; one RESUME ends both, and a hold keeps its reason until then', () => {
    const held = robot({ type: 'PAUSE' }, { type: 'HOLD', reason: 'refused its order' }, { type: 'HOLD', reason: 'a second reason' });
    expect(held.value).toMatchObject({ operator: 'paused', hold: { held: 'believed' } });
    expect(held.context.hold).toBe('refused its order');
    const resumed = robot({ type: 'PAUSE' }, { type: 'HOLD', reason: 'x' }, { type: 'RESUME' });
    expect(resumed.value).toMatchObject({ operator: 'running', hold: 'free' });
    expect(resumed.context.hold).toBeNull();
  });

  it('a position in doubt holds a free robot, and marks a held one in doubt without a new reason', () => {
    expect(robot({ type: 'DOUBT_POSITION', reason: 'jumped' }).value).toMatchObject({ hold: { held: 'positionInDoubt' } });
    const s = robot({ type: 'HOLD', reason: 'first' }, { type: 'DOUBT_POSITION', reason: 'jumped' });
    expect(s.value).toMatchObject({ hold: { held: 'positionInDoubt' } });
    expect(s.context.hold).toBe('first');
    expect(robot({ type: 'DOUBT_POSITION', reason: 'jumped' }, { type: 'RESUME' }).value).toMatchObject({ hold: 'free' });
  });

  it('goes to service and back, and follows the battery it reports', () => {
    expect(value({ type: 'SEND_TO_SERVICE' }).service).toBe('inService');
    expect(value({ type: 'SEND_TO_SERVICE' }, { type: 'RETURN_FROM_SERVICE' }).service).toBe('working');
    expect(value({ type: 'CHARGING_STARTED' }).battery).toBe('charging');
    expect(value({ type: 'CHARGING_STARTED' }, { type: 'CHARGING_STOPPED' }).battery).toBe('notCharging');
  });

  it('awaits the release of an emergency stop until it shows; an offline robot is owed it until it is sent again', () => {
    expect(value({ type: 'RELEASE_ASKED', offline: false }).release).toBe('awaiting');
    expect(value({ type: 'RELEASE_ASKED', offline: false }, { type: 'RELEASE_SETTLED' }).release).toBe('none');
    expect(value({ type: 'RELEASE_ASKED', offline: true }).release).toBe('owedAwaiting');
    expect(value({ type: 'RELEASE_ASKED', offline: true }, { type: 'RELEASE_SETTLED' }).release).toBe('owed');
    expect(value({ type: 'RELEASE_ASKED', offline: true }, { type: 'RELEASE_SETTLED' }, { type: 'RELEASE_RESENT' }).release).toBe('awaiting');
    expect(value({ type: 'RELEASE_ASKED', offline: true }, { type: 'RELEASE_SETTLED' }, { type: 'RELEASE_RESENT' }, { type: 'RELEASE_SETTLED' }).release).toBe('none');
    expect(value({ type: 'RELEASE_SETTLED' }).release).toBe('none');
  });

  it('names its effects: being held raises the alarm, keeps its cells and asks a pause, once; a fault is raised only with an alarm', () => {
    const effects = { raiseHoldAlarm: vi.fn(), keepCells: vi.fn(), askToPause: vi.fn(), raiseFault: vi.fn() };
    const record = new MachineRecord(robotMachine.provide({ actions: effects }), { serial: 'R7' });
    record.send({ type: 'HOLD', reason: 'stands between cells' });
    record.send({ type: 'DOUBT_POSITION', reason: 'jumped' });
    expect(effects.raiseHoldAlarm).toHaveBeenCalledTimes(1);
    // The effect gets the new context: the hold's reason is there to raise.
    expect(effects.raiseHoldAlarm.mock.calls[0]![0].context).toMatchObject({ serial: 'R7', hold: 'stands between cells' });
    expect(effects.keepCells).toHaveBeenCalledTimes(1);
    expect(effects.askToPause).toHaveBeenCalledTimes(1);
    record.send({ type: 'CONNECTED' });
    record.send({ type: 'FAULT', reason: 'E: stopped', alarm: null });
    expect(effects.raiseFault).not.toHaveBeenCalled();
    record.send({ type: 'FAULT_CLEARED' });
    record.send({ type: 'FAULT', reason: 'E: lift', alarm: 'fault E: lift' });
    expect(effects.raiseFault).toHaveBeenCalledTimes(1);
    expect(effects.raiseFault.mock.calls[0]![1]).toEqual({ message: 'fault E: lift' });
  });

  it('never reaches a final state: a robot can always come back', () => {
    expect(robot({ type: 'CONNECTED' }, FAULT('x'), { type: 'CONNECTION_LOST' }).status).toBe('active');
  });
});
