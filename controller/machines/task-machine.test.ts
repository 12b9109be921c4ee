import { describe, expect, it } from 'vitest';
import { createActor, transition } from 'xstate';
import { taskMachine, type TaskEvent } from './task-machine.ts';

function task(...events: TaskEvent['type'][]) {
  const actor = createActor(taskMachine);
  actor.start();
  for (const type of events) actor.send({ type } as TaskEvent);
  return actor.getSnapshot();
}

describe('taskMachine', () => {
  it('starts queued', () => {
    expect(task().value).toBe('queued');
  });

  it('is active once assigned', () => {
    expect(task('ASSIGN').value).toBe('active');
  });

  it('an active task that loses its robot is queued again and can be reassigned', () => {
    expect(task('ASSIGN', 'UNASSIGN').value).toBe('queued');
    expect(task('ASSIGN', 'UNASSIGN', 'ASSIGN').value).toBe('active');
  });

  it('ends done, failed or cancelled, and each of these is final', () => {
    for (const [events, end] of [
      [['ASSIGN', 'FINISH'], 'done'],
      [['ASSIGN', 'FAIL'], 'failed'],
      [['CANCEL'], 'cancelled'],
    ] as const) {
      const s = task(...events);
      expect(s.value).toBe(end);
      expect(s.status).toBe('done');
    }
  });

  it('a queued task cannot finish, fail or be unassigned', () => {
    expect(task('FINISH').value).toBe('queued');
    expect(task('FAIL').value).toBe('queued');
    expect(task('UNASSIGN').value).toBe('queued');
  });

  it('an active task ignores a second assignment and cannot be cancelled', () => {
    expect(task('ASSIGN', 'ASSIGN').value).toBe('active');
    expect(task('ASSIGN', 'CANCEL').value).toBe('active');
  });

  it('a finished task can never be restarted, finished twice or changed', () => {
    for (const end of [['ASSIGN', 'FINISH'], ['ASSIGN', 'FAIL'], ['CANCEL']] as const) {
      const finished = task(...end);
      for (const type of ['ASSIGN', 'FINISH', 'FAIL', 'CANCEL', 'UNASSIGN'] as const) {
        // Pure transition: a stopped actor would only warn, which proves nothing.
        const [next] = transition(taskMachine, finished, { type });
        expect(next.value, `${end.join(' ')} then ${type}`).toBe(finished.value);
        expect(next.status).toBe('done');
      }
    }
  });
});
