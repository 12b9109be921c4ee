/**
 * Every order line at the port, on the default facility in-process (simulated clock,
 * deterministic) with a screen the test reads and confirms: a bin serving several lines of
 * one order presents them all, a bin wanted by several orders at one port is presented once
 * for all of them (batched), each line is confirmed with its own quantity, and the stock and
 * the WMS's events are exact per line.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { GridController } from '../../controller/grid-controller.ts';
import type { ProgressEvent } from '../../protocol/wms/event-schemas.ts';
import { rig, type Rig } from '../support/wms-port-rig.ts';

const rigs: Rig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.stop();
});

async function manualP1(): Promise<Rig> {
  const r = await rig({ manualPorts: ['P1'] });
  rigs.push(r);
  return r;
}

/** A SKU held in one bin only, with at least `units` of it: every line of it is served by that bin. */
function singleBinSku(core: GridController, units: number): { sku: string; binId: string } {
  for (const sku of core.inventory.knownSkus()) {
    const bins = core.inventory.binsWithSku(sku);
    if (bins.length === 1 && core.inventory.availableInBin(bins[0]!, sku) >= units) return { sku, binId: bins[0]! };
  }
  throw new Error(`no SKU sits in one bin with ${units} units`);
}

const unitsIn = (core: GridController, binId: string, sku: string) => core.inventory.contents(binId).find((line) => line.sku === sku)?.quantity ?? 0;

function linePicked(r: Rig, requestId: string): { line: number | undefined; quantity: number | undefined }[] {
  return r.events
    .filter((e): e is ProgressEvent => e.type === 'progress' && e.requestId === requestId && e.stage === 'linePicked')
    .map((e) => ({ line: e.line, quantity: e.quantity }));
}

