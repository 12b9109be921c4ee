import { describe, expect, it } from 'vitest';
import { MemoryBroker } from '../bus/memory-bus.ts';
import { topicMatches } from '../bus/message-bus.ts';
import { SimulatedClock } from '../clock.ts';
import type { ParseResult } from '../wms/parse-wms-messages.ts';
import { PortScreenLink, PortServerLink } from './links.ts';
import { parsePortConfirm, parsePortPresentation, type PortConfirm, type PortPresentation } from './port-messages.ts';
import { consoleStateTopic, parsePortTopic, portConfirmSubscription, portConfirmTopic, portPresentationTopic } from './topics.ts';

const presentation: PortPresentation = {
  taskId: 'T1',
  binId: 'B00042',
  mode: 'pick',
  lines: [
    { lineId: 'T1:0', requestId: 'order-1', sku: 'SKU-00042', quantity: 2 },
    { lineId: 'T2:0', requestId: 'order-2', sku: 'SKU-00042', quantity: 1 },
  ],
  contents: [{ sku: 'SKU-00042', quantity: 5 }],
};

describe('port topics', () => {
  it('follow gridline/v1/{site}/port/{portId}/… and gridline/v1/{site}/console/state', () => {
    expect(portPresentationTopic('site1', 'P1')).toBe('gridline/v1/site1/port/P1/presentation');
    expect(portConfirmTopic('site1', 'P1')).toBe('gridline/v1/site1/port/P1/confirm');
    expect(consoleStateTopic('site1')).toBe('gridline/v1/site1/console/state');
    expect(topicMatches(portConfirmSubscription('site1'), portConfirmTopic('site1', 'P3'))).toBe(true);
  });

  it('parse back, and refuse other topics', () => {
    expect(parsePortTopic('gridline/v1/site1/port/P2/confirm')).toEqual({ site: 'site1', portId: 'P2', channel: 'confirm' });
    expect(parsePortTopic('gridline/v1/site1/port/P2/other')).toBeNull();
    expect(parsePortTopic('gridline/v1/site1/wms/P2/confirm')).toBeNull();
  });

  it('refuse a port id that would break the topic', () => {
    expect(() => portPresentationTopic('site1', 'P/1')).toThrow(RangeError);
  });
});

describe('port message parsing', () => {
  it('accepts a presentation and an empty port', () => {
    const message = { site: 's', portId: 'P1', timestamp: '2026-01-01T00:00:00.000Z', presentation };
    expect(parsePortPresentation(JSON.stringify(message))).toEqual({ ok: true, message });
    expect(parsePortPresentation(JSON.stringify({ ...message, presentation: null }))).toEqual({ ok: true, message: { ...message, presentation: null } });
  });

  it('accepts a confirmation of every line, a shortage being fewer units than asked', () => {
    expect(parsePortConfirm('{"taskId":"T1","binId":"B1","lines":[{"lineId":"L1","quantity":2}]}')).toEqual({ ok: true, message: { taskId: 'T1', binId: 'B1', lines: [{ lineId: 'L1', quantity: 2 }] } });
    expect(parsePortConfirm('{"taskId":"T1","binId":"B1","lines":[{"lineId":"L1","quantity":0},{"lineId":"L2","quantity":3}]}').ok).toBe(true);
  });

  it('turns bad confirmations into readable errors', () => {
    expect(parsePortConfirm('{"taskId":"T1","binId":"B1","lines":[{"lineId":"L1","quantity":-1}]}')).toEqual({ ok: false, errors: ['lines[0].quantity must be an integer >= 0'] });
    expect(parsePortConfirm('{"taskId":"T1","binId":"B1","quantity":2}')).toEqual({ ok: false, errors: ['lines is required'] });
    expect(parsePortConfirm('{"binId":"B1","lines":[{"quantity":1}]}')).toEqual({
      ok: false,
      errors: ['taskId is required', 'lines[0].lineId is required'],
    });
    expect(parsePortConfirm('{')).toMatchObject({ ok: false, errors: [expect.stringMatching(/^confirm is not valid JSON/)] });
    expect(parsePortConfirm(`"${'x'.repeat(70_000)}"`)).toEqual({ ok: false, errors: ['confirm is 70002 bytes; the limit is 65536 bytes'] });
  });

  it('rejects a presentation with a mode other than pick, putaway or count', () => {
    const message = { site: 's', portId: 'P1', timestamp: '2026-01-01T00:00:00.000Z', presentation: { ...presentation, mode: 'closed' } };
    expect(parsePortPresentation(JSON.stringify(message))).toEqual({ ok: false, errors: ['presentation.mode must be one of "pick", "putaway", "count"'] });
  });
});

