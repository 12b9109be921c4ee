import { describe, expect, it } from 'vitest';
import { loadLayout } from '../../cli/load-layout.ts';
import { startFacility } from '../../cli/facility.ts';

/**
 * Bin preparation on the default facility in-process (simulated clock, seeded), with two
 * retrievals at a time per port, so robots are left free while retrievals queue: they
 * prepare the bins of the next ones, which their own robots then take over; every request
 * still ends, and every invariant holds throughout.
 */
describe('bin preparation', () => {
  it('prepares queued bins with free robots; every request ends and every invariant holds', async () => {
    const f = await startFacility({ layout: await loadLayout(undefined), transport: { kind: 'in-process' }, seed: 9, wms: { requestsPerHour: 900, maxOpenRequests: 25 }, controller: { retrievalsInFlightPerPort: 2 }, checkEveryMs: 500 });
    const core = f.controller.controller;
    const prepared = new Set<string>();
    for (let s = 0; s < 10 * 60; s++) {
      f.advance(1_000);
      for (const robot of core.robotViews()) if (robot.job?.kind === 'prepare') prepared.add(robot.job.id);
    }
    f.wms!.stop();
    for (let s = 0; s < 30 * 60 && core.requests.size > 0; s++) f.advance(1_000);
    expect(prepared.size).toBeGreaterThan(5);
    expect(core.requests.size).toBe(0);
    const stats = f.wms!.stats();
    expect(stats.failed).toBe(0);
    expect(stats.completed).toBe(stats.sent);
    f.checker.checkNow(f.elapsedMs());
    expect(f.checker.violations).toEqual([]);
    await f.stop();
  }, 180_000);

  it('keeps a retrieval whose prepared bin is on its way to a column near the port queued until the bin has landed', async () => {
    // Under this load (seed 6) a port takes the retrieval while its preparer carries the bin:
    // handed over then, the retrieval held no dig lock where the bin landed, another job dug
    // that column, and the request failed with "bin … is on robot …".
    const f = await startFacility({ layout: await loadLayout(undefined), transport: { kind: 'in-process' }, seed: 6, wms: { requestsPerHour: 3_000, maxOpenRequests: 60 }, controller: { retrievalsInFlightPerPort: 3 }, checkEveryMs: 2_000 });
    const core = f.controller.controller;
    for (let s = 0; s < 10 * 60; s++) f.advance(1_000);
    f.wms!.stop();
    for (let s = 0; s < 30 * 60 && core.requests.size > 0; s++) f.advance(1_000);
    const stats = f.wms!.stats();
    expect(stats.sent).toBeGreaterThan(100);
    expect(stats.failed).toBe(0);
    expect(stats.completed).toBe(stats.sent);
    expect(f.checker.violations).toEqual([]);
    await f.stop();
  }, 180_000);
});
