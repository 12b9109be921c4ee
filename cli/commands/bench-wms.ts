import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { percentile } from '../../controller/kpi.ts';
import { connectMqttBus } from '../../protocol/bus/mqtt-bus.ts';
import { SeededRandom } from '../../protocol/random.ts';
import { WmsClientLink } from '../../protocol/wms/links.ts';
import type { WmsReply } from '../../protocol/wms/reply-schemas.ts';
import type { WmsRequest } from '../../protocol/wms/request-schemas.ts';
import { numberOption, type CommandArgs } from '../errors.ts';
import { startFacility } from '../facility.ts';
import { loadLayout } from '../load-layout.ts';

/** Each client's requests, sent at once: the controller's burst allowance per client. */
const PER_CLIENT = 100;
/** The wave is spread over this many ms of wall time. */
const WAVE_MS = 2_000;
/** Longest wait for the last reply, ms. */
const REPLY_TIMEOUT_MS = 120_000;

/**
 * `npm run bench:wms`: an order wave. The default facility runs over its real broker (embedded
 * aedes on loopback) at real time; WMS clients, each logged in with its own identity, send a
 * burst of mixed requests (picks of one to three lines, putaways, status and inventory
 * queries, cancels) within about two seconds, `PER_CLIENT` each. Prints the time from each
 * request's publish to its reply (p50, p95, p99, max), the replies by outcome, and a digest
 * of which requests were accepted, cancels left out (the same seed gives the same wave: a
 * change that only speeds replies up keeps the digest).
 */
export async function runBenchWms(values: CommandArgs): Promise<number> {
  const count = numberOption(values, 'count', 2_000, (n) => Number.isInteger(n) && n >= PER_CLIENT);
  const seed = numberOption(values, 'seed', 1, Number.isInteger);
  const progress = (line: string) => process.stderr.write(`bench wms: ${line}\n`);
  const layout = await loadLayout(values.layout as string | undefined);
  // A store on disk, as a site runs with: every reply waits for its request to be durable.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gridline-bench-wms-'));
  const facility = await startFacility({ layout, transport: { kind: 'mqtt', port: 0, speed: 1 }, seed, wms: false, dataDir });
  try {
    const clients = Math.ceil(count / PER_CLIENT);
    progress(`${layout.name}: ${count} requests from ${clients} WMS clients over ${facility.brokerUrl}, within ${WAVE_MS / 1000} s`);
    const wave = orderWave(facility.controller.controller.inventory, count, clients, seed);
    const sentAt = new Map<string, number>();
    const replies = new Map<string, { reply: WmsReply; ms: number }>();
    const links: WmsClientLink[] = [];
    for (let c = 0; c < clients; c++) {
      const name = `bench-wms-${c + 1}`;
      const bus = await connectMqttBus(facility.brokerUrl!, { clientId: `gridline-${name}`, credentials: await facility.identities!.add(name, 'wms') });
      const link = new WmsClientLink(bus, { site: facility.controller.controller.options.site, clientId: name });
      link.onReply((reply) => {
        const id = reply.requestId;
        if (id == null || replies.has(id) || !sentAt.has(id)) return;
        replies.set(id, { reply, ms: performance.now() - sentAt.get(id)! });
      });
      await link.start();
      links.push(link);
    }
    // Each client sends its burst at its moment of the wave.
    const started = performance.now();
    await Promise.all(
      links.map(async (link, c) => {
        await sleep((WAVE_MS * c) / clients);
        for (const request of wave[c]!) {
          sentAt.set(request.requestId, performance.now());
          link.send(request);
        }
      }),
    );
    const sentMs = performance.now() - started;
    progress(`all ${count} sent in ${(sentMs / 1000).toFixed(1)} s; waiting for replies`);
    const deadline = performance.now() + REPLY_TIMEOUT_MS;
    let shown = 0;
    while (replies.size < count && performance.now() < deadline) {
      await sleep(250);
      if (replies.size - shown >= 500) {
        shown = replies.size;
        progress(`${replies.size} replies`);
      }
    }
    const times = [...replies.values()].map((r) => r.ms).sort((a, b) => a - b);
    const outcomes = new Map<string, number>();
    for (const { reply } of replies.values()) {
      const key = reply.type === 'accepted' ? `accepted ${reply.requestType ?? ''}`.trim() : `rejected ${reply.code}`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
    // Cancels are left out: whether one is accepted depends on whether a robot already took its
    // target's bin, which depends on timing; every other outcome depends on the wave alone.
    const accepted = [...replies].filter(([, r]) => r.reply.type === 'accepted' && r.reply.requestType !== 'cancel').map(([id]) => id).sort();
    const out = (line: string) => process.stdout.write(`${line}\n`);
    out(`order wave: ${count} requests from ${clients} clients in ${(sentMs / 1000).toFixed(1)} s over the broker, seed ${seed}`);
    out(`replies                 ${replies.size} of ${count}${replies.size < count ? ` (${count - replies.size} missing after ${REPLY_TIMEOUT_MS / 1000} s)` : ''}`);
    out(`reply time              p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms, max ${(times.at(-1) ?? 0).toFixed(1)} ms (publish to reply, target p99 <= 100 ms)`);
    out(`outcomes                ${[...outcomes].sort().map(([k, n]) => `${k} ${n}`).join(', ')}`);
    out(`accepted digest         ${createHash('sha256').update(accepted.join('\n')).digest('hex').slice(0, 16)} (${accepted.length} accepted, cancels left out)`);
    return replies.size === count ? 0 : 1;
  } finally {
    await facility.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The wave, client by client: picks of 1-3 lines (60 %), putaways into an empty bin (15 %),
 * status (10 %) and inventory (10 %) queries, cancels of the client's own earlier picks (5 %).
 * Seeded; SKUs with stock to spare, so most picks are accepted.
 */
function orderWave(inventory: { knownSkus(): string[]; available(sku: string): number }, count: number, clients: number, seed: number): WmsRequest[][] {
  const random = new SeededRandom(seed);
  const skus = inventory.knownSkus().filter((sku) => inventory.available(sku) >= 10);
  const pickOne = () => skus[Math.floor(random.next() * skus.length)]!;
  const wave: WmsRequest[][] = Array.from({ length: clients }, () => []);
  for (let i = 0; i < count; i++) {
    const c = i % clients;
    const mine = wave[c]!;
    const requestId = `wave-${seed}-${i}`;
    const earlierPick = mine.find((r) => r.type === 'pick');
    const roll = random.next();
    if (roll < 0.6 || !earlierPick) {
      const lines = Array.from({ length: 1 + Math.floor(random.next() * 3) }, () => ({ sku: pickOne(), quantity: 1 }));
      mine.push({ type: 'pick', requestId, lines });
    } else if (roll < 0.75) mine.push({ type: 'putaway', requestId, sku: pickOne(), quantity: 1 + Math.floor(random.next() * 10) });
    else if (roll < 0.85) mine.push({ type: 'status', requestId, targetRequestId: earlierPick.requestId });
    else if (roll < 0.95) mine.push({ type: 'inventory', requestId, sku: pickOne() });
    else mine.push({ type: 'cancel', requestId, targetRequestId: earlierPick.requestId });
  }
  return wave;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
