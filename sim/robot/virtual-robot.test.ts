/**
 * What the virtual robot's body adds to the vehicle core: timing from its kinematics (runs,
 * wheel changes, lift cycles), the GridWorld's bins, the battery, exact state timing. The
 * VDA 5050 behaviour every grid robot shares is checked by the vehicle conformance suite
 * (virtual-robot.conformance.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { State } from '../../protocol/vda5050/types.ts';
import { defaultKinematics, distanceAtTime, liftCycleSeconds, portCycleSeconds, runDurationSeconds, timeAtDistance } from '../kinematics/robot-kinematics.ts';
import { dropAction, instantAction, makeRig, pathOrder, pickAction, row, type Rig } from './robot-harness.test-support.ts';

const k = defaultKinematics();
const ms = (seconds: number) => Math.round(seconds * 1000);

let rigs: Rig[] = [];
function rig(options?: Parameters<typeof makeRig>[0]): Rig {
  const r = makeRig(options);
  rigs.push(r);
  return r;
}

afterEach(() => {
  // Every state any test published must be a valid VDA 5050 2.0.0 state message.
  for (const r of rigs) expect(r.link.invalidStates).toEqual([]);
  rigs = [];
});

/** Distinct lastNodeIds in the order the published states reported them. */
function lastNodeTrail(states: State[]): string[] {
  const trail: string[] = [];
  for (const s of states) if (trail[trail.length - 1] !== s.lastNodeId) trail.push(s.lastNodeId);
  return trail;
}

