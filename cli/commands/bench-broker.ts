import mqtt, { type MqttClient } from 'mqtt';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../controller/broker/embedded-broker.ts';
import { accessRules, CompiledRules } from '../../controller/security/access-rules.ts';
import { ephemeralIdentities, type EphemeralIdentities } from '../../controller/security/ephemeral-identities.ts';
import { makeIdentity } from '../../controller/security/identities.ts';
import { numberOption, type CommandArgs } from '../errors.ts';

const TOPICS = { site: 'bench', interfaceName: 'uagv', manufacturer: 'gridline' };
/** Messages published ahead of what the subscriber has received (keeps memory flat). */
const WINDOW = 2_000;
/** About a robot's state message on a grid (VDA 5050 state with a short order). */
const PAYLOAD = JSON.stringify({
  headerId: 1,
  timestamp: '2026-01-01T00:00:00.000Z',
  version: '2.0.0',
  manufacturer: 'gridline',
  serialNumber: 'R000',
  orderId: 'R000-order-12',
  orderUpdateId: 3,
  lastNodeId: 'c12_7',
  lastNodeSequenceId: 4,
  nodeStates: Array.from({ length: 4 }, (_, i) => ({ nodeId: `c${12 + i}_7`, sequenceId: 6 + 2 * i, released: true, nodePosition: { x: 8.4 + 0.7 * i, y: 3.5, mapId: 'grid' } })),
  edgeStates: Array.from({ length: 4 }, (_, i) => ({ edgeId: `e${i}`, sequenceId: 5 + 2 * i, released: true })),
  agvPosition: { x: 8.4, y: 3.5, theta: 0, mapId: 'grid', positionInitialized: true },
  driving: true,
  paused: false,
  operatingMode: 'AUTOMATIC',
  actionStates: [{ actionId: 'pick-1', actionType: 'pick', actionStatus: 'FINISHED' }],
  batteryState: { batteryCharge: 81.5, charging: false },
  errors: [],
  safetyState: { eStop: 'NONE', fieldViolation: false },
});

/**
 * `npm run bench:broker`: what authorisation costs the embedded broker. Robots publish their
 * states (QoS 0, ~1.3 KB) to one subscriber, the controller, over loopback; the same run with
 * every connection logged in and every publish, subscription and delivery checked, and with anyone let in,
 * alternating, so both see the same machine. Prints messages a second of each and their ratio,
 * and the cost of one publish check on its own.
 */
