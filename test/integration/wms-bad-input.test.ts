import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMqttBus } from '../../protocol/bus/mqtt-bus.ts';
import { WmsClientLink } from '../../protocol/wms/links.ts';
import type { WmsEvent } from '../../protocol/wms/event-schemas.ts';
import type { WmsReply } from '../../protocol/wms/reply-schemas.ts';
import { startFacility, type Facility } from '../../cli/facility.ts';
import { loadLayout } from '../../cli/load-layout.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * Bad WMS input over a real broker: each gets a rejection with a code and a readable reason,
 * nothing else changes (inventory, reservations, stored requests), and the system keeps
 * working (a good pick afterwards completes).
 */
describe('bad WMS input', () => {
  let facility: Facility;
  let client: WmsClientLink;
  const replies: WmsReply[] = [];
  const events: WmsEvent[] = [];

  beforeAll(async () => {
    facility = await startFacility({ layout: await loadLayout(undefined), transport: { kind: 'mqtt', port: 0, speed: 20 }, seed: 3, wms: false });
    const bus = await connectMqttBus(facility.brokerUrl!, { clientId: 'test-wms', credentials: await facility.identities!.add('test-wms', 'wms') });
    client = new WmsClientLink(bus, { site: 'demo', clientId: 'test-wms' });
    client.onReply((reply) => replies.push(reply));
    client.onEvent((event) => events.push(event));
    await client.start();
  });

  afterAll(async () => {
    await facility?.stop();
  });

  async function replyTo(send: () => void): Promise<WmsReply> {
    const before = replies.length;
    send();
    await waitFor(() => replies.length > before, 10_000, () => 'a reply');
    return replies[before]!;
  }

  const stockedSku = () => facility.controller.controller.inventory.knownSkus().find((sku) => facility.controller.controller.inventory.available(sku) > 0)!;

  function systemState(): string {
    const core = facility.controller.controller;
    return JSON.stringify({ inventory: core.inventory.snapshot(), open: core.requests.size, jobs: core.queuedJobCount });
  }

  const cases: [string, () => string, string, RegExp][] = [
    ['malformed JSON', () => '{"type": "pick", "requestId": "bad-1", ', 'MALFORMED_JSON', /not valid JSON/],
    ['an unknown SKU', () => JSON.stringify({ type: 'pick', requestId: 'bad-2', lines: [{ sku: 'NO-SUCH-SKU', quantity: 1 }] }), 'UNKNOWN_SKU', /NO-SUCH-SKU/],
    ['quantity 0', () => JSON.stringify({ type: 'pick', requestId: 'bad-3', lines: [{ sku: stockedSku(), quantity: 0 }] }), 'INVALID_QUANTITY', /quantity/],
    ['more than is stocked', () => JSON.stringify({ type: 'pick', requestId: 'bad-4', lines: [{ sku: stockedSku(), quantity: 1_000_000 }] }), 'INSUFFICIENT_STOCK', /available/],
    ['missing fields', () => JSON.stringify({ type: 'pick', requestId: 'bad-5' }), 'INVALID_REQUEST', /lines/],
    ['wrong types', () => JSON.stringify({ type: 'pick', requestId: 'bad-6', lines: [{ sku: 42, quantity: '2' }] }), 'INVALID_REQUEST', /sku/],
    ['an unknown port', () => JSON.stringify({ type: 'pick', requestId: 'bad-7', lines: [{ sku: stockedSku(), quantity: 1 }], port: 'P9' }), 'UNKNOWN_PORT', /P9/],
    // Beyond the API's 64 KiB but within the broker's packet limit for a WMS client (larger ones end the connection: test/security).
    ['a 70 KiB payload', () => JSON.stringify({ type: 'pick', requestId: 'bad-8', lines: [{ sku: 'x'.repeat(70 * 1024), quantity: 1 }] }), 'PAYLOAD_TOO_LARGE', /bytes/],
  ];

  for (const [name, text, code, reason] of cases) {
    it(`rejects ${name} with ${code} and a readable reason, changing nothing`, async () => {
      const before = systemState();
      const reply = await replyTo(() => client.sendRaw(text()));
      expect(reply.type).toBe('rejected');
      if (reply.type !== 'rejected') return;
      expect(reply.code).toBe(code);
      expect(reply.reason).toMatch(reason);
      expect(reply.reason.length).toBeGreaterThan(10);
      expect(systemState()).toBe(before);
    });
  }

  it('answers a repeated requestId with the same content with the same reply, and one with other content as a duplicate', async () => {
    const sku = stockedSku();
    const first = await replyTo(() => client.send({ type: 'pick', requestId: 'dup-1', lines: [{ sku, quantity: 1 }] }));
    expect(first.type).toBe('accepted');
    const state = systemState();
    const repeat = await replyTo(() => client.send({ type: 'pick', requestId: 'dup-1', lines: [{ sku, quantity: 1 }] }));
    // The same answer; only the timestamp says when it was sent again.
    expect({ ...repeat, timestamp: undefined }).toEqual({ ...first, timestamp: undefined });
    const conflicting = await replyTo(() => client.send({ type: 'pick', requestId: 'dup-1', lines: [{ sku, quantity: 2 }] }));
    expect(conflicting).toMatchObject({ type: 'rejected', code: 'DUPLICATE_REQUEST_ID' });
    expect(systemState()).toBe(state);
  });

  it('keeps working: a good pick after all that completes, with exactly one terminal event', async () => {
    await waitFor(() => events.some((e) => e.requestId === 'dup-1' && e.type !== 'progress'), 120_000, () => 'dup-1 to complete');
    const terminals = events.filter((e) => e.requestId === 'dup-1' && e.type !== 'progress');
    expect(terminals).toHaveLength(1);
    expect(terminals[0]!.type).toBe('completed');
  }, 130_000);
});