describe('VirtualRobot driving', () => {

  it('drives a straight run of 5 cells in runDurationSeconds (trapezoidal profile)', () => {
    const { clock, link, robot, world } = rig();
    link.sendOrder(pathOrder({ cells: row(0, 5) }));
    const totalMs = ms(runDurationSeconds(5 * k.cellSizeXM, k));
    expect(totalMs).toBe(2646); // 2·sqrt(3.5 / 2) s: too short to reach top speed
    clock.advance(totalMs - 1);
    expect(robot.snapshot().lastNodeId).toBe('c4_0');
    expect(robot.snapshot().driving).toBe(true);
    clock.advance(1);
    expect(robot.snapshot()).toMatchObject({ lastNodeId: 'c5_0', lastNodeSequenceId: 10, driving: false, nodeStates: [], edgeStates: [] });
    expect(robot.snapshot().agvPosition).toMatchObject({ x: 3.5, y: 0 });
    expect(world.occupiedCells('R1')).toEqual([{ x: 5, y: 0 }]);
  });

  it('passes intermediate nodes at the profile times, updating lastNodeId in order and dropping passed nodes and edges', () => {
    const { clock, link, robot } = rig();
    const startMs = clock.now();
    link.sendOrder(pathOrder({ cells: row(0, 5) }));
    const totalM = 5 * k.cellSizeXM;
    for (let i = 1; i <= 5; i++) {
      clock.runUntil(startMs + ms(timeAtDistance(i * k.cellSizeXM, totalM, k)));
      const s = robot.snapshot();
      expect(s.lastNodeId).toBe(`c${i}_0`);
      expect(s.lastNodeSequenceId).toBe(2 * i);
      const ahead: string[] = [];
      for (let x = i + 1; x <= 5; x++) ahead.push(`c${x}_0`);
      expect(s.nodeStates.map((n) => n.nodeId)).toEqual(ahead);
      expect(s.edgeStates).toHaveLength(5 - i);
    }
    expect(lastNodeTrail(link.states)).toEqual(['c0_0', 'c1_0', 'c2_0', 'c3_0', 'c4_0', 'c5_0']);
  });

  it('reports the pose between nodes from the speed profile', () => {
    const { clock, link, robot } = rig();
    link.sendOrder(pathOrder({ cells: row(0, 5) }));
    clock.advance(500);
    const s = robot.snapshot();
    expect(s.agvPosition!.x).toBeCloseTo(distanceAtTime(0.5, 3.5, k), 3); // 0.25 m: ½·2·0.5²
    expect(s.distanceSinceLastNode).toBeCloseTo(0.25, 3);
  });

  it('adds a wheel change when the path turns from x to y', () => {
    const { clock, link, robot } = rig();
    link.sendOrder(pathOrder({ cells: [[0, 0], [1, 0], [2, 0], [2, 1], [2, 2]] }));
    const alongX = ms(runDurationSeconds(2 * k.cellSizeXM, k)); // 1673 ms
    const alongY = ms(runDurationSeconds(2 * k.cellSizeYM, k)); // 1414 ms
    const total = alongX + ms(k.wheelChangeSeconds) + alongY;
    expect(total).toBe(1673 + 1200 + 1414);
    clock.advance(alongX);
    expect(robot.snapshot().lastNodeId).toBe('c2_0');
    clock.advance(ms(k.wheelChangeSeconds) + alongY - 1);
    expect(robot.snapshot().lastNodeId).toBe('c2_1');
    clock.advance(1);
    expect(robot.snapshot()).toMatchObject({ lastNodeId: 'c2_2', driving: false });
    expect(robot.snapshot().agvPosition).toMatchObject({ x: 1.4, y: 1 });
  });

  it('stops at the last released node, never enters the horizon, and continues after an order update extends the base', () => {
    const { clock, link, robot, world } = rig();
    link.sendOrder(pathOrder({ cells: row(0, 4), released: 3 }));
    for (let t = 0; t < 10_000; t += 50) {
      clock.advance(50);
      for (const cell of world.occupiedCells('R1')) expect(cell.x).toBeLessThanOrEqual(2);
    }
    expect(robot.snapshot()).toMatchObject({ lastNodeId: 'c2_0', driving: false });
    expect(robot.snapshot().nodeStates).toEqual([
      expect.objectContaining({ nodeId: 'c3_0', released: false }),
      expect.objectContaining({ nodeId: 'c4_0', released: false }),
    ]);
    // §Orders and order update: the update starts at the last base node (c2_0, sequenceId 4).
    link.sendOrder(pathOrder({ cells: row(2, 4), orderUpdateId: 1, firstSequenceId: 4 }));
    expect(robot.snapshot().orderUpdateId).toBe(1);
    clock.advance(ms(runDurationSeconds(2 * k.cellSizeXM, k)));
    expect(robot.snapshot()).toMatchObject({ lastNodeId: 'c4_0', lastNodeSequenceId: 8, nodeStates: [], edgeStates: [], errors: [] });
  });

  it('finishes its straight run when the base is extended mid-run, then drives on', () => {
    const { clock, link, robot } = rig();
    link.sendOrder(pathOrder({ cells: row(0, 4), released: 3 }));
    clock.advance(500);
    link.sendOrder(pathOrder({ cells: row(2, 4), orderUpdateId: 1, firstSequenceId: 4 }));
    const firstRun = ms(runDurationSeconds(2 * k.cellSizeXM, k));
    clock.advance(firstRun - 500);
    expect(robot.snapshot()).toMatchObject({ lastNodeId: 'c2_0' });
    clock.advance(ms(runDurationSeconds(2 * k.cellSizeXM, k)));
    expect(robot.snapshot()).toMatchObject({ lastNodeId: 'c4_0', driving: false });
  });
});

