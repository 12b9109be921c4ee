import { describe, expect, it, vi } from 'vitest';
import { MemoryBroker } from '../../protocol/bus/memory-bus.ts';
import { SimulatedClock } from '../../protocol/clock.ts';
import { parseLayout } from '../../protocol/layout/index.ts';
import { WmsClientLink } from '../../protocol/wms/links.ts';
import type { WmsEvent } from '../../protocol/wms/event-schemas.ts';
import type { WmsReply } from '../../protocol/wms/reply-schemas.ts';
import type { WmsRequest } from '../../protocol/wms/request-schemas.ts';
import type { ControllerOptions } from '../controller-options.ts';
import { startController } from '../main.ts';
import { memoryState, storeState } from '../test-support/store-and-memory.ts';

/**
 * The WMS gateway over an in-memory broker on a simulated clock, no robot moving: limits at
 * the edge (rate, units per bin, whose requests a client sees) and internal errors (nothing
 * kept before a request commits, a `failed` event after). Grid 6 x 3: pick port P1 at (0, 0),
 * putaway port P2 at (5, 0). B3 and B4 hold 2^52 units of S2 each: more together than a
 * JSON number carries exactly, as a store written before the limits may.
 */
const HALF_OF_2_53 = 2 ** 52;

function layout() {
  const parsed = parseLayout(
    JSON.stringify({
      name: 'wms-gateway-test',
      columns: { x: 6, y: 3 },
      depth: 4,
      ports: [
        { id: 'P1', x: 0, y: 0, mode: 'pick' },
        { id: 'P2', x: 5, y: 0, mode: 'putaway' },
      ],
      robots: { count: 1 },
      inventory: {
        bins: [
          { id: 'B1', x: 2, y: 2, level: 0, contents: [{ sku: 'S1', quantity: 3 }] },
          { id: 'B2', x: 2, y: 2, level: 1, contents: [] },
          { id: 'B3', x: 4, y: 1, level: 0, contents: [{ sku: 'S2', quantity: HALF_OF_2_53 }] },
          { id: 'B4', x: 4, y: 1, level: 1, contents: [{ sku: 'S2', quantity: HALF_OF_2_53 }] },
          { id: 'B5', x: 1, y: 2, level: 0, contents: [] },
        ],
      },
    }),
    'wms-gateway-test',
  );
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return parsed.layout;
}

async function rig(options: Partial<ControllerOptions> = {}) {
  const clock = new SimulatedClock();
  const broker = new MemoryBroker(clock);
  const running = await startController({ layout: layout(), bus: broker.connect({ clientId: 'controller' }), clock, options: { fleetWaitMs: 0, ...options } });
  const clients = new Map<string, { link: WmsClientLink; replies: WmsReply[]; events: WmsEvent[] }>();
  for (const clientId of ['wms-a', 'wms-b']) {
    const link = new WmsClientLink(broker.connect({ clientId }), { site: 'demo', clientId });
    const seen = { link, replies: [] as WmsReply[], events: [] as WmsEvent[] };
    link.onReply((r) => void seen.replies.push(r));
    link.onEvent((e) => void seen.events.push(e));
    await link.start();
    clients.set(clientId, seen);
  }
  clock.advance(0);
  /** Sends requests from a client and returns the replies they got. */
  const ask = (clientId: string, ...requests: WmsRequest[]): WmsReply[] => {
    const client = clients.get(clientId)!;
    const before = client.replies.length;
    for (const request of requests) client.link.send(request);
    clock.advance(0);
    return client.replies.slice(before);
  };
  const core = running.controller;
  const consistent = () => expect(storeState(running.store)).toEqual(memoryState(core));
  return { clock, running, core, store: running.store, clients, ask, consistent };
}

const pick = (requestId: string, quantity = 1): WmsRequest => ({ type: 'pick', requestId, lines: [{ sku: 'S1', quantity }] });

