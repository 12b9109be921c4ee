/**
 * Cycle counts on the default facility in-process (simulated clock, deterministic): a bin is
 * presented without its recorded figures, the person's count replaces them, every difference
 * is reported to the WMS, and the stock under count is held back from picks meanwhile.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { GridController } from '../../controller/grid-controller.ts';
import type { ProgressEvent, TerminalEvent } from '../../protocol/wms/event-schemas.ts';
import { rig, type Rig } from '../support/wms-port-rig.ts';

const rigs: Rig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.stop();
});

async function started(options: Parameters<typeof rig>[0]): Promise<Rig> {
  const r = await rig(options);
  rigs.push(r);
  return r;
}

const unitsIn = (core: GridController, binId: string, sku: string) => core.inventory.contents(binId).find((line) => line.sku === sku)?.quantity ?? 0;

/** A bin holding stock, at least 3 units of each SKU, none reserved. */
function binWithStock(core: GridController): string {
  for (const sku of core.inventory.knownSkus()) {
    for (const binId of core.inventory.binsWithSku(sku)) {
      const contents = core.inventory.contents(binId);
      if (contents.length > 0 && contents.every((line) => line.quantity >= 3 && core.inventory.reservedInBin(binId, line.sku) === 0)) return binId;
    }
  }
  throw new Error('no bin holds 3 units or more of its SKUs');
}

const countedEvents = (r: Rig, requestId: string) =>
  r.events.filter((e): e is ProgressEvent => e.type === 'progress' && e.requestId === requestId && e.stage === 'binCounted').map((e) => ({ binId: e.binId, sku: e.sku, quantity: e.quantity, recorded: e.recorded }));

