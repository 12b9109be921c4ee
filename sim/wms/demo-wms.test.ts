import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../protocol/clock.ts';
import type { PickRequest, PutawayRequest } from '../../protocol/wms/request-schemas.ts';
import { DemoWms, type DemoWmsLink } from './demo-wms.ts';
import { defaultDemoWmsOptions } from './demo-wms-options.ts';
import { evenStock, HOUR_MS, START_MS, wiredDemoWms } from './demo-wms.test-support.ts';

describe('DemoWms request stream', () => {
  it('sends the same request texts for the same seed, and different ones for another seed', async () => {
    const run = async (seed: number) => {
      const w = await wiredDemoWms(evenStock(50, 20), { seed, totalRequests: 60 });
      w.wms.start();
      w.clock.advance(2 * HOUR_MS);
      return w.rawRequests;
    };
    const first = await run(11);
    expect(first).toHaveLength(60);
    expect(await run(11)).toEqual(first);
    expect(await run(12)).not.toEqual(first);
  });

  it('numbers requests ${clientId}-000001 onwards, and every request is valid for the WMS API', async () => {
    const w = await wiredDemoWms(evenStock(20, 50), { totalRequests: 25 });
    w.wms.start();
    w.clock.advance(HOUR_MS);
    expect(w.invalidRequests).toEqual([]);
    expect(w.requests.map((r) => r.requestId)).toEqual(Array.from({ length: 25 }, (_, i) => `demo-wms-${String(i + 1).padStart(6, '0')}`));
  });

  it('arrives at about requestsPerHour over many simulated hours (Poisson)', async () => {
    const w = await wiredDemoWms(evenStock(500, 200), { seed: 5, requestsPerHour: 600 }, { holdMs: 10_000 });
    w.wms.start();
    w.clock.advance(10 * HOUR_MS);
    // Expected 6000 with a standard deviation of about 77: ±10% is more than 7 deviations.
    expect(w.requests.length).toBeGreaterThan(5400);
    expect(w.requests.length).toBeLessThan(6600);
    const stats = w.wms.stats();
    expect(stats.sent).toBe(w.requests.length);
    // About 15% putaways (of 6000: standard deviation about 28).
    expect(stats.sentByType.putaway / stats.sent).toBeGreaterThan(0.12);
    expect(stats.sentByType.putaway / stats.sent).toBeLessThan(0.18);
  });

  it('never has more than maxOpenRequests open, and catches up once requests close', async () => {
    const w = await wiredDemoWms(evenStock(100, 100), { requestsPerHour: 3600, maxOpenRequests: 5 }, { holdMs: 10 * 60_000 });
    w.wms.start();
    let maxOpen = 0;
    for (let s = 0; s < 3600; s++) {
      w.clock.advance(1000);
      maxOpen = Math.max(maxOpen, w.wms.stats().open);
    }
    expect(w.maxOutstanding).toBe(5);
    expect(maxOpen).toBe(5);
    // At most 5 per 10 minutes can be served in an hour.
    expect(w.wms.stats().completed).toBeLessThanOrEqual(30);
    expect(w.wms.stats().completed).toBeGreaterThanOrEqual(25);
  });

  it('stops after totalRequests, and stop() stops sending while replies are still recorded', async () => {
    const w = await wiredDemoWms(evenStock(10, 100), { requestsPerHour: 3600, totalRequests: 7 });
    w.wms.start();
    w.clock.advance(HOUR_MS);
    expect(w.wms.stats()).toMatchObject({ sent: 7, completed: 7, open: 0 });

    const v = await wiredDemoWms(evenStock(10, 100), { requestsPerHour: 3600 }, { holdMs: 60_000 });
    v.wms.start();
    v.clock.advance(10 * 60_000);
    v.wms.stop();
    const sent = v.wms.stats().sent;
    expect(sent).toBeGreaterThan(0);
    v.clock.advance(HOUR_MS);
    expect(v.wms.stats()).toMatchObject({ sent, completed: sent, open: 0 });
    expect(v.wms.isSending).toBe(false);
  });
});