export async function runBenchBroker(values: CommandArgs): Promise<number> {
  const messages = numberOption(values, 'count', 200_000, (n) => Number.isInteger(n) && n > 0);
  const robots = numberOption(values, 'robots', 50, (n) => Number.isInteger(n) && n > 0 && n <= 1000);
  const rounds = numberOption(values, 'rounds', 3, (n) => Number.isInteger(n) && n > 0);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const progress = (line: string) => process.stderr.write(`bench broker: ${line}\n`);
  const identities = await ephemeralIdentities([
    { name: 'controller', role: 'controller' },
    ...Array.from({ length: robots }, (_, i) => ({ name: serialOf(i), role: 'robot' as const })),
  ]);
  const rates: Record<'checked' | 'open', number[]> = { checked: [], open: [] };
  // A warm-up run of each, not counted: the first run pays for compiling the code paths.
  for (let round = 0; round <= rounds; round++) {
    for (const mode of round % 2 === 0 ? (['checked', 'open'] as const) : (['open', 'checked'] as const)) {
      const rate = await measure(mode, identities, robots, round === 0 ? Math.min(messages, 20_000) : messages);
      if (round === 0) continue;
      rates[mode].push(rate);
      progress(`round ${round}/${rounds}: ${mode === 'checked' ? 'with access control' : 'anyone let in'} ${formatRate(rate)} messages/s`);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const checked = median(rates.checked);
  const open = median(rates.open);
  out(`broker throughput, ${robots} robots publishing ${messages} states (${PAYLOAD.length} bytes, QoS 0) to the controller over loopback, median of ${rounds} rounds:`);
  out(`  with access control     ${formatRate(checked)} messages/s (every connection logged in, every publish, subscription and delivery checked)`);
  out(`  anyone let in           ${formatRate(open)} messages/s`);
  out(`  cost of authorisation   ${((1 - checked / open) * 100).toFixed(1)} % of throughput (target: under 5 %)`);
  // Each round ran both back to back: their ratio is the steadier figure on a shared machine.
  const costs = rates.checked.map((rate, i) => (1 - rate / rates.open[i]!) * 100).sort((a, b) => a - b);
  out(`  per round               ${costs.map((c) => `${c.toFixed(1)} %`).join(', ')} (median ${median(costs).toFixed(1)} %)`);
  const check = measureChecks();
  out(`  one publish check       ${check.publish.toFixed(0)} ns (a robot's state against its rules)`);
  out(`  one delivery check      ${check.delivery.toFixed(0)} ns (the state against the controller's rules)`);
  return 0;
}

async function measure(mode: 'checked' | 'open', identities: EphemeralIdentities, robots: number, messages: number): Promise<number> {
  const broker: EmbeddedBroker = await startEmbeddedBroker({
    port: 0,
    access: mode === 'open' ? 'anonymous' : { identities: identities.store, topics: TOPICS, controllerClientIds: ['controller'], log: (line) => process.stderr.write(`bench broker: ${line}\n`) },
  });
  const login = (name: string) => (mode === 'open' ? {} : { username: name, password: identities.login(name).password });
  const clients: MqttClient[] = [];
  try {
    const controller = await mqtt.connectAsync(broker.url, { clientId: 'controller', reconnectPeriod: 0, ...login('controller') });
    clients.push(controller);
    await controller.subscribeAsync(`uagv/v2/gridline/+/state`, { qos: 0 });
    const senders: MqttClient[] = [];
    for (let i = 0; i < robots; i++) {
      const robot = await mqtt.connectAsync(broker.url, { clientId: `robot-${serialOf(i)}`, reconnectPeriod: 0, ...login(serialOf(i)) });
      clients.push(robot);
      senders.push(robot);
    }
    const topics = senders.map((_, i) => `uagv/v2/gridline/${serialOf(i)}/state`);
    let received = 0;
    let wake: (() => void) | null = null;
    controller.on('message', () => {
      received++;
      if (wake && (received % 500 === 0 || received === messages)) {
        const w = wake;
        wake = null;
        w();
      }
    });
    const started = performance.now();
    for (let sent = 0; sent < messages; sent++) {
      while (sent - received >= WINDOW) await new Promise<void>((resolve) => (wake = resolve));
      senders[sent % robots]!.publish(topics[sent % robots]!, PAYLOAD, { qos: 0 });
    }
    while (received < messages) await new Promise<void>((resolve) => (wake = resolve));
    return messages / ((performance.now() - started) / 1000);
  } finally {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await broker.close();
  }
}

/** Nanoseconds per check of a robot's state topic: its publish against its rules, its delivery against the controller's. */
function measureChecks(): { publish: number; delivery: number } {
  const robot = new CompiledRules(accessRules(makeIdentity('R001', 'robot'), TOPICS));
  const controller = new CompiledRules(accessRules(makeIdentity('controller', 'controller'), TOPICS));
  const topic = 'uagv/v2/gridline/R001/state';
  const time = (check: () => boolean, what: string) => {
    const n = 1_000_000;
    let allowed = 0;
    const started = process.hrtime.bigint();
    for (let i = 0; i < n; i++) if (check()) allowed++;
    const ns = Number(process.hrtime.bigint() - started) / n;
    if (allowed !== n) throw new Error(`${what} was refused`);
    return ns;
  };
  return { publish: time(() => robot.mayPublish(topic, false), "a robot's own state"), delivery: time(() => controller.mayRead(topic), "a robot's state to the controller") };
}

function serialOf(i: number): string {
  return `R${String(i + 1).padStart(3, '0')}`;
}

function formatRate(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
