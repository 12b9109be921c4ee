/**
 * Checks an incoming order against what a grid robot can do and turns it into a route of
 * cells. Pure: the same order and map give the same answer. Problems come back as readable
 * strings with the VDA 5050 2.0.0 error type they belong under (§6.6.4 Order rejection: the
 * vehicle reports orders it cannot execute as an error in its state and keeps its current
 * state): `validationError` for a malformed node/edge graph, `orderError` for cells, actions or
 * parameters this robot cannot handle.
 */
import { checkOrderGraph } from './order-rules.ts';
import { START_CHARGING_ACTION_TYPE, STOP_CHARGING_ACTION_TYPE, parseCellNodeId, type GridCell } from './grid-nodes.ts';
import { DROP_ACTION_TYPE, GRIDLINE_VEHICLE_PROFILE, PICK_ACTION_TYPE, readBinAction, type ReadBinAction, type VehicleProfile } from './vehicle-profile.ts';
import type { Action, OrderBody } from './types.ts';

/** What a vehicle knows of the grid to check an order: the simulator's world or the bridge's layout. */
export interface GridRouteMap {
  /** Inside the grid and not blocked. */
  isDrivable(x: number, y: number): boolean;
  /** 'port' for a port's cell, 'charger' for a charger's; any other kind or undefined otherwise. */
  cellKind(x: number, y: number): string | undefined;
  /** Bins per column at most. */
  readonly depth: number;
  /** The stationType and loadType values this vehicle handles in pick and drop; Gridline's own when absent. */
  readonly profile?: VehicleProfile;
}

/** Action types this robot runs on nodes (VDA 5050 §Actions: predefined plus the grid's own). */
export const NODE_ACTION_TYPES: readonly string[] = [PICK_ACTION_TYPE, DROP_ACTION_TYPE, START_CHARGING_ACTION_TYPE, STOP_CHARGING_ACTION_TYPE];

export interface RouteNode {
  nodeId: string;
  sequenceId: number;
  released: boolean;
  cell: GridCell;
  actions: Action[];
}

export interface RouteEdge {
  edgeId: string;
  sequenceId: number;
  released: boolean;
}

export type RouteCheck =
  | { ok: true; nodes: RouteNode[]; edges: RouteEdge[] }
  | { ok: false; errorType: 'validationError' | 'orderError'; errors: string[] };

/** A pick or drop with its parameters read; charging actions carry none. */
export type NodeActionPlan =
  | { kind: 'pick' | 'drop'; params: ReadBinAction }
  | { kind: 'startCharging' | 'stopCharging' };

/**
 * Reads an action this robot can run at `cell`, or says why not. Pick and drop (the Gridline
 * vehicle profile) must name the column under the robot, at a level the grid has (0 at a
 * port), with the stationType of that kind of cell and the profile's loadType; startCharging
 * runs on a charger cell only.
 */
export function planNodeAction(action: Action, cell: GridCell, world: GridRouteMap): { ok: true; plan: NodeActionPlan } | { ok: false; error: string } {
  switch (action.actionType) {
    case START_CHARGING_ACTION_TYPE:
      // The factsheet says so: a robot charges on a charger cell only.
      if (world.cellKind(cell.x, cell.y) !== 'charger') return { ok: false, error: `cell (${cell.x}, ${cell.y}) is not a charger` };
      return { ok: true, plan: { kind: action.actionType } };
    case STOP_CHARGING_ACTION_TYPE:
      return { ok: true, plan: { kind: action.actionType } };
    case PICK_ACTION_TYPE:
    case DROP_ACTION_TYPE: {
      const profile = world.profile ?? GRIDLINE_VEHICLE_PROFILE;
      const parsed = readBinAction(action, profile);
      if (!parsed.ok) return { ok: false, error: parsed.errors.join('; ') };
      const p = parsed.value;
      if (p.x !== cell.x || p.y !== cell.y) return { ok: false, error: `column (${p.x}, ${p.y}) is not the node's cell (${cell.x}, ${cell.y})` };
      const atPort = world.cellKind(cell.x, cell.y) === 'port';
      const maxLevel = atPort ? 0 : world.depth - 1;
      if (p.level > maxLevel) return { ok: false, error: `level ${p.level} is beyond the deepest level ${maxLevel} here` };
      const stationType = atPort ? profile.stationType.port : profile.stationType.column;
      if (p.stationType !== stationType) return { ok: false, error: `actionParameters.stationType: '${p.stationType}' is not this ${atPort ? 'port' : 'column'}'s station type '${stationType}'` };
      return { ok: true, plan: { kind: action.actionType, params: p } };
    }
    default:
      return { ok: false, error: `unknown action type '${action.actionType}' (this robot runs ${NODE_ACTION_TYPES.join(', ')})` };
  }
}

/** Checks nodes (grid cells, 4-connected), edges and node actions of an order or order update. */
export function checkOrderRoute(order: Pick<OrderBody, 'nodes' | 'edges'>, world: GridRouteMap, mapId: string): RouteCheck {
  const errors = checkOrderGraph(order);
  if (errors.length > 0) return { ok: false, errorType: 'validationError', errors };
  const nodes: RouteNode[] = [];
  order.nodes.forEach((node, i) => {
    const where = `nodes[${i}]`;
    const cell = parseCellNodeId(node.nodeId);
    if (!cell) {
      errors.push(`${where}.nodeId: '${node.nodeId}' is not a grid cell (expected c{x}_{y})`);
      return;
    }
    if (!world.isDrivable(cell.x, cell.y)) errors.push(`${where}.nodeId: cell (${cell.x}, ${cell.y}) is outside the grid or blocked`);
    if (node.nodePosition && node.nodePosition.mapId !== mapId) {
      errors.push(`${where}.nodePosition.mapId: expected '${mapId}', got '${node.nodePosition.mapId}'`);
    }
    const previous = nodes[nodes.length - 1];
    if (previous && nodes.length === i && Math.abs(previous.cell.x - cell.x) + Math.abs(previous.cell.y - cell.y) !== 1) {
      errors.push(`${where}.nodeId: '${node.nodeId}' is not a neighbour of '${previous.nodeId}' (moves go one cell along x or y)`);
    }
    node.actions.forEach((action, j) => {
      const planned = planNodeAction(action, cell, world);
      if (!planned.ok) errors.push(`${where}.actions[${j}] (${action.actionId}): ${planned.error}`);
    });
    nodes.push({ nodeId: node.nodeId, sequenceId: node.sequenceId, released: node.released, cell, actions: node.actions });
  });
  order.edges.forEach((edge, i) => {
    if (edge.actions.length > 0) errors.push(`edges[${i}].actions: this robot runs no actions on edges`);
  });
  if (errors.length > 0) return { ok: false, errorType: 'orderError', errors };
  return { ok: true, nodes, edges: order.edges.map((e) => ({ edgeId: e.edgeId, sequenceId: e.sequenceId, released: e.released })) };
}