describe('DemoWms request content', () => {
  it('asks pick lines of distinct SKUs, 1..3 lines of 1..3 units by default', async () => {
    const w = await wiredDemoWms(evenStock(50, 100), { putawayShare: 0, totalRequests: 300, requestsPerHour: 3600 });
    w.wms.start();
    w.clock.advance(HOUR_MS);
    const picks = w.requests as PickRequest[];
    expect(picks.every((r) => r.type === 'pick')).toBe(true);
    const lineCounts = new Set(picks.map((r) => r.lines.length));
    expect([...lineCounts].sort()).toEqual([1, 2, 3]);
    for (const pick of picks) {
      expect(new Set(pick.lines.map((l) => l.sku)).size).toBe(pick.lines.length);
      for (const line of pick.lines) expect(line.quantity).toBeGreaterThanOrEqual(1), expect(line.quantity).toBeLessThanOrEqual(3);
    }
  });

  it('never asks for more units than it believes exist, and turns to putaways when nothing is left', async () => {
    const w = await wiredDemoWms([{ sku: 'A', quantity: 4 }, { sku: 'B', quantity: 2 }, { sku: 'A', quantity: 1 }], { putawayShare: 0, requestsPerHour: 3600, totalRequests: 40 }, { script: () => 'hold' });
    w.wms.start();
    w.clock.advance(HOUR_MS);
    const asked = new Map<string, number>();
    for (const r of w.requests) if (r.type === 'pick') for (const l of r.lines) asked.set(l.sku, (asked.get(l.sku) ?? 0) + l.quantity);
    expect(asked.get('A') ?? 0).toBeLessThanOrEqual(5);
    expect(asked.get('B') ?? 0).toBeLessThanOrEqual(2);
    expect(w.requests.at(-1)!.type).toBe('putaway');
    expect(w.wms.estimatedStockOf('A')).toBeGreaterThanOrEqual(0);
  });

  it('counts completed putaways as stock it may pick again', async () => {
    const w = await wiredDemoWms([{ sku: 'A', quantity: 0 }], { putawayShare: 0, newSkuShare: 0, requestsPerHour: 60, totalRequests: 3 }, { holdMs: 10 });
    w.wms.start();
    w.clock.advance(HOUR_MS);
    // Nothing in stock: the first request is a putaway of A; once stored, A can be picked.
    expect(w.requests[0]).toMatchObject({ type: 'putaway', sku: 'A' });
    expect(w.requests.slice(1).some((r) => r.type === 'pick' && r.lines[0]!.sku === 'A')).toBe(true);
  });

  it('gives the units of a pick back when it is rejected for a reason other than stock, or cancelled', async () => {
    let n = 0;
    const w = await wiredDemoWms([{ sku: 'A', quantity: 3 }], { putawayShare: 0, linesPerPick: { min: 1, max: 1 }, maxQuantityPerLine: 3, requestsPerHour: 60, totalRequests: 3 }, {
      holdMs: 10,
      script: () => (++n === 1 ? { reject: 'PORT_UNAVAILABLE' } : n === 2 ? { end: 'cancelled' } : 'hold'),
    });
    w.wms.start();
    w.clock.advance(HOUR_MS);
    expect(w.requests.map((r) => r.type)).toEqual(['pick', 'pick', 'pick']);
    expect(w.wms.stats()).toMatchObject({ rejected: 1, rejectedByCode: { PORT_UNAVAILABLE: 1 }, cancelled: 1 });
    expect(w.wms.estimatedStockOf('A')).toBe(3 - (w.requests[2] as PickRequest).lines[0]!.quantity);
  });

  it('does not give units back after an INSUFFICIENT_STOCK rejection', async () => {
    const w = await wiredDemoWms([{ sku: 'A', quantity: 3 }], { putawayShare: 0, linesPerPick: { min: 1, max: 1 }, maxQuantityPerLine: 3, requestsPerHour: 3600, totalRequests: 1 }, { script: () => ({ reject: 'INSUFFICIENT_STOCK' }) });
    w.wms.start();
    w.clock.advance(HOUR_MS);
    const asked = (w.requests[0] as PickRequest).lines[0]!.quantity;
    expect(w.wms.estimatedStockOf('A')).toBe(3 - asked);
  });

  it('puts away 5..20 units without a bin, of a known SKU or a new SKU-NEW-nnnn', async () => {
    const w = await wiredDemoWms(evenStock(30, 10), { putawayShare: 1, newSkuShare: 0.3, totalRequests: 200, requestsPerHour: 3600 });
    w.wms.start();
    w.clock.advance(HOUR_MS);
    const putaways = w.requests as PutawayRequest[];
    expect(putaways.every((r) => r.type === 'putaway' && r.binId === undefined)).toBe(true);
    expect(Math.min(...putaways.map((r) => r.quantity))).toBe(5);
    expect(Math.max(...putaways.map((r) => r.quantity))).toBe(20);
    // New SKUs are numbered in order of first appearance; once stored they may be topped up like any other.
    const fresh = [...new Set(putaways.filter((r) => r.sku.startsWith('SKU-NEW-')).map((r) => r.sku))];
    expect(fresh.length).toBeGreaterThan(30);
    expect(fresh).toEqual(fresh.map((_, i) => `SKU-NEW-${String(i + 1).padStart(4, '0')}`));
    expect(putaways.filter((r) => /^SKU-\d{5}$/.test(r.sku)).length).toBeGreaterThan(100);
  });

  it('asks for popular SKUs far more often, the most stocked being the most popular', async () => {
    const stock = evenStock(200, 50);
    stock[117]!.quantity = 5000;
    const w = await wiredDemoWms(stock, { putawayShare: 0, totalRequests: 2000, requestsPerHour: 36_000 }, { holdMs: 1000 });
    w.wms.start();
    w.clock.advance(HOUR_MS);
    const lines = new Map<string, number>();
    for (const r of w.requests) if (r.type === 'pick') for (const l of r.lines) lines.set(l.sku, (lines.get(l.sku) ?? 0) + 1);
    const ranked = [...lines.entries()].sort((a, b) => b[1] - a[1]);
    expect(ranked[0]![0]).toBe('SKU-00118');
    const median = ranked[Math.floor(ranked.length / 2)]![1];
    expect(ranked[0]![1]).toBeGreaterThan(10 * median);
  });
});

