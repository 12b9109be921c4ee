import { describe, expect, it } from 'vitest';
import { MemoryBroker } from '../bus/memory-bus.ts';
import { SimulatedClock } from '../clock.ts';
import type { WmsEvent } from './event-schemas.ts';
import { WmsClientLink, WmsServerLink } from './links.ts';
import type { ParseWmsRequestResult } from './parse-wms-request.ts';
import type { WmsReply } from './reply-schemas.ts';
import { wmsEventTopic, wmsReplyTopic } from './topics.ts';

async function wired() {
  const clock = new SimulatedClock(Date.UTC(2026, 0, 1, 8));
  const broker = new MemoryBroker(clock, 5);
  const server = new WmsServerLink(broker.connect({ clientId: 'controller' }), clock, { site: 'site1', maxRequestBytes: 1024 });
  const client = new WmsClientLink(broker.connect({ clientId: 'wms1' }), { site: 'site1', clientId: 'wms1' });
  const requests: [string, ParseWmsRequestResult][] = [];
  const raw: [string, string][] = [];
  const replies: WmsReply[] = [];
  const events: WmsEvent[] = [];
  const invalid: [string, string[]][] = [];
  server.onRequest((clientId, result) => requests.push([clientId, result]));
  server.onRawRequest((clientId, text) => raw.push([clientId, text]));
  client.onReply((r) => replies.push(r));
  client.onEvent((e) => events.push(e));
  client.onInvalidMessage((topic, errors) => invalid.push([topic, errors]));
  await server.start();
  await client.start();
  return { clock, broker, server, client, requests, raw, replies, events, invalid };
}

describe('WmsServerLink and WmsClientLink over the memory broker', () => {
  it('deliver a request to the controller, raw and validated, with the client id from the topic', async () => {
    const w = await wired();
    w.client.send({ type: 'pick', requestId: 'o1', lines: [{ sku: 'SKU-00001', quantity: 2 }] });
    w.clock.advance(5);
    expect(w.raw).toEqual([['wms1', '{"type":"pick","requestId":"o1","lines":[{"sku":"SKU-00001","quantity":2}]}']]);
    expect(w.requests).toEqual([['wms1', { ok: true, request: { type: 'pick', requestId: 'o1', lines: [{ sku: 'SKU-00001', quantity: 2 }] } }]]);
  });

  it('hand bad input to the controller as a rejection result, not a crash', async () => {
    const w = await wired();
    w.client.sendRaw('{"type":"pick","requestId":"o2","lines":[{"sku":"A","quantity":0}]}');
    w.client.sendRaw('x'.repeat(2000));
    w.clock.advance(5);
    expect(w.requests.map(([, r]) => (r.ok ? 'ok' : r.code))).toEqual(['INVALID_QUANTITY', 'PAYLOAD_TOO_LARGE']);
  });

  it('refuse to send a request that breaks the schema (a programming mistake)', async () => {
    const w = await wired();
    expect(() => w.client.send({ type: 'pick', requestId: 'o3', lines: [] })).toThrow();
  });

  it('stamp replies and events with the site and the clock time, and deliver them to that client only', async () => {
    const w = await wired();
    const other = new WmsClientLink(w.broker.connect({ clientId: 'wms2' }), { site: 'site1', clientId: 'wms2' });
    const othersReplies: WmsReply[] = [];
    other.onReply((r) => othersReplies.push(r));
    await other.start();

    w.server.reply('wms1', { type: 'accepted', requestId: 'o1', requestType: 'pick' });
    w.server.event('wms1', { type: 'progress', requestId: 'o1', stage: 'binAtPort', binId: 'B00001', port: 'P1' });
    w.server.event('wms1', { type: 'completed', requestId: 'o1', picked: [{ sku: 'SKU-00001', quantity: 2 }] });
    w.clock.advance(5);

    const stamp = { site: 'site1', timestamp: '2026-01-01T08:00:00.000Z' };
    expect(w.replies).toEqual([{ type: 'accepted', requestId: 'o1', requestType: 'pick', ...stamp }]);
    expect(w.events).toEqual([
      { type: 'progress', requestId: 'o1', stage: 'binAtPort', binId: 'B00001', port: 'P1', ...stamp },
      { type: 'completed', requestId: 'o1', picked: [{ sku: 'SKU-00001', quantity: 2 }], ...stamp },
    ]);
    expect(othersReplies).toEqual([]);
  });

  it('carry a rejection with a null requestId', async () => {
    const w = await wired();
    w.server.reply('wms1', { type: 'rejected', requestId: null, code: 'MALFORMED_JSON', reason: 'request is not valid JSON' });
    w.clock.advance(5);
    expect(w.replies).toMatchObject([{ type: 'rejected', requestId: null, code: 'MALFORMED_JSON' }]);
  });

  it('throw when the controller tries to send an invalid reply', async () => {
    const w = await wired();
    expect(() => w.server.reply('wms1', { type: 'rejected', requestId: 'o1', code: 'NOPE' as 'UNKNOWN_SKU', reason: 'x' })).toThrow();
  });

  it('build a reply or event without sending it, and refuse one that breaks the schema', async () => {
    const w = await wired();
    const reply = w.server.buildReply({ type: 'accepted', requestId: 'o1', requestType: 'pick' });
    const event = w.server.buildEvent({ type: 'failed', requestId: 'o1', reason: 'r' });
    w.clock.advance(5);
    expect(w.replies).toEqual([]);
    expect(reply).toEqual({ type: 'accepted', requestId: 'o1', requestType: 'pick', site: 'site1', timestamp: '2026-01-01T08:00:00.000Z' });
    // More units than JSON numbers carry exactly: the reply cannot be built.
    expect(() => w.server.buildReply({ type: 'accepted', requestId: 'o2', requestType: 'inventory', inventory: { sku: 'A', totalQuantity: 2 ** 53, bins: [] } })).toThrow();
    w.server.sendReply('wms1', reply);
    w.server.sendEvent('wms1', event);
    w.clock.advance(5);
    expect(w.replies).toEqual([reply]);
    expect(w.events).toEqual([event]);
  });

  it('report invalid replies and events to onInvalidMessage instead of the handlers', async () => {
    const w = await wired();
    const bus = w.broker.connect({ clientId: 'impostor' });
    bus.publish(wmsReplyTopic('site1', 'wms1'), '{"type":"accepted"}');
    bus.publish(wmsEventTopic('site1', 'wms1'), 'not json');
    w.clock.advance(5);
    expect(w.replies).toEqual([]);
    expect(w.events).toEqual([]);
    expect(w.invalid.map(([topic]) => topic)).toEqual(['gridline/v1/site1/wms/wms1/reply', 'gridline/v1/site1/wms/wms1/event']);
    expect(w.invalid[0]![1]).toContain('requestId is required');
  });

  it('stop calling a handler once it is removed', async () => {
    const w = await wired();
    const seen: string[] = [];
    const off = w.server.onRawRequest((clientId) => seen.push(clientId));
    off();
    w.client.sendRaw('{}');
    w.clock.advance(5);
    expect(seen).toEqual([]);
    expect(w.raw).toHaveLength(1);
  });
});
