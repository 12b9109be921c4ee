/**
 * Any VDA 5050 vehicle can work the grid: two vehicles someone else wrote (vda-5050-lib 1.4's
 * AgvController with its VirtualAgvAdapter, unmodified; test/support/vda5050-lib-vehicle.ts) join
 * the default facility as external robots beside two simulated robots, over the embedded aedes
 * broker on a loopback port. The same run over Mosquitto is in test/e2e.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTSIDE, startVirtualAgvFacility, type VirtualAgvFacility } from '../support/virtual-agv-facility.ts';
import { describeVirtualAgvInterop } from '../support/virtual-agv-interop.ts';

describeVirtualAgvInterop('the embedded aedes broker', { embedded: true });

/**
 * Without instant actions under their 1.1 name, the vehicle hears none: not the factsheet
 * request, nor a pause, nor a stop. The controller then says so, truthfully: no factsheet (so
 * no bin work), and its emergency stop "not confirmed", with the standard's fallback.
 */
describe('a vda-5050-lib vehicle spoken to in pure VDA 5050 2.0.0 (instant actions under `actions` only)', () => {
  let run: VirtualAgvFacility;
  const SPEED = 10;

  beforeAll(async () => {
    run = await startVirtualAgvFacility({ broker: { embedded: true }, speed: SPEED, legacyInstantActions: false, requests: 0 });
    const core = run.f.controller.controller;
    await run.runUntil(() => core.robotsAwaited().length === 0 && OUTSIDE.every((s) => core.robotViews().some((v) => v.serial === s)), 30_000);
  }, 60_000);

  afterAll(async () => {
    await run?.stop();
  });

  it('is given no bin work, and says why: its factsheet never comes', async () => {
    const core = run.f.controller.controller;
    await run.runUntil(() => OUTSIDE.every((serial) => core.alarms.some((a) => a.source === serial && a.message.startsWith('sent no factsheet'))), 20_000);
    for (const serial of OUTSIDE) {
      expect(core.alarms.find((a) => a.source === serial && a.message.startsWith('sent no factsheet'))?.message).toMatch(/so it is given no work but moves/);
      expect(core.robotViews().find((v) => v.serial === serial)!.capabilities).toBeNull();
    }
  }, 30_000);

  it('is reported "not confirmed" on an emergency stop and gets the standard fallback; its alarm ends when its state shows it standing', async () => {
    const core = run.f.controller.controller;
    const reply = await run.command({ type: 'emergencyStopAll' });
    const outcomes = new Map(reply.robots!.map((o) => [o.serial, o]));
    for (const serial of OUTSIDE) {
      expect(outcomes.get(serial)).toEqual({ serial, outcome: 'notConfirmed', detail: `startPause (its factsheet has not come): no state of the robot showed it within ${(2 * SPEED).toFixed(1)} s` });
    }
    for (const serial of run.f.fleet.robots.keys()) expect(outcomes.get(serial)?.outcome).toBe('confirmed');
    expect(reply.message).toMatch(/^emergency stop: 2 of 4 robots confirmed; R013 not confirmed: .*; R014 not confirmed: /);
    for (const serial of OUTSIDE) {
      expect(core.alarms.some((a) => a.source === serial && a.message.startsWith('emergency stop not confirmed') && a.message.includes('sent cancelOrder, and no further cells are released to it'))).toBe(true);
    }
    // Standing with nothing to drive, the state shows it stopped: said so, and the alarm ends.
    expect(await run.runUntil(() => core.edge.robotsOwingStops().length === 0, 10_000)).toBe(true);
    await run.command({ type: 'resumeAll' });
  }, 60_000);
});
