/**
 * Stock levels for the WMS over the facility's bus (default facility in-process, a port
 * screen the test confirms): a WMS client gets the retained snapshot on subscribing, a
 * change when a pick takes units out, and low stock when a SKU falls below its threshold.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { StockClientLink } from '../../protocol/wms/stock-links.ts';
import type { LowStock, StockChange, StockSnapshot } from '../../protocol/wms/stock-schemas.ts';
import { rig, type Rig } from '../support/wms-port-rig.ts';

const rigs: Rig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.stop();
});

describe('stock events', () => {
  it('gives a WMS the snapshot, then each SKU change and low stock as picks take units', async () => {
    const r = await rig({ manualPorts: ['P1'] });
    rigs.push(r);
    const core = r.f.controller.controller;
    // A SKU with just over the default threshold (5) available: picking it takes it below.
    const sku = core.inventory.knownSkus().find((s) => core.inventory.available(s) >= 6 && core.inventory.available(s) <= 8)!;
    const before = core.inventory.available(sku);
    const stock = new StockClientLink(await r.f.connectBus('stock-watcher'), 'demo');
    const snapshots: StockSnapshot[] = [];
    const changes: StockChange[] = [];
    const lows: LowStock[] = [];
    const invalid: string[][] = [];
    stock.onSnapshot((s) => snapshots.push(s));
    stock.onChange((c) => changes.push(c));
    stock.onLow((l) => lows.push(l));
    stock.onInvalidMessage((_topic, errors) => invalid.push(errors));
    await stock.start();
    r.f.advance(1);
    // Retained: a late subscriber has it at once.
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]!.skus.find((l) => l.sku === sku)).toEqual({ sku, onHand: core.inventory.stockOf(sku), available: before, lowStockThreshold: 5 });

    const quantity = before - 4;
    expect(r.ask({ type: 'pick', requestId: 'low-1', lines: [{ sku, quantity }], port: 'P1' })).toMatchObject({ type: 'accepted' });
    r.f.advance(2_000);
    // Reserved: available falls at once, on hand when picked.
    expect(changes.filter((c) => c.sku === sku).at(-1)).toMatchObject({ available: 4 });
    expect(lows.map((l) => [l.sku, l.available])).toEqual([[sku, 4]]);
    expect(r.until(() => r.screens.get('P1') != null)).toBe(true);
    r.confirm('P1');
    r.f.advance(2_000);
    expect(changes.filter((c) => c.sku === sku).at(-1)).toMatchObject({ onHand: core.inventory.stockOf(sku), available: 4 });
    // Sequences only grow; no second low event while it stays low.
    const sequences = changes.map((c) => c.sequence);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    expect(lows).toHaveLength(1);
    expect(invalid).toEqual([]);
  }, 120_000);
});
