/**
 * The firmware bridge driving the emulated motor controller over serialport's mock binding:
 * a whole dig-and-deliver order, then each fault the bridge must survive, one per test.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { State } from '../../protocol/vda5050/types.ts';
import { binAction, instant, node, orderOver, startBridgeRig, type BridgeRig } from '../support/bridge-rig.ts';
import { waitFor } from '../support/wait-for.ts';

let rig: BridgeRig | undefined;
let pathCounter = 0;

afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function start(options: Omit<Parameters<typeof startBridgeRig>[0], 'path'> = {}): Promise<BridgeRig> {
  pathCounter++;
  rig = await startBridgeRig({ path: `/dev/gridline-mock-${pathCounter}`, ...options });
  const r = rig;
  await waitFor(() => r.latest()?.agvPosition !== undefined && r.latest()!.errors.length === 0, 10_000, () => `a first state without errors: ${JSON.stringify(r.latest()?.errors)}`);
  return r;
}

function errorTypes(state: State | undefined): string[] {
  return (state?.errors ?? []).map((e) => e.errorType);
}

function allActionsFinished(state: State | undefined): boolean {
  return state !== undefined && state.actionStates.length > 0 && state.actionStates.every((a) => a.actionStatus === 'FINISHED');
}

/** (0,1) -> (2,1): lift B2 off, set it on (3,1), take B1, deliver it to the port at (5,0). */
function digAndDeliverOrder() {
  return orderOver('dig-1', 0, [
    node(0, 1, 0),
    node(1, 1, 2),
    node(2, 1, 4, [binAction('pick', 'B2', 2, 1, 2)]),
    node(3, 1, 6, [binAction('drop', 'B2', 3, 1, 0)]),
    node(2, 1, 8, [binAction('pick', 'B1', 2, 1, 1)]),
    node(2, 0, 10),
    node(3, 0, 12),
    node(4, 0, 14),
    node(5, 0, 16, [binAction('drop', 'B1', 5, 0, 0)]),
  ]);
}

/** Four cells along x on row 1, nothing else. */
function driveOrder(orderId: string) {
  return orderOver(orderId, 0, [node(0, 1, 0), node(1, 1, 2), node(2, 1, 4), node(3, 1, 6), node(4, 1, 8)]);
}

