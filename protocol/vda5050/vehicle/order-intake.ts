/**
 * Whether a vehicle takes an incoming order (VDA 5050 2.0.0 §6.6.2 "Orders and order update",
 * §6.6.4 "Order rejection"). Pure: the verdict depends only on the order and the vehicle's
 * situation, so the rules read (and are tested) apart from the vehicle that applies them.
 */
import { cellNodeId, type GridCell } from '../grid-nodes.ts';
import { checkOrderRoute, type GridRouteMap, type RouteEdge, type RouteNode } from '../grid-order-route.ts';
import type { Order } from '../types.ts';
import { VEHICLE_ERROR_TYPES } from './vehicle-errors.ts';

/** What the vehicle is doing when an order arrives. */
export interface OrderSituation {
  /** The current (or last) order; '' before the first. */
  readonly orderId: string;
  readonly orderUpdateId: number;
  /** The current order was cancelled, or its cancel is under way: it takes no more updates. */
  readonly cancelled: boolean;
  /** Last node of the current base: where an order update must start (nodeId and sequenceId). */
  readonly baseEnd: { readonly nodeId: string; readonly sequenceId: number };
  /** Nodes left to reach, actions left to run, or something still running. */
  readonly busy: boolean;
  readonly eStop: boolean;
  /** The cell the vehicle stands on; undefined while it does not know. */
  readonly cell: GridCell | undefined;
  /** The grid and the vehicle profile the order's cells and actions are checked against. */
  readonly grid: GridRouteMap;
  readonly mapId: string;
}

export type OrderVerdict =
  /** A new order: drop the old one, stand on nodes[0], go on from there. */
  | { kind: 'start'; nodes: RouteNode[]; edges: RouteEdge[] }
  /** An update: nodes[0] is the stitching node; the base grows, the horizon is replaced. */
  | { kind: 'extend'; nodes: RouteNode[]; edges: RouteEdge[] }
  /** The same orderId and orderUpdateId again (a QoS 1 redelivery): nothing to do. */
  | { kind: 'discard' }
  | { kind: 'reject'; errorType: string; reason: string; nodeId?: string };

export function judgeOrder(order: Order, s: OrderSituation): OrderVerdict {
  return s.orderId !== '' && order.orderId === s.orderId ? judgeUpdate(order, s) : judgeNewOrder(order, s);
}

function judgeNewOrder(order: Order, s: OrderSituation): OrderVerdict {
  const { orderError } = VEHICLE_ERROR_TYPES;
  // §6.6.2: a new order is taken only once the previous one is done (no nodes left, base or
  // horizon, and no actions still to run) or cancelled.
  if (s.busy) return reject(orderError, `still executing order '${s.orderId}'; send an update or cancel it first`);
  if (s.eStop) return reject(orderError, 'emergency stop is active');
  if (!s.cell) return reject(orderError, 'the vehicle does not know where it stands yet');
  const checked = checkOrderRoute(order, s.grid, s.mapId);
  if (!checked.ok) return reject(checked.errorType, checked.errors.join('; '));
  const first = checked.nodes[0]!; // the graph check demands one node at least
  // §6.6.4: the first node of a new order must be where the vehicle stands.
  if (first.cell.x !== s.cell.x || first.cell.y !== s.cell.y) {
    return reject(VEHICLE_ERROR_TYPES.noRouteError, `first node '${first.nodeId}' is not the robot's cell '${cellNodeId(s.cell.x, s.cell.y)}'`, first.nodeId);
  }
  if (!first.released) return reject(orderError, `first node '${first.nodeId}' must be released`, first.nodeId);
  return { kind: 'start', nodes: checked.nodes, edges: checked.edges };
}

function judgeUpdate(order: Order, s: OrderSituation): OrderVerdict {
  const { orderUpdateError } = VEHICLE_ERROR_TYPES;
  // §6.6.4: a lower orderUpdateId is an error; the same one is a repeat and is discarded.
  if (order.orderUpdateId < s.orderUpdateId) return reject(orderUpdateError, `orderUpdateId ${order.orderUpdateId} is lower than the current ${s.orderUpdateId}`);
  if (order.orderUpdateId === s.orderUpdateId) return { kind: 'discard' };
  if (s.cancelled) return reject(orderUpdateError, `order '${s.orderId}' was cancelled; send a new order`);
  const checked = checkOrderRoute(order, s.grid, s.mapId);
  if (!checked.ok) return reject(checked.errorType, checked.errors.join('; '));
  // §6.6.2: the update's first node is the last node of the current base (same nodeId and sequenceId).
  const first = checked.nodes[0]!;
  if (first.nodeId !== s.baseEnd.nodeId || first.sequenceId !== s.baseEnd.sequenceId) {
    return reject(
      orderUpdateError,
      `first node '${first.nodeId}' (sequenceId ${first.sequenceId}) is not the last base node '${s.baseEnd.nodeId}' (sequenceId ${s.baseEnd.sequenceId})`,
      first.nodeId,
    );
  }
  return { kind: 'extend', nodes: checked.nodes, edges: checked.edges };
}

function reject(errorType: string, reason: string, nodeId?: string): OrderVerdict {
  return { kind: 'reject', errorType, reason, ...(nodeId !== undefined ? { nodeId } : {}) };
}
