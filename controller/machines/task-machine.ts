import { setup } from 'xstate';

/**
 * Lifecycle of one job (a bin retrieval, a dig, a bin return, a charge, a parking move). Terminal states are
 * final, so a finished job can never be restarted or finished twice.
 */
export type TaskEvent = { type: 'ASSIGN' } | { type: 'FINISH' } | { type: 'FAIL' } | { type: 'CANCEL' } | { type: 'UNASSIGN' };

export const taskMachine = setup({
  types: { events: {} as TaskEvent },
}).createMachine({
  id: 'task',
  initial: 'queued',
  states: {
    queued: { on: { ASSIGN: 'active', CANCEL: 'cancelled' } },
    active: { on: { FINISH: 'done', FAIL: 'failed', UNASSIGN: 'queued' } },
    done: { type: 'final' },
    failed: { type: 'final' },
    cancelled: { type: 'final' },
  },
});
