/**
 * The vehicle's state message (VDA 5050 2.0.0 §6.10 "Topic state", §6.10.6 "Implementation of
 * the state message") put together from the order book, the errors and the body's report, so
 * that every body reports alike.
 */
import type { Action, ActionState, StateBody, VdaError } from '../types.ts';
import type { OrderBook } from './order-book.ts';
import type { BodyReport } from './vehicle-body.ts';

/** Grid robots never turn: they change wheel sets instead. */
const THETA_RAD = 0;

export function actionState(action: Action, status: ActionState['actionStatus']): ActionState {
  return {
    actionId: action.actionId,
    actionType: action.actionType,
    ...(action.actionDescription !== undefined ? { actionDescription: action.actionDescription } : {}),
    actionStatus: status,
  };
}

/** Metres rounded to millimetres, to keep messages short and free of float noise. */
export function roundMm(metres: number): number {
  return Math.round(metres * 1000) / 1000;
}

export interface StateParts {
  book: OrderBook;
  report: BodyReport;
  errors: VdaError[];
  /** §6.10.6 paused: startPause took effect (the vehicle stands). */
  paused: boolean;
  /** The core's emergency stop is in force. */
  eStop: boolean;
  /** Cell pitch, metres: node positions are cell centres. */
  cellSizeXM: number;
  cellSizeYM: number;
  mapId: string;
  /** loadType of a held bin: the vehicle profile's. */
  loadType: string;
}

export function composeState(p: StateParts): StateBody {
  const { book, report } = p;
  return {
    orderId: book.orderId,
    orderUpdateId: book.orderUpdateId,
    lastNodeId: book.lastNodeId,
    lastNodeSequenceId: book.lastNodeSequenceId,
    nodeStates: book.route.map((n) => ({
      nodeId: n.nodeId,
      sequenceId: n.sequenceId,
      released: n.released,
      nodePosition: { x: roundMm(n.cell.x * p.cellSizeXM), y: roundMm(n.cell.y * p.cellSizeYM), theta: THETA_RAD, mapId: p.mapId },
    })),
    edgeStates: book.edges.map((e) => ({ edgeId: e.edgeId, sequenceId: e.sequenceId, released: e.released })),
    ...(report.position
      ? { agvPosition: { x: roundMm(report.position.x), y: roundMm(report.position.y), theta: THETA_RAD, mapId: p.mapId, positionInitialized: true } }
      : {}),
    // Gridline's robots identify their loads: the bin held, by its id (§6.10.6 loads).
    loads: report.heldLoadId === undefined ? [] : [{ loadId: report.heldLoadId, loadType: p.loadType }],
    driving: report.driving,
    paused: p.paused,
    ...(report.driving ? { distanceSinceLastNode: roundMm(report.distanceSinceLastNodeM) } : {}),
    actionStates: book.actionStates.map((a) => ({ ...a })),
    batteryState: { ...report.batteryState },
    operatingMode: 'AUTOMATIC',
    errors: p.errors,
    safetyState: { eStop: p.eStop || report.eStop ? 'REMOTE' : 'NONE', fieldViolation: false },
  };
}
