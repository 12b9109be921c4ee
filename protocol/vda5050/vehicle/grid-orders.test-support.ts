/**
 * Test support: VDA 5050 orders over grid cells as master control would send them to a grid
 * robot (nodes `c{x}_{y}`, sequenceIds counting up by two, an edge between neighbours), and
 * instant actions.
 */
import { cellNodeId } from '../grid-nodes.ts';
import type { Action, OrderBody, OrderEdge, OrderNode } from '../types.ts';

export interface PathOrder {
  orderId?: string;
  orderUpdateId?: number;
  /** Cells in driving order; the first is where the robot stands (or the stitching node). */
  cells: readonly (readonly [number, number])[];
  /** How many leading nodes are released; default all. */
  released?: number;
  /** Node actions by index into `cells`. */
  actions?: Record<number, Action[]>;
  /** sequenceId of the first node; default 0. */
  firstSequenceId?: number;
}

export function pathOrder(p: PathOrder): OrderBody {
  const released = p.released ?? p.cells.length;
  const first = p.firstSequenceId ?? 0;
  const nodes: OrderNode[] = p.cells.map(([x, y], i) => ({
    nodeId: cellNodeId(x, y),
    sequenceId: first + 2 * i,
    released: i < released,
    actions: p.actions?.[i] ?? [],
  }));
  const edges: OrderEdge[] = nodes.slice(1).map((to, i) => ({
    edgeId: `${nodes[i]!.nodeId}-${to.nodeId}`,
    sequenceId: first + 2 * i + 1,
    released: i + 1 < released,
    startNodeId: nodes[i]!.nodeId,
    endNodeId: to.nodeId,
    actions: [],
  }));
  return { orderId: p.orderId ?? 'order-1', orderUpdateId: p.orderUpdateId ?? 0, nodes, edges };
}

/** Cells (x, y) for x from `from` to `to` inclusive, either direction. */
export function row(from: number, to: number, y = 0): [number, number][] {
  const cells: [number, number][] = [];
  const step = to >= from ? 1 : -1;
  for (let x = from; x !== to + step; x += step) cells.push([x, y]);
  return cells;
}

export function instantAction(actionType: string, actionId = `${actionType}-1`): Action {
  return { actionType, actionId, blockingType: 'HARD' };
}
