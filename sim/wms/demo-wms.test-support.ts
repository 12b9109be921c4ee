/**
 * A tiny fake controller for DemoWms tests: the real WmsServerLink over a MemoryBroker,
 * accepting every valid request and completing it `holdMs` later, unless a test scripts
 * something else for a request.
 */
import { MemoryBroker } from '../../protocol/bus/memory-bus.ts';
import { SimulatedClock } from '../../protocol/clock.ts';
import { WmsClientLink, WmsServerLink } from '../../protocol/wms/links.ts';
import type { WmsRequest } from '../../protocol/wms/request-schemas.ts';
import { DemoWms } from './demo-wms.ts';
import type { DemoWmsOptions } from './demo-wms-options.ts';
import type { StockLine } from './request-generator.ts';

export const START_MS = Date.UTC(2026, 0, 1, 8);
export const SITE = 'site1';

/** What the fake controller does with one valid request; the default is 'complete'. */
export type Script = 'complete' | 'hold' | 'noReply' | 'duplicateTerminal' | { reject: 'UNKNOWN_SKU' | 'PORT_UNAVAILABLE' | 'INSUFFICIENT_STOCK' } | { end: 'cancelled' | 'failed' };

export interface FakeControllerOptions {
  /** Accept → completed event, clock ms. */
  holdMs?: number;
  script?: (request: WmsRequest) => Script;
}

export async function wiredDemoWms(stock: readonly StockLine[], options: Partial<DemoWmsOptions>, controller: FakeControllerOptions = {}) {
  const clock = new SimulatedClock(START_MS);
  const broker = new MemoryBroker(clock, 2);
  const server = new WmsServerLink(broker.connect({ clientId: 'controller' }), clock, { site: SITE });
  const rawRequests: string[] = [];
  const requests: WmsRequest[] = [];
  const invalidRequests: string[] = [];
  let outstanding = 0;
  let maxOutstanding = 0;
  server.onRawRequest((_clientId, text) => rawRequests.push(text));
  server.onRequest((clientId, result) => {
    if (!result.ok) {
      invalidRequests.push(result.reason);
      server.reply(clientId, { type: 'rejected', requestId: result.requestId, code: result.code, reason: result.reason });
      return;
    }
    const request = result.request;
    requests.push(request);
    if (request.type !== 'pick' && request.type !== 'putaway') return;
    const script = controller.script?.(request) ?? 'complete';
    if (typeof script === 'object' && 'reject' in script) {
      server.reply(clientId, { type: 'rejected', requestId: request.requestId, code: script.reject, reason: 'scripted' });
      return;
    }
    if (script !== 'noReply') server.reply(clientId, { type: 'accepted', requestId: request.requestId, requestType: request.type });
    if (script === 'hold') return;
    outstanding++;
    maxOutstanding = Math.max(maxOutstanding, outstanding);
    clock.setTimeout(() => {
      outstanding--;
      if (typeof script === 'object') {
        server.event(clientId, { type: script.end, requestId: request.requestId, reason: 'scripted' });
        return;
      }
      const done =
        request.type === 'pick'
          ? { type: 'completed' as const, requestId: request.requestId, picked: request.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })) }
          : { type: 'completed' as const, requestId: request.requestId, stored: [{ sku: request.sku, quantity: request.quantity }] };
      server.event(clientId, { type: 'progress', requestId: request.requestId, stage: 'queued' });
      server.event(clientId, done);
      if (script === 'duplicateTerminal') server.event(clientId, done);
    }, controller.holdMs ?? 30_000);
  });
  await server.start();
  const link = new WmsClientLink(broker.connect({ clientId: 'demo-wms' }), { site: SITE, clientId: 'demo-wms' });
  await link.start();
  const wms = new DemoWms({ link, clock, stock, options });
  return {
    clock,
    broker,
    server,
    wms,
    rawRequests,
    requests,
    invalidRequests,
    get maxOutstanding() {
      return maxOutstanding;
    },
  };
}

/** n SKUs `SKU-00001`... with `quantity` units each. */
export function evenStock(n: number, quantity: number): StockLine[] {
  return Array.from({ length: n }, (_, i) => ({ sku: `SKU-${String(i + 1).padStart(5, '0')}`, quantity }));
}

export const HOUR_MS = 3_600_000;
