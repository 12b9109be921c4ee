/**
 * Representative Gridline VDA 5050 messages for tests: a grid order with base and horizon
 * and pick/drop actions, its order update, instant actions, states while driving and while
 * handling a bin (with loads and errors), and a factsheet. Bodies only: links add headers.
 */
import { cellNodeId, EMERGENCY_STOP_ACTION_TYPE } from './grid-nodes.ts';
import { dropAction, pickAction } from './vehicle-profile.ts';
import type { Action, FactsheetBody, InstantActionsBody, OrderBody, OrderEdge, OrderNode, StateBody, VdaHeader } from './types.ts';

export const SAMPLE_MAP_ID = 'grid-1';
/** Cell pitch in metres (x along rails of 0.7 m cells, y of 0.5 m). */
const CELL_X_M = 0.7;
const CELL_Y_M = 0.5;

export function sampleHeader(headerId = 0): VdaHeader {
  return { headerId, timestamp: '2026-01-01T00:00:00.000Z', version: '2.0.0', manufacturer: 'gridline', serialNumber: 'R-001' };
}

function cellNode(x: number, y: number, sequenceId: number, released: boolean, actions: Action[] = []): OrderNode {
  return {
    nodeId: cellNodeId(x, y),
    sequenceId,
    released,
    nodePosition: { x: x * CELL_X_M, y: y * CELL_Y_M, mapId: SAMPLE_MAP_ID, allowedDeviationXy: 0.01 },
    actions,
  };
}

function cellEdge(from: OrderNode, to: OrderNode, released: boolean): OrderEdge {
  return {
    edgeId: `${from.nodeId}-${to.nodeId}`,
    sequenceId: from.sequenceId + 1,
    released,
    startNodeId: from.nodeId,
    endNodeId: to.nodeId,
    maxSpeed: 3.1,
    rotationAllowed: false,
    actions: [],
  };
}

/** Drive (0,0)→(1,0)→(2,0), pick the bin at (2,0) level 5; horizon continues to (3,0) and drops at the port (4,0). */
export function sampleOrderBody(): OrderBody {
  const n0 = cellNode(0, 0, 0, true);
  const n1 = cellNode(1, 0, 2, true);
  const n2 = cellNode(2, 0, 4, true, [pickAction('pick-1', { loadId: 'BIN-42', x: 2, y: 0, level: 5 })]);
  const n3 = cellNode(3, 0, 6, false);
  const n4 = cellNode(4, 0, 8, false, [dropAction('drop-1', { loadId: 'BIN-42', x: 4, y: 0, level: 0, portId: 'P1' })]);
  return {
    orderId: 'order-1',
    orderUpdateId: 0,
    nodes: [n0, n1, n2, n3, n4],
    edges: [cellEdge(n0, n1, true), cellEdge(n1, n2, true), cellEdge(n2, n3, false), cellEdge(n3, n4, false)],
  };
}

/** Extends the base of `sampleOrderBody` from the stitching node (2,0) to the port (4,0). */
export function sampleOrderUpdateBody(): OrderBody {
  const n2 = cellNode(2, 0, 4, true, [pickAction('pick-1', { loadId: 'BIN-42', x: 2, y: 0, level: 5 })]);
  const n3 = cellNode(3, 0, 6, true);
  const n4 = cellNode(4, 0, 8, true, [dropAction('drop-1', { loadId: 'BIN-42', x: 4, y: 0, level: 0, portId: 'P1' })]);
  return { orderId: 'order-1', orderUpdateId: 1, nodes: [n2, n3, n4], edges: [cellEdge(n2, n3, true), cellEdge(n3, n4, true)] };
}

export function sampleInstantActions(): Action[] {
  return [
    { actionType: 'startPause', actionId: 'ia-1', blockingType: 'HARD' },
    { actionType: 'cancelOrder', actionId: 'ia-2', blockingType: 'NONE' },
    { actionType: 'factsheetRequest', actionId: 'ia-3', blockingType: 'NONE' },
    { actionType: EMERGENCY_STOP_ACTION_TYPE, actionId: 'ia-4', blockingType: 'HARD', actionDescription: 'operator e-stop' },
    { actionType: 'startCharging', actionId: 'ia-5', blockingType: 'HARD', actionParameters: [{ key: 'chargerIds', value: ['c9_9'] }] },
  ];
}

export function sampleInstantActionsBody(): InstantActionsBody {
  return { actions: sampleInstantActions() };
}

