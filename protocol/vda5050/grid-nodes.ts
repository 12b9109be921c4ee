/**
 * How the grid speaks VDA 5050: a grid cell is a node, and bin handling is custom actions.
 * - Cell (x, y) (integer column coordinates) is node `c{x}_{y}`, e.g. `c12_7`.
 * - `pick` / `drop` act on the column under the robot: parameters `binId` (string), `x`, `y`
 *   (the column, integers) and `level` (integer stack level counted from the bottom, 0 = floor;
 *   for a port the column is the port's cell and level is 0).
 * - `emergencyStop` / `releaseEmergencyStop` are custom instant actions.
 */
import type { Action, BlockingType } from './types.ts';

export const PICK_ACTION_TYPE = 'pick';
export const DROP_ACTION_TYPE = 'drop';
/**
 * Instant action: stop at the next node (an edge being driven is finished: the robot cannot
 * stop between cells) and hold every action; the robot reports eStop REMOTE until released.
 */
export const EMERGENCY_STOP_ACTION_TYPE = 'emergencyStop';
export const RELEASE_EMERGENCY_STOP_ACTION_TYPE = 'releaseEmergencyStop';
/** VDA 5050 predefined actions (§Actions), run by grid robots on charger cells. */
export const START_CHARGING_ACTION_TYPE = 'startCharging';
export const STOP_CHARGING_ACTION_TYPE = 'stopCharging';

export interface GridCell {
  x: number;
  y: number;
}

export function cellNodeId(x: number, y: number): string {
  if (!Number.isInteger(x) || !Number.isInteger(y)) throw new RangeError(`cell coordinates must be integers, got (${x}, ${y})`);
  return `c${x}_${y}`;
}

/** Inverse of `cellNodeId`; undefined for any other node id. */
export function parseCellNodeId(nodeId: string): GridCell | undefined {
  const match = /^c(-?(?:0|[1-9]\d*))_(-?(?:0|[1-9]\d*))$/.exec(nodeId);
  if (!match) return undefined;
  const x = Number(match[1]);
  const y = Number(match[2]);
  if (!Number.isSafeInteger(x) || !Number.isSafeInteger(y) || Object.is(x, -0) || Object.is(y, -0)) return undefined;
  return { x, y };
}

export interface GridActionParameters {
  binId: string;
  /** Column x coordinate (integer). */
  x: number;
  /** Column y coordinate (integer). */
  y: number;
  /** Stack level from the bottom, 0 = floor (integer >= 0). */
  level: number;
}

/** Bin handling blocks driving and other actions: HARD. */
const GRID_ACTION_BLOCKING: BlockingType = 'HARD';

export function pickAction(actionId: string, params: GridActionParameters): Action {
  return gridAction(PICK_ACTION_TYPE, actionId, params);
}

export function dropAction(actionId: string, params: GridActionParameters): Action {
  return gridAction(DROP_ACTION_TYPE, actionId, params);
}

function gridAction(actionType: string, actionId: string, params: GridActionParameters): Action {
  const problems = checkGridParameters(params);
  if (problems.length > 0) throw new RangeError(`invalid ${actionType} parameters: ${problems.join('; ')}`);
  return {
    actionType,
    actionId,
    blockingType: GRID_ACTION_BLOCKING,
    actionParameters: [
      { key: 'binId', value: params.binId },
      { key: 'x', value: params.x },
      { key: 'y', value: params.y },
      { key: 'level', value: params.level },
    ],
  };
}

/** Reads the parameters of a `pick` or `drop` action; problems come back as readable errors. */
export function parseGridActionParameters(
  action: Pick<Action, 'actionType' | 'actionParameters'>,
): { ok: true; value: GridActionParameters } | { ok: false; errors: string[] } {
  if (action.actionType !== PICK_ACTION_TYPE && action.actionType !== DROP_ACTION_TYPE) {
    return { ok: false, errors: [`actionType: expected '${PICK_ACTION_TYPE}' or '${DROP_ACTION_TYPE}', got '${action.actionType}'`] };
  }
  const byKey = new Map((action.actionParameters ?? []).map((p) => [p.key, p.value] as const));
  const errors: string[] = [];
  const binId = byKey.get('binId');
  if (typeof binId !== 'string' || binId === '') errors.push('actionParameters.binId: expected a non-empty string');
  const read = (key: 'x' | 'y' | 'level'): number => {
    const value = byKey.get(key);
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      errors.push(`actionParameters.${key}: expected an integer${key === 'level' ? ' >= 0' : ''}`);
      return 0;
    }
    if (key === 'level' && value < 0) errors.push('actionParameters.level: expected an integer >= 0');
    return value;
  };
  const value = { binId: binId as string, x: read('x'), y: read('y'), level: read('level') };
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value };
}

function checkGridParameters(p: GridActionParameters): string[] {
  const problems: string[] = [];
  if (p.binId === '') problems.push('binId must not be empty');
  if (!Number.isSafeInteger(p.x) || !Number.isSafeInteger(p.y)) problems.push(`column must be integers, got (${p.x}, ${p.y})`);
  if (!Number.isSafeInteger(p.level) || p.level < 0) problems.push(`level must be an integer >= 0, got ${p.level}`);
  return problems;
}
