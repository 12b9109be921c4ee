/**
 * The Inventory's bin moves: a bin goes from the top of a column to a robot, from a robot onto
 * a column or into a port, and from a port to a robot.
 * Each validates first and throws an `InventoryError` having changed nothing.
 */
import { InventoryError } from './inventory-error.ts';
import { describeLocation, type BinEntry, type InventoryState } from './inventory-state.ts';
import { requireId } from './validation.ts';

/** A robot lifts the top bin of column (x, y). */
export function liftFromColumn(state: InventoryState, binId: string, x: number, y: number, robotSerial: string): void {
  const entry = state.requireBin(binId);
  requireId(robotSerial, 'robot serial');
  const stack = state.requireStack(x, y);
  const location = entry.location;
  if (location.kind !== 'column' || location.x !== x || location.y !== y) {
    throw new InventoryError('BIN_NOT_IN_COLUMN', `bin ${binId} is not in column (${x}, ${y}); it is at ${describeLocation(location)}`);
  }
  if (stack[stack.length - 1] !== binId) {
    throw new InventoryError(
      'BIN_NOT_ON_TOP',
      `bin ${binId} in column (${x}, ${y}) has ${stack.length - 1 - location.level} bin(s) on top of it`,
    );
  }
  requireRobotFree(state, robotSerial);
  stack.pop();
  setOnRobot(state, binId, entry, robotSerial);
}

/** A robot sets the bin it carries on top of column (x, y). */
export function placeOnColumn(state: InventoryState, binId: string, x: number, y: number, robotSerial: string): void {
  const entry = state.requireBin(binId);
  requireOnRobot(binId, entry, robotSerial);
  const stack = state.requireStack(x, y);
  if (stack.length >= state.depth) {
    throw new InventoryError('COLUMN_FULL', `column (${x}, ${y}) already holds ${stack.length} of ${state.depth} bins`);
  }
  state.binByRobot.delete(robotSerial);
  entry.location = { kind: 'column', x, y, level: stack.length };
  stack.push(binId);
}

/** A robot lowers the bin it carries into a port. A port may queue several bins. */
export function placeAtPort(state: InventoryState, binId: string, portId: string, robotSerial: string): void {
  const entry = state.requireBin(binId);
  requireId(portId, 'port id');
  requireOnRobot(binId, entry, robotSerial);
  state.binByRobot.delete(robotSerial);
  entry.location = { kind: 'port', portId };
  let atPort = state.binsByPort.get(portId);
  if (atPort === undefined) state.binsByPort.set(portId, (atPort = new Set()));
  atPort.add(binId);
}

/** A robot lifts a bin out of a port. */
export function liftFromPort(state: InventoryState, binId: string, portId: string, robotSerial: string): void {
  const entry = state.requireBin(binId);
  requireId(portId, 'port id');
  requireId(robotSerial, 'robot serial');
  if (entry.location.kind !== 'port' || entry.location.portId !== portId) {
    throw new InventoryError('BIN_NOT_AT_PORT', `bin ${binId} is not at port ${portId}; it is at ${describeLocation(entry.location)}`);
  }
  requireRobotFree(state, robotSerial);
  const atPort = state.binsByPort.get(portId)!;
  atPort.delete(binId);
  if (atPort.size === 0) state.binsByPort.delete(portId);
  setOnRobot(state, binId, entry, robotSerial);
}

function requireRobotFree(state: InventoryState, robotSerial: string): void {
  const carried = state.binByRobot.get(robotSerial);
  if (carried !== undefined) {
    throw new InventoryError('ROBOT_ALREADY_CARRYING', `robot ${robotSerial} already carries bin ${carried}`);
  }
}

function requireOnRobot(binId: string, entry: BinEntry, robotSerial: string): void {
  requireId(robotSerial, 'robot serial');
  if (entry.location.kind !== 'robot' || entry.location.serial !== robotSerial) {
    throw new InventoryError('BIN_NOT_ON_ROBOT', `bin ${binId} is not on robot ${robotSerial}; it is at ${describeLocation(entry.location)}`);
  }
}

function setOnRobot(state: InventoryState, binId: string, entry: BinEntry, robotSerial: string): void {
  entry.location = { kind: 'robot', serial: robotSerial };
  state.binByRobot.set(robotSerial, binId);
}