describe('VirtualRobot bin handling', () => {
  const twoBins = [
    { binId: 'B1', x: 1, y: 0, level: 0 },
    { binId: 'B2', x: 1, y: 0, level: 1 },
  ];

  it('picks the top bin after a lift cycle to its level, then reports it as a load', () => {
    const { clock, link, robot, world } = rig({ placements: twoBins });
    link.sendOrder(pathOrder({ cells: row(0, 1), actions: { 1: [pickAction('pick-1', { loadId: 'B2', x: 1, y: 0, level: 1 })] } }));
    expect(robot.snapshot().actionStates).toEqual([{ actionId: 'pick-1', actionType: 'pick', actionStatus: 'WAITING' }]);
    clock.advance(ms(runDurationSeconds(k.cellSizeXM, k)));
    expect(robot.snapshot().actionStates[0]!.actionStatus).toBe('RUNNING');
    const lift = ms(liftCycleSeconds(4 - 1, k)); // depth 4, level 1: 3 levels down and up plus grip
    expect(lift).toBe(2238);
    clock.advance(lift - 1);
    expect(robot.snapshot().loads).toEqual([]);
    clock.advance(1);
    expect(robot.snapshot().actionStates[0]!.actionStatus).toBe('FINISHED');
    expect(robot.snapshot().loads).toEqual([{ loadId: 'B2', loadType: 'gridBin' }]);
    expect(world.heldBin('R1')).toBe('B2');
    expect(world.stackAt(1, 0)).toEqual(['B1']);
  });

  it('fails a pick of a bin that is not on top, with the reason in actionStates and errors', () => {
    const { clock, link, robot, world } = rig({ placements: twoBins });
    link.sendOrder(pathOrder({ cells: row(0, 1), actions: { 1: [pickAction('pick-1', { loadId: 'B1', x: 1, y: 0, level: 0 })] } }));
    clock.advance(10_000);
    const s = robot.snapshot();
    expect(s.actionStates[0]).toMatchObject({ actionId: 'pick-1', actionStatus: 'FAILED', resultDescription: expect.stringMatching(/under 1 other bin/) });
    expect(s.errors).toEqual([expect.objectContaining({ errorType: 'actionError', errorLevel: 'WARNING', errorReferences: expect.arrayContaining([{ referenceKey: 'actionId', referenceValue: 'pick-1' }]) })]);
    expect(s.loads).toEqual([]);
    expect(world.stackAt(1, 0)).toEqual(['B1', 'B2']);
  });

  it('drops a bin into a port and onto a column', () => {
    const { clock, link, robot, world } = rig({ startCell: { x: 5, y: 0 }, placements: [{ binId: 'B1', x: 5, y: 0, level: 0 }, { binId: 'B2', x: 6, y: 0, level: 0 }] });
    link.sendOrder(
      pathOrder({
        cells: row(5, 7),
        actions: { 0: [pickAction('pick-1', { loadId: 'B1', x: 5, y: 0, level: 0 })], 2: [dropAction('drop-1', { loadId: 'B1', x: 7, y: 0, level: 0, portId: 'P1' })] },
      }),
    );
    const expected = ms(liftCycleSeconds(4, k)) + ms(runDurationSeconds(2 * k.cellSizeXM, k)) + ms(portCycleSeconds(k));
    clock.advance(expected - 1);
    expect(robot.snapshot().actionStates[1]!.actionStatus).toBe('RUNNING');
    clock.advance(1);
    expect(robot.snapshot().actionStates.map((a) => a.actionStatus)).toEqual(['FINISHED', 'FINISHED']);
    expect(world.portBins(7, 0)).toEqual(['B1']);
    expect(robot.snapshot().loads).toEqual([]);

    link.sendOrder(
      pathOrder({
        orderId: 'order-2',
        cells: row(7, 6),
        actions: { 0: [pickAction('pick-2', { loadId: 'B1', x: 7, y: 0, level: 0, portId: 'P1' })], 1: [dropAction('drop-2', { loadId: 'B1', x: 6, y: 0, level: 1 })] },
      }),
    );
    clock.advance(30_000);
    expect(robot.snapshot().actionStates.map((a) => a.actionStatus)).toEqual(['FINISHED', 'FINISHED']);
    expect(world.stackAt(6, 0)).toEqual(['B2', 'B1']);
    expect(world.binConservationViolations()).toEqual([]);
  });
});

