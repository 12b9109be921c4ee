/**
 * How the grid speaks VDA 5050: a grid cell is a node, and a few action types beyond pick and
 * drop (which are in vehicle-profile.ts).
 * - Cell (x, y) (integer column coordinates) is node `c{x}_{y}`, e.g. `c12_7`.
 * - `emergencyStop` / `releaseEmergencyStop` are Gridline's own instant actions, sent only to a
 *   vehicle whose factsheet lists them (VDA 5050 2.0.0 has no remote emergency stop).
 */
export { DROP_ACTION_TYPE, PICK_ACTION_TYPE } from './vehicle-profile.ts';
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
