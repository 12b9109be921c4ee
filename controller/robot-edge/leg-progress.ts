/**
 * How far a robot's state shows it along its leg, read strictly: the controller frees cells
 * behind a robot only on a node the state proves it has passed. Pure.
 */
import type { State } from '../../protocol/vda5050/types.ts';

/** Action statuses of an action still to finish (§6.11 Table 1). */
const BUSY_STATUSES: ReadonlySet<string> = new Set(['WAITING', 'INITIALIZING', 'RUNNING', 'PAUSED']);

export function isBusyStatus(status: string): boolean {
  return BUSY_STATUSES.has(status);
}

/**
 * The route index of the leg's order that the state shows reached, or undefined. Route index i
 * is node sequenceId 2i (order-builder.ts). The state must be of the leg's order, name the
 * node at that index as its last node, and list no node of that sequenceId or before it among
 * the nodes still to reach: a vehicle that has just taken an order may still report the last
 * node of its previous one (§6.10.6 lastNodeId / lastNodeSequenceId).
 */
export function reachedRouteIndex(state: State, orderId: string, nodeIdAt: (routeIndex: number) => string | undefined): number | undefined {
  if (state.orderId !== orderId) return undefined;
  const sequenceId = state.lastNodeSequenceId;
  if (sequenceId % 2 !== 0) return undefined;
  if (state.nodeStates.some((n) => n.sequenceId <= sequenceId)) return undefined;
  const index = sequenceId / 2;
  return nodeIdAt(index) === state.lastNodeId ? index : undefined;
}

/**
 * The robot stands, with no released node left to drive (a vehicle never drives beyond its base,
 * §6.6.2: with no more cells released it stays), and no action of `actionId` still to finish.
 */
export function standsIdle(state: State, actionId: string | null): boolean {
  if (state.driving || state.nodeStates.some((n) => n.released)) return false;
  return actionId === null || !state.actionStates.some((a) => a.actionId === actionId && isBusyStatus(a.actionStatus));
}

/**
 * Whether the robot's state shows it has dropped the order of a leg before its end: of that
 * order, standing with no node left at all, its action (if any) not under way, and either short
 * of the base it was given (`baseEnd`, a route index) or with a cancelOrder finished among its
 * action states (§6.6.3: "The orderId and orderUpdateId is kept").
 */
export function droppedOrder(state: State, orderId: string, actionId: string | null, baseEnd: number | undefined): boolean {
  if (state.orderId !== orderId || state.driving || state.nodeStates.length > 0) return false;
  const action = actionId === null ? undefined : state.actionStates.find((a) => a.actionId === actionId);
  if (action && (isBusyStatus(action.actionStatus) || action.actionStatus === 'FINISHED')) return false;
  const cancelled = state.actionStates.some((a) => a.actionType === 'cancelOrder' && a.actionStatus === 'FINISHED');
  return cancelled || (baseEnd !== undefined && state.lastNodeSequenceId < 2 * baseEnd);
}

/**
 * How far from its last node's position a standing robot may be and still count as on that
 * node, metres. A grid robot stops on a node; a vehicle that stops wherever it is (VDA 5050
 * §6.6.3 lets cancelOrder stop "right where it is") may stand between two cells.
 */
export const ON_NODE_TOLERANCE_M = 0.1;

/**
 * Whether the state puts the robot on its last node: its reported position (when it reports one
 * on this map) within ON_NODE_TOLERANCE_M of that node's position, `nodeAt` giving the node's
 * position in metres.
 */
export function onItsNode(state: State, mapId: string, nodeAt: (nodeId: string) => { x: number; y: number } | undefined): boolean {
  const p = state.agvPosition;
  if (!p || !p.positionInitialized || p.mapId !== mapId) return true;
  const node = nodeAt(state.lastNodeId);
  return node !== undefined && Math.hypot(p.x - node.x, p.y - node.y) <= ON_NODE_TOLERANCE_M;
}
