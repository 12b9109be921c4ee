import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBroker } from '../../protocol/bus/memory-bus.ts';
import { SimulatedClock } from '../../protocol/clock.ts';
import { startController } from '../../controller/main.ts';
import { startFacility } from '../../cli/facility.ts';
import { loadLayout } from '../../cli/load-layout.ts';

/** DESIGN.md §4: the store keeps every bin where it was across a controller restart. */
describe('restarting the controller on the same data directory', () => {
  let dataDir: string | undefined;
  afterEach(() => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every bin where it was, mid-run, and resumes the open requests', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'gridline-restart-'));
    const layout = await loadLayout(undefined);
    const facility = await startFacility({ layout, transport: { kind: 'in-process' }, seed: 5, dataDir, wms: { requestsPerHour: 1_500, maxOpenRequests: 15 } });
    facility.advance(15 * 60_000);
    const core = facility.controller.controller;
    const moved = core.inventory.allBins().filter((binId) => {
      const location = core.inventory.location(binId);
      return location.kind !== 'column';
    });
    const before = JSON.stringify(core.inventory.snapshot());
    const open = core.requests.size;
    const sent = facility.wms!.requestLedger().map((entry) => entry.request);
    expect(facility.wms!.stats().completed).toBeGreaterThan(20);
    await facility.stop();

    const clock = new SimulatedClock();
    const restarted = await startController({ layout, bus: new MemoryBroker(clock).connect({ clientId: 'controller' }), clock, dataDir });
    try {
      const after = restarted.controller.inventory.snapshot();
      expect(JSON.stringify({ ...after, reservations: [] })).toBe(JSON.stringify({ ...JSON.parse(before), reservations: [] }));
      expect(restarted.resumed.resumed + restarted.resumed.failed).toBe(open);
      expect(moved.length + open).toBeGreaterThan(0);
    } finally {
      await restarted.stop();
    }

    // The whole facility again on that store: bins on robots and at ports are where the
    // store says, the resumed requests finish, and every invariant holds.
    const again = await startFacility({ layout, transport: { kind: 'in-process' }, seed: 6, dataDir, wms: false, checkEveryMs: 500 });
    try {
      const core = again.controller.controller;
      const settled = () => core.requests.size === 0 && core.robotSerials().every((serial) => core.robotStatus(serial)?.job === null);
      for (let minute = 0; minute < 40 && !settled(); minute++) again.advance(60_000);
      expect(core.requests.size).toBe(0);
      again.checker.checkNow(again.elapsedMs());
      expect(again.checker.violations).toEqual([]);
      expect(core.alarms).toEqual([]);
      expect(core.inventory.allBins().every((binId) => core.inventory.location(binId).kind === 'column')).toBe(true);
      // Nothing was picked or put twice across the restart: every outcome is at most what was asked.
      for (const request of sent) {
        const terminal = again.controller.store.getRequest(request.requestId)?.terminalEvent as { picked?: { sku: string; quantity: number }[]; stored?: { sku: string; quantity: number }[] } | null;
        expect(terminal, request.requestId).toBeTruthy();
        const asked = new Map<string, number>();
        for (const line of request.type === 'pick' ? request.lines : [{ sku: request.sku, quantity: request.quantity }]) asked.set(line.sku, (asked.get(line.sku) ?? 0) + line.quantity);
        for (const done of [...(terminal!.picked ?? []), ...(terminal!.stored ?? [])]) expect(done.quantity, `${request.requestId} ${done.sku}`).toBeLessThanOrEqual(asked.get(done.sku) ?? 0);
      }
    } finally {
      await again.stop();
    }
  }, 120_000);
});
