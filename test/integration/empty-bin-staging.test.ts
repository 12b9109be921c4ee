/**
 * Empty bins staged for inbound, on the default facility in-process (simulated clock, seeded;
 * P3 is its putaway port): while robots are free they bring empty bins to the top of columns
 * near the putaway port, up to the number asked for or the room there, and then stop (no bin
 * is moved twice, none is buried by another).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadLayout } from '../../cli/load-layout.ts';
import { startFacility, type Facility } from '../../cli/facility.ts';

const facilities: Facility[] = [];
afterEach(async () => {
  for (const f of facilities.splice(0)) await f.stop();
});

/** Empty bins on top of a column within `cells` (Manhattan) of the port. */
function stagedNear(f: Facility, portId: string): string[] {
  const core = f.controller.controller;
  const port = core.ports.get(portId)!;
  return core.inventory.emptyBins().filter((binId) => {
    const location = core.inventory.location(binId);
    return location.kind === 'column' && core.inventory.depthFromTop(binId) === 0 && core.grid.manhattan(port.cell, core.grid.index(location.x, location.y)) <= core.options.prepareNearPortCells;
  });
}

async function idleFacility(staged: number): Promise<{ before: number; after: number; stagingJobs: number; busyAtEnd: number }> {
  const f = await startFacility({ layout: await loadLayout(undefined), transport: { kind: 'in-process' }, seed: 5, wms: false, controller: { stagedEmptyBinsPerPutawayPort: staged }, checkEveryMs: 500 });
  facilities.push(f);
  const core = f.controller.controller;
  const before = stagedNear(f, 'P3').length;
  const stagingJobs = new Set<string>();
  for (let s = 0; s < 10 * 60; s++) {
    f.advance(1_000);
    for (const robot of core.robotViews()) if (robot.job?.kind === 'prepare') stagingJobs.add(robot.job.id);
  }
  f.checker.checkNow(f.elapsedMs());
  expect(f.checker.violations).toEqual([]);
  return { before, after: stagedNear(f, 'P3').length, stagingJobs: stagingJobs.size, busyAtEnd: core.robotViews().filter((robot) => robot.job !== null).length };
}

describe('empty bins staged near putaway ports', () => {
  it('brings empty bins to the top near the putaway port while robots are free, then stops', async () => {
    const staging = await idleFacility(40);
    expect(staging.after).toBeGreaterThan(staging.before);
    expect(staging.after).toBeLessThanOrEqual(40);
    // Each job staged one bin that stays staged: no bin is moved again and again.
    expect(staging.stagingJobs).toBe(staging.after - staging.before);
    expect(staging.busyAtEnd).toBe(0);
  }, 120_000);

  it('moves no bin when staging is off', async () => {
    const off = await idleFacility(0);
    expect(off.stagingJobs).toBe(0);
    expect(off.after).toBe(off.before);
  }, 120_000);
});
