import type { State } from '../../protocol/vda5050/types.ts';

/** A VDA 5050 state of an idle robot standing on `nodeId`, for tests that play robots by hand. */
export function idleState(serial: string, nodeId: string, batteryCharge = 100, charging = false): State {
  return {
    headerId: 0,
    timestamp: '2026-01-01T00:00:00.000Z',
    version: '2.0.0',
    manufacturer: 'gridline',
    serialNumber: serial,
    orderId: '',
    orderUpdateId: 0,
    lastNodeId: nodeId,
    lastNodeSequenceId: 0,
    nodeStates: [],
    edgeStates: [],
    driving: false,
    actionStates: [],
    batteryState: { batteryCharge, charging },
    operatingMode: 'AUTOMATIC',
    errors: [],
    safetyState: { eStop: 'NONE', fieldViolation: false },
  };
}
