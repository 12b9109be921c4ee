/**
 * Limits at the WMS edge and internal errors, on the default facility in-process (simulated
 * clock, deterministic). A WMS client pushing quantities to the limit gets clear rejections
 * and every request it had accepted ends; an internal error injected into each kind of
 * handler (WMS request, port confirmation, robot state, console command) is raised as an
 * alarm, the work it interrupted ends with an answer or a `failed` event, store and memory
 * agree, and the facility goes on working.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConsoleClientLink } from '../../protocol/console/console-links.ts';
import type { ConsoleReply } from '../../protocol/console/console-messages.ts';
import { openStore } from '../../controller/store/sqlite-store.ts';
import { memoryState, storeState } from '../../controller/test-support/store-and-memory.ts';
import { rig } from '../support/wms-port-rig.ts';

const MAX_SAFE = Number.MAX_SAFE_INTEGER; // 2^53 - 1

const dataDirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('a WMS client putting away huge quantities (limits at the WMS edge)', () => {
  it('puts away a huge quantity, then queries and puts away again: clear rejections, no request left open', async () => {
    const r = await rig({ manualPorts: ['P3'] });
    const core = r.f.controller.controller;
    const huge = r.ask({ type: 'putaway', requestId: 'in-1', sku: 'SKU-HUGE', quantity: MAX_SAFE });
    expect(huge).toMatchObject({ type: 'rejected', requestId: 'in-1', code: 'INVALID_QUANTITY', reason: 'quantity must be an integer from 1 to 1000000' });

    // The most one request may put away fills an empty bin to the cap.
    expect(r.ask({ type: 'putaway', requestId: 'in-2', sku: 'SKU-HUGE', quantity: 1_000_000 })).toMatchObject({ type: 'accepted' });
    expect(r.until(() => r.screens.get('P3')?.lines[0]!.requestId === 'in-2')).toBe(true);
    r.confirm('P3');
    expect(r.until(() => r.terminalEventsOf('in-2').length > 0)).toBe(true);
    expect(r.terminalEventsOf('in-2')).toEqual([expect.objectContaining({ type: 'completed', stored: [{ sku: 'SKU-HUGE', quantity: 1_000_000 }] })]);
    // The bin is back in storage: another putaway into it may be asked for.
    expect(r.until(() => core.robotSerials().every((serial) => core.robotStatus(serial)?.job === null))).toBe(true);

    const query = r.ask({ type: 'inventory', requestId: 'q-1', sku: 'SKU-HUGE' });
    expect(query).toMatchObject({ type: 'accepted', inventory: { sku: 'SKU-HUGE', totalQuantity: 1_000_000 } });
    const binId = query.type === 'accepted' ? query.inventory!.bins[0]!.binId : '';
    expect(r.ask({ type: 'putaway', requestId: 'in-3', sku: 'SKU-HUGE', quantity: 1, binId })).toMatchObject({
      type: 'rejected',
      code: 'BIN_CAPACITY_EXCEEDED',
      reason: `bin "${binId}" holds 1000000 of SKU-HUGE; 1 more would exceed the 1000000 units a bin may hold`,
    });
    expect(r.ask({ type: 'putaway', requestId: 'in-4', sku: 'SKU-HUGE', quantity: MAX_SAFE, binId })).toMatchObject({ type: 'rejected', code: 'INVALID_QUANTITY' });
    expect(r.ask({ type: 'pick', requestId: 'out-1', lines: [{ sku: 'SKU-HUGE', quantity: MAX_SAFE }] })).toMatchObject({ type: 'rejected', code: 'INVALID_QUANTITY' });
    // Another putaway goes into another bin and completes.
    expect(r.ask({ type: 'putaway', requestId: 'in-5', sku: 'SKU-HUGE', quantity: 5 })).toMatchObject({ type: 'accepted' });
    expect(r.until(() => r.screens.get('P3')?.lines[0]!.requestId === 'in-5')).toBe(true);
    r.confirm('P3');
    r.expectAllEnded();
    expect(r.ask({ type: 'inventory', requestId: 'q-2', sku: 'SKU-HUGE' })).toMatchObject({ type: 'accepted', inventory: { totalQuantity: 1_000_005 } });
    expect(core.alarms).toEqual([]);
    await r.stop();
  }, 120_000);

  it('on a store written before the limits (2^53 - 1 units in a bin) still answers every request, and ends every one it accepts', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'gridline-limits-'));
    dataDirs.push(dataDir);
    const first = await rig({ dataDir });
    const [huge, small] = first.f.controller.controller.inventory.emptyBins();
    const dimensions = first.f.controller.store.dimensions;
    await first.stop();
    const store = openStore(dataDir, dimensions);
    store.recordContents(huge!, [{ sku: 'SKU-OLD', quantity: MAX_SAFE }]);
    store.recordContents(small!, [{ sku: 'SKU-OLD', quantity: 1 }]);
    store.close();

    const r = await rig({ dataDir, manualPorts: ['P1', 'P3'], seed: 12 });
    const core = r.f.controller.controller;
    // 2^53 units in all: no exact JSON number; the query is answered all the same.
    const query = r.ask({ type: 'inventory', requestId: 'q-1', sku: 'SKU-OLD' });
    expect(query).toMatchObject({ type: 'rejected', requestId: 'q-1', code: 'INTERNAL_ERROR' });
    expect(r.ask({ type: 'inventory', requestId: 'q-2', binId: huge })).toMatchObject({ type: 'accepted', inventory: { totalQuantity: MAX_SAFE } });
    expect(r.ask({ type: 'putaway', requestId: 'in-1', sku: 'SKU-OLD', quantity: 1, binId: huge })).toMatchObject({ type: 'rejected', code: 'BIN_CAPACITY_EXCEEDED' });
    // A pick from that stock and a putaway elsewhere run to their end.
    expect(r.ask({ type: 'pick', requestId: 'out-1', lines: [{ sku: 'SKU-OLD', quantity: 3 }] })).toMatchObject({ type: 'accepted' });
    expect(r.ask({ type: 'putaway', requestId: 'in-2', sku: 'SKU-OLD', quantity: 7 })).toMatchObject({ type: 'accepted' });
    expect(r.until(() => r.screens.get('P1')?.lines[0]!.requestId === 'out-1' && r.screens.get('P3')?.lines[0]!.requestId === 'in-2')).toBe(true);
    r.confirm('P1');
    r.confirm('P3');
    r.expectAllEnded();
    expect(r.terminalEventsOf('out-1')).toEqual([expect.objectContaining({ type: 'completed', picked: [{ sku: 'SKU-OLD', quantity: 3 }] })]);
    expect(r.terminalEventsOf('in-2')).toEqual([expect.objectContaining({ type: 'completed', stored: [{ sku: 'SKU-OLD', quantity: 7 }] })]);
    expect(core.alarms.map((a) => `${a.source}: ${a.message.split('\n')[0]}`)).toEqual([expect.stringMatching(/^wms link: internal error: /)]);
    await r.stop();
  }, 120_000);
});

describe('an internal error in each kind of handler', () => {
  it('a WMS request: rejected with INTERNAL_ERROR if nothing was kept, else ended with a failed event; the same request sent again works', async () => {
    const r = await rig({ manualPorts: ['P1'] });
    const core = r.f.controller.controller;
    const sku = core.inventory.knownSkus().find((s) => core.inventory.available(s) >= 4)!;
    vi.spyOn(r.f.controller.store, 'insertRequest').mockImplementationOnce(() => {
      throw new Error('injected: store refused the record');
    });
    expect(r.ask({ type: 'pick', requestId: 'o-1', lines: [{ sku, quantity: 2 }] })).toMatchObject({ type: 'rejected', code: 'INTERNAL_ERROR' });
    expect(core.inventory.reservationsOfRequest('o-1')).toEqual([]);
    // Kept, but its reply fails to go out: it is answered all the same, then ends failed.
    const out = (r.f.controller.gateway as unknown as { out: { sendReply: (...args: unknown[]) => void } }).out;
    vi.spyOn(out, 'sendReply').mockImplementationOnce(() => {
      throw new Error('injected: reply lost');
    });
    expect(r.ask({ type: 'pick', requestId: 'o-2', lines: [{ sku, quantity: 2 }] })).toMatchObject({ type: 'accepted' });
    expect(r.terminalEventsOf('o-2')).toEqual([expect.objectContaining({ type: 'failed', reason: 'internal error: injected: reply lost', picked: [] })]);
    expect(storeState(r.f.controller.store)).toEqual(memoryState(core));
    expect(core.alarms.map((a) => a.source)).toEqual(['wms link', 'wms link']);
    // Sent again, the first is handled as new and completes; the second gets its kept reply.
    expect(r.ask({ type: 'pick', requestId: 'o-1', lines: [{ sku, quantity: 2 }] })).toMatchObject({ type: 'accepted' });
    expect(r.ask({ type: 'pick', requestId: 'o-2', lines: [{ sku, quantity: 2 }] })).toMatchObject({ type: 'accepted' });
    expect(r.until(() => r.screens.get('P1')?.lines[0]!.requestId === 'o-1')).toBe(true);
    r.confirm('P1');
    r.expectAllEnded();
    expect(r.terminalEventsOf('o-1')).toEqual([expect.objectContaining({ type: 'completed' })]);
    await r.stop();
  }, 120_000);

  it('a port confirmation: nothing of it is kept, the bin goes back as it was, the request fails, and the port goes on', async () => {
    const r = await rig({ manualPorts: ['P1'] });
    const core = r.f.controller.controller;
    const sku = core.inventory.knownSkus().find((s) => core.inventory.available(s) >= 4)!;
    expect(r.ask({ type: 'pick', requestId: 'o-1', lines: [{ sku, quantity: 1 }] })).toMatchObject({ type: 'accepted' });
    expect(r.until(() => r.screens.get('P1')?.lines[0]!.requestId === 'o-1')).toBe(true);
    const shown = r.screens.get('P1')!;
    const contents = core.inventory.contents(shown.binId);
    expect(core.inventory.reservationsOfRequest('o-1')).toHaveLength(1);
    // The pieces are taken out of the bin, then telling the WMS fails: all of it is taken back.
    vi.spyOn(r.f.controller.gateway, 'progress').mockImplementationOnce(() => {
      throw new Error('injected: progress broke');
    });
    r.confirm('P1');
    expect(core.alarms.map((a) => a.source)).toEqual(['port P1']);
    expect(core.alarms[0]!.message).toMatch(/^internal error: Error: injected: progress broke/);
    expect(r.terminalEventsOf('o-1')).toEqual([
      expect.objectContaining({ type: 'failed', reason: 'confirmation at port P1 failed: internal error: injected: progress broke', picked: [] }),
    ]);
    expect(core.inventory.contents(shown.binId)).toEqual(contents);
    expect(core.inventory.reservationsOfRequest('o-1')).toEqual([]);
    expect(core.ports.get('P1')!.presented).toBeNull();
    expect(storeState(r.f.controller.store)).toEqual(memoryState(core));
    // The port takes the next bin and its confirmation.
    expect(r.ask({ type: 'pick', requestId: 'o-2', lines: [{ sku, quantity: 1 }] })).toMatchObject({ type: 'accepted' });
    expect(r.until(() => r.screens.get('P1')?.lines[0]!.requestId === 'o-2')).toBe(true);
    r.confirm('P1');
    r.expectAllEnded();
    expect(r.terminalEventsOf('o-2')).toEqual([expect.objectContaining({ type: 'completed', picked: [{ sku, quantity: 1 }] })]);
    await r.stop();
  }, 120_000);

  it('a robot state: the robot is held, its job handed on or its request failed, and the others go on', async () => {
    const r = await rig();
    const core = r.f.controller.controller;
    const skus = core.inventory.knownSkus().filter((s) => core.inventory.available(s) >= 2);
    for (let i = 0; i < 4; i++) expect(r.ask({ type: 'pick', requestId: `o-${i}`, lines: [{ sku: skus[i]!, quantity: 1 }] })).toMatchObject({ type: 'accepted' });
    const working = () => core.robotViews().find((view) => view.job?.kind === 'retrieve')?.serial;
    expect(r.until(() => working() !== undefined)).toBe(true);
    const serial = working()!;
    const onState = core.edge.onState.bind(core.edge);
    let injected = false;
    vi.spyOn(core.edge, 'onState').mockImplementation((s, state, dropped) => {
      if (s === serial && !injected) {
        injected = true;
        throw new Error('injected: state handling broke');
      }
      onState(s, state, dropped);
    });
    expect(r.until(() => injected)).toBe(true);
    expect(core.alarms[0]).toMatchObject({ source: serial });
    expect(core.alarms[0]!.message).toMatch(/^internal error: Error: injected: state handling broke/);
    expect(core.robotViews().find((v) => v.serial === serial)!.hold).toBe('sent a state the controller failed on (internal error: injected: state handling broke)');
    r.expectAllEnded();
    expect(r.terminalEventsOf('o-1')).toEqual([expect.objectContaining({ type: 'completed' })]);
    await r.stop();
  }, 120_000);

  it('a console command: answered INTERNAL_ERROR once, and the next command is carried out', async () => {
    const r = await rig();
    const core = r.f.controller.controller;
    const console = new ConsoleClientLink(await r.f.connectBus('console-test'), { site: 'demo', user: 'ann' });
    const replies: ConsoleReply[] = [];
    console.onReply((reply) => void replies.push(reply));
    await console.start();
    vi.spyOn(core, 'blockCell').mockImplementationOnce(() => {
      throw new Error('injected: command broke');
    });
    console.send({ commandId: 'k-1', type: 'blockCell', x: 10, y: 10 });
    r.f.advance(1);
    console.send({ commandId: 'k-1', type: 'blockCell', x: 10, y: 10 }); // a redelivery gets the same answer
    console.send({ commandId: 'k-2', type: 'blockCell', x: 10, y: 10 });
    r.f.advance(1);
    expect(replies.map((reply) => [reply.commandId, reply.ok, reply.code, reply.message])).toEqual([
      ['k-1', false, 'INTERNAL_ERROR', 'internal error: injected: command broke (in blockCell)'],
      ['k-1', false, 'INTERNAL_ERROR', 'internal error: injected: command broke (in blockCell)'],
      ['k-2', true, 'OK', expect.any(String)],
    ]);
    // The internal error, and the repeat (never run twice, and said).
    expect(core.alarms.map((a) => `${a.source}: ${a.message.split('\n')[0]}`)).toEqual([
      expect.stringMatching(/^console: internal error: .*injected: command broke/),
      'console: ann sent command k-1 (blockCell) again; it was answered as before and not run again',
    ]);
    expect(core.blockedCells()).toHaveLength(1);
    expect(storeState(r.f.controller.store)).toEqual(memoryState(core));
    await r.stop();
  }, 120_000);
});
