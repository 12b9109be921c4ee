/**
 * The errors a vehicle reports in its state (VDA 5050 2.0.0 §6.10.6 "errors", §7.1 "Error
 * reference"): the types the vehicle core raises, how a new error takes the place of an older
 * one, and the builders every body's errors go through, so that all grid robots report alike.
 */
import type { ActionState, Order, VdaError } from '../types.ts';

/** errorType values of the vehicle core; bodies add their own (motor faults, battery, links). */
export const VEHICLE_ERROR_TYPES = {
  /** §6.6.4: a message that failed validation, or an order whose node/edge graph is malformed. */
  validationError: 'validationError',
  /** §6.6.4: an order the vehicle cannot run (cells, actions or parameters it cannot handle, busy, emergency stop). */
  orderError: 'orderError',
  /** §6.6.4: the first node of a new order is not where the vehicle stands. */
  noRouteError: 'noRouteError',
  /** §6.6.4: an update with a lower orderUpdateId, not starting at the end of the base, or of a cancelled order. */
  orderUpdateError: 'orderUpdateError',
  /** §6.6.3: cancelOrder while there is no order to cancel. */
  noOrderToCancel: 'noOrderToCancel',
  /** A node or instant action that failed (e.g. the bin is not on top of the column). */
  actionError: 'actionError',
  /** Gridline's emergencyStop instant action is in force, until releaseEmergencyStop (FATAL). */
  emergencyStop: 'emergencyStop',
} as const;

/**
 * Warnings about a command the vehicle did not carry out. They stay until the next new order
 * is accepted (the controller's answer to them), then go.
 */
export const CLEARED_BY_NEW_ORDER: readonly string[] = [
  VEHICLE_ERROR_TYPES.validationError,
  VEHICLE_ERROR_TYPES.orderError,
  VEHICLE_ERROR_TYPES.noRouteError,
  VEHICLE_ERROR_TYPES.orderUpdateError,
  VEHICLE_ERROR_TYPES.noOrderToCancel,
  VEHICLE_ERROR_TYPES.actionError,
];

/** Rejections of an order; an accepted order update ends them too. */
export const ORDER_REJECTION_TYPES: readonly string[] = [VEHICLE_ERROR_TYPES.orderError, VEHICLE_ERROR_TYPES.noRouteError, VEHICLE_ERROR_TYPES.orderUpdateError];

/**
 * The errors in a vehicle's state. A new error takes the place of an earlier one of the same
 * type (for actionError: of the same action), so the list stays short however often a fault
 * repeats.
 */
export class VehicleErrors {
  private list: VdaError[] = [];

  /** `onNew` hears each error that is not already reported with the same type and description. */
  constructor(private readonly onNew: (error: VdaError) => void = () => {}) {}

  add(error: VdaError): void {
    if (!this.list.some((e) => e.errorType === error.errorType && e.errorDescription === error.errorDescription)) this.onNew(error);
    this.list = [...this.list.filter((e) => !sameSlot(e, error)), error];
  }

  /** Removes the errors `predicate` picks; true when any went. */
  clear(predicate: (error: VdaError) => boolean): boolean {
    const before = this.list.length;
    this.list = this.list.filter((e) => !predicate(e));
    return this.list.length !== before;
  }

  some(predicate: (error: VdaError) => boolean): boolean {
    return this.list.some(predicate);
  }

  /** Copies, for a state message. */
  copies(): VdaError[] {
    return this.list.map((e) => ({ ...e, ...(e.errorReferences ? { errorReferences: e.errorReferences.map((r) => ({ ...r })) } : {}) }));
  }
}

function sameSlot(a: VdaError, b: VdaError): boolean {
  if (a.errorType !== b.errorType) return false;
  return a.errorType !== VEHICLE_ERROR_TYPES.actionError || referenceOf(a, 'actionId') === referenceOf(b, 'actionId');
}

function referenceOf(error: VdaError, key: string): string | undefined {
  return error.errorReferences?.find((r) => r.referenceKey === key)?.referenceValue;
}

/**
 * §6.6.4 Order rejection: an order or order update the vehicle does not take, as a WARNING that
 * names it (§7.1 error references: headerId, topic, orderId, orderUpdateId, and the node at
 * fault where there is one). The vehicle keeps its current state.
 */
export function orderRejection(order: Pick<Order, 'headerId' | 'orderId' | 'orderUpdateId'>, errorType: string, reason: string, nodeId?: string): VdaError {
  return {
    errorType,
    errorLevel: 'WARNING',
    errorDescription: reason,
    errorReferences: [
      { referenceKey: 'headerId', referenceValue: String(order.headerId) },
      { referenceKey: 'topic', referenceValue: 'order' },
      { referenceKey: 'orderId', referenceValue: order.orderId },
      { referenceKey: 'orderUpdateId', referenceValue: String(order.orderUpdateId) },
      ...(nodeId !== undefined ? [{ referenceKey: 'nodeId', referenceValue: nodeId }] : []),
    ],
  };
}

/** A failed action (node or instant), naming it by actionId and actionType (§7.1). */
export function actionFailure(state: Pick<ActionState, 'actionId' | 'actionType'>, reason: string): VdaError {
  return {
    errorType: VEHICLE_ERROR_TYPES.actionError,
    errorLevel: 'WARNING',
    errorDescription: `${state.actionType ?? 'action'} ${state.actionId} failed: ${reason}`,
    errorReferences: [
      { referenceKey: 'actionId', referenceValue: state.actionId },
      ...(state.actionType ? [{ referenceKey: 'actionType', referenceValue: state.actionType }] : []),
    ],
  };
}

/**
 * An incoming message that failed validation; `topic` is the MQTT topic it came on. The
 * reference names the topic by its last level (§7.1: topic, e.g. "order"); the description
 * gives the whole topic.
 */
export function invalidMessage(topic: string, errors: readonly string[]): VdaError {
  return {
    errorType: VEHICLE_ERROR_TYPES.validationError,
    errorLevel: 'WARNING',
    errorDescription: `${topic}: ${errors.join('; ')}`,
    errorReferences: [{ referenceKey: 'topic', referenceValue: topic.slice(topic.lastIndexOf('/') + 1) }],
  };
}