describe('bridge + board emulator over the mock serial binding', () => {
  it('completes a dig-and-deliver order: the bins end where the order put them', async () => {
    const r = await start();
    r.sendOrder(digAndDeliverOrder());
    await waitFor(() => allActionsFinished(r.latest()) && r.latest()!.lastNodeId === 'c5_0', 30_000, () => `order done: ${JSON.stringify(r.latest()?.actionStates)}`);
    const state = r.latest()!;
    expect(state.actionStates.map((a) => a.actionType)).toEqual(['pick', 'drop', 'pick', 'drop']);
    expect(state.loads).toEqual([]);
    expect(state.nodeStates).toEqual([]);
    expect(errorTypes(state)).toEqual([]);
    expect(r.world.stackAt(2, 1)).toEqual(['B0']);
    expect(r.world.stackAt(3, 1)).toEqual(['B2']);
    expect(r.world.portBins(5, 0)).toEqual(['B1']);
    // The robot reported each node it passed, in order.
    const visited = r.states.map((s) => s.lastNodeId).filter((id, i, all) => id !== '' && id !== all[i - 1]);
    expect(visited).toEqual(['c0_1', 'c1_1', 'c2_1', 'c3_1', 'c2_1', 'c2_0', 'c3_0', 'c4_0', 'c5_0']);
  });

  it('skips garbage and corrupted frames, counts them, and still completes the order', async () => {
    const r = await start({ faults: { corruptOutgoing: 0.15 } });
    const garbage = setInterval(() => r.injectToBridge(Uint8Array.from([0x13, 0x37, 0x00, 0xff, 0x01, 0x02, 0x00, 0x05, 0x01])), 20);
    try {
      r.sendOrder(driveOrder('noisy'));
      await waitFor(() => r.latest()?.lastNodeId === 'c4_1' && r.latest()!.nodeStates.length === 0, 30_000, () => `drive done: ${r.latest()?.lastNodeId}`);
    } finally {
      clearInterval(garbage);
    }
    const rejected = r.bridge.session.counters.decoder.rejected;
    expect(rejected.crc + rejected.cobs + rejected.length).toBeGreaterThan(0);
    expect(r.bridge.session.counters.decoder.frames).toBeGreaterThan(10);
  });

  it('copes with a board whose frames arrive late (40 ms, past the 30 ms acknowledgement timeout)', async () => {
    const r = await start({ faults: { delayOutgoingMs: 40 } });
    r.sendOrder(digAndDeliverOrder());
    await waitFor(() => allActionsFinished(r.latest()) && r.latest()!.lastNodeId === 'c5_0', 40_000, () => `order done: ${JSON.stringify(r.latest()?.actionStates)}`);
    expect(r.world.portBins(5, 0)).toEqual(['B1']);
    expect(r.bridge.session.counters.retransmissions).toBeGreaterThan(0); // the late acks made it repeat…
    expect(r.emulator.counters.duplicates).toBeGreaterThan(0); // …and the board acted on each command once
    expect(errorTypes(r.latest())).toEqual([]);
  });

  it('retransmits unacknowledged commands, reports a VDA 5050 error when the board stays deaf, and recovers', async () => {
    const r = await start();
    r.emulator.setFaults({ dropIncoming: 1 });
    r.sendOrder(driveOrder('deaf'));
    await waitFor(() => r.states.some((s) => errorTypes(s).includes('motorControllerNoAck')), 10_000, () => 'a motorControllerNoAck error');
    expect(r.bridge.session.counters.retransmissions).toBeGreaterThanOrEqual(3);
    expect(r.bridge.session.counters.undelivered).toBeGreaterThanOrEqual(1);
    r.emulator.setFaults({ dropIncoming: 0 });
    await waitFor(() => r.latest()?.lastNodeId === 'c4_1' && errorTypes(r.latest()).length === 0, 30_000, () => `recovered: ${r.latest()?.lastNodeId} ${JSON.stringify(r.latest()?.errors)}`);
  });

  it('reopens the serial device after it vanishes, reporting the robot in error meanwhile', async () => {
    const r = await start();
    r.sendOrder(driveOrder('unplugged'));
    await waitFor(() => r.latest()?.driving === true, 10_000, () => 'driving');
    r.unplug();
    await waitFor(() => errorTypes(r.latest()).includes('motorControllerLink'), 5_000, () => 'a motorControllerLink error');
    const during = r.latest()!.errors.find((e) => e.errorType === 'motorControllerLink')!;
    expect(during.errorLevel).toBe('FATAL');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(errorTypes(r.latest())).toContain('motorControllerLink'); // still unplugged: reopening fails
    r.plugIn();
    await waitFor(() => r.latest()?.lastNodeId === 'c4_1' && errorTypes(r.latest()).length === 0, 30_000, () => `recovered: ${r.latest()?.lastNodeId} ${JSON.stringify(r.latest()?.errors)}`);
    expect(r.world.occupiedCells('hil1')).toEqual([{ x: 4, y: 1 }]);
  });

  it('finishes the released base while the broker is away, then holds until an order update', async () => {
    const r = await start({ broker: 'mqtt' });
    r.sendOrder(orderOver('offline', 0, [node(0, 1, 0), node(1, 1, 2), node(2, 1, 4), node(3, 1, 6, [], false), node(4, 1, 8, [], false)]));
    await waitFor(() => r.latest()?.driving === true, 10_000, () => 'driving');
    await r.stopBroker();
    const vehicle = r.bridge.vehicle;
    await waitFor(() => vehicle.snapshot().lastNodeId === 'c2_1' && !vehicle.snapshot().driving, 10_000, () => `base end reached offline: ${vehicle.snapshot().lastNodeId}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(vehicle.snapshot().lastNodeId).toBe('c2_1'); // holds: the horizon is not released
    expect(vehicle.snapshot().nodeStates.map((n) => [n.nodeId, n.released])).toEqual([['c3_1', false], ['c4_1', false]]);
    await r.restartBroker();
    await waitFor(() => r.latest()?.lastNodeId === 'c2_1' && r.latest()!.driving === false, 10_000, () => 'state again after the broker came back');
    r.sendOrder(orderOver('offline', 1, [node(2, 1, 4), node(3, 1, 6), node(4, 1, 8)]));
    await waitFor(() => r.latest()?.lastNodeId === 'c4_1', 10_000, () => 'went on after the order update');
  });

  it('pauses and resumes on startPause / stopPause, stopping at a cell', async () => {
    const r = await start();
    r.sendOrder(driveOrder('paused'));
    await waitFor(() => r.latest()?.driving === true, 10_000, () => 'driving');
    r.sendInstantActions([instant('startPause')]);
    await waitFor(() => r.latest()?.paused === true && r.latest()!.driving === false, 5_000, () => 'paused and standing');
    const heldAt = r.latest()!.lastNodeId;
    expect(heldAt).not.toBe('c4_1');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(r.latest()!.lastNodeId).toBe(heldAt);
    expect(r.emulator.position().offsetMm).toBe(0);
    r.sendInstantActions([instant('stopPause')]);
    await waitFor(() => r.latest()?.lastNodeId === 'c4_1', 10_000, () => 'resumed to the end');
  });

  it('cancels an order: stops at the next cell and drops the rest', async () => {
    const r = await start();
    r.sendOrder(driveOrder('cancelled'));
    await waitFor(() => r.latest()?.driving === true, 10_000, () => 'driving');
    const cancel = instant('cancelOrder');
    r.sendInstantActions([cancel]);
    await waitFor(() => r.latest()?.actionStates.some((a) => a.actionId === cancel.actionId && a.actionStatus === 'FINISHED') === true, 5_000, () => 'cancel finished');
    const state = r.latest()!;
    expect(state.nodeStates).toEqual([]);
    expect(state.driving).toBe(false);
    expect(state.lastNodeId).not.toBe('c4_1');
  });

  it('sends an emergency stop to the board at once and resumes after release', async () => {
    const r = await start();
    r.sendOrder(driveOrder('estop'));
    await waitFor(() => r.latest()?.driving === true, 10_000, () => 'driving');
    r.sendInstantActions([instant('emergencyStop')]);
    await waitFor(() => r.emulator.flags().eStop, 2_000, () => 'the board in e-stop');
    await waitFor(() => r.latest()?.safetyState.eStop === 'REMOTE' && r.latest()!.driving === false, 2_000, () => 'e-stop reported');
    expect(errorTypes(r.latest())).toContain('emergencyStop');
    r.sendInstantActions([instant('releaseEmergencyStop')]);
    await waitFor(() => r.latest()?.lastNodeId === 'c4_1' && r.latest()!.safetyState.eStop === 'NONE', 10_000, () => 'resumed after release');
    expect(r.emulator.position().offsetMm).toBe(0);
  });

  it('reports a motor stall as a FATAL error and holds', async () => {
    const r = await start();
    r.emulator.stallNextDrive();
    r.sendOrder(driveOrder('stall'));
    await waitFor(() => errorTypes(r.latest()).includes('motorStall'), 10_000, () => 'a motorStall error');
    const stall = r.latest()!.errors.find((e) => e.errorType === 'motorStall')!;
    expect(stall.errorLevel).toBe('FATAL');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(r.latest()!.driving).toBe(false);
    expect(r.latest()!.lastNodeId).not.toBe('c4_1');
  });

  it('reports a low battery from the board', async () => {
    const r = await start();
    r.emulator.setBatteryPermille(80);
    await waitFor(() => errorTypes(r.latest()).includes('batteryLow'), 5_000, () => 'a batteryLow warning');
    expect(r.latest()!.batteryState.batteryCharge).toBeLessThan(10);
  });
});
