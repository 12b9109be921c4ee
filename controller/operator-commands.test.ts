import { describe, expect, it } from 'vitest';
import type { State } from '../protocol/vda5050/types.ts';
import type { OperatorOutcome } from './grid-controller.ts';
import { gridlineFactsheet } from './test-support/tiny-controller.ts';
import { idleState } from './test-support/robot-states.ts';
import { online, onOrder, recordingRig } from './test-support/recording-rig.ts';

/**
 * The controller's side of operators' commands (pause, emergency stop, ports, blocked cells) on
 * the tiny facility: 8 x 4 columns, port P1 at (0, 0), charger at (7, 1), no service cell.
 */
const rig = recordingRig;

describe('pausing a robot', () => {
  it('sends startPause, gives it no job while paused, and stopPause on resume, after which it works', () => {
    const r = rig();
    r.addRobot('R1', 'c1_2');
    expect(r.controller.pauseRobot('R1')).toMatchObject({ ok: true });
    r.queueRetrieval();
    r.controller.controlCycle();
    expect(r.actionTypes('R1')).toEqual(['factsheetRequest', 'startPause']);
    expect(r.controller.robotStatus('R1')!.job).toBeNull();
    expect(r.orders).toEqual([]);
    expect(r.controller.robotViews()[0]).toMatchObject({ serial: 'R1', paused: true });
    expect(r.controller.resumeRobot('R1')).toMatchObject({ ok: true });
    expect(r.actionTypes('R1').at(-1)).toBe('stopPause');
    r.controller.controlCycle();
    expect(r.controller.robotStatus('R1')!.job).toBe('v-B1');
    expect(r.orders).toHaveLength(1);
  });

  it('releases a paused robot no further cells and keeps those it holds', () => {
    const r = rig();
    r.addRobot('R1', 'c0_2');
    r.queueRetrieval();
    r.controller.controlCycle();
    const order = r.orders[0]!.order;
    const heldBefore = r.controller.heldCells('R1');
    expect(heldBefore.length).toBeGreaterThan(1);
    r.controller.pauseRobot('R1');
    r.controller.handleState('R1', onOrder('R1', order, 1));
    for (let i = 0; i < 4; i++) r.controller.controlCycle();
    expect(r.orders).toHaveLength(1);
    expect(r.controller.heldCells('R1')).toEqual(heldBefore.slice(1));
    r.controller.resumeRobot('R1');
    r.controller.controlCycle();
    expect(r.orders).toHaveLength(2);
    expect(r.orders[1]!.order.orderId).toBe(order.orderId);
  });

  it('refuses an unknown robot', () => {
    const r = rig();
    expect(r.controller.pauseRobot('R9')).toEqual({ ok: false, code: 'UNKNOWN_ROBOT', message: 'robot "R9" has not reported to the controller' });
    expect(r.controller.resumeRobot('R9')).toMatchObject({ ok: false, code: 'UNKNOWN_ROBOT' });
    expect(r.instant).toEqual([]);
  });
});