describe('cycle count', () => {
  it('presents a bin blind, takes the count as the stock, reports the difference, and holds the stock back from picks until counted', async () => {
    const r = await started({ manualPorts: ['P1'] });
    const core = r.f.controller.controller;
    const binId = binWithStock(core);
    const { sku, quantity: recorded } = core.inventory.contents(binId)[0]!;
    const availableBefore = core.inventory.available(sku);
    expect(r.ask({ type: 'count', requestId: 'count-1', binId, port: 'P1' })).toMatchObject({ type: 'accepted', requestId: 'count-1', requestType: 'count' });
    // Until it is counted, the bin's stock is not offered to picks.
    expect(core.inventory.available(sku)).toBe(availableBefore - recorded);
    expect(r.until(() => r.screens.get('P1') != null)).toBe(true);
    const shown = r.screens.get('P1')!;
    expect(shown).toMatchObject({ binId, mode: 'count', contents: [] });
    expect(shown.lines.map((line) => [line.requestId, line.sku, line.quantity])).toEqual([['count-1', sku, 0]]);
    // Two units are missing.
    r.confirm('P1', [recorded - 2]);
    expect(r.until(() => r.terminalEventsOf('count-1').length > 0)).toBe(true);
    expect(unitsIn(core, binId, sku)).toBe(recorded - 2);
    expect(core.inventory.available(sku)).toBe(availableBefore - 2);
    expect(countedEvents(r, 'count-1')).toEqual([{ binId, sku, quantity: recorded - 2, recorded }]);
    const ended = r.terminalEventsOf('count-1')[0] as TerminalEvent;
    expect(ended).toMatchObject({ type: 'completed', counted: [{ binId, sku, recorded, counted: recorded - 2 }], lines: [{ line: 0, sku, quantity: recorded - 2 }] });
    const status = r.ask({ type: 'status', requestId: 'status-1', targetRequestId: 'count-1' });
    expect(status).toMatchObject({ type: 'accepted', status: { state: 'completed', requestType: 'count', counted: [{ binId, sku, recorded, counted: recorded - 2 }] } });
    r.expectAllEnded();
  }, 120_000);

  it('counts every bin of a SKU with the simulated people, who find one unit missing in one bin and two more in another', async () => {
    let probe: GridController | undefined;
    let shortBin: string | undefined;
    let overBin: string | undefined;
    const r = await started({ countedUnits: (binId, _sku, recorded) => (binId === shortBin ? recorded - 1 : binId === overBin ? recorded + 2 : recorded) });
    const core = (probe = r.f.controller.controller);
    const sku = core.inventory.knownSkus().find((s) => {
      const bins = probe!.inventory.binsWithSku(s);
      return bins.length >= 2 && bins.length <= 4 && bins.every((b) => probe!.inventory.reservedInBin(b, s) === 0 && unitsIn(probe!, b, s) >= 1);
    })!;
    const bins = core.inventory.binsWithSku(sku);
    shortBin = bins[0]!;
    overBin = bins[1]!;
    const recorded = new Map(bins.map((b) => [b, unitsIn(core, b, sku)]));
    expect(r.ask({ type: 'count', requestId: 'count-sku', sku })).toMatchObject({ type: 'accepted' });
    expect(r.until(() => r.terminalEventsOf('count-sku').length > 0, 20 * 60_000)).toBe(true);
    const ended = r.terminalEventsOf('count-sku')[0] as TerminalEvent;
    expect(ended.type).toBe('completed');
    expect(new Set(ended.counted!.map((c) => c.binId))).toEqual(new Set(bins));
    for (const count of ended.counted!) {
      expect(count.sku).toBe(sku);
      expect(count.recorded).toBe(recorded.get(count.binId));
      expect(count.counted).toBe(recorded.get(count.binId)! + (count.binId === shortBin ? -1 : count.binId === overBin ? 2 : 0));
      expect(unitsIn(core, count.binId, sku)).toBe(count.counted);
    }
    r.expectAllEnded();
  }, 180_000);

  it('refuses a bin in use, unknown or recorded empty, and a count naming both a bin and a SKU, changing nothing', async () => {
    const r = await started({ manualPorts: ['P1'] });
    const core = r.f.controller.controller;
    const binId = binWithStock(core);
    const sku = core.inventory.contents(binId)[0]!.sku;
    const emptyBin = core.inventory.emptyBins()[0]!;
    expect(r.ask({ type: 'count', requestId: 'c-unknown', binId: 'NO-SUCH-BIN' })).toMatchObject({ type: 'rejected', code: 'UNKNOWN_BIN' });
    expect(r.ask({ type: 'count', requestId: 'c-empty', binId: emptyBin })).toMatchObject({ type: 'rejected', code: 'BIN_UNAVAILABLE' });
    expect(r.ask({ type: 'count', requestId: 'c-both', binId, sku })).toMatchObject({ type: 'rejected', code: 'INVALID_REQUEST' });
    expect(r.ask({ type: 'count', requestId: 'c-1', binId, port: 'P1' })).toMatchObject({ type: 'accepted' });
    // The bin is under count: a second count of it, and a putaway into it, wait for it to be free.
    expect(r.ask({ type: 'count', requestId: 'c-2', binId })).toMatchObject({ type: 'rejected', code: 'BIN_UNAVAILABLE' });
    expect(r.ask({ type: 'putaway', requestId: 'p-1', sku, quantity: 1, binId })).toMatchObject({ type: 'rejected', code: 'BIN_UNAVAILABLE' });
    expect(r.until(() => r.screens.get('P1') != null)).toBe(true);
    const before = core.inventory.contents(binId);
    r.confirm('P1', r.screens.get('P1')!.lines.map((line) => unitsIn(core, binId, line.sku)));
    expect(r.until(() => r.terminalEventsOf('c-1').length > 0)).toBe(true);
    // Counted as recorded: nothing changes.
    expect(core.inventory.contents(binId)).toEqual(before);
    expect(r.terminalEventsOf('c-2')).toEqual([]);
    r.expectAllEnded();
  }, 120_000);
});
