/**
 * What the controller does with robots it cannot trust, on the tiny facility with robots played
 * by hand: legs whose orders end on the robot's side, withdrawn legs, and work that would wait
 * on a robot held in alarm, a silent robot or a column in doubt. VDA 5050 2.0.0 sections cited.
 */
import { describe, expect, it } from 'vitest';
import type { State } from '../protocol/vda5050/types.ts';
import type { Visit } from './requests/request-book.ts';
import { idleState } from './test-support/robot-states.ts';
import { recordingRig } from './test-support/recording-rig.ts';
import { gridlineFactsheet } from './test-support/tiny-controller.ts';

/** Visits failed to the WMS (the request service ends their requests). */
function failures(r: ReturnType<typeof recordingRig>): string[] {
  const failed: string[] = [];
  r.controller.addObserver({ visitFailed: (visit: Visit, reason: string) => failed.push(`${visit.visitId}: ${reason}`) });
  return failed;
}

/** The robot's state on the leg's order, standing on `nodeId` after `sequenceId`, with nothing left. */
function standing(serial: string, orderId: string, nodeId: string, sequenceId: number, extra: Partial<State> = {}): State {
  return { ...idleState(serial, nodeId), orderId, lastNodeSequenceId: sequenceId, ...extra };
}

describe('a leg whose order ends on the robot\'s side', () => {
  it('ends where the robot stands when it dropped the order (§6.6.3 cancelOrder kept orderId), and the job goes on from there', () => {
    const r = recordingRig();
    r.addRobot('R1', 'c1_2');
    r.queueRetrieval();
    r.controller.controlCycle();
    const order = r.orders[0]!.order;
    expect(r.controller.heldCells('R1').length).toBeGreaterThan(1);
    // Cancelled by someone else at its first node: no nodes left, cancelOrder FINISHED.
    r.controller.handleState('R1', standing('R1', order.orderId, 'c1_2', 0, { actionStates: [{ actionId: 'x', actionType: 'cancelOrder', actionStatus: 'FINISHED' }] }));
    expect(r.controller.alarms.map((a) => a.message)).toContain(`dropped order ${order.orderId}/0 at c1_2, before the end of its leg; its job goes on from there`);
    // The job's next leg, from where it stands.
    expect(r.orders).toHaveLength(2);
    expect(r.orders[1]!.order.nodes[0]!.nodeId).toBe('c1_2');
  });

  it('keeps a robot stopped between two cells on both, and holds it', () => {
    const r = recordingRig();
    r.addRobot('R1', 'c1_2');
    r.queueRetrieval();
    r.controller.controlCycle();
    const order = r.orders[0]!.order;
    r.controller.handleState('R1', { ...standing('R1', order.orderId, 'c2_2', 2), agvPosition: { x: 1.75, y: 1, theta: 0, mapId: 'grid', positionInitialized: true }, actionStates: [{ actionId: 'x', actionType: 'cancelOrder', actionStatus: 'FINISHED' }] });
    expect(r.controller.robotViews().find((v) => v.serial === 'R1')!.hold).toBe('stands between cells, off its last node c2_2; it keeps its cells until it stands on a node');
    expect(r.controller.heldCells('R1').length).toBeGreaterThan(1);
  });
});

describe('a withdrawn leg', () => {
  it('ends once the robot that took the order stands with nothing released left, its horizon left over (§6.6.2)', () => {
    const r = recordingRig();
    r.addRobot('R1', 'c1_2');
    r.queueRetrieval();
    r.controller.controlCycle();
    const order = r.orders[0]!.order;
    r.controller.handleState('R1', { ...standing('R1', order.orderId, 'c1_2', 0), nodeStates: order.nodes.slice(1).map((n) => ({ nodeId: n.nodeId, sequenceId: n.sequenceId, released: n.released })), driving: true });
    // Silent past its limit: the leg is withdrawn, the robot keeps its cells.
    for (let t = 0; t < 12; t++) {
      r.clock.advance(1_000);
      r.controller.controlCycle();
    }
    const held = r.controller.heldCells('R1');
    expect(held.length).toBeGreaterThan(1);
    expect(r.actionTypes('R1')).toContain('cancelOrder');
    // Back: it drove its base and stands at its end; the cancel never reached it, so the
    // horizon is still listed. Nothing more is released to it: the leg ends there.
    const baseEnd = order.nodes.filter((n) => n.released).at(-1)!;
    r.controller.handleState('R1', { ...standing('R1', order.orderId, baseEnd.nodeId, baseEnd.sequenceId), nodeStates: order.nodes.filter((n) => !n.released).map((n) => ({ nodeId: n.nodeId, sequenceId: n.sequenceId, released: false })) });
    expect(r.controller.heldCells('R1')).toHaveLength(1);
  });

  it('keeps its cells a while when the robot never showed the order: it may still be on its way (§6.2 QoS)', () => {
    const r = recordingRig();
    r.addRobot('R1', 'c1_2');
    r.queueRetrieval();
    r.controller.controlCycle();
    expect(r.controller.heldCells('R1').length).toBeGreaterThan(1);
    r.clock.advance(2_001);
    r.controller.controlCycle();
    expect(r.controller.alarms.some((a) => a.message.startsWith('did not show order'))).toBe(true);
    // It answers the cancel (no order to cancel), still on its old order.
    r.controller.handleState('R1', { ...idleState('R1', 'c1_2'), actionStates: [{ actionId: 'c', actionType: 'cancelOrder', actionStatus: 'FAILED' }] });
    expect(r.controller.heldCells('R1').length).toBeGreaterThan(1);
    r.clock.advance(10_000);
    r.controller.handleState('R1', idleState('R1', 'c1_2'));
    expect(r.controller.heldCells('R1')).toHaveLength(1);
  });
});