describe('an emergency stop of every robot', () => {
  it('stops every robot, releases and assigns nothing, keeps reservations, reaches robots coming online, and resumes', () => {
    const r = rig([
      { id: 'B1', x: 5, y: 2, level: 0, contents: [{ sku: 'S1', quantity: 4 }] },
      { id: 'B2', x: 6, y: 3, level: 0, contents: [{ sku: 'S1', quantity: 4 }] },
    ]);
    r.addRobot('R1', 'c2_2');
    r.addRobot('R2', 'c7_0');
    r.queueRetrieval();
    r.controller.controlCycle();
    const ordersBefore = r.orders.length;
    const held = r.controller.heldCells('R1');
    expect(held.length).toBeGreaterThan(1);
    expect(r.controller.emergencyStopAll()).toMatchObject({ ok: true });
    expect(r.controller.emergencyStop).toBe(true);
    expect(r.actionTypes('R1').at(-1)).toBe('emergencyStop');
    expect(r.actionTypes('R2').at(-1)).toBe('emergencyStop');
    // The robot reaches its next node, and one comes online: nothing new is released or assigned.
    r.controller.handleState('R1', onOrder('R1', r.orders[0]!.order, 1));
    r.addRobot('R3', 'c6_0');
    r.queueRetrieval('B2');
    for (let i = 0; i < 4; i++) r.controller.controlCycle();
    expect(r.orders).toHaveLength(ordersBefore);
    expect(r.controller.heldCells('R1')).toEqual(held.slice(1));
    expect(r.actionTypes('R3')).toContain('emergencyStop');
    // Every robot of the fleet, R3 too, which had not reported yet.
    expect(r.controller.alarms.map((a) => a.message)).toEqual(['emergency stop of every robot (3)']);
    expect(r.controller.resumeAll()).toMatchObject({ ok: true });
    expect(r.controller.emergencyStop).toBe(false);
    for (const serial of ['R1', 'R2', 'R3']) expect(r.actionTypes(serial).at(-1)).toBe('releaseEmergencyStop');
    // No order until a robot's own state shows the release (a vehicle refuses orders while stopped).
    r.controller.controlCycle();
    expect(r.orders).toHaveLength(ordersBefore);
    r.controller.handleState('R1', { ...onOrder('R1', r.orders[0]!.order, 1), driving: false });
    r.controller.handleState('R2', idleState('R2', 'c7_0'));
    r.controller.handleState('R3', idleState('R3', 'c6_0'));
    r.controller.controlCycle();
    expect(r.orders.length).toBeGreaterThan(ordersBefore);
  });

  it('sends the release again to a robot that was offline when the emergency stop was released', () => {
    const r = rig();
    r.addRobot('R1', 'c2_2');
    r.addRobot('R2', 'c7_0');
    r.controller.emergencyStopAll();
    r.controller.handleConnection('R2', { ...online('R2'), connectionState: 'CONNECTIONBROKEN' });
    r.controller.resumeAll();
    const releasesBefore = r.actionTypes('R2').filter((t) => t === 'releaseEmergencyStop').length;
    r.controller.handleConnection('R2', online('R2'));
    expect(r.actionTypes('R2').filter((t) => t === 'releaseEmergencyStop').length).toBe(releasesBefore + 1);
    // Online all along: nothing more for R1; and only once for R2.
    r.controller.handleConnection('R2', { ...online('R2'), connectionState: 'CONNECTIONBROKEN' });
    r.controller.handleConnection('R2', online('R2'));
    expect(r.actionTypes('R2').filter((t) => t === 'releaseEmergencyStop').length).toBe(releasesBefore + 1);
    expect(r.actionTypes('R1').filter((t) => t === 'releaseEmergencyStop').length).toBe(1);
  });
});

describe('closing a port', () => {
  it('starts no retrieval for a closed port until it opens again, and refuses an unknown port', () => {
    const r = rig();
    r.addRobot('R1', 'c1_2');
    expect(r.controller.setPortOpen('P1', false)).toMatchObject({ ok: true });
    expect(r.controller.portTakesVisits('P1')).toBe(false);
    r.queueRetrieval();
    r.controller.controlCycle();
    expect(r.controller.robotStatus('R1')!.job).toBeNull();
    expect(r.controller.setPortOpen('P1', true)).toMatchObject({ ok: true });
    r.controller.controlCycle();
    expect(r.controller.robotStatus('R1')!.job).toBe('v-B1');
    expect(r.controller.setPortOpen('P7', false)).toMatchObject({ ok: false, code: 'UNKNOWN_PORT', message: 'port "P7" does not exist; ports are P1' });
  });
});

describe('blocking a cell', () => {
  it('refuses cells outside, in the layout blocked, ports, and cells robots stand on or hold, saying which', () => {
    const r = rig();
    r.addRobot('R1', 'c2_2');
    r.addRobot('R2', 'c7_0');
    r.queueRetrieval();
    r.controller.controlCycle();
    expect(r.controller.heldCells('R1').length).toBeGreaterThan(1);
    const ahead = r.controller.heldCells('R1')[1]!;
    const { x, y } = r.controller.grid.cellOf(ahead);
    expect(r.controller.blockCell(8, 0)).toEqual({ ok: false, code: 'OUTSIDE_GRID', message: 'cell (8, 0) is outside the 8 x 4 grid' });
    expect(r.controller.blockCell(0, 0)).toMatchObject({ ok: false, code: 'NOT_ALLOWED', message: "cell (0, 0) is port P1's cell; close the port instead" });
    expect(r.controller.blockCell(7, 0)).toEqual({ ok: false, code: 'NOT_ALLOWED', message: 'robot R2 stands on cell (7, 0)' });
    expect(r.controller.blockCell(x, y)).toEqual({ ok: false, code: 'NOT_ALLOWED', message: `robot R1 holds cell (${x}, ${y}) reserved` });
    expect(r.controller.blockCell(5, 2)).toMatchObject({ ok: false, code: 'NOT_ALLOWED' }); // R1 is on its way to dig it
    expect(r.controller.blockedCells()).toEqual([]);
  });

  it('keeps robots and bins off a blocked cell until unblocked', () => {
    const r = rig([
      { id: 'B1', x: 5, y: 2, level: 0, contents: [{ sku: 'S1', quantity: 4 }] },
      { id: 'B2', x: 4, y: 2, level: 0, contents: [{ sku: 'S1', quantity: 4 }] },
    ]);
    r.addRobot('R1', 'c2_2');
    expect(r.controller.blockCell(3, 2)).toMatchObject({ ok: true });
    expect(r.controller.blockCell(4, 2)).toMatchObject({ ok: true });
    expect(r.controller.blockedCells()).toEqual([r.controller.grid.index(3, 2), r.controller.grid.index(4, 2)]);
    // B2's column is blocked: not dug. B1's is not: the robot drives round the blocked cells.
    r.queueRetrieval('B2');
    r.controller.controlCycle();
    expect(r.controller.robotStatus('R1')!.job).toBeNull();
    r.queueRetrieval('B1');
    r.controller.controlCycle();
    expect(r.controller.robotStatus('R1')!.job).toBe('v-B1');
    const nodes = r.orders.flatMap((o) => o.order.nodes.map((n) => n.nodeId));
    expect(nodes.at(-1)).toBe('c5_2');
    expect(nodes).not.toContain('c3_2');
    expect(nodes).not.toContain('c4_2');
    expect(r.controller.unblockCell(4, 2)).toMatchObject({ ok: true });
    expect(r.controller.unblockCell(4, 2)).toEqual({ ok: true, message: 'cell (4, 2) was not blocked' });
    expect(r.controller.blockedCells()).toEqual([r.controller.grid.index(3, 2)]);
    expect(r.controller.traffic.distance(r.controller.grid.index(4, 2), r.controller.grid.index(2, 1))).toBe(3);
  });
});