describe('VirtualRobot instant actions (§Topic "instantActions")', () => {
  it('startPause holds motion where it is and stopPause resumes it, shifting arrival by the pause', () => {
    const { clock, link, robot } = rig();
    link.sendOrder(pathOrder({ cells: row(0, 5) }));
    clock.advance(500);
    link.sendInstantActions(instantAction('startPause'));
    const held = robot.snapshot();
    expect(held).toMatchObject({ paused: true, driving: false, lastNodeId: 'c0_0' });
    clock.advance(3000);
    expect(robot.snapshot().agvPosition).toEqual(held.agvPosition);
    expect(robot.snapshot().lastNodeId).toBe('c0_0');
    link.sendInstantActions(instantAction('stopPause'));
    expect(robot.snapshot()).toMatchObject({ paused: false, driving: true });
    clock.advance(2646 - 500 - 1);
    expect(robot.snapshot().lastNodeId).toBe('c4_0');
    clock.advance(1);
    expect(robot.snapshot().lastNodeId).toBe('c5_0');
    expect(robot.snapshot().actionStates.map((a) => [a.actionType, a.actionStatus])).toEqual([['startPause', 'FINISHED'], ['stopPause', 'FINISHED']]);
  });

  it('startPause also holds a running lift cycle', () => {
    const { clock, link, robot } = rig({ placements: [{ binId: 'B1', x: 0, y: 0, level: 0 }] });
    link.sendOrder(pathOrder({ cells: [[0, 0]], actions: { 0: [pickAction('pick-1', { loadId: 'B1', x: 0, y: 0, level: 0 })] } }));
    clock.advance(1000);
    link.sendInstantActions(instantAction('startPause'));
    clock.advance(60_000);
    expect(robot.snapshot().loads).toEqual([]);
    link.sendInstantActions(instantAction('stopPause'));
    clock.advance(ms(liftCycleSeconds(4, k)) - 1000);
    expect(robot.snapshot().loads).toEqual([{ loadId: 'B1', loadType: 'gridBin' }]);
  });

  it('cancelOrder stops at the next node, fails the waiting actions and clears nodeStates and edgeStates (§Order cancellation)', () => {
    const { clock, link, robot, world } = rig({ placements: [{ binId: 'B5', x: 5, y: 0, level: 0 }] });
    link.sendOrder(pathOrder({ cells: row(0, 5), actions: { 5: [pickAction('pick-5', { loadId: 'B5', x: 5, y: 0, level: 0 })] } }));
    clock.advance(500);
    link.sendInstantActions(instantAction('cancelOrder', 'cancel-1'));
    expect(robot.snapshot().actionStates.find((a) => a.actionId === 'cancel-1')!.actionStatus).toBe('RUNNING');
    clock.advance(ms(timeAtDistance(k.cellSizeXM, 3.5, k)) - 500);
    const s = robot.snapshot();
    expect(s).toMatchObject({ orderId: 'order-1', lastNodeId: 'c1_0', driving: false, nodeStates: [], edgeStates: [] });
    expect(s.actionStates).toEqual([
      { actionId: 'pick-5', actionType: 'pick', actionStatus: 'FAILED', resultDescription: 'order cancelled' },
      { actionId: 'cancel-1', actionType: 'cancelOrder', actionStatus: 'FINISHED' },
    ]);
    clock.advance(10_000);
    expect(world.occupiedCells('R1')).toEqual([{ x: 1, y: 0 }]);
    expect(world.stackAt(5, 0)).toEqual(['B5']);
    // A cancelled order takes no more updates; a new order from where the robot stands is accepted.
    link.sendOrder(pathOrder({ cells: row(1, 2), orderUpdateId: 1, firstSequenceId: 2 }));
    expect(robot.snapshot().errors).toEqual([expect.objectContaining({ errorType: 'orderUpdateError' })]);
    link.sendOrder(pathOrder({ orderId: 'order-2', cells: row(1, 2) }));
    expect(robot.snapshot()).toMatchObject({ orderId: 'order-2', errors: [] });
  });

  it('emergencyStop stops at the next node with a FATAL error until releaseEmergencyStop', () => {
    const { clock, link, robot } = rig();
    link.sendOrder(pathOrder({ cells: row(0, 5) }));
    clock.advance(500);
    link.sendInstantActions(instantAction('emergencyStop'));
    clock.advance(10_000);
    const s = robot.snapshot();
    expect(s).toMatchObject({ lastNodeId: 'c1_0', driving: false, safetyState: { eStop: 'REMOTE', fieldViolation: false } });
    expect(s.errors).toEqual([expect.objectContaining({ errorType: 'emergencyStop', errorLevel: 'FATAL' })]);
    link.sendOrder(pathOrder({ orderId: 'order-2', cells: row(1, 2) }));
    expect(robot.snapshot().orderId).toBe('order-1');
    link.sendInstantActions(instantAction('releaseEmergencyStop'));
    expect(robot.snapshot().safetyState.eStop).toBe('NONE');
    expect(robot.snapshot().errors.map((e) => e.errorType)).toEqual(['orderError']);
    clock.advance(ms(runDurationSeconds(4 * k.cellSizeXM, k)));
    expect(robot.snapshot().lastNodeId).toBe('c5_0');
  });

  it('factsheetRequest publishes a factsheet that passes the VDA 5050 factsheet schema', async () => {
    const { link } = rig();
    link.sendInstantActions(instantAction('factsheetRequest'));
    expect(link.factsheets).toHaveLength(1);
    const { validateVdaMessage } = await import('../../protocol/vda5050/validate.ts');
    const checked = validateVdaMessage('factsheet', { version: '2.0.0', manufacturer: 'gridline', serialNumber: 'R1', ...link.factsheets[0] });
    expect(checked.ok ? [] : checked.errors).toEqual([]);
    expect(link.factsheets[0]!.physicalParameters.speedMax).toBe(3.1);
  });

});

