import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile } from '../../controller/kpi.ts';
import { SeededRandom } from '../../protocol/random.ts';
import type { WmsRequest } from '../../protocol/wms/request-schemas.ts';
import { numberOption, type CommandArgs } from '../errors.ts';
import { startFacility } from '../facility.ts';
import { loadLayout } from '../load-layout.ts';
import type { WaveOrder, WaveProgress, WaveResult } from './bench-wms-clients.ts';

/** Each client's requests, sent at once: the controller's burst allowance per client. */
const PER_CLIENT = 100;
/** The wave is spread over this many ms of wall time. */
const WAVE_MS = 2_000;
/** Longest wait for the last reply, ms. */
const REPLY_TIMEOUT_MS = 120_000;
/** Requests of the warm-up wave sent first (`--warm-up N`; 0 for none). */
const WARM_UP_REQUESTS = 500;

/**
 * `npm run bench:wms`: an order wave. The default facility runs over its real broker (embedded
 * aedes on loopback) at real time; WMS clients, each logged in with its own identity and run in
 * a process of their own (bench-wms-clients.ts) as a WMS is a system of its own, send a
 * burst of mixed requests (picks of one to three lines, putaways, status and inventory
 * queries, cancels) within about two seconds, `PER_CLIENT` each, after a smaller warm-up wave
 * (as a site's controller has served requests before; `--warm-up N`). Prints the time from each
 * request's publish to its reply (p50, p95, p99, max), the replies by outcome, and a digest
 * of which requests were accepted, cancels left out (the same seed gives the same wave: a
 * change that only speeds replies up keeps the digest).
 */
export async function runBenchWms(values: CommandArgs): Promise<number> {
  const count = numberOption(values, 'count', 2_000, (n) => Number.isInteger(n) && n >= PER_CLIENT);
  const seed = numberOption(values, 'seed', 1, Number.isInteger);
  const warmUp = numberOption(values, 'warm-up', WARM_UP_REQUESTS, (n) => Number.isInteger(n) && n >= 0);
  const progress = (line: string) => process.stderr.write(`bench wms: ${line}\n`);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const layout = await loadLayout(values.layout as string | undefined);
  // A store on disk, as a site runs with: every reply waits for its request to be durable.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gridline-bench-wms-'));
  const facility = await startFacility({ layout, transport: { kind: 'mqtt', port: 0, speed: 1 }, seed, wms: false, dataDir });
  const wmsProcesses: ChildProcess[] = [];
  const wave = async (name: string, requests: number, waveSeed: number, waveMs: number): Promise<{ result: WaveResult; clients: number }> => {
    const clients = Math.ceil(requests / PER_CLIENT);
    const client = async (c: number) => ({ name: `${name}-${c + 1}`, credentials: await facility.identities!.add(`${name}-${c + 1}`, 'wms') });
    const order: WaveOrder = {
      type: 'order',
      brokerUrl: facility.brokerUrl!,
      site: facility.controller.controller.options.site,
      clients: await Promise.all(Array.from({ length: clients }, (_, c) => client(c))),
      wave: orderWave(facility.controller.controller.inventory, requests, clients, waveSeed, name),
      waveMs,
      replyTimeoutMs: REPLY_TIMEOUT_MS,
    };
    const wmsProcess = fork(fileURLToPath(new URL('./bench-wms-clients.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    wmsProcesses.push(wmsProcess);
    return { result: await runWave(wmsProcess, order, progress), clients };
  };
  try {
    if (warmUp > 0) {
      // A site's controller has served requests before a wave comes: a first, smaller wave
      // (other clients, other requests) warms it up; its figures are printed apart.
      progress(`${layout.name}: warm-up, ${warmUp} requests`);
      const { result } = await wave('bench-wms-warm-up', warmUp, seed + 1_000, Math.round((WAVE_MS * warmUp) / count));
      const times = result.replies.map((r) => r.ms).sort((a, b) => a - b);
      out(`warm-up wave: ${warmUp} requests, reply p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms (a controller just started; not counted below)`);
    }
    progress(`${layout.name}: ${count} requests from ${Math.ceil(count / PER_CLIENT)} WMS clients (a process of their own) over ${facility.brokerUrl}, within ${WAVE_MS / 1000} s`);
    const { result, clients } = await wave('bench-wms', count, seed, WAVE_MS);
    const replies = new Map(result.replies.map((r) => [r.requestId, r]));
    const times = result.replies.map((r) => r.ms).sort((a, b) => a - b);
    const outcomes = new Map<string, number>();
    for (const { reply } of result.replies) {
      const key = reply.type === 'accepted' ? `accepted ${reply.requestType ?? ''}`.trim() : `rejected ${reply.code}`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
    // Cancels are left out: whether one is accepted depends on whether a robot already took its
    // target's bin, which depends on timing; every other outcome depends on the waves alone.
    const accepted = [...replies].filter(([, r]) => r.reply.type === 'accepted' && r.reply.requestType !== 'cancel').map(([id]) => id).sort();
    out(`order wave: ${count} requests from ${clients} clients in ${(result.sentMs / 1000).toFixed(1)} s over the broker, seed ${seed}`);
    out(`replies                 ${replies.size} of ${count}${replies.size < count ? ` (${count - replies.size} missing after ${REPLY_TIMEOUT_MS / 1000} s)` : ''}`);
    out(`reply time              p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms, max ${(times.at(-1) ?? 0).toFixed(1)} ms (publish to reply, target p99 <= 100 ms)`);
    out(`outcomes                ${[...outcomes].sort().map(([k, n]) => `${k} ${n}`).join(', ')}`);
    out(`accepted digest         ${createHash('sha256').update(accepted.join('\n')).digest('hex').slice(0, 16)} (${accepted.length} accepted, cancels left out)`);
    return replies.size === count ? 0 : 1;
  } finally {
    for (const wmsProcess of wmsProcesses) if (wmsProcess.exitCode === null) wmsProcess.kill();
    await facility.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Has the WMS process log its clients in, send the wave once all are in, and report the reply times. */
function runWave(wmsProcess: ChildProcess, order: WaveOrder, progress: (line: string) => void): Promise<WaveResult> {
  return new Promise((resolve, reject) => {
    wmsProcess.on('message', (message: WaveProgress | WaveResult) => {
      if (message.type === 'ready') wmsProcess.send({ type: 'go' });
      else if (message.type === 'progress') progress(message.line);
      else resolve(message);
    });
    wmsProcess.on('exit', (code) => reject(new Error(`the WMS clients' process ended (exit code ${code}) before it reported`)));
    wmsProcess.on('error', reject);
    wmsProcess.send(order);
  });
}

/**
 * The wave, client by client: picks of 1-3 lines (60 %), putaways into an empty bin (15 %),
 * status (10 %) and inventory (10 %) queries, cancels of the client's own earlier picks (5 %).
 * Seeded; SKUs with stock to spare, so most picks are accepted.
 */
function orderWave(inventory: { knownSkus(): string[]; available(sku: string): number }, count: number, clients: number, seed: number, prefix: string): WmsRequest[][] {
  const random = new SeededRandom(seed);
  const skus = inventory.knownSkus().filter((sku) => inventory.available(sku) >= 10);
  const pickOne = () => skus[Math.floor(random.next() * skus.length)]!;
  const wave: WmsRequest[][] = Array.from({ length: clients }, () => []);
  for (let i = 0; i < count; i++) {
    const c = i % clients;
    const mine = wave[c]!;
    const requestId = `${prefix}-${seed}-${i}`;
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

