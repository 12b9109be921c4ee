import { assign, setup } from 'xstate';

/**
 * Lifecycle of one robot as the controller sees it; one root actor per robot (spawning
 * thousands of children under one parent is quadratic in xstate 5). The controller asks it
 * "may this robot take work?" and records what the robot reports; it never drives IO.
 */
export type RobotEvent =
  | { type: 'CONNECTED' }
  | { type: 'CONNECTION_LOST' }
  | { type: 'JOB_ASSIGNED'; jobId: string }
  | { type: 'JOB_FINISHED' }
  | { type: 'FAULT'; reason: string }
  | { type: 'FAULT_CLEARED' };

export const robotMachine = setup({
  types: {
    context: {} as { serial: string; jobId: string | null; fault: string | null },
    input: {} as { serial: string },
    events: {} as RobotEvent,
  },
  guards: {
    hasJob: ({ context }) => context.jobId !== null,
  },
}).createMachine({
  id: 'robot',
  context: ({ input }) => ({ serial: input.serial, jobId: null, fault: null }),
  initial: 'offline',
  states: {
    offline: {
      on: {
        CONNECTED: [{ guard: 'hasJob', target: 'working' }, { target: 'idle' }],
        // A robot that comes back with its order unfinished keeps the job it had.
        JOB_FINISHED: { actions: assign({ jobId: null }) },
      },
    },
    idle: {
      on: {
        JOB_ASSIGNED: { target: 'working', actions: assign({ jobId: ({ event }) => event.jobId }) },
        CONNECTION_LOST: 'offline',
        FAULT: { target: 'fault', actions: assign({ fault: ({ event }) => event.reason }) },
      },
    },
    working: {
      on: {
        JOB_FINISHED: { target: 'idle', actions: assign({ jobId: null }) },
        CONNECTION_LOST: 'offline',
        FAULT: { target: 'fault', actions: assign({ fault: ({ event }) => event.reason }) },
      },
    },
    fault: {
      on: {
        FAULT_CLEARED: [
          { guard: 'hasJob', target: 'working', actions: assign({ fault: null }) },
          { target: 'idle', actions: assign({ fault: null }) },
        ],
        JOB_FINISHED: { actions: assign({ jobId: null }) },
        CONNECTION_LOST: 'offline',
      },
    },
  },
});
