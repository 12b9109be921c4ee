import type { State } from '../../../protocol/vda5050/types.ts';

/**
 * What the console takes from one robot's own VDA 5050 state message: where it is, whether its
 * gripper is working, what it carries, and whether it is in trouble.
 */
export interface RobotReport {
  /** agvPosition in metres, or null when the state carries no position. */
  readonly positionM: { readonly x: number; readonly y: number } | null;
  /** A `pick` or `drop` action is RUNNING: the gripper is down in a column. */
  readonly lifting: boolean;
  /** The running grid action (`pick` or `drop`), or null. */
  readonly liftAction: 'pick' | 'drop' | null;
  /** The load it carries (loadId, else loadType, else "load"), or null when `loads` is empty or absent. */
  readonly carrying: string | null;
  /** A FATAL error, or an emergency stop in force (safetyState.eStop other than NONE). */
  readonly error: boolean;
  readonly eStop: boolean;
  readonly paused: boolean;
  readonly driving: boolean;
  readonly batteryPercent: number;
  readonly charging: boolean;
  readonly errors: readonly { readonly errorType: string; readonly errorLevel: 'WARNING' | 'FATAL'; readonly errorDescription?: string }[];
  readonly orderId: string;
  /** The robot's own timestamp (ISO 8601). */
  readonly timestamp: string;
}

const GRID_ACTIONS: ReadonlySet<string> = new Set(['pick', 'drop']);

export function summariseState(state: State): RobotReport {
  const running = state.actionStates.find((a) => a.actionStatus === 'RUNNING' && a.actionType !== undefined && GRID_ACTIONS.has(a.actionType));
  const load = state.loads?.[0];
  const eStop = state.safetyState.eStop !== 'NONE';
  return {
    positionM: state.agvPosition ? { x: state.agvPosition.x, y: state.agvPosition.y } : null,
    lifting: running !== undefined,
    liftAction: running ? (running.actionType as 'pick' | 'drop') : null,
    carrying: load ? (load.loadId ?? load.loadType ?? 'load') : null,
    error: eStop || state.errors.some((e) => e.errorLevel === 'FATAL'),
    eStop,
    paused: state.paused === true,
    driving: state.driving,
    batteryPercent: state.batteryState.batteryCharge,
    charging: state.batteryState.charging,
    errors: state.errors.map((e) => ({ errorType: e.errorType, errorLevel: e.errorLevel, ...(e.errorDescription !== undefined ? { errorDescription: e.errorDescription } : {}) })),
    orderId: state.orderId,
    timestamp: state.timestamp,
  };
}
