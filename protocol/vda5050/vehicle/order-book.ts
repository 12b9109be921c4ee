/**
 * The order a vehicle works on, from the vehicle's side (VDA 5050 2.0.0 §6.6.2 "Orders and
 * order update", §6.10 "Topic state"): the nodes and edges not yet reached (the state's
 * nodeStates and edgeStates), the last node reached, the actions still to run and every action's
 * state. It changes only when told: an order taken, a node reached, a cancel. Whether an order
 * is taken is decided in order-intake.ts.
 */
import type { GridCell } from '../grid-nodes.ts';
import type { RouteEdge, RouteNode } from '../grid-order-route.ts';
import type { Action, ActionState, Order } from '../types.ts';
import { actionState } from './vehicle-state.ts';

/** A node action whose node has been reached, waiting for its turn. */
export interface QueuedAction {
  action: Action;
  cell: GridCell;
}

export class OrderBook {
  orderId = '';
  orderUpdateId = 0;
  /** §6.6.3: the order was cancelled; it takes no more updates. */
  cancelled = false;
  /** §6.10: the node the vehicle stands on (or passed last); the start cell before any order. */
  lastNodeId = '';
  lastNodeSequenceId = 0;
  /** Nodes not yet reached, base first. */
  route: RouteNode[] = [];
  edges: RouteEdge[] = [];
  /** Actions of reached nodes still to run, in order. */
  queue: QueuedAction[] = [];
  /** States of the order's released actions and of instant actions since the order began. */
  actionStates: ActionState[] = [];
  /** actionIds of the order's node actions that have a state. */
  private readonly orderActionIds = new Set<string>();

  /** Takes a new order: nodes[0] is where the vehicle stands and is reached at once. */
  start(order: Pick<Order, 'orderId' | 'orderUpdateId'>, nodes: readonly RouteNode[], edges: readonly RouteEdge[]): void {
    const [first, ...rest] = nodes;
    this.orderId = order.orderId;
    this.orderUpdateId = order.orderUpdateId;
    this.cancelled = false;
    // Action states of the previous order and earlier instant actions are dropped with it.
    this.actionStates = [];
    this.orderActionIds.clear();
    this.route = rest;
    this.edges = [...edges];
    this.queue = [];
    this.addWaitingActions(nodes);
    if (first) this.reach(first);
  }

  /**
   * Takes an order update (§6.6.2): nodes[0] is the stitching node, the last base node. The old
   * horizon is replaced, the base kept and extended; actions on the stitching node came with
   * the previous order and are not run again.
   */
  extend(order: Pick<Order, 'orderUpdateId'>, nodes: readonly RouteNode[], edges: readonly RouteEdge[]): void {
    const rest = nodes.slice(1);
    this.orderUpdateId = order.orderUpdateId;
    this.route = [...this.route.filter((n) => n.released), ...rest];
    this.edges = [...this.edges.filter((e) => e.released), ...edges];
    this.addWaitingActions(rest);
  }

  /** The vehicle reached `node`: it becomes lastNode, leaves nodeStates with the edges before it, and its actions queue up. */
  reach(node: RouteNode): void {
    this.lastNodeId = node.nodeId;
    this.lastNodeSequenceId = node.sequenceId;
    if (this.route[0] === node) this.route.shift();
    while (this.edges[0] && this.edges[0].sequenceId < node.sequenceId) this.edges.shift();
    for (const action of node.actions) {
      if (this.stateOf(action.actionId)?.actionStatus === 'WAITING') this.queue.push({ action, cell: node.cell });
    }
  }

  /** Last node of the base: where an update must start. */
  baseEnd(): { nodeId: string; sequenceId: number } {
    const released = this.route.filter((n) => n.released);
    return released[released.length - 1] ?? { nodeId: this.lastNodeId, sequenceId: this.lastNodeSequenceId };
  }

  /** Nodes to reach or actions to run are left. */
  hasWork(): boolean {
    return this.route.length > 0 || this.queue.length > 0;
  }

  /**
   * The next straight run from `from`: released nodes one after the other along one axis, in
   * one direction, ending at the first node with actions (the robot stops at every node with
   * actions). Empty when the next node is not released.
   */
  nextRun(from: GridCell): RouteNode[] {
    const first = this.route[0];
    if (!first?.released) return [];
    const dx = first.cell.x - from.x;
    const dy = first.cell.y - from.y;
    const run = [first];
    for (;;) {
      const last = run[run.length - 1]!;
      const candidate = this.route[run.length];
      if (!candidate?.released || last.actions.length > 0) break;
      if (candidate.cell.x - last.cell.x !== dx || candidate.cell.y - last.cell.y !== dy) break;
      run.push(candidate);
    }
    return run;
  }

  /** §6.6.3: the order's actions not started yet fail with `reason`, and none is started any more. */
  failWaiting(reason: string): void {
    this.queue = [];
    for (const state of this.actionStates) {
      if (this.orderActionIds.has(state.actionId) && state.actionStatus === 'WAITING') {
        state.actionStatus = 'FAILED';
        state.resultDescription = reason;
      }
    }
  }

  /** §6.6.3: a cancel is complete: nodeStates and edgeStates empty; orderId and orderUpdateId stay. */
  dropRest(): void {
    this.route = [];
    this.edges = [];
    this.queue = [];
    this.cancelled = true;
  }

  stateOf(actionId: string): ActionState | undefined {
    return this.actionStates.find((a) => a.actionId === actionId);
  }

  /** Released node actions get a WAITING state; horizon actions only once released (§6.10.6). */
  private addWaitingActions(nodes: readonly RouteNode[]): void {
    for (const node of nodes) {
      if (!node.released) continue;
      for (const action of node.actions) {
        if (this.orderActionIds.has(action.actionId)) continue;
        this.orderActionIds.add(action.actionId);
        this.actionStates.push(actionState(action, 'WAITING'));
      }
    }
  }
}
