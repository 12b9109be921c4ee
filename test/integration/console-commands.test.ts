import { describe, expect, it } from 'vitest';
import { loadLayout } from '../../cli/load-layout.ts';
import { startFacility, type Facility } from '../../cli/facility.ts';
import { receiveCommand, type ConsoleReplyDraft } from '../../protocol/console/console-links.ts';
import type { ConsoleCommand } from '../../protocol/console/console-messages.ts';
import { parseVdaTopic } from '../../protocol/vda5050/topics.ts';
import type { Action, Order } from '../../protocol/vda5050/types.ts';

/**
 * Operators' commands on the default facility (12 robots, ports P1 and P2 pick, P3 putaway,
 * service cell (0, 0)), in-process on a simulated clock: each command does what it says, and
 * afterwards the facility still completes every request with every invariant holding
 * (DESIGN.md §5). Commands go through the console gateway as a console would send them.
 */
const REQUESTS = 24;

/** A command without its commandId (the rig numbers them). */
type CommandDraft = { [K in ConsoleCommand['type']]: Omit<Extract<ConsoleCommand, { type: K }>, 'commandId'> }[ConsoleCommand['type']];

interface Sent {
  atMs: number;
  serial: string;
}

async function rig(seed: number) {
  const orders: (Sent & { order: Order })[] = [];
  const instant: (Sent & { actions: Action[] })[] = [];
  let facility: Facility | undefined;
  facility = await startFacility({
    layout: await loadLayout(undefined),
    transport: { kind: 'in-process' },
    seed,
    wms: { totalRequests: REQUESTS, requestsPerHour: 400, maxOpenRequests: 12 },
    checkEveryMs: 1_000,
    onVdaMessage: (topic, payload) => {
      const parsed = parseVdaTopic(topic);
      if (!parsed || !facility) return;
      const atMs = facility.elapsedMs();
      const serial = parsed.address.serialNumber;
      if (parsed.kind === 'order') orders.push({ atMs, serial, order: JSON.parse(payload) as Order });
      if (parsed.kind === 'instantActions') instant.push({ atMs, serial, actions: (JSON.parse(payload) as { actions: Action[] }).actions });
    },
  });
  const f = facility;
  const core = f.controller.controller;
  let commandNumber = 0;
  /** Runs a command; its reply, once given (a stop's or pause's waits on the robots' states). */
  const command = (c: CommandDraft) => {
    let reply: ConsoleReplyDraft | undefined;
    f.controller.console.handle(receiveCommand('operator', JSON.stringify({ commandId: `k${++commandNumber}`, ...c })), (r) => (reply = r));
    for (let t = 0; t < 50 && !reply; t++) f.advance(100);
    if (!reply) throw new Error(`no reply to ${c.type}`);
    return reply;
  };
  const view = (serial: string) => core.robotViews().find((v) => v.serial === serial)!;
  const instantTypes = (serial: string, sinceMs = 0) => instant.filter((i) => i.serial === serial && i.atMs >= sinceMs).flatMap((i) => i.actions.map((a) => a.actionType));
  /** A robot on its way somewhere, with cells released ahead. */
  const movingRobot = () => core.robotViews().find((v) => v.job && core.heldCells(v.serial).length > 1)?.serial;
  /** Runs until every request has ended; expects all completed, every invariant held. */
  const drain = async () => {
    const wms = f.wms!;
    for (let t = 0; t < 45 * 60_000 && !(wms.stats().sent >= REQUESTS && wms.stats().open === 0); t += 5_000) f.advance(5_000);
    f.checker.checkNow(f.elapsedMs());
    f.checker.checkRequests(f.elapsedMs(), true);
    const stats = wms.stats();
    await f.stop();
    expect(stats.sent).toBe(REQUESTS);
    expect(stats.completed).toBe(REQUESTS);
    expect(f.checker.violations).toEqual([]);
  };
  return { f, core, orders, instant, command, view, instantTypes, movingRobot, drain };
}

