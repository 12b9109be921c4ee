import { describe, expect, it, vi } from 'vitest';
import { MemoryBroker } from '../../protocol/bus/memory-bus.ts';
import { SimulatedClock } from '../../protocol/clock.ts';
import { ConsoleClientLink, ConsoleServerLink } from '../../protocol/console/console-links.ts';
import type { ConsoleLayout, ConsoleReply, ConsoleState } from '../../protocol/console/console-messages.ts';
import { parseLayout } from '../../protocol/layout/index.ts';
import { WmsClientLink } from '../../protocol/wms/links.ts';
import type { OrderBody } from '../../protocol/vda5050/types.ts';
import { startController } from '../main.ts';
import { idleState } from '../test-support/robot-states.ts';
import { gridlineFactsheet } from '../test-support/tiny-controller.ts';

/**
 * The console gateway over an in-memory broker on a simulated clock: what it publishes and
 * when, and one reply per command. Robots are played by hand (their states fed to the core).
 * Grid 6 x 3: port P1 at (0, 0), service cell at (5, 0), charger at (5, 2), a blocked cell at (3, 1).
 */
function layout() {
  const parsed = parseLayout(
    JSON.stringify({
      name: 'gateway-test',
      columns: { x: 6, y: 3 },
      depth: 4,
      blocked: [{ x: 3, y: 1 }],
      ports: [{ id: 'P1', x: 0, y: 0, mode: 'pick' }],
      chargers: [{ id: 'C1', x: 5, y: 2 }],
      service: [{ x: 5, y: 0 }],
      robots: { count: 2 },
      inventory: {
        bins: [
          { id: 'B1', x: 2, y: 2, level: 0, contents: [{ sku: 'S1', quantity: 3 }] },
          { id: 'B2', x: 2, y: 2, level: 1, contents: [] },
          { id: 'B3', x: 4, y: 1, level: 0, contents: [{ sku: 'S2', quantity: 1 }, { sku: 'S3', quantity: 2 }] },
        ],
      },
    }),
    'gateway-test',
  );
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return parsed.layout;
}

async function rig() {
  const clock = new SimulatedClock();
  const broker = new MemoryBroker(clock);
  const orders: { serial: string; order: OrderBody }[] = [];
  // The layout has two robots, but only R001 is played: the controller must not wait for R002.
  const running = await startController({ layout: layout(), bus: broker.connect({ clientId: 'controller' }), clock, options: { fleetWaitMs: 0 }, onOrderSent: (serial, order) => void orders.push({ serial, order }) });
  const client = new ConsoleClientLink(broker.connect({ clientId: 'console' }), { site: 'demo', user: 'ann' });
  const wms = new WmsClientLink(broker.connect({ clientId: 'wms' }), { site: 'demo', clientId: 'wms' });
  await wms.start();
  const seen = { layouts: [] as ConsoleLayout[], heights: [] as number[][], states: [] as ConsoleState[], replies: [] as ConsoleReply[], invalid: [] as string[] };
  client.onLayout((l) => void seen.layouts.push(l));
  client.onStacks((h) => void seen.heights.push(Array.from(h)));
  client.onState((s) => void seen.states.push(s));
  client.onReply((r) => void seen.replies.push(r));
  client.onInvalidMessage((topic, errors) => void seen.invalid.push(`${topic}: ${errors.join('; ')}`));
  await client.start();
  clock.advance(0);
  return { clock, running, core: running.controller, client, wms, seen, orders };
}

