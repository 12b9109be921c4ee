/**
 * Pieces of a vehicle's VDA 5050 state shared by every grid robot implementation (the
 * simulator's virtual robot and the firmware bridge), so that both report alike.
 */
import type { RouteNode } from './grid-order-route.ts';
import type { Action, ActionState, Order, VdaError } from './types.ts';

export function actionState(action: Action, status: ActionState['actionStatus']): ActionState {
  return {
    actionId: action.actionId,
    actionType: action.actionType,
    ...(action.actionDescription !== undefined ? { actionDescription: action.actionDescription } : {}),
    actionStatus: status,
  };
}

/**
 * §Order rejection: an order or order update the vehicle will not execute, as a WARNING that
 * names it (headerId, orderId, orderUpdateId); the vehicle keeps its current state.
 */
export function orderRejection(order: Order, errorType: string, reason: string): VdaError {
  return {
    errorType,
    errorLevel: 'WARNING',
    errorDescription: reason,
    errorReferences: [
      { referenceKey: 'headerId', referenceValue: String(order.headerId) },
      { referenceKey: 'orderId', referenceValue: order.orderId },
      { referenceKey: 'orderUpdateId', referenceValue: String(order.orderUpdateId) },
    ],
  };
}

/**
 * WAITING states for the actions of released nodes not seen before (`known` collects their
 * ids); horizon actions get theirs only once released.
 */
export function newWaitingActionStates(nodes: readonly RouteNode[], known: Set<string>): ActionState[] {
  const states: ActionState[] = [];
  for (const node of nodes) {
    if (!node.released) continue;
    for (const action of node.actions) {
      if (known.has(action.actionId)) continue;
      known.add(action.actionId);
      states.push(actionState(action, 'WAITING'));
    }
  }
  return states;
}

/** Metres rounded to millimetres, to keep messages short and free of float noise. */
export function roundMm(metres: number): number {
  return Math.round(metres * 1000) / 1000;
}