describe('WMS gateway: limits at the edge', () => {
  it('answers a group of requests that arrive together before it sends their events, each event after its reply and a terminal one last', async () => {
    const w = await rig();
    const client = w.clients.get('wms-a')!;
    const heard: string[] = [];
    client.link.onReply((r) => void heard.push(`reply ${r.requestId}`));
    client.link.onEvent((e) => void heard.push(`${e.type === 'progress' ? e.stage : e.type} ${e.requestId}`));
    w.ask('wms-a', pick('a-1'), { type: 'putaway', requestId: 'a-2', sku: 'S9', quantity: 1 }, { type: 'cancel', requestId: 'a-3', targetRequestId: 'a-1' });
    const lastReply = Math.max(...['a-1', 'a-2', 'a-3'].map((id) => heard.indexOf(`reply ${id}`)));
    expect(lastReply).toBe(2);
    expect(heard.slice(3).filter((h) => h.endsWith('a-1'))).toEqual(['queued a-1', 'binSelected a-1', 'cancelled a-1']);
    expect(heard.slice(3).filter((h) => h.endsWith('a-2'))).toEqual(['queued a-2', 'binSelected a-2']);
    w.consistent();
    await w.running.stop();
  });

  it('holds a client to its request rate with RATE_LIMITED, keeping nothing, so the same request sent later is handled as new', async () => {
    const w = await rig({ wmsRequestsPerSecond: 2, wmsRequestBurst: 2 });
    const replies = w.ask('wms-a', pick('a-1'), { type: 'inventory', requestId: 'a-2', sku: 'S1' }, pick('a-3'));
    expect(replies.map((r) => r.type)).toEqual(['accepted', 'accepted', 'rejected']);
    expect(replies[2]).toMatchObject({ requestId: 'a-3', code: 'RATE_LIMITED', reason: 'client "wms-a" sent more than 2 requests a second (bursts of up to 2); send it again in 0.5 s' });
    expect(w.store.getRequest('a-3')).toBeUndefined();
    expect(w.core.inventory.reservationsOfRequest('a-3')).toEqual([]);
    // Another client has its own allowance.
    expect(w.ask('wms-b', pick('b-1'))[0]).toMatchObject({ type: 'accepted' });
    w.clock.advance(500);
    expect(w.ask('wms-a', pick('a-3'))[0]).toMatchObject({ type: 'accepted', requestId: 'a-3' });
    expect(w.ask('wms-a', pick('a-4'))[0]).toMatchObject({ type: 'rejected', code: 'RATE_LIMITED' });
    // A retry of a request already answered gets that answer again, over the limit too.
    expect(w.ask('wms-a', pick('a-1'))[0]).toMatchObject({ type: 'accepted', requestId: 'a-1' });
    w.consistent();
    await w.running.stop();
  });

  it('shows a client only its own requests: another client\'s is unknown to status and cancel, and its id is taken', async () => {
    const w = await rig();
    expect(w.ask('wms-a', pick('a-1'))[0]).toMatchObject({ type: 'accepted' });
    const [status, cancel, statusOfNothing] = w.ask(
      'wms-b',
      { type: 'status', requestId: 'b-1', targetRequestId: 'a-1' },
      { type: 'cancel', requestId: 'b-2', targetRequestId: 'a-1' },
      { type: 'status', requestId: 'b-3', targetRequestId: 'never-sent' },
    );
    expect(status).toMatchObject({ type: 'rejected', code: 'UNKNOWN_REQUEST', reason: 'no accepted request "a-1"' });
    expect(cancel).toMatchObject({ type: 'rejected', code: 'UNKNOWN_REQUEST', reason: 'no accepted request "a-1"' });
    expect(statusOfNothing).toMatchObject({ type: 'rejected', code: 'UNKNOWN_REQUEST', reason: 'no accepted request "never-sent"' });
    expect(w.core.requests.get('a-1')).toBeDefined();
    // The same id and content from another client is no repeat: it gets nothing of a-1.
    const [copy] = w.ask('wms-b', pick('a-1'));
    expect(copy).toMatchObject({ type: 'rejected', code: 'DUPLICATE_REQUEST_ID', reason: 'requestId "a-1" is already in use (ids are site-wide); choose another' });
    expect(w.ask('wms-a', { type: 'status', requestId: 'a-2', targetRequestId: 'a-1' })[0]).toMatchObject({ type: 'accepted', status: { targetRequestId: 'a-1', state: 'queued' } });
    expect(w.ask('wms-a', { type: 'cancel', requestId: 'a-3', targetRequestId: 'a-1' })[0]).toMatchObject({ type: 'accepted' });
    expect(w.clients.get('wms-a')!.events.at(-1)).toMatchObject({ type: 'cancelled', requestId: 'a-1' });
    expect(w.clients.get('wms-b')!.events).toEqual([]);
    w.consistent();
    await w.running.stop();
  });

  it('refuses a putaway that would take a bin over maxUnitsPerBin with BIN_CAPACITY_EXCEEDED', async () => {
    const w = await rig({ maxUnitsPerBin: 10 });
    const [over, full, overEmpty] = w.ask(
      'wms-a',
      { type: 'putaway', requestId: 'p-1', sku: 'S1', quantity: 8, binId: 'B1' },
      { type: 'putaway', requestId: 'p-2', sku: 'S1', quantity: 7, binId: 'B1' },
      { type: 'putaway', requestId: 'p-3', sku: 'S9', quantity: 11 },
    );
    expect(over).toMatchObject({ type: 'rejected', code: 'BIN_CAPACITY_EXCEEDED', reason: 'bin "B1" holds 3 of S1; 8 more would exceed the 10 units a bin may hold' });
    expect(full).toMatchObject({ type: 'accepted' });
    expect(overEmpty).toMatchObject({ type: 'rejected', code: 'BIN_CAPACITY_EXCEEDED', reason: '11 units exceed the 10 units a bin may hold; split the putaway' });
    expect(w.store.getRequest('p-1')).toBeUndefined();
    await w.running.stop();
  });
});

