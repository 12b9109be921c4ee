/**
 * The bridge's vehicle logic under faults that lose track of commands, on a simulated clock
 * (deterministic): routes that come back to a cell, an emergency stop while the board cannot
 * be heard, a stop frame lost on the line, a cancel during a pick, a grip whose `done` is lost,
 * a pause after the link was lost, and a grip that finds no bin.
 */
import { describe, expect, it } from 'vitest';
import { encodeFrame, PROTOCOL_VERSION } from '../../protocol/serial/frame.ts';
import { MESSAGE_SPECS } from '../../protocol/serial/messages.ts';
import { binAction, instant, node, orderOver } from '../support/bridge-rig.ts';
import { startSimulatedBridgeRig } from '../support/bridge-sim-rig.ts';

async function linked() {
  const r = startSimulatedBridgeRig();
  await r.advance(1000);
  expect(r.session.linkState).toBe('ready');
  return r;
}

const errorTypes = (r: ReturnType<typeof startSimulatedBridgeRig>) => r.state().errors.map((e) => e.errorType);

describe('bridge vehicle under faults (simulated clock)', () => {
  it('follows a route that comes back to a cell: A, B, A again', async () => {
    const r = await linked();
    r.order(orderOver('back', 0, [node(0, 1, 0), node(1, 1, 2), node(0, 1, 4)]));
    await r.advance(300);
    expect(r.state().lastNodeId).toBe('c0_1'); // still on its way to B: A again is not reached yet
    expect(r.state().nodeStates.map((n) => n.nodeId)).toEqual(['c1_1', 'c0_1']);
    await r.advance(6000);
    expect([r.state().lastNodeId, r.state().lastNodeSequenceId]).toEqual(['c0_1', 4]);
    expect(r.state().nodeStates).toEqual([]);
    expect(r.emulator.position()).toMatchObject({ x: 0, y: 1, offsetMm: 0 });
    expect(r.state().errors).toEqual([]);
  });

  it('follows A, B, C, B again, D without taking the first pass of B for the second', async () => {
    const r = await linked();
    r.order(orderOver('loop', 0, [node(0, 1, 0), node(1, 1, 2), node(2, 1, 4), node(1, 1, 6), node(1, 0, 8)]));
    const seen: string[] = [];
    for (let i = 0; i < 120; i++) {
      await r.advance(100);
      const s = r.state();
      if (seen.at(-1) !== `${s.lastNodeId}/${s.lastNodeSequenceId}`) seen.push(`${s.lastNodeId}/${s.lastNodeSequenceId}`);
    }
    expect(seen).toEqual(['c0_1/0', 'c1_1/2', 'c2_1/4', 'c1_1/6', 'c1_0/8']);
    expect(r.state().errors).toEqual([]);
    expect(r.world.occupiedCells('hil1')).toEqual([{ x: 1, y: 0 }]);
  });

  it('stops the board at once on an emergency stop while it cannot hear the board, and reports it', async () => {
    const r = await linked();
    r.order(orderOver('far', 0, [node(0, 1, 0), node(1, 1, 2), node(2, 1, 4), node(3, 1, 6), node(4, 1, 8), node(5, 1, 10)]));
    await r.advance(300);
    r.emulator.setFaults({ dropOutgoing: 1 }); // the board's frames are lost: the host hears nothing
    await r.advance(700);
    expect(r.session.linkState).not.toBe('ready');
    r.instant([instant('emergencyStop')]);
    await r.advance(50);
    expect(r.emulator.flags().eStop).toBe(true);
    expect(r.emulator.flags().driving).toBe(false);
    expect(r.state().safetyState.eStop).toBe('REMOTE');
    const stoppedAt = r.emulator.position();
    await r.advance(1500);
    expect(r.emulator.position()).toEqual(stoppedAt);
    r.emulator.setFaults({ dropOutgoing: 0 });
    await r.advance(2000);
    expect(r.session.linkState).toBe('ready');
    expect(r.emulator.flags().eStop).toBe(true);
    expect(r.state().safetyState.eStop).toBe('REMOTE');
    r.instant([instant('releaseEmergencyStop')]);
    await r.advance(8000);
    expect(r.state().lastNodeId).toBe('c5_1');
    expect(r.state().safetyState.eStop).toBe('NONE');
  });

  it('never lets a release overtake an emergency stop repeated on the line', async () => {
    const r = await linked();
    r.order(orderOver('race', 0, [node(0, 1, 0), node(1, 1, 2), node(2, 1, 4), node(3, 1, 6)]));
    await r.advance(300);
    r.emulator.setFaults({ dropIncoming: 1 });
    r.instant([instant('emergencyStop')]);
    await new Promise((resolve) => setImmediate(resolve));
    r.clock.advance(2); // the stop frame is lost on the line; its repeat follows after 30 ms
    r.emulator.setFaults({ dropIncoming: 0 });
    const release = instant('releaseEmergencyStop');
    r.instant([release]);
    await r.advance(4000);
    expect(r.emulator.flags().eStop).toBe(false);
    expect(r.state().safetyState.eStop).toBe('NONE');
    expect(r.state().actionStates.find((a) => a.actionId === release.actionId)?.actionStatus).toBe('FINISHED');
    expect(r.state().lastNodeId).toBe('c3_1');
  });

  it('reports an emergency stop the board holds that the bridge did not ask for, until released', async () => {
    const r = await linked();
    const stop = MESSAGE_SPECS.emergencyStop.type;
    r.emulator.receive(encodeFrame({ version: PROTOCOL_VERSION, sequence: 40_000, type: stop, payload: new Uint8Array(0) })); // from elsewhere
    await r.advance(300);
    expect(r.state().safetyState.eStop).toBe('REMOTE');
    expect(r.state().errors.find((e) => e.errorType === 'emergencyStop')?.errorDescription).toMatch(/holds an emergency stop/);
    r.instant([instant('releaseEmergencyStop')]);
    await r.advance(300);
    expect(r.emulator.flags().eStop).toBe(false);
    expect(r.state().safetyState.eStop).toBe('NONE');
    expect(errorTypes(r)).toEqual([]);
  });

  it('finishes a pick under way when the order is cancelled: the gripper comes up with the bin', async () => {
    const r = await linked();
    r.order(orderOver('dig', 0, [node(0, 1, 0), node(1, 1, 2), node(2, 1, 4, [binAction('pick', 'B2', 2, 1, 2)]), node(3, 1, 6)]));
    for (let i = 0; i < 400 && !r.emulator.flags().lifting; i++) await r.advance(10);
    await r.advance(100);
    const cancel = instant('cancelOrder');
    r.instant([cancel]);
    await r.advance(4000);
    const s = r.state();
    expect(r.emulator.liftDepthMm()).toBe(0);
    expect(s.actionStates.map((a) => [a.actionType, a.actionStatus])).toEqual([
      ['pick', 'FINISHED'],
      ['cancelOrder', 'FINISHED'],
    ]);
    expect(s.loads).toEqual([{ loadId: 'B2', loadType: 'gridBin' }]);
    expect(r.world.heldBin('hil1')).toBe('B2');
    expect(s.nodeStates).toEqual([]);
    r.order(orderOver('after', 0, [node(2, 1, 0), node(1, 1, 2)]));
    await r.advance(3000);
    expect(r.state().lastNodeId).toBe('c1_1');
    expect(r.state().errors).toEqual([]);
  });

  it('does not grip twice when the board finished a grip whose done was lost', async () => {
    const r = await linked();
    r.order(orderOver('lost', 0, [node(0, 1, 0), node(1, 1, 2), node(2, 1, 4, [binAction('pick', 'B2', 2, 1, 2)]), node(3, 1, 6)]));
    // Wait until the gripper has reached the bin and is gripping.
    for (let i = 0; i < 600; i++) {
      await r.advance(10);
      if (r.emulator.flags().busy && !r.emulator.flags().lifting && r.emulator.liftDepthMm() > 0) break;
    }
    await r.advance(700);
    r.emulator.setFaults({ dropOutgoing: 1 }); // the grip's done (and everything else) is lost
    await r.advance(1500);
    expect(r.world.heldBin('hil1')).toBe('B2');
    r.emulator.setFaults({ dropOutgoing: 0 });
    await r.advance(5000);
    const s = r.state();
    expect(s.actionStates.map((a) => [a.actionType, a.actionStatus])).toEqual([['pick', 'FINISHED']]);
    expect(s.loads).toEqual([{ loadId: 'B2', loadType: 'gridBin' }]);
    expect(s.lastNodeId).toBe('c3_1');
    expect(s.errors).toEqual([]);
  });

  it('stops a drive on pause even when the link was lost since the drive was sent', async () => {
    const r = await linked();
    r.order(orderOver('paused', 0, [node(0, 1, 0), node(1, 1, 2), node(2, 1, 4), node(3, 1, 6), node(4, 1, 8), node(5, 1, 10)]));
    await r.advance(200);
    r.emulator.setFaults({ dropOutgoing: 1 });
    await r.advance(600);
    r.emulator.setFaults({ dropOutgoing: 0 });
    for (let i = 0; i < 100 && r.session.linkState !== 'ready'; i++) await r.advance(5);
    await r.advance(150);
    const before = r.emulator.position().x;
    r.instant([instant('startPause')]);
    await r.advance(3000);
    expect(r.state().paused).toBe(true);
    expect(r.emulator.flags().driving).toBe(false);
    expect(r.emulator.position().x).toBeLessThanOrEqual(before + 1);
    expect(r.emulator.position().x).toBeLessThan(5);
    r.instant([instant('stopPause')]);
    await r.advance(6000);
    expect(r.state().lastNodeId).toBe('c5_1');
  });

  it('fails a pick that finds no bin, raises the gripper first, and carries on with the next order', async () => {
    const r = await linked();
    r.order(orderOver('empty', 0, [node(0, 1, 0), node(1, 1, 2, [binAction('pick', 'B9', 1, 1, 0)])]));
    await r.advance(6000);
    const s = r.state();
    expect(s.actionStates.map((a) => a.actionStatus)).toEqual(['FAILED']);
    expect(r.emulator.liftDepthMm()).toBe(0);
    expect(s.errors.map((e) => [e.errorType, e.errorLevel])).toEqual([['actionError', 'WARNING']]);
    r.order(orderOver('next', 0, [node(1, 1, 0), node(2, 1, 2)]));
    await r.advance(3000);
    expect(r.state().lastNodeId).toBe('c2_1');
  });
});