describe('PortServerLink and PortScreenLink over the memory broker', () => {
  async function wired() {
    const clock = new SimulatedClock(Date.UTC(2026, 0, 1, 8));
    const broker = new MemoryBroker(clock, 5);
    const server = new PortServerLink(broker.connect({ clientId: 'controller' }), clock, { site: 'site1' });
    const confirms: [string, ParseResult<PortConfirm>][] = [];
    server.onConfirm((portId, result) => confirms.push([portId, result]));
    await server.start();
    return { clock, broker, server, confirms };
  }

  it('show a screen the bin at its port, even when the screen connects after it was presented (retained)', async () => {
    const w = await wired();
    w.server.present('P1', presentation);
    w.server.present('P2', null);
    w.clock.advance(5);
    const screen = new PortScreenLink(w.broker.connect({ clientId: 'picker-P1' }), w.clock, { site: 'site1', portId: 'P1' });
    const seen: (PortPresentation | null)[] = [];
    const stamps: string[] = [];
    screen.onPresentation((p, message) => {
      seen.push(p);
      stamps.push(`${message.site} ${message.portId} ${message.timestamp}`);
    });
    await screen.start();
    w.clock.advance(5);
    expect(seen).toEqual([presentation]);

    w.server.present('P1', null);
    w.clock.advance(5);
    expect(seen).toEqual([presentation, null]);
    expect(stamps).toEqual(['site1 P1 2026-01-01T08:00:00.000Z', 'site1 P1 2026-01-01T08:00:00.010Z']);
  });

  it('deliver a confirmation to the controller with the port id from the topic', async () => {
    const w = await wired();
    const screen = new PortScreenLink(w.broker.connect({ clientId: 'picker-P2' }), w.clock, { site: 'site1', portId: 'P2' });
    await screen.start();
    w.clock.advance(1000);
    screen.confirm({ taskId: 'T1', binId: 'B00042', lines: [{ lineId: 'T1:0', quantity: 1 }, { lineId: 'T2:0', quantity: 1 }] });
    w.clock.advance(5);
    expect(w.confirms).toEqual([
      ['P2', { ok: true, message: { taskId: 'T1', binId: 'B00042', lines: [{ lineId: 'T1:0', quantity: 1 }, { lineId: 'T2:0', quantity: 1 }], timestamp: '2026-01-01T08:00:01.000Z' } }],
    ]);
  });

  it('hand a bad confirmation to the controller as errors, not a crash', async () => {
    const w = await wired();
    const screen = new PortScreenLink(w.broker.connect({ clientId: 'picker-P1' }), w.clock, { site: 'site1', portId: 'P1' });
    screen.confirmRaw('{"taskId":"T1","binId":"B1","lines":[{"lineId":"L1","quantity":1.5}]}');
    screen.confirmRaw('{"taskId":"T1","binId":"B1","lines":[]}');
    w.clock.advance(5);
    expect(w.confirms).toEqual([
      ['P1', { ok: false, errors: ['lines[0].quantity must be an integer >= 0'] }],
      ['P1', { ok: false, errors: [expect.stringContaining('lines')] }],
    ]);
  });

  it('refuse to send messages that break the schema (programming mistakes)', async () => {
    const w = await wired();
    const screen = new PortScreenLink(w.broker.connect({ clientId: 'picker-P1' }), w.clock, { site: 'site1', portId: 'P1' });
    expect(() => w.server.present('P1', { ...presentation, lines: [{ ...presentation.lines[0]!, quantity: 0 }] })).toThrow();
    expect(() => w.server.present('P1', { ...presentation, lines: [] })).toThrow();
    expect(() => screen.confirm({ taskId: 'T1', binId: 'B1', lines: [{ lineId: 'L1', quantity: -1 }] })).toThrow();
  });

  it('report an invalid presentation to onInvalidMessage', async () => {
    const w = await wired();
    const screen = new PortScreenLink(w.broker.connect({ clientId: 'picker-P1' }), w.clock, { site: 'site1', portId: 'P1' });
    const errors: string[][] = [];
    const seen: unknown[] = [];
    screen.onInvalidMessage((e) => errors.push(e));
    screen.onPresentation((p) => seen.push(p));
    await screen.start();
    w.broker.connect({ clientId: 'impostor' }).publish(portPresentationTopic('site1', 'P1'), '{"site":"site1"}');
    w.clock.advance(5);
    expect(seen).toEqual([]);
    expect(errors).toEqual([['portId is required', 'timestamp is required', 'presentation is required']]);
  });
});
