import { and, assign, setup, stateIn } from 'xstate';

/**
 * Lifecycle of one robot as the controller sees it, in parallel regions:
 * - connection: offline or online (a state message proves it online);
 * - placement: unplaced until its first believed position puts it on the grid;
 * - health: a FATAL error puts it in fault until a state without one (forgotten offline);
 * - work: idle, or working on a job (taken only online and healthy);
 * - operator: running, or paused by an operator;
 * - hold: free, or held in alarm (with the reason; the position in doubt or not) until an
 *   operator resumes it;
 * - service: working, or sent to service by an operator;
 * - battery: charging or not, as last reported;
 * - release: the operator's emergency stop released and not yet shown on its state
 *   (awaiting), and/or owed to it because it was offline (sent when it is back).
 * The controller reads the snapshot for every decision (robot-record.ts) and never keeps a copy.
 * Effects are named here and implemented by the controller (`provide`): on being held, the
 * alarm, its cells kept, and the pause it is asked for; on a fault, its alarm.
 */
export type RobotEvent =
  | { type: 'CONNECTED' }
  | { type: 'CONNECTION_LOST' }
  | { type: 'PLACED' }
  | { type: 'JOB_ASSIGNED'; jobId: string }
  | { type: 'JOB_FINISHED' }
  /** `alarm`: the fault as an alarm raises it, or null for one the operator's emergency stop explains. */
  | { type: 'FAULT'; reason: string; alarm: string | null }
  | { type: 'FAULT_CLEARED' }
  | { type: 'PAUSE' }
  /** Ends an operator's pause and a hold. */
  | { type: 'RESUME' }
  | { type: 'HOLD'; reason: string }
  /** It reported a position it cannot have reached: held (if not already), none of its states believed until resumed. */
  | { type: 'DOUBT_POSITION'; reason: string }
  | { type: 'SEND_TO_SERVICE' }
  | { type: 'RETURN_FROM_SERVICE' }
  | { type: 'CHARGING_STARTED' }
  | { type: 'CHARGING_STOPPED' }
  /** The emergency stop was released (its release sent now, or owed while it is offline). */
  | { type: 'RELEASE_ASKED'; offline: boolean }
  /** The release owed to it is sent now it is back online. */
  | { type: 'RELEASE_RESENT' }
  /** Its state showed the release, or the release's time ran out. */
  | { type: 'RELEASE_SETTLED' };

export interface RobotContext {
  readonly serial: string;
  readonly jobId: string | null;
  readonly fault: string | null;
  /** Why it is held in alarm, or null. */
  readonly hold: string | null;
}

export const robotMachine = setup({
  types: {
    context: {} as RobotContext,
    input: {} as { serial: string },
    events: {} as RobotEvent,
  },
  actions: {
    /** Raise the hold (context.hold) as an alarm. */
    raiseHoldAlarm: () => {},
    /** Keep the cells it holds, and release it none. */
    keepCells: () => {},
    /** Ask it to pause where it stands (if it takes startPause). */
    askToPause: () => {},
    /** Raise the fault as an alarm, in these words. */
    raiseFault: (_, _params: { message: string }) => {},
  },
  guards: {
    raisesFault: ({ event }) => event.type === 'FAULT' && event.alarm !== null,
  },
}).createMachine({
  id: 'robot',
  type: 'parallel',
  context: ({ input }) => ({ serial: input.serial, jobId: null, fault: null, hold: null }),
  states: {
    connection: {
      initial: 'offline',
      states: {
        offline: { on: { CONNECTED: 'online' } },
        online: { on: { CONNECTION_LOST: 'offline' } },
      },
    },
    placement: {
      initial: 'unplaced',
      states: {
        unplaced: { on: { PLACED: 'placed' } },
        placed: {},
      },
    },
    health: {
      initial: 'ok',
      states: {
        ok: {
          on: {
            FAULT: [
              { guard: and([stateIn({ connection: 'online' }), 'raisesFault']), target: 'fault', actions: [assign({ fault: ({ event }) => event.reason }), { type: 'raiseFault', params: ({ event }) => ({ message: event.alarm ?? '' }) }] },
              { guard: stateIn({ connection: 'online' }), target: 'fault', actions: assign({ fault: ({ event }) => event.reason }) },
            ],
          },
        },
        // A fault is forgotten offline: a robot comes back healthy until a state says otherwise.
        fault: { on: { FAULT_CLEARED: { target: 'ok', actions: assign({ fault: null }) }, CONNECTION_LOST: 'ok' } },
      },
    },
    work: {
      initial: 'idle',
      states: {
        idle: { on: { JOB_ASSIGNED: { guard: and([stateIn({ connection: 'online' }), stateIn({ health: 'ok' })]), target: 'working', actions: assign({ jobId: ({ event }) => event.jobId }) } } },
        working: { on: { JOB_FINISHED: { target: 'idle', actions: assign({ jobId: null }) } } },
      },
    },
    operator: {
      initial: 'running',
      states: {
        running: { on: { PAUSE: 'paused' } },
        paused: { on: { RESUME: 'running' } },
      },
    },
    hold: {
      initial: 'free',
      states: {
        free: {
          on: {
            HOLD: { target: 'held.believed', actions: assign({ hold: ({ event }) => event.reason }) },
            DOUBT_POSITION: { target: 'held.positionInDoubt', actions: assign({ hold: ({ event }) => event.reason }) },
          },
        },
        held: {
          entry: ['raiseHoldAlarm', 'keepCells', 'askToPause'],
          initial: 'believed',
          states: {
            believed: { on: { DOUBT_POSITION: 'positionInDoubt' } },
            positionInDoubt: {},
          },
          on: { RESUME: { target: 'free', actions: assign({ hold: null }) } },
        },
      },
    },
    service: {
      initial: 'working',
      states: {
        working: { on: { SEND_TO_SERVICE: 'inService' } },
        inService: { on: { RETURN_FROM_SERVICE: 'working' } },
      },
    },
    battery: {
      initial: 'notCharging',
      states: {
        notCharging: { on: { CHARGING_STARTED: 'charging' } },
        charging: { on: { CHARGING_STOPPED: 'notCharging' } },
      },
    },
    release: {
      initial: 'none',
      on: { RELEASE_ASKED: [{ guard: ({ event }) => event.offline, target: '.owedAwaiting' }, { target: '.awaiting' }] },
      states: {
        none: {},
        awaiting: { on: { RELEASE_SETTLED: 'none' } },
        /** Owed (offline when released) and not settled. */
        owedAwaiting: { on: { RELEASE_SETTLED: 'owed', RELEASE_RESENT: 'awaiting' } },
        /** Owed, its first release's time ran out. */
        owed: { on: { RELEASE_RESENT: 'awaiting' } },
      },
    },
  },
});

/** The machine's state in one word, as the console shows it: offline, fault, working or idle. */
export function robotStateName(value: RobotStateValue): 'offline' | 'fault' | 'working' | 'idle' {
  if (value.connection === 'offline') return 'offline';
  if (value.health === 'fault') return 'fault';
  return value.work === 'working' ? 'working' : 'idle';
}

export interface RobotStateValue {
  connection: 'offline' | 'online';
  placement: 'unplaced' | 'placed';
  health: 'ok' | 'fault';
  work: 'idle' | 'working';
  operator: 'running' | 'paused';
  hold: 'free' | { held: 'believed' | 'positionInDoubt' };
  service: 'working' | 'inService';
  battery: 'notCharging' | 'charging';
  release: 'none' | 'awaiting' | 'owedAwaiting' | 'owed';
}
