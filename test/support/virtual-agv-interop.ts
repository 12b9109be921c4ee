/**
 * The interop checks with vda-5050-lib vehicles (R013, R014) beside simulated robots, run over
 * one broker: the embedded aedes broker (test/integration) or Mosquitto (test/e2e). The vehicle
 * type tells Gridline to carry instant actions under their 1.1 name as well, the one this
 * vehicle reads (protocol/vda5050/VEHICLE-PROFILE.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTSIDE, startVirtualAgvFacility, type ExternalBroker, type VirtualAgvFacility } from './virtual-agv-facility.ts';

const SPEED = 10;
const REQUESTS = 12;

export function describeVirtualAgvInterop(brokerName: string, broker: { embedded: true } | (() => ExternalBroker)): void {
  describe(`vda-5050-lib vehicles beside simulated robots, over ${brokerName}`, () => {
    let run: VirtualAgvFacility;

    beforeAll(async () => {
      run = await startVirtualAgvFacility({ broker: typeof broker === 'function' ? broker() : broker, speed: SPEED, legacyInstantActions: true, requests: REQUESTS, cancelWhileDriving: 'R014' });
      const wms = run.f.wms!;
      const finished = await run.runUntil(() => wms.stats().sent >= REQUESTS && wms.stats().open === 0, 300_000);
      if (!finished) throw new Error(`requests still open after 5 minutes: ${JSON.stringify(wms.stats())}`);
      run.f.checker.checkNow(run.f.elapsedMs());
      run.f.checker.checkRequests(run.f.elapsedMs(), true);
    }, 330_000);

    afterAll(async () => {
      await run?.stop();
    });

    it('accepts their states and reads their factsheets (§6.10.6, §6.16)', () => {
      const core = run.f.controller.controller;
      // Nothing raised about them but the cancel this run sends R014 (see below).
      const cancelled = /^R014: (dropped order R014-order-\d+\/\d+ at c\d+_\d+, before the end of its leg|stands between cells)/;
      const aboutThem = core.alarms.map((a) => `${a.source}: ${a.message}`).filter((a) => OUTSIDE.some((s) => a.startsWith(`${s}:`)) && !cancelled.test(a));
      expect(aboutThem).toEqual([]);
      for (const serial of OUTSIDE) {
        const view = core.robotViews().find((v) => v.serial === serial)!;
        expect(view.online).toBe(true);
        expect(view.capabilities).toEqual(expect.arrayContaining(['pick (NODE)', 'drop (NODE)', 'startPause (INSTANT)']));
        expect(core.heldCells(serial).length).toBeGreaterThan(0);
      }
    });

    it('completes WMS picks served by them, end to end, one of them dug out from under other bins', () => {
      const wms = run.f.wms!;
      expect(wms.stats()).toMatchObject({ sent: REQUESTS, completed: REQUESTS, failed: 0 });
      // What the WMS heard: which requests completed, and which bins had to be dug out.
      const completed = new Set(wms.requestLedger().filter((e) => e.terminal?.event.type === 'completed').map((e) => e.request.requestId));
      const dug = new Set(wms.requestLedger().flatMap((e) => e.events.flatMap(({ event }) => (event.type === 'progress' && event.stage === 'digging' && event.binId ? [event.binId] : []))));
      const servedByOutside = [...run.retrievalsBy.values()].flatMap((visits) => [...visits.values()]);
      for (const serial of OUTSIDE) expect(run.retrievalsBy.get(serial)!.size, serial).toBeGreaterThan(0);
      for (const visit of servedByOutside) expect(completed.has(visit.requestId), visit.requestId).toBe(true);
      expect(servedByOutside.filter((visit) => dug.has(visit.binId)).length).toBeGreaterThan(0);
      // Their loads carry ids of their own: checked for presence only, and counted so.
      expect(run.f.controller.controller.kpis().loadsUnverified).toBeGreaterThan(0);
      expect(run.f.controller.controller.inventory.quarantinedBins()).toEqual([]);
    });

    it('obeys a cancelOrder mid-leg (§6.6.3), and the controller keeps its cells until it stands on a node', () => {
      const core = run.f.controller.controller;
      expect(run.cancel.sentAtMs).toBeDefined();
      expect(run.cancel.statuses.at(-1)).toBe('FINISHED');
      expect(run.cancel.nodesAfter.at(-1)).toBe(0);
      // This vehicle stops right where it is: on a node its job goes on from there; between two
      // cells it is held, keeping both, until a person brings it to a node.
      const shortStop = core.alarms.find((a) => a.source === 'R014' && /^dropped order R014-order-\d+\/\d+ at c\d+_\d+, before the end of its leg; its job goes on from there$/.test(a.message));
      const between = core.alarms.find((a) => a.source === 'R014' && a.message.startsWith('stands between cells'));
      expect(shortStop ?? between).toBeDefined();
      const view = core.robotViews().find((v) => v.serial === 'R014')!;
      if (between) expect(view.hold).toMatch(/^stands between cells/);
      else expect(view.hold).toBeNull();
    });

    it('confirms a pause and a resume on the vehicle\'s own state (§6.8.2 startPause: "The AGV reports .paused: true")', async () => {
      const pause = await run.command({ type: 'pauseRobot', serial: 'R013' });
      expect(pause.robots).toEqual([{ serial: 'R013', outcome: 'confirmed', afterMs: expect.any(Number), detail: 'startPause' }]);
      const resume = await run.command({ type: 'resumeRobot', serial: 'R013' });
      expect(resume.robots).toEqual([{ serial: 'R013', outcome: 'confirmed', afterMs: expect.any(Number), detail: 'stopPause' }]);
    }, 60_000);

    it('reports an emergency stop truthfully per robot: the vehicles, which have no emergency stop, are paused and confirmed so', async () => {
      const stop = await run.command({ type: 'emergencyStopAll' });
      const outcomes = new Map(stop.robots!.map((o) => [o.serial, o]));
      for (const serial of OUTSIDE) expect(outcomes.get(serial)).toMatchObject({ outcome: 'confirmed', detail: 'startPause (its factsheet lists no emergencyStop)' });
      for (const serial of run.f.fleet.robots.keys()) expect(outcomes.get(serial)).toMatchObject({ outcome: 'confirmed', detail: 'emergencyStop' });
      expect(stop.message).toBe('emergency stop: 4 of 4 robots confirmed');
      const release = await run.command({ type: 'resumeAll' });
      expect(release.message).toBe('emergency stop released: 4 of 4 robots confirmed');
      expect(new Map(release.robots!.map((o) => [o.serial, o.detail])).get('R013')).toBe('stopPause');
    }, 60_000);

    it('keeps every invariant (the vehicles mirrored into the simulator\'s world), and publishes only messages valid against the official 2.0.0 schemas', () => {
      expect(run.f.checker.violations).toEqual([]);
      expect(run.schemaProblems).toEqual([]);
      for (const kind of ['order', 'instantActions', 'state', 'factsheet']) expect(run.published.get(kind) ?? 0, kind).toBeGreaterThan(0);
      expect(run.mirrorProblems()).toEqual([]);
      expect(run.f.controller.controller.alarms.filter((a) => a.message.startsWith('internal error'))).toEqual([]);
    });
  });
}
