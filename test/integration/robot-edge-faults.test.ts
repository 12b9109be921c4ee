/**
 * The controller believes only what a robot confirms (DESIGN.md, "Trust at the robot edge"): one
 * test per fault at the robot edge, each on the default facility in-process (simulated clock,
 * deterministic), with the fault on the wire of one robot (sim/faults/faulty-vehicle-bus.ts).
 * Each run ends with every invariant of DESIGN.md §5 holding and every WMS request ended.
 * VDA 5050 2.0.0 sections are cited where a test checks a rule of the text.
 */
import { describe, expect, it } from 'vitest';
import { loadLayout } from '../../cli/load-layout.ts';
import { startFacility, type Facility } from '../../cli/facility.ts';
import { receiveCommand, type ConsoleReplyDraft } from '../../protocol/console/console-links.ts';
import { vdaTopic } from '../../protocol/vda5050/topics.ts';
import type { State } from '../../protocol/vda5050/types.ts';
import type { VehicleFaults } from '../../sim/faults/faulty-vehicle-bus.ts';
import { idleState } from '../../controller/test-support/robot-states.ts';

const FAULTY = 'R003';
const REQUESTS = 24;

interface Run {
  f: Facility;
  faults: VehicleFaults;
  alarms(): string[];
  /** Runs until every request has ended (or 40 simulated minutes); then checks the invariants. */
  finish(): Promise<void>;
  /** Runs until `condition` holds, at most `limitMs` of facility time. */
  until(condition: () => boolean, limitMs?: number): boolean;
}

async function run(seed: number, faults: VehicleFaults = {}): Promise<Run> {
  const f = await startFacility({
    layout: await loadLayout(undefined),
    transport: { kind: 'in-process' },
    seed,
    wms: { totalRequests: REQUESTS, requestsPerHour: 600, maxOpenRequests: 8 },
    checkEveryMs: 500,
    vehicleFaults: new Map([[FAULTY, faults]]),
  });
  const core = f.controller.controller;
  const until = (condition: () => boolean, limitMs = 10 * 60_000) => {
    for (let t = 0; t < limitMs; t += 250) {
      if (condition()) return true;
      f.advance(250);
    }
    return condition();
  };
  return {
    f,
    faults,
    alarms: () => core.alarms.map((a) => `${a.source}: ${a.message}`),
    until,
    async finish() {
      const wms = f.wms!;
      until(() => wms.stats().sent >= REQUESTS && wms.stats().open === 0, 40 * 60_000);
      f.checker.checkNow(f.elapsedMs());
      f.checker.checkRequests(f.elapsedMs(), true);
      const stats = wms.stats();
      await f.stop();
      expect(stats.sent).toBe(REQUESTS);
      expect(stats.open).toBe(0);
      expect(f.checker.violations).toEqual([]);
      expect(core.alarms.filter((a) => a.message.startsWith('internal error'))).toEqual([]);
    },
  };
}

/** The robot's job, or null (undefined before it has reported). */
const jobOf = (f: Facility, serial: string) => f.controller.controller.robotViews().find((v) => v.serial === serial)?.job;

