import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { robotMachine, type RobotEvent } from './robot-machine.ts';

function robot(...events: RobotEvent[]) {
  const actor = createActor(robotMachine, { input: { serial: 'R1' } });
  actor.start();
  for (const event of events) actor.send(event);
  return actor.getSnapshot();
}

describe('robotMachine', () => {
  it('starts offline with no job and no fault, knowing its serial', () => {
    const s = robot();
    expect(s.value).toBe('offline');
    expect(s.context).toEqual({ serial: 'R1', jobId: null, fault: null });
  });

  it('becomes idle when it connects without a job', () => {
    expect(robot({ type: 'CONNECTED' }).value).toBe('idle');
  });

  it('takes a job when idle and remembers which', () => {
    const s = robot({ type: 'CONNECTED' }, { type: 'JOB_ASSIGNED', jobId: 'job-1' });
    expect(s.value).toBe('working');
    expect(s.context.jobId).toBe('job-1');
  });

  it('returns to idle when the job finishes', () => {
    const s = robot({ type: 'CONNECTED' }, { type: 'JOB_ASSIGNED', jobId: 'job-1' }, { type: 'JOB_FINISHED' });
    expect(s.value).toBe('idle');
    expect(s.context.jobId).toBeNull();
  });

  it('ignores a second job while working', () => {
    const s = robot({ type: 'CONNECTED' }, { type: 'JOB_ASSIGNED', jobId: 'job-1' }, { type: 'JOB_ASSIGNED', jobId: 'job-2' });
    expect(s.value).toBe('working');
    expect(s.context.jobId).toBe('job-1');
  });

  it('ignores job assignments while offline', () => {
    const s = robot({ type: 'JOB_ASSIGNED', jobId: 'job-1' });
    expect(s.value).toBe('offline');
    expect(s.context.jobId).toBeNull();
  });

  it('ignores faults while offline', () => {
    const s = robot({ type: 'FAULT', reason: 'motor' });
    expect(s.value).toBe('offline');
    expect(s.context.fault).toBeNull();
  });

  it('ignores a finished job while idle and a cleared fault without a fault', () => {
    const s = robot({ type: 'CONNECTED' }, { type: 'JOB_FINISHED' }, { type: 'FAULT_CLEARED' });
    expect(s.value).toBe('idle');
  });

  it('ignores CONNECTED while already online', () => {
    const s = robot({ type: 'CONNECTED' }, { type: 'JOB_ASSIGNED', jobId: 'job-1' }, { type: 'CONNECTED' });
    expect(s.value).toBe('working');
  });

  it('goes offline when the connection is lost, idle or working', () => {
    expect(robot({ type: 'CONNECTED' }, { type: 'CONNECTION_LOST' }).value).toBe('offline');
    const s = robot({ type: 'CONNECTED' }, { type: 'JOB_ASSIGNED', jobId: 'job-1' }, { type: 'CONNECTION_LOST' });
    expect(s.value).toBe('offline');
    expect(s.context.jobId).toBe('job-1');
  });

  it('a robot that reconnects with its job unfinished goes back to working on it', () => {
    const s = robot({ type: 'CONNECTED' }, { type: 'JOB_ASSIGNED', jobId: 'job-1' }, { type: 'CONNECTION_LOST' }, { type: 'CONNECTED' });
    expect(s.value).toBe('working');
    expect(s.context.jobId).toBe('job-1');
  });

  it('a job finished while offline is forgotten, so the robot reconnects idle', () => {
    const s = robot(
      { type: 'CONNECTED' },
      { type: 'JOB_ASSIGNED', jobId: 'job-1' },
      { type: 'CONNECTION_LOST' },
      { type: 'JOB_FINISHED' },
      { type: 'CONNECTED' },
    );
    expect(s.value).toBe('idle');
    expect(s.context.jobId).toBeNull();
  });

  it('records the reason of a fault, from idle or working', () => {
    const idle = robot({ type: 'CONNECTED' }, { type: 'FAULT', reason: 'lift jammed' });
    expect(idle.value).toBe('fault');
    expect(idle.context.fault).toBe('lift jammed');
    const working = robot({ type: 'CONNECTED' }, { type: 'JOB_ASSIGNED', jobId: 'job-1' }, { type: 'FAULT', reason: 'wheel' });
    expect(working.value).toBe('fault');
    expect(working.context.fault).toBe('wheel');
    expect(working.context.jobId).toBe('job-1');
  });

  it('takes no job while in fault', () => {
    const s = robot({ type: 'CONNECTED' }, { type: 'FAULT', reason: 'x' }, { type: 'JOB_ASSIGNED', jobId: 'job-1' });
    expect(s.value).toBe('fault');
    expect(s.context.jobId).toBeNull();
  });

  it('when the fault clears, resumes its job if it has one', () => {
    const s = robot({ type: 'CONNECTED' }, { type: 'JOB_ASSIGNED', jobId: 'job-1' }, { type: 'FAULT', reason: 'x' }, { type: 'FAULT_CLEARED' });
    expect(s.value).toBe('working');
    expect(s.context).toMatchObject({ jobId: 'job-1', fault: null });
  });

  it('when the fault clears without a job, becomes idle', () => {
    const s = robot({ type: 'CONNECTED' }, { type: 'FAULT', reason: 'x' }, { type: 'FAULT_CLEARED' });
    expect(s.value).toBe('idle');
    expect(s.context.fault).toBeNull();
  });

  it('a job finished during a fault is dropped, so the cleared robot is idle', () => {
    const s = robot(
      { type: 'CONNECTED' },
      { type: 'JOB_ASSIGNED', jobId: 'job-1' },
      { type: 'FAULT', reason: 'x' },
      { type: 'JOB_FINISHED' },
      { type: 'FAULT_CLEARED' },
    );
    expect(s.value).toBe('idle');
    expect(s.context.jobId).toBeNull();
  });

  it('goes offline from a fault when the connection is lost', () => {
    expect(robot({ type: 'CONNECTED' }, { type: 'FAULT', reason: 'x' }, { type: 'CONNECTION_LOST' }).value).toBe('offline');
  });

  it('never reaches a final state: a robot can always come back', () => {
    const s = robot({ type: 'CONNECTED' }, { type: 'FAULT', reason: 'x' }, { type: 'CONNECTION_LOST' });
    expect(s.status).toBe('active');
  });
});