describe('DemoWms ledger and statistics', () => {
  it('counts accepted, rejected by code, completed and the accept-to-terminal time in clock seconds', async () => {
    let n = 0;
    const w = await wiredDemoWms(evenStock(20, 100), { totalRequests: 10, requestsPerHour: 3600 }, { holdMs: 45_000, script: () => (++n % 5 === 0 ? { reject: 'UNKNOWN_SKU' } : 'complete') });
    w.wms.start();
    w.clock.advance(HOUR_MS);
    const stats = w.wms.stats();
    expect(stats).toMatchObject({ sent: 10, accepted: 8, rejected: 2, rejectedByCode: { UNKNOWN_SKU: 2 }, completed: 8, cancelled: 0, failed: 0, open: 0 });
    expect(stats.durationsS).toEqual(Array(8).fill(45));
    const entry = w.wms.requestLedger()[0]!;
    expect(entry.replies.map((r) => r.reply.type)).toEqual(['accepted']);
    expect(entry.events.map((e) => e.event.type)).toEqual(['progress', 'completed']);
    expect(entry.terminal?.event.type).toBe('completed');
    expect(w.wms.protocolViolations({ final: true })).toEqual([]);
  });

  it('reports a duplicated terminal event and a missing reply', async () => {
    let n = 0;
    const w = await wiredDemoWms(evenStock(20, 100), { totalRequests: 4, requestsPerHour: 3600 }, {
      holdMs: 5_000,
      script: () => (++n === 2 ? 'duplicateTerminal' : n === 3 ? 'noReply' : 'complete'),
    });
    w.wms.start();
    w.clock.advance(HOUR_MS);
    const violations = w.wms.protocolViolations();
    expect(violations).toContain('demo-wms-000002: 2 terminal events (expected exactly 1)');
    expect(violations).toContain('demo-wms-000002: 1 events after the terminal event');
    expect(violations.filter((v) => v.startsWith('demo-wms-000003: no reply'))).toHaveLength(1);
    expect(violations.filter((v) => v.startsWith('demo-wms-000001') || v.startsWith('demo-wms-000004'))).toEqual([]);
    // Without its reply the request never closes: it stays open (a liveness failure).
    expect(w.wms.stats().open).toBe(1);
  });

  it('judges only what has arrived until a reply is overdue, and everything when asked for the final word', async () => {
    const w = await wiredDemoWms(evenStock(20, 100), { totalRequests: 2, requestsPerHour: 36_000, replyTimeoutS: 60 }, { script: (r) => (r.requestId.endsWith('1') ? 'hold' : 'noReply') });
    w.wms.start();
    w.clock.advance(59_000);
    expect(w.wms.stats().sent).toBe(2);
    expect(w.wms.protocolViolations()).toEqual([]);
    expect(w.wms.protocolViolations({ final: true })).toEqual(['demo-wms-000001: accepted but no terminal event', expect.stringMatching(/^demo-wms-000002: no reply/)]);
    w.clock.advance(10 * 60_000);
    expect(w.wms.protocolViolations()).toEqual([expect.stringMatching(/^demo-wms-000002: no reply \d+\.\d s after it was sent/)]);
  });

  it('reports replies and events for requests it never sent, events for a rejected request, and invalid messages', async () => {
    const w = await wiredDemoWms(evenStock(20, 100), { totalRequests: 1, requestsPerHour: 36_000 }, { script: () => ({ reject: 'UNKNOWN_SKU' }) });
    w.wms.start();
    w.clock.advance(60_000);
    w.server.event('demo-wms', { type: 'completed', requestId: 'demo-wms-000001' });
    w.server.event('demo-wms', { type: 'failed', requestId: 'someone-else-1', reason: 'x' });
    w.server.reply('demo-wms', { type: 'accepted', requestId: 'demo-wms-999999', requestType: 'pick' });
    w.broker.connect({ clientId: 'noise' }).publish('gridline/v1/site1/wms/demo-wms/event', '{"type":"completed"}');
    w.clock.advance(1000);
    expect(w.wms.protocolViolations()).toEqual([
      'demo-wms-000001: rejected (UNKNOWN_SKU) but got 1 events',
      'someone-else-1: event (failed) for a request this client never sent',
      'demo-wms-999999: reply (accepted pick) for a request this client never sent',
      expect.stringMatching(/^invalid message on gridline\/v1\/site1\/wms\/demo-wms\/event: /),
    ]);
  });
});

describe('DemoWms options', () => {
  const link: DemoWmsLink = { clientId: 'demo-wms', send: () => {}, onReply: () => () => {}, onEvent: () => () => {} };

  it('has every default in defaultDemoWmsOptions', () => {
    expect(defaultDemoWmsOptions()).toMatchObject({ requestsPerHour: 600, putawayShare: 0.15, linesPerPick: { min: 1, max: 3 }, maxQuantityPerLine: 3, totalRequests: undefined });
    const wms = new DemoWms({ link, clock: new SimulatedClock(START_MS), stock: [] });
    expect(wms.options).toEqual(defaultDemoWmsOptions());
  });

  it('refuses options that make no sense and a client id that cannot make request ids', () => {
    const clock = new SimulatedClock(START_MS);
    expect(() => new DemoWms({ link, clock, stock: [], options: { requestsPerHour: 0 } })).toThrow(/requestsPerHour/);
    expect(() => new DemoWms({ link, clock, stock: [], options: { linesPerPick: { min: 3, max: 1 } } })).toThrow(/linesPerPick/);
    expect(() => new DemoWms({ link: { ...link, clientId: 'demo wms' }, clock, stock: [] })).toThrow(/request ids/);
  });
});