describe('trust at the robot edge: one fault at a time', () => {
  it('an order the robot rejects (§6.6.4 orderError): alarm naming robot and error, leg withdrawn, robot held, its job goes on elsewhere', async () => {
    // The robot hears its pick and drop with a load type it does not handle, and says so.
    const r = await run(41, { rewriteOrder: (o) => ({ ...o, nodes: o.nodes.map((n) => ({ ...n, actions: n.actions.map((a) => ({ ...a, actionParameters: a.actionParameters?.map((p) => (p.key === 'loadType' ? { ...p, value: 'pallet' } : p)) })) })) }) });
    const core = r.f.controller.controller;
    expect(r.until(() => (core.robotViews().find((v) => v.serial === FAULTY)?.hold ?? null) !== null)).toBe(true);
    const alarm = r.alarms().find((a) => a.startsWith(`${FAULTY}: rejected order`))!;
    expect(alarm).toMatch(/^R003: rejected order R003-order-\d+\/\d+: orderError: .*loadType: 'pallet' is not handled by this vehicle.*; held until an operator resumes it$/);
    r.until(() => core.heldCells(FAULTY).length === 1, 30_000);
    expect(core.heldCells(FAULTY)).toHaveLength(1);
    expect(core.robotViews().find((v) => v.serial === FAULTY)!.job).toBeNull();
    await r.finish();
    expect(r.f.wms!.stats().completed).toBeGreaterThan(0);
  }, 120_000);

  it('an order never shown taken within 2 s: withdrawn and cancelled, the robot keeps only the cell its state shows, its job goes on elsewhere', async () => {
    const r = await run(42, { loseOrders: true });
    const core = r.f.controller.controller;
    expect(r.until(() => r.alarms().some((a) => a.includes('did not show order')))).toBe(true);
    expect(r.alarms().find((a) => a.includes('did not show order'))).toMatch(/^R003: did not show order R003-order-\d+\/0 taken within 2\.0 s; held until an operator resumes it$/);
    r.until(() => core.heldCells(FAULTY).length === 1, 30_000);
    expect(core.heldCells(FAULTY)).toHaveLength(1);
    await r.finish();
  }, 120_000);

  it('an emergency stop the robot never confirms is reported "not confirmed" for it alone; it gets cancelOrder and stays in alarm until its state shows it stopped', async () => {
    const r = await run(43, { loseInstantActions: ['emergencyStop', 'startPause'] });
    const core = r.f.controller.controller;
    r.f.advance(60_000);
    let reply: ConsoleReplyDraft | undefined;
    r.f.controller.console.handle(receiveCommand('operator', JSON.stringify({ commandId: 'stop-1', type: 'emergencyStopAll' })), (answer) => (reply = answer));
    expect(r.until(() => reply !== undefined, 10_000)).toBe(true);
    const outcomes = new Map(reply!.robots!.map((o) => [o.serial, o]));
    expect(outcomes.get(FAULTY)).toEqual({ serial: FAULTY, outcome: 'notConfirmed', detail: 'emergencyStop: no state of the robot showed it within 2.0 s' });
    for (const [serial, o] of outcomes) if (serial !== FAULTY) expect(o.outcome, serial).toBe('confirmed');
    expect(reply!.message).toMatch(/^emergency stop: 11 of 12 robots confirmed; R003 not confirmed: /);
    // §6.6.3: cancelOrder, and startPause though it is lost on the way too; §6.6.2: no base released.
    expect(r.alarms().some((a) => a.startsWith('R003: emergency stop not confirmed') && a.includes('sent startPause and cancelOrder, and no further cells are released to it'))).toBe(true);
    // cancelOrder reaches it: it stops at its next node, and its state shows it standing.
    expect(r.until(() => core.edge.robotsOwingStops().length === 0, 20_000)).toBe(true);
    expect(r.alarms().some((a) => a.startsWith('R003: its state shows it stopped now'))).toBe(true);
    core.resumeAll();
    await r.finish();
  }, 120_000);

  it('a wrong load id after a pick: alarm, robot held, bin quarantined and offered to nobody, inventory not moved', async () => {
    const r = await run(44, { rewriteState: (s) => ({ ...s, loads: (s.loads ?? []).map((l) => ({ ...l, loadId: `X-${l.loadId}` })) }) });
    const core = r.f.controller.controller;
    expect(r.until(() => core.inventory.quarantinedBins().length > 0)).toBe(true);
    const { binId, reason } = core.inventory.quarantinedBins()[0]!;
    expect(reason).toBe(`robot ${FAULTY} reports load X-${binId} after picking bin ${binId}`);
    expect(core.robotViews().find((v) => v.serial === FAULTY)!.hold).toBe(`reports load X-${binId} after picking bin ${binId}`);
    expect(core.inventory.binOnRobot(FAULTY)).toBeUndefined();
    expect(core.inventory.location(binId).kind).toBe('column');
    for (const sku of core.inventory.contents(binId)) expect(core.inventory.availableInBin(binId, sku.sku)).toBe(0);
    await r.finish();
    expect(r.f.wms!.requestLedger().some((e) => e.terminal?.event.type === 'failed' && (e.terminal.event as { reason?: string }).reason?.includes(`bin ${binId} quarantined`))).toBe(true);
  }, 120_000);

  it('a missing load after a pick: alarm, robot held, bin quarantined', async () => {
    const r = await run(45, { rewriteState: (s) => ({ ...s, loads: [] }) });
    const core = r.f.controller.controller;
    expect(r.until(() => core.inventory.quarantinedBins().length > 0)).toBe(true);
    const { binId, reason } = core.inventory.quarantinedBins()[0]!;
    expect(reason).toBe(`robot ${FAULTY} reports no load after picking bin ${binId}`);
    expect(core.robotViews().find((v) => v.serial === FAULTY)!.hold).toMatch(/reports no load after picking bin/);
    await r.finish();
  }, 120_000);

  it('a position it cannot have reached (a jump across the grid): not believed, alarm, robot held with the cells it had', async () => {
    const faults: VehicleFaults = {};
    const r = await run(46, faults);
    const core = r.f.controller.controller;
    r.f.advance(30_000);
    const cellsBefore = core.heldCells(FAULTY);
    faults.rewriteState = (s) => ({ ...s, lastNodeId: 'c23_15', agvPosition: { x: 23 * 0.7, y: 15 * 0.5, theta: 0, mapId: 'grid', positionInitialized: true } });
    expect(r.until(() => (core.robotViews().find((v) => v.serial === FAULTY)?.hold ?? null) !== null, 5_000)).toBe(true);
    expect(r.alarms().find((a) => a.startsWith(`${FAULTY}: reports standing on (23, 15), outside the cells held for it`))).toBeDefined();
    expect(core.heldCells(FAULTY)).toEqual(cellsBefore);
    expect(core.heldCells(FAULTY)).not.toContain(core.grid.index(23, 15));
    // Its true states again: still not believed until an operator has looked.
    delete faults.rewriteState;
    r.f.advance(5_000);
    expect(core.heldCells(FAULTY)).toEqual(cellsBefore);
    expect(core.robotViews().find((v) => v.serial === FAULTY)!.hold).toMatch(/^reports standing on \(23, 15\)/);
    await r.finish();
  }, 120_000);

  it('a valid state from a serial number the layout does not list: refused, one alarm, no cell', async () => {
    const r = await run(47);
    const core = r.f.controller.controller;
    const rogue = await r.f.connectBus('rogue');
    const state: State = { ...idleState('R999', 'c5_5'), manufacturer: 'gridline' };
    for (let i = 0; i < 5; i++) {
      rogue.publish(vdaTopic({ manufacturer: 'gridline', serialNumber: 'R999' }, 'state'), JSON.stringify({ ...state, headerId: i }));
      r.f.advance(1_000);
    }
    expect(r.alarms().filter((a) => a.startsWith('R999:'))).toEqual(['R999: a robot the layout does not list reports on the robots\' topics; it is not believed and gets no cell, no order and no work']);
    expect(core.robotSerials()).not.toContain('R999');
    expect(core.heldCells('R999')).toEqual([]);
    await r.finish();
  }, 120_000);

  it('a factsheet without pick: alarm, and the robot is given no bin work (only moves)', async () => {
    const r = await run(48, { rewriteFactsheet: (f) => ({ ...f, protocolFeatures: { ...f.protocolFeatures, agvActions: f.protocolFeatures.agvActions.filter((a) => a.actionType !== 'pick') } }) });
    const ordersWithActions: string[] = [];
    const tap = await r.f.connectBus('tap');
    await tap.subscribe(vdaTopic({ manufacturer: 'gridline', serialNumber: FAULTY }, 'order'), (_t, payload) => {
      const order = JSON.parse(payload) as { nodes: { actions: { actionType: string }[] }[] };
      for (const node of order.nodes) for (const a of node.actions) ordersWithActions.push(a.actionType);
    });
    r.f.advance(5_000);
    expect(r.alarms()).toContain('R003: its factsheet lists no pick on nodes: it is given no bin work');
    expect(r.f.controller.controller.robotViews().find((v) => v.serial === FAULTY)!.capabilities).not.toContain('pick (NODE)');
    await r.finish();
    expect(ordersWithActions.filter((t) => t === 'pick' || t === 'drop')).toEqual([]);
  }, 120_000);

  it('a robot silent for a minute mid-leg: treated as lost after 10 s, its job goes on elsewhere, it keeps its cells until it shows where it stands', async () => {
    const faults: VehicleFaults = {};
    const r = await run(49, faults);
    const core = r.f.controller.controller;
    expect(r.until(() => (jobOf(r.f, FAULTY) ?? null) !== null && core.heldCells(FAULTY).length > 1, 5 * 60_000)).toBe(true);
    faults.silent = true;
    const silentAt = r.f.elapsedMs();
    expect(r.until(() => r.alarms().some((a) => a.startsWith(`${FAULTY}: sent no state for 10.0 s`)), 20_000)).toBe(true);
    const heldWhileSilent = core.heldCells(FAULTY);
    expect(heldWhileSilent.length).toBeGreaterThan(0);
    expect(core.robotViews().find((v) => v.serial === FAULTY)!.job).toBeNull();
    r.f.advance(60_000 - (r.f.elapsedMs() - silentAt));
    for (const cell of heldWhileSilent) expect(core.heldCells(FAULTY)).toContain(cell);
    delete faults.silent;
    expect(r.until(() => core.heldCells(FAULTY).length === 1, 20_000)).toBe(true);
    await r.finish();
  }, 120_000);
});
