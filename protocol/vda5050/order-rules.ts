/**
 * Rules for a well-formed order graph that the JSON schema cannot express
 * (VDA 5050 2.0.0 §Topic "order" → Concept and logic, Orders and order update):
 * - at least one node, and exactly one edge fewer than nodes;
 * - `sequenceId` runs over nodes and edges alternately: nodes even, edges odd, each element
 *   one more than the previous (an order update keeps the ids of the order it extends, so the
 *   first node need not be 0);
 * - edge i leads from node i to node i+1;
 * - the base (released elements) is a prefix of the sequence, and ends on a node: "after an
 *   unreleased edge, no released nodes or edges can follow" and "an edge can be released only
 *   if both the start and the end node of the edge are released".
 */
import type { OrderBody } from './types.ts';

/** Returns readable, path-prefixed problems; empty when the graph is well-formed. */
export function checkOrderGraph(order: Pick<OrderBody, 'nodes' | 'edges'>): string[] {
  const errors: string[] = [];
  const { nodes, edges } = order;
  if (nodes.length === 0) errors.push('nodes: an order needs at least one node');
  if (nodes.length > 0 && edges.length !== nodes.length - 1) {
    errors.push(`edges: expected ${nodes.length - 1} edges for ${nodes.length} nodes, got ${edges.length}`);
  }

  nodes.forEach((node, i) => {
    if (node.sequenceId % 2 !== 0) errors.push(`nodes[${i}].sequenceId: expected an even number for a node, got ${node.sequenceId}`);
    const next = nodes[i + 1];
    if (next && next.sequenceId !== node.sequenceId + 2) {
      errors.push(`nodes[${i + 1}].sequenceId: expected ${node.sequenceId + 2} (two after nodes[${i}]), got ${next.sequenceId}`);
    }
  });
  edges.forEach((edge, i) => {
    if (edge.sequenceId % 2 !== 1) errors.push(`edges[${i}].sequenceId: expected an odd number for an edge, got ${edge.sequenceId}`);
    const start = nodes[i];
    const end = nodes[i + 1];
    if (start && edge.sequenceId !== start.sequenceId + 1) {
      errors.push(`edges[${i}].sequenceId: expected ${start.sequenceId + 1} (one after nodes[${i}]), got ${edge.sequenceId}`);
    }
    if (start && edge.startNodeId !== start.nodeId) {
      errors.push(`edges[${i}].startNodeId: expected '${start.nodeId}' (nodes[${i}].nodeId), got '${edge.startNodeId}'`);
    }
    if (end && edge.endNodeId !== end.nodeId) {
      errors.push(`edges[${i}].endNodeId: expected '${end.nodeId}' (nodes[${i + 1}].nodeId), got '${edge.endNodeId}'`);
    }
  });

  errors.push(...checkBaseIsPrefix(order));
  return errors;
}

function checkBaseIsPrefix({ nodes, edges }: Pick<OrderBody, 'nodes' | 'edges'>): string[] {
  const errors: string[] = [];
  // Walk the graph in traversal order: node 0, edge 0, node 1, edge 1, ...
  let firstUnreleased: string | undefined;
  for (let i = 0; i < nodes.length; i++) {
    const items: [string, boolean | undefined][] = [[`nodes[${i}]`, nodes[i]?.released]];
    if (i < edges.length) items.push([`edges[${i}]`, edges[i]?.released]);
    for (const [path, released] of items) {
      if (released === undefined) continue;
      if (!released) firstUnreleased ??= path;
      else if (firstUnreleased) errors.push(`${path}.released: a released element cannot follow the unreleased ${firstUnreleased} (the base must be a prefix)`);
    }
  }
  edges.forEach((edge, i) => {
    const end = nodes[i + 1];
    if (edge.released && end && !end.released) {
      errors.push(`edges[${i}].released: a released edge needs a released end node, but nodes[${i + 1}] is unreleased`);
    }
  });
  return errors;
}
