import { connectMqttBus, type MqttCredentials } from '../../protocol/bus/mqtt-bus.ts';
import type { MessageBus } from '../../protocol/bus/message-bus.ts';
import { parseWmsReply } from '../../protocol/wms/parse-wms-messages.ts';
import type { WmsReply } from '../../protocol/wms/reply-schemas.ts';
import { wmsRequestSchema, type WmsRequest } from '../../protocol/wms/request-schemas.ts';
import { wmsEventTopic, wmsReplyTopic, wmsRequestTopic } from '../../protocol/wms/topics.ts';

/**
 * The WMS side of `npm run bench:wms`, in a process of its own (as a WMS is a system of its
 * own): it logs its clients in (each subscribed to its replies and events), sends the wave when
 * told, times each request from its publish to its reply's arrival on its own clock, checks
 * every reply against the schema, and hands the times back. Spoken to over the IPC channel of
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
  /** Each reply as it came off the wire, with its ms since its request's publish; checked once the wave is over. */
  const received = new Map<string, { text: string; ms: number }>();
  const buses: MessageBus[] = [];
  const clients: { bus: MessageBus; topic: string; texts: string[] }[] = [];
  let events = 0;
  try {
    for (const [c, { name, credentials }] of order.clients.entries()) {
      const bus = await connectMqttBus(order.brokerUrl, { clientId: `gridline-${name}`, credentials });
      buses.push(bus);
      // Replies are timed as they arrive and checked against the schema after the wave, and
      // events (which a WMS takes too) only counted: the WMS's own work is not timed.
      await bus.subscribe(
        wmsReplyTopic(order.site, name),
        (_topic, text) => {
          const id = requestIdOf(text);
          const at = id === undefined ? undefined : sentAt.get(id);
          if (id === undefined || at === undefined || received.has(id)) return;
          received.set(id, { text, ms: performance.now() - at });
        },
        { qos: 1 },
      );
      await bus.subscribe(wmsEventTopic(order.site, name), () => void events++, { qos: 1 });
      // Each request checked against the schema before the wave, as a WMS builds its orders before it sends them.
      clients.push({ bus, topic: wmsRequestTopic(order.site, name), texts: (order.wave[c] ?? []).map((request) => JSON.stringify(wmsRequestSchema.parse(request))) });
    }
    send({ type: 'ready' });
    await nextMessage('go');
    const started = performance.now();
    await Promise.all(
      clients.map(async (client, c) => {
        await sleep((order.waveMs * c) / clients.length);
        for (const [i, text] of client.texts.entries()) {
          sentAt.set(order.wave[c]![i]!.requestId, performance.now());
          client.bus.publish(client.topic, text, { qos: 1 });
        }
      }),
    );
    const sentMs = performance.now() - started;
    const total = clients.reduce((n, client) => n + client.texts.length, 0);
    send({ type: 'progress', line: `all ${total} sent in ${(sentMs / 1000).toFixed(1)} s; waiting for replies` });
    const deadline = performance.now() + order.replyTimeoutMs;
    let shown = 0;
    while (received.size < total && performance.now() < deadline) {
      await sleep(250);
      if (received.size - shown >= 500) {
        shown = received.size;
        send({ type: 'progress', line: `${received.size} replies` });
      }
    }
    const replies: WaveResult['replies'][number][] = [];
    for (const [requestId, { text, ms }] of received) {
      const parsed = parseWmsReply(text);
      if (!parsed.ok) throw new Error(`the reply to ${requestId} breaks the schema: ${parsed.errors.join('; ')}`);
      replies.push({ requestId, reply: parsed.message, ms });
    }
    send({ type: 'progress', line: `${events} events received meanwhile` });
    // The result is large: the process ends only once it has gone out.
    await new Promise<void>((resolve, reject) => process.send!({ type: 'result', sentMs, replies } satisfies WaveResult, (error: Error | null) => (error ? reject(error) : resolve())));
  } finally {
    await Promise.all(buses.map((bus) => bus.close()));
  }
}

/** The requestId of a reply's JSON text, read without checking the rest (that comes after the wave). */
function requestIdOf(text: string): string | undefined {
  try {
    const id = (JSON.parse(text) as { requestId?: unknown }).requestId;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
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
