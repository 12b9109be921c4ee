import { connectMqttBus, type MqttCredentials } from '../../protocol/bus/mqtt-bus.ts';
import type { MessageBus } from '../../protocol/bus/message-bus.ts';
import { WmsClientLink } from '../../protocol/wms/links.ts';
import type { WmsReply } from '../../protocol/wms/reply-schemas.ts';
import type { WmsRequest } from '../../protocol/wms/request-schemas.ts';

/**
 * The WMS side of `npm run bench:wms`, in a process of its own (as a WMS is a system of its
 * own): it logs its clients in, sends the wave when told, times each request from its publish
 * to its reply on its own clock, and hands the times back. Spoken to over the IPC channel of
 * `child_process.fork`: `WaveOrder` in, then `go`; `WaveProgress` and one `WaveResult` out.
 */
export interface WaveOrder {
  readonly type: 'order';
  readonly brokerUrl: string;
  readonly site: string;
  readonly clients: readonly { readonly name: string; readonly credentials: MqttCredentials }[];
  /** Each client's requests, sent at once at its moment of the wave. */
  readonly wave: readonly (readonly WmsRequest[])[];
  /** The wave is spread over this many ms. */
  readonly waveMs: number;
  /** Longest wait for the last reply, ms. */
  readonly replyTimeoutMs: number;
}

export type WaveProgress = { readonly type: 'ready' } | { readonly type: 'progress'; readonly line: string };

export interface WaveResult {
  readonly type: 'result';
  /** From the first client's first publish to the last client's last, ms. */
  readonly sentMs: number;
  /** Each answered request: its reply and the ms from its publish to that reply. */
  readonly replies: readonly { readonly requestId: string; readonly reply: WmsReply; readonly ms: number }[];
}

type ToClients = WaveOrder | { readonly type: 'go' };

async function serve(): Promise<void> {
  const order = await nextMessage<WaveOrder>('order');
  const sentAt = new Map<string, number>();
  const replies = new Map<string, { reply: WmsReply; ms: number }>();
  const buses: MessageBus[] = [];
  const links: WmsClientLink[] = [];
  try {
    for (const { name, credentials } of order.clients) {
      const bus = await connectMqttBus(order.brokerUrl, { clientId: `gridline-${name}`, credentials });
      buses.push(bus);
      const link = new WmsClientLink(bus, { site: order.site, clientId: name });
      link.onReply((reply) => {
        const id = reply.requestId;
        const at = id == null ? undefined : sentAt.get(id);
        if (id == null || at === undefined || replies.has(id)) return;
        replies.set(id, { reply, ms: performance.now() - at });
      });
      await link.start();
      links.push(link);
    }
    send({ type: 'ready' });
    await nextMessage('go');
    const started = performance.now();
    await Promise.all(
      links.map(async (link, c) => {
        await sleep((order.waveMs * c) / links.length);
        for (const request of order.wave[c] ?? []) {
          sentAt.set(request.requestId, performance.now());
          link.send(request);
        }
      }),
    );
    const sentMs = performance.now() - started;
    const total = order.wave.reduce((n, requests) => n + requests.length, 0);
    send({ type: 'progress', line: `all ${total} sent in ${(sentMs / 1000).toFixed(1)} s; waiting for replies` });
    const deadline = performance.now() + order.replyTimeoutMs;
    let shown = 0;
    while (replies.size < total && performance.now() < deadline) {
      await sleep(250);
      if (replies.size - shown >= 500) {
        shown = replies.size;
        send({ type: 'progress', line: `${replies.size} replies` });
      }
    }
    send({ type: 'result', sentMs, replies: [...replies].map(([requestId, r]) => ({ requestId, ...r })) });
  } finally {
    await Promise.all(buses.map((bus) => bus.close()));
  }
}

function send(message: WaveProgress | WaveResult): void {
  process.send!(message);
}

function nextMessage<T extends ToClients>(type: T['type']): Promise<T> {
  return new Promise((resolve) => {
    const listener = (message: unknown) => {
      if ((message as ToClients).type !== type) return;
      process.off('message', listener);
      resolve(message as T);
    };
    process.on('message', listener);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

if (process.send) {
  serve().then(
    () => process.disconnect(),
    (error: unknown) => {
      process.stderr.write(`bench wms clients: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
