import type { GridMap } from '../grid/grid-map.ts';
import type { Action, OrderBody, OrderEdge, OrderNode } from '../../protocol/vda5050/types.ts';
import { cellNodeId } from '../../protocol/vda5050/grid-nodes.ts';

export interface OrderGeometry {
  grid: GridMap;
  mapId: string;
  /** Cell pitch in metres along x and y. */
  cellSizeM: { x: number; y: number };
}

/**
 * A VDA 5050 order (or order update) for one leg of a route. Route index i is node sequence
 * id 2i and the edge leaving it 2i+1 (VDA 5050 §6.6: nodes even, edges odd, counting up), so
 * an update can name any node of the leg consistently. Nodes up to `releasedTo` are base
 * (released), the rest horizon; `finalActions` go on the route's last node.
 */
export function legOrder(
  geometry: OrderGeometry,
  orderId: string,
  orderUpdateId: number,
  route: readonly number[],
  fromIndex: number,
  releasedTo: number,
  finalActions: Action[],
): OrderBody {
  const nodes: OrderNode[] = [];
  const edges: OrderEdge[] = [];
  for (let i = fromIndex; i < route.length; i++) {
    const cell = geometry.grid.cellOf(route[i]!);
    nodes.push({
      nodeId: cellNodeId(cell.x, cell.y),
      sequenceId: 2 * i,
      released: i <= releasedTo,
      nodePosition: { x: cell.x * geometry.cellSizeM.x, y: cell.y * geometry.cellSizeM.y, mapId: geometry.mapId },
      actions: i === route.length - 1 ? finalActions : [],
    });
    if (i > fromIndex) {
      const prev = nodes[nodes.length - 2]!;
      const node = nodes[nodes.length - 1]!;
      edges.push({
        edgeId: `${prev.nodeId}-${node.nodeId}`,
        sequenceId: 2 * i - 1,
        released: node.released,
        startNodeId: prev.nodeId,
        endNodeId: node.nodeId,
        actions: [],
      });
    }
  }
  return { orderId, orderUpdateId, nodes, edges };
}
