/**
 * What a vehicle can do, read from its VDA 5050 factsheet (§6.16 protocolFeatures.agvActions):
 * the controller gives a vehicle only work its factsheet says it can do. Pure.
 */
import { BIN_ACTION_PARAMETER_KEYS, DROP_ACTION_TYPE, PICK_ACTION_TYPE } from '../../protocol/vda5050/vehicle-profile.ts';
import { EMERGENCY_STOP_ACTION_TYPE, RELEASE_EMERGENCY_STOP_ACTION_TYPE, START_CHARGING_ACTION_TYPE } from '../../protocol/vda5050/grid-nodes.ts';
import type { AgvAction, Factsheet } from '../../protocol/vda5050/types.ts';

export interface VehicleCapabilities {
  /** pick and drop on nodes, with no required parameter Gridline cannot fill: bin work. */
  readonly binHandling: boolean;
  /** startCharging on nodes: it may be sent to charge. */
  readonly charging: boolean;
  /** Instant actions it takes (startPause, cancelOrder, emergencyStop, ...). */
  readonly instantActions: ReadonlySet<string>;
  /** Top speed, m/s (physicalParameters.speedMax). */
  readonly maxSpeedMps: number;
  /** Its state comes at least this often, seconds (protocolLimits.timing.defaultStateInterval), if it says. */
  readonly stateIntervalS: number | undefined;
  /** Each action it announces, as `type (SCOPE, ...)`, for people to read. */
  readonly actions: readonly string[];
}

export type CapabilityReading = { capabilities: VehicleCapabilities; problems: string[] };

/** Instant actions the controller uses, and what it does without each. */
const INSTANT_NEEDS: readonly [string, string][] = [
  ['startPause', 'a pause or a stop cannot be asked of it'],
  ['stopPause', 'a pause cannot be ended'],
  ['cancelOrder', 'a withdrawn order cannot be cancelled'],
];

export function readCapabilities(factsheet: Factsheet): CapabilityReading {
  const problems: string[] = [];
  const byType = new Map<string, AgvAction>();
  for (const action of factsheet.protocolFeatures.agvActions) byType.set(action.actionType, action);
  const onNodes = (type: string) => byType.get(type)?.actionScopes.includes('NODE') ?? false;

  let binHandling = true;
  for (const type of [PICK_ACTION_TYPE, DROP_ACTION_TYPE]) {
    const action = byType.get(type);
    if (!action || !onNodes(type)) {
      binHandling = false;
      problems.push(`its factsheet lists no ${type} on nodes: it is given no bin work`);
      continue;
    }
    const unknown = (action.actionParameters ?? []).filter((p) => !p.isOptional && !BIN_ACTION_PARAMETER_KEYS.includes(p.key)).map((p) => p.key);
    if (unknown.length > 0) {
      binHandling = false;
      problems.push(`its ${type} requires ${unknown.join(', ')}, which Gridline does not send (it sends ${BIN_ACTION_PARAMETER_KEYS.join(', ')}): it is given no bin work`);
    }
  }
  const instantActions = new Set(factsheet.protocolFeatures.agvActions.filter((a) => a.actionScopes.includes('INSTANT')).map((a) => a.actionType));
  for (const [type, without] of INSTANT_NEEDS) if (!instantActions.has(type)) problems.push(`its factsheet lists no instant ${type}: ${without}`);
  const interval = factsheet.protocolLimits.timing.defaultStateInterval;
  return {
    capabilities: {
      binHandling,
      charging: onNodes(START_CHARGING_ACTION_TYPE),
      instantActions,
      maxSpeedMps: factsheet.physicalParameters.speedMax,
      stateIntervalS: interval !== undefined && interval > 0 ? interval : undefined,
      actions: factsheet.protocolFeatures.agvActions.map((a) => `${a.actionType} (${a.actionScopes.join(', ')})`),
    },
    problems,
  };
}

/** Whether it takes Gridline's own emergency stop, and its release (else the standard fallback is used). */
export function takesEmergencyStop(capabilities: VehicleCapabilities): boolean {
  return capabilities.instantActions.has(EMERGENCY_STOP_ACTION_TYPE) && capabilities.instantActions.has(RELEASE_EMERGENCY_STOP_ACTION_TYPE);
}
