/**
 * The Gridline vehicle profile, in code: how Gridline asks a VDA 5050 2.0.0 vehicle to lift a
 * bin off a stack or out of a port (`pick`) and to set one down (`drop`), and what a vehicle
 * type expects in those actions. `protocol/vda5050/VEHICLE-PROFILE.md` is the same contract for
 * a robot maker to implement against.
 *
 * pick and drop are the predefined actions of VDA 5050 2.0.0 §6.8.1, with the parameters the
 * text names: `stationType` and `loadType` (required for pick), `loadId` (the bin), `stationName`
 * (the port, at a port) and `height` (bottom of the load above the grid's floor, metres). The
 * grid's own details follow as extra parameters a vehicle may ignore: the column `x`, `y` and
 * the stack `level` (0 = bottom; 0 at a port).
 */
import type { Action, ActionParameter, BlockingType } from './types.ts';

export const PICK_ACTION_TYPE = 'pick';
export const DROP_ACTION_TYPE = 'drop';

/** What a vehicle type expects in pick and drop; set per robot or per vehicle type in the layout. */
export interface VehicleProfile {
  /** `stationType` of a storage column and of a port (VDA 5050: how the pick is handled in detail). */
  readonly stationType: { readonly column: string; readonly port: string };
  /** `loadType` of a bin. */
  readonly loadType: string;
  /**
   * Whether the vehicle reads a bin's id: its state's `loads[].loadId` then names the bin it
   * holds. One that cannot is checked for holding one load (or none), not for which.
   */
  readonly identifiesLoads: boolean;
  /**
   * Also carry instant actions under `instantActions`, VDA 5050 1.1's name for the list, beside
   * 2.0.0's `actions`: for vehicles that read only the older name (vda-5050-lib 1.4). Without it
   * such a vehicle hears no instant action: no pause, no stop, no factsheet request.
   */
  readonly legacyInstantActions: boolean;
}

/** Gridline's own values: what the simulated robots and the firmware bridge expect. */
export const GRIDLINE_VEHICLE_PROFILE: VehicleProfile = {
  stationType: { column: 'gridColumn', port: 'gridPort' },
  loadType: 'gridBin',
  identifiesLoads: true,
  legacyInstantActions: false,
};

/** A pick or drop as Gridline means it: which bin, where, at which stack level. */
export interface BinHandling {
  /** The bin (VDA 5050 `loadId`). */
  readonly loadId: string;
  /** Column coordinates (integers). */
  readonly x: number;
  readonly y: number;
  /** Stack level from the bottom, 0 = floor; 0 at a port. */
  readonly level: number;
  /** The port, when the bin goes into or out of one (VDA 5050 `stationName`). */
  readonly portId?: string;
}

/** Bin handling blocks driving and every other action (§6.12: HARD). */
export const BIN_ACTION_BLOCKING: BlockingType = 'HARD';

/** Parameter keys Gridline fills in pick and drop (a factsheet may require any of these). */
export const BIN_ACTION_PARAMETER_KEYS: readonly string[] = ['stationType', 'stationName', 'loadType', 'loadId', 'height', 'x', 'y', 'level'];

/**
 * Builds a pick or drop for a vehicle of `profile`. `binHeightM` turns the level into the
 * standard `height` parameter. Throws on parameters no grid has (a programming mistake).
 */
export function binAction(actionType: 'pick' | 'drop', actionId: string, handling: BinHandling, profile: VehicleProfile, binHeightM: number): Action {
  const problems = checkHandling(handling);
  if (problems.length > 0) throw new RangeError(`invalid ${actionType} parameters: ${problems.join('; ')}`);
  const atPort = handling.portId !== undefined;
  const parameters: ActionParameter[] = [
    { key: 'stationType', value: atPort ? profile.stationType.port : profile.stationType.column },
    ...(atPort ? [{ key: 'stationName', value: handling.portId! }] : []),
    { key: 'loadType', value: profile.loadType },
    { key: 'loadId', value: handling.loadId },
    { key: 'height', value: Math.round(handling.level * binHeightM * 1000) / 1000 },
    { key: 'x', value: handling.x },
    { key: 'y', value: handling.y },
    { key: 'level', value: handling.level },
  ];
  return { actionType, actionId, blockingType: BIN_ACTION_BLOCKING, actionParameters: parameters };
}