describe('the console gateway', () => {
  it('publishes the layout, the stacks and the state at start, retained, and the state every 500 ms', async () => {
    const w = await rig();
    expect(w.seen.layouts).toHaveLength(1);
    const l = w.seen.layouts[0]!;
    expect(l.cellKinds).toBe('pssssv' + 'sssbss' + 'sssssc');
    expect(l).toMatchObject({ site: 'demo', name: 'gateway-test', columns: { x: 6, y: 3 }, depth: 4, robots: ['R001', 'R002'], vda: { interfaceName: 'uagv', manufacturer: 'gridline' } });
    expect(l.ports).toEqual([{ id: 'P1', x: 0, y: 0, mode: 'pick' }]);
    expect(w.seen.heights).toEqual([[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0]]);
    expect(w.seen.states).toHaveLength(1);
    w.clock.advance(2_000);
    expect(w.seen.states).toHaveLength(5);
    expect(w.seen.heights).toHaveLength(1); // nothing moved
    const s = w.seen.states.at(-1)!;
    expect(s).toMatchObject({ emergencyStop: false, robots: [], blockedCells: [], requests: [], alarms: [] });
    expect(s.ports).toEqual([{ id: 'P1', mode: 'pick', open: true, machine: 'mode open, presentation idle, room hasRoom', queue: [], presented: null }]);
    expect(w.seen.invalid).toEqual([]);
    await w.running.stop();
  });

  it('answers every command exactly once, refusals with a code and a reason', async () => {
    const w = await rig();
    w.core.handleState('R001', idleState('R001', 'c1_1', 90));
    w.client.send({ commandId: 'q', type: 'queryColumn', x: 4, y: 1 });
    w.client.send({ commandId: 'q-out', type: 'queryColumn', x: 6, y: 0 });
    w.client.send({ commandId: 'p', type: 'pauseRobot', serial: 'R001' });
    w.client.send({ commandId: 'p-unknown', type: 'pauseRobot', serial: 'R009' });
    w.client.send({ commandId: 'b', type: 'blockCell', x: 2, y: 0 });
    w.client.send({ commandId: 'b-robot', type: 'blockCell', x: 1, y: 1 });
    w.client.send({ commandId: 'c', type: 'closePort', portId: 'P1' });
    w.client.send({ commandId: 'c-unknown', type: 'openPort', portId: 'P9' });
    w.client.send({ commandId: 'e', type: 'emergencyStopAll' });
    w.client.sendRaw('{"commandId":"bad","type":"pauseRobot","serial":""}');
    w.client.sendRaw('{{');
    w.clock.advance(0);
    // The pause and the emergency stop are answered only once the robot's own state shows them.
    expect(w.seen.replies.map((r) => r.commandId).sort()).toEqual(['', 'b', 'b-robot', 'bad', 'c', 'c-unknown', 'p-unknown', 'q', 'q-out']);
    w.clock.advance(120);
    w.core.handleState('R001', { ...idleState('R001', 'c1_1', 90), paused: true });
    // R002, of the layout but never heard from, is asked too; no state of its shows the stop.
    w.clock.advance(2_000);
    const byId = new Map(w.seen.replies.map((r) => [r.commandId, r]));
    expect(w.seen.replies).toHaveLength(11);
    expect(byId.get('q')).toMatchObject({
      ok: true,
      code: 'OK',
      column: { x: 4, y: 1, bins: [{ binId: 'B3', level: 0, contents: [{ sku: 'S2', quantity: 1 }, { sku: 'S3', quantity: 2 }] }] },
    });
    expect(byId.get('q-out')).toMatchObject({ ok: false, code: 'OUTSIDE_GRID' });
    // R001's factsheet has not come: it is asked with the standard startPause, for the emergency stop too.
    expect(byId.get('p')).toMatchObject({ ok: true, code: 'OK', robots: [{ serial: 'R001', outcome: 'confirmed', afterMs: 120, detail: 'startPause (its factsheet has not come)' }] });
    expect(byId.get('p-unknown')).toMatchObject({ ok: false, code: 'UNKNOWN_ROBOT' });
    expect(byId.get('b')).toMatchObject({ ok: true });
    expect(byId.get('b-robot')).toMatchObject({ ok: false, code: 'NOT_ALLOWED', message: 'robot R001 stands on cell (1, 1)' });
    expect(byId.get('c')).toMatchObject({ ok: true });
    expect(byId.get('c-unknown')).toMatchObject({ ok: false, code: 'UNKNOWN_PORT' });
    expect(byId.get('e')).toMatchObject({
      ok: true,
      message: 'emergency stop: 1 of 2 robots confirmed; R002 not confirmed: startPause (its factsheet has not come) (robot offline): no state of the robot showed it within 2.0 s',
      robots: [{ serial: 'R001', outcome: 'confirmed', afterMs: 120 }, { serial: 'R002', outcome: 'notConfirmed' }],
    });
    expect(byId.get('bad')).toMatchObject({ ok: false, code: 'INVALID_COMMAND', message: 'serial must be at least 1 character long' });
    expect(byId.get('')).toMatchObject({ ok: false, code: 'INVALID_COMMAND' });
    expect(byId.get('')!.message).toMatch(/^command is not valid JSON/);

    w.clock.advance(500);
    const s = w.seen.states.at(-1)!;
    expect(s.emergencyStop).toBe(true);
    expect(s.blockedCells).toEqual([[2, 0]]);
    expect(s.ports[0]).toMatchObject({ id: 'P1', open: false, machine: 'mode closedByOperator, presentation idle, room hasRoom' });
    expect(s.robots).toEqual([
      // The console shows the robot's machine, region by region: paused by the operator.
      { serial: 'R001', state: 'idle', machine: 'connection online, placement placed, health ok, work idle, operator paused, hold free, service working, battery notCharging, release none', job: null, online: true, paused: true, inService: false, batteryPercent: 90, charging: false, errors: [], reservedCells: [[1, 1]], carrying: null, capabilities: null, hold: null },
      // Asked to stop though never heard from: shown, offline, with no cell.
      expect.objectContaining({ serial: 'R002', state: 'offline', online: false, reservedCells: [] }),
    ]);
    expect(s.alarms.map((a) => `${a.source}: ${a.message}`)).toEqual([
      'operator: emergency stop of every robot (2)',
      expect.stringMatching(/^R002: emergency stop not confirmed: .* sent cancelOrder, and no further cells are released to it; in alarm until its state shows it stopped$/),
    ]);
    await w.running.stop();
  });

  it('answers a command delivered twice (a QoS 1 repeat) with its first reply, without running it again', async () => {
    const w = await rig();
    w.core.handleState('R001', idleState('R001', 'c1_1', 90));
    w.client.send({ commandId: 'b', type: 'blockCell', x: 2, y: 0 });
    w.clock.advance(0);
    w.client.send({ commandId: 'u', type: 'unblockCell', x: 2, y: 0 });
    w.client.send({ commandId: 'b', type: 'blockCell', x: 2, y: 0 }); // the repeat, after an unblock
    w.clock.advance(0);
    expect(w.seen.replies.map((r) => [r.commandId, r.ok])).toEqual([
      ['b', true],
      ['u', true],
      ['b', true],
    ]);
    expect(w.seen.replies[2]!.message).toBe(w.seen.replies[0]!.message);
    w.clock.advance(500);
    expect(w.seen.states.at(-1)!.blockedCells).toEqual([]); // not blocked again
    await w.running.stop();
  });

  it('answers a command whose reply cannot be sent with INTERNAL_ERROR, once, and raises it', async () => {
    const w = await rig();
    w.core.handleState('R001', idleState('R001', 'c1_1', 90));
    vi.spyOn(ConsoleServerLink.prototype, 'reply').mockImplementationOnce(() => {
      throw new Error('injected: reply broke');
    });
    w.client.send({ commandId: 'b', type: 'blockCell', x: 2, y: 0 });
    w.clock.advance(0);
    expect(w.seen.replies.map((r) => [r.commandId, r.code, r.message])).toEqual([['b', 'INTERNAL_ERROR', 'internal error: injected: reply broke (in blockCell)']]);
    expect(w.core.alarms.map((a) => `${a.source}: ${a.message.split('\n')[0]}`)).toEqual(['console: internal error: Error: injected: reply broke']);
    vi.restoreAllMocks();
    await w.running.stop();
  });

  it('publishes the stacks again within a second of a bin moving, and not more often', async () => {
    const w = await rig();
    // R001 stands on B2's column; a retrieval of B1 (under B2) makes it lift B2 off first.
    w.core.handleState('R001', idleState('R001', 'c2_2', 90));
    w.core.edge.onFactsheet('R001', gridlineFactsheet('R001'));
    w.wms.send({ type: 'pick', requestId: 'r1', lines: [{ sku: 'S1', quantity: 1 }] });
    w.clock.advance(300);
    const order = w.orders.find((o) => o.order.nodes.some((n) => n.actions.some((a) => a.actionType === 'pick')))!.order;
    const pick = order.nodes.at(-1)!.actions[0]!;
    expect(pick.actionParameters).toContainEqual({ key: 'loadId', value: 'B2' });
    w.clock.advance(200);
    const before = w.seen.heights.length;
    w.core.handleState('R001', { ...idleState('R001', 'c2_2', 90), orderId: order.orderId, actionStates: [{ actionId: pick.actionId, actionType: 'pick', actionStatus: 'FINISHED' }], loads: [{ loadId: 'B2' }] });
    w.clock.advance(1_000);
    expect(w.seen.heights.length).toBe(before + 1);
    expect(w.seen.heights.at(-1)![2 * 6 + 2]).toBe(1);
    const robot = w.seen.states.at(-1)!.robots[0]!;
    expect(robot.carrying).toBe('B2');
    expect(robot.job).toMatch(/^bring bin B1 to port P1 for r1$/);
    expect(w.seen.states.at(-1)!.requests).toEqual([
      { requestId: 'r1', type: 'pick', status: 'inProgress', progress: '0 of 1 bin done, 0 of 1 pieces picked', fraction: 0.25, acceptedAt: '2026-01-01T00:00:00.000Z' },
    ]);
    // Nothing else moves (the robot is not told its next leg is done): no more stacks messages.
    w.clock.advance(3_000);
    expect(w.core.stackVersion).toBe(1);
    expect(w.seen.heights.length).toBe(before + 1);
    await w.running.stop();
  });
});