describe('operator commands on the default facility', () => {
  it('pauses a robot where it is (no new cells, orders or jobs, its cells kept) and resumes it', async () => {
    const w = await rig(31);
    w.f.advance(60_000);
    const serial = w.movingRobot()!;
    expect(serial).toBeDefined();
    const pausedAt = w.f.elapsedMs();
    // Answered once the robot's own state shows it paused.
    expect(w.command({ type: 'pauseRobot', serial })).toMatchObject({ ok: true, code: 'OK', robots: [{ serial, outcome: 'confirmed' }] });
    w.f.advance(100);
    const job = w.view(serial).job;
    const held = w.core.heldCells(serial);
    const cells = w.f.world.occupiedCells(serial);
    w.f.advance(30_000);
    expect(w.instantTypes(serial, pausedAt)).toEqual(['startPause']);
    expect(w.orders.filter((o) => o.serial === serial && o.atMs > pausedAt)).toEqual([]);
    expect(w.f.world.occupiedCells(serial)).toEqual(cells);
    expect(w.core.heldCells(serial)).toEqual(held);
    expect(w.view(serial)).toMatchObject({ paused: true, job, machine: { operator: 'paused', work: 'working' } });
    expect(w.f.fleet.robots.get(serial)!.snapshot().paused).toBe(true);
    expect(w.command({ type: 'resumeRobot', serial })).toMatchObject({ ok: true, robots: [{ serial, outcome: 'confirmed' }] });
    w.f.advance(10_000);
    expect(w.instantTypes(serial, pausedAt)).toEqual(['startPause', 'stopPause']);
    expect(w.view(serial).paused).toBe(false);
    expect(w.f.world.occupiedCells(serial)).not.toEqual(cells);
    expect(w.command({ type: 'pauseRobot', serial: 'R999' })).toMatchObject({ ok: false, code: 'UNKNOWN_ROBOT' });
    await w.drain();
  }, 120_000);

  it('stops every robot at once and releases nothing until resumed; robots keep their cells', async () => {
    const w = await rig(32);
    w.f.advance(60_000);
    const stoppedAt = w.f.elapsedMs();
    const stop = w.command({ type: 'emergencyStopAll' });
    expect(stop).toMatchObject({ ok: true, message: `emergency stop: ${w.f.fleet.robots.size} of ${w.f.fleet.robots.size} robots confirmed` });
    expect(stop.robots!.map((r) => r.outcome)).toEqual([...w.f.fleet.robots.keys()].map(() => 'confirmed'));
    w.f.advance(3_000); // robots finish the edge they are on
    const serials = [...w.f.fleet.robots.keys()];
    const cells = new Map(serials.map((s) => [s, w.f.world.occupiedCells(s)]));
    const held = new Map(serials.map((s) => [s, w.core.heldCells(s)]));
    w.f.advance(30_000);
    expect(w.core.emergencyStop).toBe(true);
    for (const s of serials) {
      expect(w.instantTypes(s, stoppedAt), s).toEqual(['emergencyStop']);
      expect(w.f.world.occupiedCells(s), s).toEqual(cells.get(s));
      expect(w.core.heldCells(s), s).toEqual(held.get(s));
      expect(w.f.fleet.robots.get(s)!.snapshot().safetyState.eStop).toBe('REMOTE');
    }
    expect(w.orders.filter((o) => o.atMs > stoppedAt)).toEqual([]);
    expect(w.command({ type: 'resumeAll' })).toMatchObject({ ok: true, message: `emergency stop released: ${w.f.fleet.robots.size} of ${w.f.fleet.robots.size} robots confirmed` });
    w.f.advance(10_000);
    for (const s of serials) expect(w.instantTypes(s, stoppedAt)).toEqual(['emergencyStop', 'releaseEmergencyStop']);
    expect(w.core.emergencyStop).toBe(false);
    expect(w.orders.filter((o) => o.atMs > stoppedAt).length).toBeGreaterThan(0);
    await w.drain();
  }, 120_000);

  it('starts no retrieval for a closed port, lets what is under way finish, and serves it again once opened', async () => {
    const w = await rig(33);
    w.f.advance(60_000);
    const visitIdsBefore = new Set([...w.core.requests.all()].flatMap((r) => r.visits.map((v) => v.visitId)));
    expect(w.command({ type: 'closePort', portId: 'P1' })).toMatchObject({ ok: true });
    expect(w.command({ type: 'closePort', portId: 'P9' })).toMatchObject({ ok: false, code: 'UNKNOWN_PORT' });
    const p1 = w.core.ports.get('P1')!;
    let underway = p1.retrievalsUnderway;
    expect(underway).toBeGreaterThan(0);
    for (let t = 0; t < 240; t++) {
      w.f.advance(1_000);
      expect(p1.retrievalsUnderway).toBeLessThanOrEqual(underway);
      underway = p1.retrievalsUnderway;
    }
    expect(p1.retrievalsUnderway).toBe(0);
    expect(p1.queue).toEqual([]);
    // New pick requests go to the open pick port, P2, meanwhile.
    const newPickVisits = [...w.core.requests.all()].flatMap((r) => r.visits.filter((v) => v.mode === 'pick' && !visitIdsBefore.has(v.visitId)));
    expect(newPickVisits.length).toBeGreaterThan(0);
    expect(newPickVisits.every((v) => v.portId === 'P2')).toBe(true);
    expect(w.core.portTakesVisits('P1')).toBe(false);
    expect(w.command({ type: 'openPort', portId: 'P1' })).toMatchObject({ ok: true });
    expect(w.core.portTakesVisits('P1')).toBe(true);
    await w.drain();
  }, 120_000);

  it('keeps robots and bins off a blocked cell, and plans through it again once unblocked', async () => {
    const w = await rig(34);
    w.f.advance(60_000);
    const standing = w.core.robotViews()[0]!.serial;
    const at = w.core.grid.cellOf(w.core.heldCells(standing)[0]!);
    expect(w.command({ type: 'blockCell', x: at.x, y: at.y })).toMatchObject({ ok: false, code: 'NOT_ALLOWED', message: expect.stringContaining(`robot ${standing}`) });
    expect(w.command({ type: 'blockCell', x: 24, y: 0 })).toMatchObject({ ok: false, code: 'OUTSIDE_GRID' });
    // A storage cell in the middle of the traffic that nobody needs right now.
    let blocked: { x: number; y: number } | undefined;
    for (const [x, y] of [[11, 3], [11, 4], [10, 3], [12, 3], [11, 5], [10, 4], [12, 4]] as const) {
      if (w.command({ type: 'blockCell', x, y }).ok) {
        blocked = { x, y };
        break;
      }
    }
    expect(blocked).toBeDefined();
    const { x, y } = blocked!;
    const cell = w.core.grid.index(x, y);
    const blockedAt = w.f.elapsedMs();
    const height = w.core.inventory.height(x, y);
    for (let t = 0; t < 300; t++) {
      w.f.advance(1_000);
      for (const serial of w.f.fleet.robots.keys()) {
        expect(w.core.heldCells(serial)).not.toContain(cell);
        expect(w.f.world.occupiedCells(serial)).not.toContainEqual({ x, y });
      }
    }
    expect(w.core.inventory.height(x, y)).toBe(height);
    const through = w.orders.filter((o) => o.atMs > blockedAt && o.order.nodes.some((n) => n.nodeId === `c${x}_${y}`));
    expect(through).toEqual([]);
    expect(w.core.blockedCells()).toEqual([cell]);
    expect(w.command({ type: 'unblockCell', x, y })).toMatchObject({ ok: true });
    expect(w.core.blockedCells()).toEqual([]);
    expect(w.core.traffic.distance(cell, w.core.grid.index(x + 1, y))).toBe(1);
    await w.drain();
  }, 120_000);

  it('sends a robot to the service cell, where it takes no work, and returns it to work', async () => {
    const w = await rig(35);
    w.f.advance(60_000);
    // A robot bringing a bin to a port: it delivers the bin first.
    const serial = w.core.robotViews().find((v) => v.job?.kind === 'retrieve' && w.core.inventory.binOnRobot(v.serial) === v.job.binId)!.serial;
    const carried = w.core.inventory.binOnRobot(serial)!;
    const reply = w.command({ type: 'sendToService', serial });
    expect(reply).toMatchObject({ ok: true });
    expect(reply.message).toContain(`puts away bin ${carried}`);
    let arrivedAtMs: number | undefined;
    for (let t = 0; t < 600 && arrivedAtMs === undefined; t++) {
      w.f.advance(1_000);
      if (w.core.heldCells(serial)[0] === w.core.grid.index(0, 0) && !w.view(serial).job) arrivedAtMs = w.f.elapsedMs();
    }
    expect(arrivedAtMs).toBeDefined();
    expect(w.core.inventory.binOnRobot(serial)).toBeUndefined();
    expect(w.core.inventory.location(carried)).not.toEqual({ kind: 'robot', serial });
    for (let t = 0; t < 120; t++) {
      w.f.advance(1_000);
      expect(w.view(serial)).toMatchObject({ inService: true, job: null });
      expect(w.f.world.occupiedCells(serial)).toEqual([{ x: 0, y: 0 }]);
    }
    expect(w.command({ type: 'returnFromService', serial })).toMatchObject({ ok: true });
    expect(w.view(serial).inService).toBe(false);

    // A robot on its way to dig a bin, carrying none, gives the retrieval back for another robot.
    let other: string | undefined;
    for (let t = 0; t < 120 && other === undefined; t++) {
      w.f.advance(1_000);
      other = w.core.robotViews().find((v) => v.job?.kind === 'retrieve' && !w.core.inventory.binOnRobot(v.serial) && w.core.heldCells(v.serial).length > 1)?.serial;
    }
    expect(other).toBeDefined();
    const visitId = w.view(other!).job!.id;
    expect(w.command({ type: 'sendToService', serial: other! })).toMatchObject({ ok: true, message: `robot ${other} ends its current move, gives its job back, then drives to a service cell` });
    let givenBack = false;
    for (let t = 0; t < 60 && !givenBack; t++) {
      w.f.advance(1_000);
      givenBack = w.view(other!).job?.id !== visitId;
    }
    expect(givenBack).toBe(true);
    expect(w.core.inventory.binOnRobot(other!)).toBeUndefined();
    w.f.advance(120_000);
    expect(w.core.robotViews().some((v) => v.serial !== other && v.job?.id === visitId) || w.core.requests.visit(visitId)?.state !== 'queued').toBe(true);
    expect(w.view(other!).inService).toBe(true);
    expect(w.command({ type: 'returnFromService', serial: other! })).toMatchObject({ ok: true });
    await w.drain();
  }, 120_000);
});