export function pickAction(actionId: string, handling: BinHandling, profile: VehicleProfile = GRIDLINE_VEHICLE_PROFILE, binHeightM = 0.33): Action {
  return binAction(PICK_ACTION_TYPE, actionId, handling, profile, binHeightM);
}

export function dropAction(actionId: string, handling: BinHandling, profile: VehicleProfile = GRIDLINE_VEHICLE_PROFILE, binHeightM = 0.33): Action {
  return binAction(DROP_ACTION_TYPE, actionId, handling, profile, binHeightM);
}

/** A pick or drop as a Gridline vehicle reads it. */
export interface ReadBinAction {
  readonly loadId: string;
  readonly x: number;
  readonly y: number;
  readonly level: number;
  readonly stationType: string;
  readonly stationName?: string;
  readonly loadType: string;
}

/**
 * Reads a pick or drop as a vehicle of `profile` (the vehicle's own side): the parameters it
 * needs must be there and of the right type, and `stationType` and `loadType` must be values it
 * handles. Problems come back as readable errors naming the parameter (for an `orderError`).
 */
export function readBinAction(
  action: Pick<Action, 'actionType' | 'actionParameters'>,
  profile: VehicleProfile = GRIDLINE_VEHICLE_PROFILE,
): { ok: true; value: ReadBinAction } | { ok: false; errors: string[] } {
  if (action.actionType !== PICK_ACTION_TYPE && action.actionType !== DROP_ACTION_TYPE) {
    return { ok: false, errors: [`actionType: expected '${PICK_ACTION_TYPE}' or '${DROP_ACTION_TYPE}', got '${action.actionType}'`] };
  }
  const byKey = new Map((action.actionParameters ?? []).map((p) => [p.key, p.value] as const));
  const errors: string[] = [];
  const text = (key: string, optional = false): string | undefined => {
    const value = byKey.get(key);
    if (value === undefined && optional) return undefined;
    if (typeof value !== 'string' || value === '') {
      errors.push(`actionParameters.${key}: expected a non-empty string`);
      return undefined;
    }
    return value;
  };
  const integer = (key: 'x' | 'y' | 'level'): number => {
    const value = byKey.get(key);
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || (key === 'level' && value < 0)) {
      errors.push(`actionParameters.${key}: expected an integer${key === 'level' ? ' >= 0' : ''}`);
      return 0;
    }
    return value;
  };
  const loadId = text('loadId');
  const stationType = text('stationType');
  const stationName = text('stationName', true);
  const loadType = text('loadType');
  const x = integer('x');
  const y = integer('y');
  const level = integer('level');
  const stationTypes = [profile.stationType.column, profile.stationType.port];
  if (stationType !== undefined && !stationTypes.includes(stationType)) {
    errors.push(`actionParameters.stationType: '${stationType}' is not handled by this vehicle (it handles ${stationTypes.map((s) => `'${s}'`).join(', ')})`);
  }
  if (loadType !== undefined && loadType !== profile.loadType) {
    errors.push(`actionParameters.loadType: '${loadType}' is not handled by this vehicle (it handles '${profile.loadType}')`);
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { loadId: loadId!, x, y, level, stationType: stationType!, loadType: loadType!, ...(stationName !== undefined ? { stationName } : {}) } };
}

function checkHandling(h: BinHandling): string[] {
  const problems: string[] = [];
  if (h.loadId === '') problems.push('loadId must not be empty');
  if (!Number.isSafeInteger(h.x) || !Number.isSafeInteger(h.y)) problems.push(`column must be integers, got (${h.x}, ${h.y})`);
  if (!Number.isSafeInteger(h.level) || h.level < 0) problems.push(`level must be an integer >= 0, got ${h.level}`);
  if (h.portId !== undefined && h.level !== 0) problems.push(`level must be 0 at a port, got ${h.level}`);
  return problems;
}