describe('sending a robot to service', () => {
  it('is refused where the layout has no service cell, and for an unknown robot', () => {
    const r = rig();
    r.addRobot('R1', 'c1_2');
    expect(r.controller.sendToService('R1')).toEqual({ ok: false, code: 'NOT_ALLOWED', message: 'the layout has no service cell to send a robot to' });
    expect(r.controller.sendToService('R9')).toMatchObject({ ok: false, code: 'UNKNOWN_ROBOT' });
    expect(r.controller.robotViews()[0]!.inService).toBe(false);
  });
});

// DESIGN.md "Trust at the robot edge": a stop, pause or resume counts only when the robot's own
// state shows it (VDA 5050 2.0.0 §6.8.2 startPause: "The AGV reports .paused: true"; §6.10.6 safetyState).
describe('stops verified on each robot\'s own state', () => {
  const stopped = (serial: string, nodeId: string, eStop: State['safetyState']['eStop'] = 'REMOTE'): State => ({ ...idleState(serial, nodeId), safetyState: { eStop, fieldViolation: false } });

  it('reports each robot of the fleet confirmed, with the time its state took to show it standing stopped', () => {
    const r = rig();
    r.addRobot('R1', 'c2_2');
    r.addRobot('R2', 'c7_0');
    r.addRobot('R3', 'c6_3');
    const outcomes: OperatorOutcome[] = [];
    r.controller.emergencyStopAll((o) => outcomes.push(o));
    r.clock.advance(100);
    r.controller.handleState('R1', stopped('R1', 'c2_2'));
    r.controller.handleState('R3', stopped('R3', 'c6_3'));
    // In emergency stop but still driving to its next node: not yet.
    r.controller.handleState('R2', { ...stopped('R2', 'c7_0'), driving: true });
    expect(outcomes).toEqual([]);
    r.clock.advance(200);
    r.controller.handleState('R2', stopped('R2', 'c7_0'));
    expect(outcomes).toEqual([
      {
        ok: true,
        message: 'emergency stop: 3 of 3 robots confirmed',
        robots: [
          { serial: 'R1', outcome: 'confirmed', afterMs: 100, detail: 'emergencyStop' },
          { serial: 'R2', outcome: 'confirmed', afterMs: 300, detail: 'emergencyStop' },
          { serial: 'R3', outcome: 'confirmed', afterMs: 100, detail: 'emergencyStop' },
        ],
      },
    ]);
  });

  it('never calls an unseen stop done: a robot silent on it is not confirmed, gets startPause and cancelOrder, and stays in alarm until its state shows it stopped', () => {
    const r = rig();
    r.addRobot('R1', 'c2_2');
    r.addRobot('R2', 'c7_0');
    const outcomes: OperatorOutcome[] = [];
    r.controller.emergencyStopAll((o) => outcomes.push(o));
    r.controller.handleState('R1', stopped('R1', 'c2_2'));
    r.clock.advance(1_999);
    r.controller.controlCycle();
    expect(outcomes).toEqual([]);
    r.clock.advance(1);
    r.controller.controlCycle();
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]!.message).toBe(
      'emergency stop: 1 of 3 robots confirmed; R2 not confirmed: emergencyStop: no state of the robot showed it within 2.0 s; R3 not confirmed: emergencyStop (robot offline): no state of the robot showed it within 2.0 s',
    );
    expect(r.actionTypes('R2').slice(-3)).toEqual(['emergencyStop', 'startPause', 'cancelOrder']);
    expect(r.actionTypes('R1').at(-1)).toBe('emergencyStop');
    const alarms = () => r.controller.alarms.map((a) => `${a.source}: ${a.message}`);
    expect(alarms().find((a) => a.startsWith('R2: emergency stop not confirmed'))).toMatch(/^R2: emergency stop not confirmed: .*sent startPause and cancelOrder, and no further cells are released to it; in alarm until its state shows it stopped$/);
    // Still driving: not stopped. Then paused: stopped, and said so once.
    r.clock.advance(3_000);
    r.controller.handleState('R2', { ...idleState('R2', 'c7_0'), driving: true, nodeStates: [{ nodeId: 'c6_0', sequenceId: 2, released: true }] });
    expect(r.controller.edge.robotsOwingStops()).toEqual(['R2', 'R3']);
    r.controller.handleState('R2', { ...idleState('R2', 'c7_0'), paused: true });
    r.controller.handleState('R2', { ...idleState('R2', 'c7_0'), paused: true });
    expect(r.controller.edge.robotsOwingStops()).toEqual(['R3']);
    expect(alarms().filter((a) => a.includes('shows it stopped now'))).toEqual(['R2: its state shows it stopped now, 3.0 s after the emergency stop went unconfirmed']);
  });

  it('asks a robot without emergencyStop with the standard startPause, and one with neither is "not supported" and cancelled', () => {
    const r = rig();
    const noEStop = gridlineFactsheet('R2');
    noEStop.protocolFeatures.agvActions = noEStop.protocolFeatures.agvActions.filter((a) => !/mergencyStop$/.test(a.actionType));
    const nothing = gridlineFactsheet('R3');
    nothing.protocolFeatures.agvActions = nothing.protocolFeatures.agvActions.filter((a) => !/mergencyStop$|Pause$/.test(a.actionType));
    r.controller.edge.onFactsheet('R2', noEStop);
    r.controller.edge.onFactsheet('R3', nothing);
    r.addRobot('R1', 'c2_2');
    r.addRobot('R2', 'c7_0');
    r.addRobot('R3', 'c6_3');
    const outcomes: OperatorOutcome[] = [];
    r.controller.emergencyStopAll((o) => outcomes.push(o));
    r.clock.advance(50);
    r.controller.handleState('R1', stopped('R1', 'c2_2'));
    r.controller.handleState('R2', { ...idleState('R2', 'c7_0'), paused: true });
    r.clock.advance(2_000);
    r.controller.controlCycle();
    expect(outcomes[0]!.ok && outcomes[0]!.robots).toEqual([
      { serial: 'R1', outcome: 'confirmed', afterMs: 50, detail: 'emergencyStop' },
      { serial: 'R2', outcome: 'confirmed', afterMs: 50, detail: 'startPause (its factsheet lists no emergencyStop)' },
      { serial: 'R3', outcome: 'notSupported', detail: 'its factsheet lists neither emergencyStop nor startPause' },
    ]);
    expect(r.actionTypes('R2').slice(1)).toEqual(['startPause']);
    expect(r.actionTypes('R3').slice(1)).toEqual(['cancelOrder']);
    // The release undoes what each was asked: stopPause for R2, nothing for R3.
    r.controller.resumeAll();
    expect(r.actionTypes('R2').at(-1)).toBe('stopPause');
    expect(r.actionTypes('R3').slice(1)).toEqual(['cancelOrder']);
  });

  it('confirms a pause and a resume on the robot\'s paused flag', () => {
    const r = rig();
    r.addRobot('R1', 'c2_2');
    const outcomes: OperatorOutcome[] = [];
    r.controller.pauseRobot('R1', (o) => outcomes.push(o));
    r.clock.advance(40);
    r.controller.handleState('R1', { ...idleState('R1', 'c2_2'), paused: true });
    r.controller.resumeRobot('R1', (o) => outcomes.push(o));
    r.clock.advance(60);
    r.controller.handleState('R1', { ...idleState('R1', 'c2_2'), paused: true });
    r.controller.handleState('R1', { ...idleState('R1', 'c2_2'), paused: false });
    expect(outcomes.map((o) => o.message)).toEqual(['pause of R1: 1 of 1 robot confirmed', 'resume of R1: 1 of 1 robot confirmed']);
    expect(outcomes.map((o) => o.ok && o.robots?.[0]?.outcome === 'confirmed' && o.robots[0].afterMs)).toEqual([40, 60]);
  });
});