describe('work that would wait on a robot that will not move', () => {
  it('fails a retrieval whose column a silent robot stands on, with the reason', () => {
    const r = recordingRig();
    const failed = failures(r);
    r.addRobot('R1', 'c5_2');
    r.addRobot('R2', 'c1_1');
    r.clock.advance(10_001);
    // R2 keeps talking; R1, standing on B1's column, says nothing.
    r.controller.handleState('R2', idleState('R2', 'c1_1'));
    r.controller.controlCycle();
    expect(r.controller.alarms.some((a) => a.source === 'R1' && a.message.startsWith('sent no state for 10.0 s'))).toBe(true);
    r.queueRetrieval();
    r.controller.controlCycle();
    expect(failed).toEqual(['v-B1: robot R1 stands on the column of bin B1, silent']);
  });

  it('fails the visits of a quarantined bin\'s column, and starts no retrieval there', () => {
    const r = recordingRig([
      { id: 'B1', x: 5, y: 2, level: 0, contents: [{ sku: 'S1', quantity: 4 }] },
      { id: 'B2', x: 5, y: 2, level: 1, contents: [{ sku: 'S2', quantity: 1 }] },
    ]);
    const failed = failures(r);
    r.addRobot('R1', 'c5_2');
    r.queueRetrieval('B1');
    r.controller.controlCycle();
    const pick = r.orders.at(-1)!.order.nodes.at(-1)!.actions[0]!;
    expect(pick.actionParameters).toContainEqual({ key: 'loadId', value: 'B2' });
    // It lifted B2 off, it says, but reports another bin: B2 is quarantined, its column in doubt.
    r.controller.handleState('R1', standing('R1', r.orders.at(-1)!.order.orderId, 'c5_2', 0, { actionStates: [{ actionId: pick.actionId, actionType: 'pick', actionStatus: 'FINISHED' }], loads: [{ loadId: 'B9' }] }));
    expect(r.controller.inventory.quarantineOf('B2')).toBe('robot R1 reports load B9 after picking bin B2');
    expect(failed).toEqual(['v-B1: bin B2 quarantined: robot R1 reports load B9 after picking bin B2']);
  });
});

describe('an operator resuming one robot during an emergency stop', () => {
  it('lifts its pause but does not end the stop that keeps it still (no stopPause)', () => {
    const r = recordingRig();
    const noEStop = gridlineFactsheet('R1');
    noEStop.protocolFeatures.agvActions = noEStop.protocolFeatures.agvActions.filter((a) => !/mergencyStop$/.test(a.actionType));
    r.controller.edge.onFactsheet('R1', noEStop);
    r.addRobot('R1', 'c1_2');
    r.controller.pauseRobot('R1');
    r.controller.emergencyStopAll();
    expect(r.controller.resumeRobot('R1')).toEqual({ ok: true, message: 'robot R1 stays stopped by the emergency stop in force' });
    expect(r.actionTypes('R1').filter((t) => t === 'stopPause')).toEqual([]);
    expect(r.controller.robotViews().find((v) => v.serial === 'R1')!.paused).toBe(false);
  });
});

describe('a placed robot that reports no last node', () => {
  it('is not taken for one that jumped: an empty lastNodeId (§6.10.6) is no position', () => {
    const r = recordingRig();
    r.addRobot('R1', 'c1_2');
    r.controller.handleState('R1', idleState('R1', ''));
    expect(r.controller.robotViews().find((v) => v.serial === 'R1')!.hold).toBeNull();
    expect(r.controller.alarms).toEqual([]);
  });
});