describe('VirtualRobot battery', () => {
  it('drains while driving and charges on a charger cell', () => {
    const { clock, link, robot } = rig({ startCell: { x: 0, y: 4 }, initialChargePercent: 50 });
    link.sendOrder(pathOrder({ cells: [[0, 4], [0, 5]], actions: { 1: [{ actionType: 'startCharging', actionId: 'charge-1', blockingType: 'HARD' }] } }));
    // Wheel change to y (1.2 s) plus one 0.5 m cell (1 s), at idle then idle + drive power.
    clock.advance(2199);
    const afterDrive = robot.snapshot().batteryState;
    expect(afterDrive.charging).toBe(false);
    const usedWh = (k.idlePowerW * 2.199 + k.drivePowerW * 0.999) / 3600;
    expect(afterDrive.batteryCharge).toBeCloseTo(50 - (100 * usedWh) / k.batteryCapacityWh, 2);
    clock.advance(1);
    expect(robot.snapshot().batteryState.charging).toBe(true);
    clock.advance(60_000);
    expect(robot.snapshot().batteryState.batteryCharge).toBeGreaterThan(afterDrive.batteryCharge);
  });

});

describe('VirtualRobot state publication (§Topic "state")', () => {
  it('publishes state every statePeriodMs while nothing changes', () => {
    const { clock, link } = rig({ statePeriodMs: 1000 });
    clock.advance(5000);
    const times = link.states.map((s) => Date.parse(s.timestamp) - Date.parse(link.states[0]!.timestamp));
    expect(times).toEqual([0, 1000, 2000, 3000, 4000, 5000]);
  });

  it('publishes once per instant on change, merging the changes of that instant', () => {
    const { clock, link } = rig({ statePeriodMs: 60_000 });
    clock.advance(5500);
    const before = link.states.length;
    link.sendOrder(pathOrder({ cells: row(0, 2) })); // accepted, first node reached, run started
    link.sendInstantActions(instantAction('stateRequest'));
    clock.advance(0);
    expect(link.states.length).toBe(before + 1);
    expect(link.lastState).toMatchObject({ orderId: 'order-1', driving: true });
    clock.advance(ms(runDurationSeconds(2 * k.cellSizeXM, k)));
    // One state per node passed.
    expect(lastNodeTrail(link.states.slice(before))).toEqual(['c0_0', 'c1_0', 'c2_0']);
    expect(link.states.length).toBe(before + 3);
  });

  it('gives the identical sequence of published states for the same inputs (determinism)', () => {
    const scenario = () => {
      const { clock, link } = makeRig({ placements: [{ binId: 'B1', x: 2, y: 1, level: 0 }] });
      link.sendOrder(pathOrder({ cells: [[0, 0], [1, 0], [2, 0], [2, 1]], released: 3, actions: { 3: [pickAction('p', { loadId: 'B1', x: 2, y: 1, level: 0 })] } }));
      clock.advance(700);
      link.sendInstantActions(instantAction('startPause'));
      clock.advance(1300);
      link.sendInstantActions(instantAction('stopPause'));
      link.sendOrder(pathOrder({ cells: [[2, 0], [2, 1]], orderUpdateId: 1, firstSequenceId: 4, actions: { 1: [pickAction('p', { loadId: 'B1', x: 2, y: 1, level: 0 })] } }));
      clock.advance(20_000);
      expect(link.invalidStates).toEqual([]);
      return JSON.stringify(link.states);
    };
    const first = scenario();
    expect(JSON.parse(first).length).toBeGreaterThan(20);
    expect(scenario()).toBe(first);
  });
});