describe('WMS gateway: internal errors', () => {
  it('answers an inventory reply it cannot build with INTERNAL_ERROR, keeping nothing, and keeps answering', async () => {
    const w = await rig();
    const [reply, again] = w.ask('wms-a', { type: 'inventory', requestId: 'i-1', sku: 'S2' }, { type: 'inventory', requestId: 'i-1', sku: 'S2' });
    for (const r of [reply!, again!]) {
      expect(r).toMatchObject({ type: 'rejected', requestId: 'i-1', code: 'INTERNAL_ERROR' });
      if (r.type === 'rejected') expect(r.reason).toMatch(/^internal error: .*totalQuantity.*; nothing was changed, the request may be sent again$/s);
    }
    expect(w.store.getRequest('i-1')).toBeUndefined();
    expect(w.core.alarms.map((a) => a.source)).toEqual(['wms link', 'wms link']);
    expect(w.core.alarms[0]!.message).toMatch(/^internal error: /);
    expect(w.ask('wms-a', { type: 'inventory', requestId: 'i-2', binId: 'B3' })[0]).toMatchObject({ type: 'accepted', inventory: { totalQuantity: HALF_OF_2_53 } });
    await w.running.stop();
  });

  it('rejects a request that fails before it is kept with INTERNAL_ERROR, undoing its reservations; sent again it is accepted', async () => {
    const w = await rig();
    const before = memoryState(w.core);
    vi.spyOn(w.store, 'insertRequest').mockImplementationOnce(() => {
      throw new Error('injected: disk full');
    });
    const [reply] = w.ask('wms-a', pick('o-1', 2));
    expect(reply).toMatchObject({ type: 'rejected', code: 'INTERNAL_ERROR', reason: 'internal error: injected: disk full; nothing was changed, the request may be sent again' });
    expect(memoryState(w.core)).toEqual(before);
    w.consistent();
    expect(w.clients.get('wms-a')!.events).toEqual([]);
    expect(w.ask('wms-a', pick('o-1', 2))[0]).toMatchObject({ type: 'accepted', requestId: 'o-1' });
    expect(w.core.inventory.reservationsOfRequest('o-1')).toHaveLength(1);
    w.consistent();
    await w.running.stop();
  });

  it('answers a kept request whose reply failed to go out before its failed event, never after', async () => {
    const w = await rig();
    const out = (w.running.gateway as unknown as { out: { sendReply: (...args: unknown[]) => void } }).out;
    vi.spyOn(out, 'sendReply').mockImplementationOnce(() => {
      throw new Error('injected: send failed');
    });
    const order: string[] = [];
    const client = w.clients.get('wms-a')!;
    client.link.onReply((r) => void order.push(`${r.type} ${r.requestId}`));
    client.link.onEvent((e) => void (e.type !== 'progress' && order.push(`${e.type} ${e.requestId}`)));
    w.ask('wms-a', pick('o-9', 1));
    expect(order).toEqual(['accepted o-9', 'failed o-9']);
    expect(w.core.inventory.reservations()).toEqual([]);
    w.consistent();
    await w.running.stop();
  });

  it('keeps nothing of a pick that fails while starting: INTERNAL_ERROR, its stock released, and the same request sent again is handled as new', async () => {
    const w = await rig();
    vi.spyOn(w.core, 'queueVisit').mockImplementationOnce(() => {
      throw new Error('injected: queue broken');
    });
    const [reply] = w.ask('wms-a', pick('o-1', 2));
    expect(reply).toMatchObject({ type: 'rejected', requestId: 'o-1', code: 'INTERNAL_ERROR', reason: 'internal error: injected: queue broken; nothing was changed, the request may be sent again' });
    expect(w.clients.get('wms-a')!.events).toEqual([]);
    expect(w.store.getRequest('o-1')).toBeUndefined();
    expect(w.core.requests.size).toBe(0);
    expect(w.core.inventory.reservations()).toEqual([]);
    expect(w.core.queuedJobCount).toBe(0);
    w.consistent();
    expect(w.ask('wms-a', pick('o-1', 2))[0]).toMatchObject({ type: 'accepted', requestId: 'o-1' });
    expect(w.core.requests.get('o-1')).toBeDefined();
    await w.running.stop();
  });
});

describe('WMS gateway: an order wave', () => {
  it('handles requests that arrive together as one group, kept with one commit, answered in the order sent', async () => {
    const w = await rig();
    const groups = vi.spyOn(w.store, 'applyGroup');
    const replies = w.ask('wms-a', pick('w-1'), { type: 'putaway', requestId: 'w-2', sku: 'S1', quantity: 1 }, { type: 'pick', requestId: 'w-3', lines: [{ sku: 'NOPE', quantity: 1 }] }, pick('w-4'));
    expect(groups).toHaveBeenCalledTimes(1);
    expect(groups.mock.calls[0]![0]).toHaveLength(4);
    expect(replies.map((r) => `${r.type} ${r.requestId}`)).toEqual(['accepted w-1', 'accepted w-2', 'rejected w-3', 'accepted w-4']);
    // Each saw the ones before it: both picks hold their own reservation.
    expect(w.core.inventory.reservationsOfRequest('w-1')).toHaveLength(1);
    expect(w.core.inventory.reservationsOfRequest('w-4')).toHaveLength(1);
    expect([...w.core.requests.all()].map((r) => r.requestId)).toEqual(['w-1', 'w-2', 'w-4']);
    w.consistent();
    await w.running.stop();
  });
});