describe('every order line at the port', () => {
  it('a three-line order whose lines share a bin: one presentation lists all three, and each completes with its own quantity', async () => {
    const r = await manualP1();
    const core = r.f.controller.controller;
    const { sku, binId } = singleBinSku(core, 6);
    const before = unitsIn(core, binId, sku);
    const lines = [
      { sku, quantity: 1 },
      { sku, quantity: 2 },
      { sku, quantity: 3 },
    ];
    expect(r.ask({ type: 'pick', requestId: 'order-1', lines, port: 'P1' })).toMatchObject({ type: 'accepted', requestId: 'order-1' });
    expect(r.until(() => r.screens.get('P1') != null)).toBe(true);
    const shown = r.screens.get('P1')!;
    expect(shown.binId).toBe(binId);
    expect(shown.lines.map((line) => [line.requestId, line.sku, line.quantity])).toEqual([
      ['order-1', sku, 1],
      ['order-1', sku, 2],
      ['order-1', sku, 3],
    ]);
    r.confirm('P1');
    expect(r.terminalEventsOf('order-1')).toEqual([
      expect.objectContaining({
        type: 'completed',
        picked: [{ sku, quantity: 6 }],
        lines: [
          { line: 0, sku, quantity: 1 },
          { line: 1, sku, quantity: 2 },
          { line: 2, sku, quantity: 3 },
        ],
      }),
    ]);
    expect(r.terminalEventsOf('order-1')[0]).not.toHaveProperty('reason');
    expect(linePicked(r, 'order-1')).toEqual([
      { line: 0, quantity: 1 },
      { line: 1, quantity: 2 },
      { line: 2, quantity: 3 },
    ]);
    expect(unitsIn(core, binId, sku)).toBe(before - 6);
    r.expectAllEnded();
  }, 120_000);

  it('two orders for one bin at one port are batched on one presentation; one confirmation completes both', async () => {
    const r = await manualP1();
    const core = r.f.controller.controller;
    const { sku, binId } = singleBinSku(core, 3);
    const before = unitsIn(core, binId, sku);
    expect(r.ask({ type: 'pick', requestId: 'order-a', lines: [{ sku, quantity: 1 }], port: 'P1' })).toMatchObject({ type: 'accepted' });
    expect(r.ask({ type: 'pick', requestId: 'order-b', lines: [{ sku, quantity: 2 }], port: 'P1' })).toMatchObject({ type: 'accepted' });
    expect(r.until(() => r.screens.get('P1') != null)).toBe(true);
    const shown = r.screens.get('P1')!;
    expect(shown.lines.map((line) => [line.requestId, line.quantity])).toEqual([
      ['order-a', 1],
      ['order-b', 2],
    ]);
    expect(core.ports.get('P1')!.presentations).toBe(1);
    r.confirm('P1');
    expect(r.terminalEventsOf('order-a')).toEqual([expect.objectContaining({ type: 'completed', lines: [{ line: 0, sku, quantity: 1 }] })]);
    expect(r.terminalEventsOf('order-b')).toEqual([expect.objectContaining({ type: 'completed', lines: [{ line: 0, sku, quantity: 2 }] })]);
    expect(unitsIn(core, binId, sku)).toBe(before - 3);
    r.expectAllEnded();
    // The bin made one trip to the port for both orders.
    expect(core.ports.get('P1')!.presentations).toBe(1);
  }, 120_000);

  it('an order for the bin accepted while it is presented gets it next, without the bin going back first', async () => {
    const r = await manualP1();
    const core = r.f.controller.controller;
    const { sku, binId } = singleBinSku(core, 3);
    expect(r.ask({ type: 'pick', requestId: 'order-a', lines: [{ sku, quantity: 1 }], port: 'P1' })).toMatchObject({ type: 'accepted' });
    expect(r.until(() => r.screens.get('P1') != null)).toBe(true);
    expect(r.ask({ type: 'pick', requestId: 'order-c', lines: [{ sku, quantity: 2 }], port: 'P1' })).toMatchObject({ type: 'accepted' });
    r.confirm('P1');
    const next = r.screens.get('P1')!;
    expect([next.binId, next.lines.map((line) => [line.requestId, line.quantity])]).toEqual([binId, [['order-c', 2]]]);
    expect(core.inventory.location(binId)).toMatchObject({ kind: 'port', portId: 'P1' });
    r.confirm('P1');
    expect(r.terminalEventsOf('order-c')).toEqual([expect.objectContaining({ type: 'completed', lines: [{ line: 0, sku, quantity: 2 }] })]);
    r.expectAllEnded();
    expect(core.ports.get('P1')!.presentations).toBe(2);
  }, 120_000);

  it('a shortage on one line only: that line records what was found, the others their full quantity, and the order completes short', async () => {
    const r = await manualP1();
    const core = r.f.controller.controller;
    const { sku, binId } = singleBinSku(core, 6);
    const before = unitsIn(core, binId, sku);
    const lines = [
      { sku, quantity: 1 },
      { sku, quantity: 2 },
      { sku, quantity: 3 },
    ];
    expect(r.ask({ type: 'pick', requestId: 'order-1', lines, port: 'P1' })).toMatchObject({ type: 'accepted', requestId: 'order-1' });
    expect(r.until(() => r.screens.get('P1') != null)).toBe(true);
    r.confirm('P1', [1, 0, 3]);
    expect(r.terminalEventsOf('order-1')).toEqual([
      expect.objectContaining({
        type: 'completed',
        reason: 'short: fewer pieces were found than asked for',
        picked: [{ sku, quantity: 4 }],
        lines: [
          { line: 0, sku, quantity: 1 },
          { line: 1, sku, quantity: 0 },
          { line: 2, sku, quantity: 3 },
        ],
      }),
    ]);
    expect(unitsIn(core, binId, sku)).toBe(before - 4);
    expect(core.inventory.reservationsOfRequest('order-1')).toEqual([]);
    r.expectAllEnded();
  }, 120_000);

  it('refuses a confirmation that misses a line, repeats one or confirms more than asked: nothing changes and the bin stays presented', async () => {
    const r = await manualP1();
    const core = r.f.controller.controller;
    const { sku, binId } = singleBinSku(core, 3);
    const before = unitsIn(core, binId, sku);
    const lines = [
      { sku, quantity: 1 },
      { sku, quantity: 2 },
    ];
    expect(r.ask({ type: 'pick', requestId: 'order-1', lines, port: 'P1' })).toMatchObject({ type: 'accepted', requestId: 'order-1' });
    expect(r.until(() => r.screens.get('P1') != null)).toBe(true);
    const shown = r.screens.get('P1')!;
    const [first, second] = shown.lines;
    const refused = [
      [{ lineId: first!.lineId, quantity: 1 }],
      [{ lineId: first!.lineId, quantity: 1 }, { lineId: first!.lineId, quantity: 1 }],
      [{ lineId: first!.lineId, quantity: 2 }, { lineId: second!.lineId, quantity: 2 }],
      [{ lineId: first!.lineId, quantity: 1 }, { lineId: 'nope', quantity: 2 }],
    ];
    for (const confirmed of refused) expect(core.confirmAtPort('P1', shown.taskId, shown.binId, confirmed)).toBeDefined();
    expect(core.confirmAtPort('P1', shown.taskId, shown.binId, [{ lineId: first!.lineId, quantity: 1 }])).toMatch(/every presented line must be confirmed; missing/);
    expect(core.confirmAtPort('P1', shown.taskId, shown.binId, [{ lineId: first!.lineId, quantity: 2 }, { lineId: second!.lineId, quantity: 2 }])).toMatch(/2 confirmed, 1 asked/);
    expect(unitsIn(core, binId, sku)).toBe(before);
    expect(core.ports.get('P1')!.presented?.taskId).toBe(shown.taskId);
    expect(r.terminalEventsOf('order-1')).toEqual([]);
    r.confirm('P1');
    expect(r.terminalEventsOf('order-1')).toEqual([expect.objectContaining({ type: 'completed' })]);
    r.expectAllEnded();
  }, 120_000);
});