/** Between (0,0) and (1,0), heading along +x. */
export function sampleStateDriving(): StateBody {
  return {
    orderId: 'order-1',
    orderUpdateId: 0,
    lastNodeId: 'c0_0',
    lastNodeSequenceId: 0,
    nodeStates: [
      { nodeId: 'c1_0', sequenceId: 2, released: true, nodePosition: { x: 0.7, y: 0, theta: 0, mapId: SAMPLE_MAP_ID } },
      { nodeId: 'c2_0', sequenceId: 4, released: true },
    ],
    edgeStates: [{ edgeId: 'c0_0-c1_0', sequenceId: 1, released: true }],
    agvPosition: { x: 0.35, y: 0, theta: 0, mapId: SAMPLE_MAP_ID, positionInitialized: true, localizationScore: 1 },
    velocity: { vx: 2.5, vy: 0, omega: 0 },
    loads: [],
    driving: true,
    paused: false,
    newBaseRequest: false,
    distanceSinceLastNode: 0.35,
    actionStates: [{ actionId: 'pick-1', actionType: 'pick', actionStatus: 'WAITING' }],
    batteryState: { batteryCharge: 87.5, batteryVoltage: 48.1, batteryHealth: 98, charging: false, reach: 12000 },
    operatingMode: 'AUTOMATIC',
    errors: [],
    information: [{ infoType: 'gridlineSim', infoLevel: 'DEBUG', infoDescription: 'simulated robot' }],
    safetyState: { eStop: 'NONE', fieldViolation: false },
  };
}

/** Standing on (2,0) lifting the bin, carrying it, with a warning and a rejected order update. */
export function sampleStateHandlingBin(): StateBody {
  return {
    orderId: 'order-1',
    orderUpdateId: 1,
    lastNodeId: 'c2_0',
    lastNodeSequenceId: 4,
    nodeStates: [{ nodeId: 'c3_0', sequenceId: 6, released: true }],
    edgeStates: [{ edgeId: 'c2_0-c3_0', sequenceId: 5, released: true }],
    agvPosition: { x: 1.4, y: 0, theta: 0, mapId: SAMPLE_MAP_ID, positionInitialized: true },
    velocity: { vx: 0, vy: 0, omega: 0 },
    loads: [{ loadId: 'BIN-42', loadType: 'bin', loadPosition: 'gripper', weight: 18.5, loadDimensions: { length: 0.6, width: 0.4, height: 0.33 } }],
    driving: false,
    paused: false,
    actionStates: [
      { actionId: 'pick-1', actionType: 'pick', actionStatus: 'RUNNING' },
      { actionId: 'drop-1', actionType: 'drop', actionStatus: 'WAITING' },
      { actionId: 'ia-2', actionType: 'cancelOrder', actionStatus: 'FAILED', resultDescription: 'no order to cancel' },
    ],
    batteryState: { batteryCharge: 80, charging: false },
    operatingMode: 'AUTOMATIC',
    errors: [
      {
        errorType: 'orderUpdateError',
        errorLevel: 'WARNING',
        errorDescription: 'orderUpdateId 1 already received',
        errorReferences: [
          { referenceKey: 'orderId', referenceValue: 'order-1' },
          { referenceKey: 'orderUpdateId', referenceValue: '1' },
        ],
      },
    ],
    safetyState: { eStop: 'NONE', fieldViolation: false },
  };
}

export function sampleFactsheetBody(): FactsheetBody {
  return {
    typeSpecification: {
      seriesName: 'Gridline G1',
      seriesDescription: 'cube-storage grid robot',
      agvKinematic: 'OMNI',
      agvClass: 'CARRIER',
      maxLoadMass: 30,
      localizationTypes: ['GRID'],
      navigationTypes: ['VIRTUAL_LINE_GUIDED'],
    },
    physicalParameters: { speedMin: 0.1, speedMax: 3.1, accelerationMax: 2, decelerationMax: 2, heightMax: 0.4, width: 0.45, length: 0.65 },
    protocolLimits: {
      maxStringLens: { idLen: 64 },
      maxArrayLens: { 'order.nodes': 200, 'order.edges': 199 },
      timing: { minOrderInterval: 0.1, minStateInterval: 0.1, defaultStateInterval: 1 },
    },
    protocolFeatures: {
      optionalParameters: [{ parameter: 'order.nodes.nodePosition', support: 'REQUIRED' }],
      agvActions: [
        {
          actionType: 'pick',
          actionScopes: ['NODE'],
          actionParameters: [
            { key: 'loadId', valueDataType: 'STRING' },
            { key: 'x', valueDataType: 'INTEGER' },
            { key: 'y', valueDataType: 'INTEGER' },
            { key: 'level', valueDataType: 'INTEGER' },
          ],
        },
        { actionType: 'drop', actionScopes: ['NODE'] },
        { actionType: 'emergencyStop', actionScopes: ['INSTANT'] },
      ],
    },
    agvGeometry: {},
    loadSpecification: { loadPositions: ['gripper'], loadSets: [{ setName: 'DEFAULT', loadType: 'bin', maxWeigth: 30 }] },
  };
}
