/**
 * How to ask one robot for an emergency stop, a pause, or their end, given what its factsheet
 * says it takes. VDA 5050 2.0.0 has no remote emergency stop: Gridline's own `emergencyStop` goes
 * to robots that list it, the standard `startPause` (§6.8.1) to the others. Pure.
 */
import { EMERGENCY_STOP_ACTION_TYPE, RELEASE_EMERGENCY_STOP_ACTION_TYPE } from '../../protocol/vda5050/grid-nodes.ts';
import { takesEmergencyStop, type VehicleCapabilities } from './capabilities.ts';
import type { StopCondition } from './stop-verifier.ts';

export type StopCommand = 'emergencyStop' | 'release' | 'pause' | 'resume';

/** How a robot was stopped by an emergency stop, so that the release undoes that. */
export type StoppedVia = 'emergencyStop' | 'startPause' | null;

export interface StopPlan {
  /** The instant action to send, or null when the robot takes none that would do. */
  readonly actionType: string | null;
  /** What its state must then show (stop-verifier.ts), or null (not supported). */
  readonly condition: StopCondition | null;
  /** How it was asked, in words for the outcome. */
  readonly how: string;
  /** For an emergency stop: how the robot is stopped, for its release. */
  readonly via: StoppedVia;
}

/** Whether the robot takes the instant action; a robot whose factsheet has not come is asked all the same. */
export function takes(capabilities: VehicleCapabilities | undefined, actionType: string): boolean {
  return capabilities === undefined || capabilities.instantActions.has(actionType);
}

export function planStop(command: StopCommand, capabilities: VehicleCapabilities | undefined, stoppedVia: StoppedVia = null): StopPlan {
  const unknown = capabilities === undefined ? ' (its factsheet has not come)' : '';
  switch (command) {
    case 'emergencyStop':
      if (capabilities && takesEmergencyStop(capabilities)) return { actionType: EMERGENCY_STOP_ACTION_TYPE, condition: 'eStopOn', how: EMERGENCY_STOP_ACTION_TYPE, via: 'emergencyStop' };
      if (takes(capabilities, 'startPause')) {
        return { actionType: 'startPause', condition: 'paused', how: `startPause${unknown || ' (its factsheet lists no emergencyStop)'}`, via: 'startPause' };
      }
      return { actionType: null, condition: null, how: 'its factsheet lists neither emergencyStop nor startPause', via: null };
    case 'release':
      if (stoppedVia === 'emergencyStop') return { actionType: RELEASE_EMERGENCY_STOP_ACTION_TYPE, condition: 'eStopOff', how: RELEASE_EMERGENCY_STOP_ACTION_TYPE, via: null };
      if (stoppedVia === 'startPause') return { actionType: 'stopPause', condition: 'notPaused', how: 'stopPause', via: null };
      return { actionType: null, condition: null, how: 'nothing was sent to stop it', via: null };
    case 'pause':
      return takes(capabilities, 'startPause')
        ? { actionType: 'startPause', condition: 'paused', how: `startPause${unknown}`, via: null }
        : { actionType: null, condition: null, how: 'its factsheet lists no startPause', via: null };
    case 'resume':
      return takes(capabilities, 'stopPause')
        ? { actionType: 'stopPause', condition: 'notPaused', how: `stopPause${unknown}`, via: null }
        : { actionType: null, condition: null, how: 'its factsheet lists no stopPause', via: null };
  }
}

/**
 * What the standard offers against a robot that did not confirm a stop or pause (besides
 * releasing it no further cells): startPause, unless that is what went unconfirmed, and
 * cancelOrder; each only if the robot takes it.
 */
export function stopFallback(capabilities: VehicleCapabilities | undefined, sent: string | null): string[] {
  return ['startPause', 'cancelOrder'].filter((type) => type !== sent && takes(capabilities, type));
}
