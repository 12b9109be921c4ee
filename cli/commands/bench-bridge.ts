import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { percentile } from '../../controller/kpi.ts';
import { startEmbeddedBroker } from '../../controller/broker/embedded-broker.ts';
import { connectMqttBus } from '../../protocol/bus/mqtt-bus.ts';
import { ephemeralIdentities } from '../../controller/security/ephemeral-identities.ts';
import type { MessageBus } from '../../protocol/bus/message-bus.ts';
import { RealClock } from '../../protocol/real-clock.ts';
import { encodeFrame, FrameDecoder, PROTOCOL_VERSION } from '../../protocol/serial/frame.ts';
import { encodeMessage, MESSAGE_SPECS, type SerialMessage } from '../../protocol/serial/messages.ts';
import { MasterControlLink } from '../../protocol/vda5050/links.ts';
import { EMERGENCY_STOP_ACTION_TYPE, RELEASE_EMERGENCY_STOP_ACTION_TYPE } from '../../protocol/vda5050/grid-nodes.ts';
import { startBridge } from '../../firmware-bridge/main.ts';
import { SerialPortTransport } from '../../firmware-bridge/serialport-transport.ts';
import type { SerialTransport } from '../../firmware-bridge/serial-transport.ts';
import { BoardEmulator } from '../../sim/board/board-emulator.ts';
import { layoutKinematics } from '../../sim/kinematics/robot-kinematics.ts';
import { numberOption, type CommandArgs } from '../errors.ts';
import { loadLayout } from '../load-layout.ts';
import { SocatPtyPair } from '../socat-pty-pair.ts';

const CODEC_SECONDS = 1; // wall time per codec measurement
const SERIAL = 'bench1';

/**
 * `npm run bench:bridge`: the serial codec's throughput (frames a second, encode and decode),
 * and the emergency stop's latency through the firmware bridge: from the instant action
 * arriving at the bridge over MQTT (embedded broker on loopback) to the stop frame written to
 * a real pseudo-terminal (socat), whose other end the board emulator reads.
 */
export async function runBenchBridge(values: CommandArgs): Promise<number> {
  const stops = numberOption(values, 'count', 1_000, (n) => Number.isInteger(n) && n > 0);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const codec = measureCodec();
  out(`codec encode            ${formatRate(codec.encodePerSecond)} frames/s (drive command, ${codec.frameBytes} bytes on the wire)`);
  out(`codec decode            ${formatRate(codec.decodePerSecond)} frames/s (status report, ${codec.statusBytes} bytes on the wire, streamed)`);
  const { atBridge, endToEnd } = await measureEmergencyStops(stops, (line) => process.stderr.write(`${line}\n`));
  const line = (sorted: number[]) =>
    `p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms, max ${(sorted.at(-1) ?? 0).toFixed(2)} ms (${sorted.length} stops)`;
  const bridgeSorted = [...atBridge].sort((a, b) => a - b);
  out(`emergency stop          ${line(bridgeSorted)}: instant action at the bridge to the stop frame written to the pty`);
  out(`  end to end            ${line([...endToEnd].sort((a, b) => a - b))}: published by the controller's link to the board stopped`);
  const p99 = percentile(bridgeSorted, 99);
  if (p99 >= E_STOP_P99_LIMIT_MS) {
    out(`emergency stop p99 ${p99.toFixed(2)} ms is over the ${E_STOP_P99_LIMIT_MS} ms limit`);
    return 1;
  }
  return 0;
}

/** The emergency stop's budget from the bridge to the serial port, p99, ms. */
const E_STOP_P99_LIMIT_MS = 10;

function measureCodec(): { encodePerSecond: number; decodePerSecond: number; frameBytes: number; statusBytes: number } {
  const drive: SerialMessage = { kind: 'drive', axis: 0, direction: 1, cells: 5, maxSpeedMmps: 3100, accelerationMmps2: 2000 };
  let encoded = 0;
  let sequence = 0;
  let frameBytes = 0;
  const encodeStart = performance.now();
  while (performance.now() - encodeStart < CODEC_SECONDS * 1000) {
    for (let i = 0; i < 1000; i++) {
      const { type, payload } = encodeMessage(drive);
      frameBytes = encodeFrame({ version: PROTOCOL_VERSION, sequence: sequence++ & 0xffff, type, payload }).length;
    }
    encoded += 1000;
  }
  const encodePerSecond = encoded / ((performance.now() - encodeStart) / 1000);

  // A stream of status frames in 64-byte chunks, as a serial port delivers them.
  const status = encodeMessage({ kind: 'status', flags: 1, x: 12, y: 7, offsetMm: 350, liftDepthMm: 0, batteryPermille: 870, activeSequence: 42 });
  const frames = Array.from({ length: 1000 }, (_, i) => encodeFrame({ version: PROTOCOL_VERSION, sequence: i, type: status.type, payload: status.payload }));
  const stream = Buffer.concat(frames);
  const chunks = Array.from({ length: Math.ceil(stream.length / 64) }, (_, i) => stream.subarray(i * 64, (i + 1) * 64));
  const decoder = new FrameDecoder();
  let decoded = 0;
  const decodeStart = performance.now();
  while (performance.now() - decodeStart < CODEC_SECONDS * 1000) {
    for (const chunk of chunks) decoded += decoder.push(chunk).length;
  }
  const decodePerSecond = decoded / ((performance.now() - decodeStart) / 1000);
  return { encodePerSecond, decodePerSecond, frameBytes, statusBytes: frames[0]!.length };
}

async function measureEmergencyStops(count: number, progress: (line: string) => void): Promise<{ atBridge: number[]; endToEnd: number[] }> {
  const layout = await loadLayout(undefined);
  const clock = new RealClock();
  const dir = mkdtempSync(path.join(tmpdir(), 'gridline-bench-bridge-'));
  const boardPath = path.join(dir, 'board');
  const hostPath = path.join(dir, 'host');
  const socat = new SocatPtyPair(boardPath, hostPath, 1_000, progress);
  // The real path: the broker checks the controller's and the robot's identities, as in a facility.
  const identities = await ephemeralIdentities([
    { name: 'controller', role: 'controller' },
    { name: SERIAL, role: 'robot' },
  ]);
  const broker = await startEmbeddedBroker({
    port: 0,
    access: { identities: identities.store, topics: { site: 'bench', interfaceName: 'uagv', manufacturer: 'gridline' }, controllerClientIds: [], log: progress },
  });
  const buses: MessageBus[] = [];
  const boardPort = new SerialPortTransport(boardPath, 115_200);
  try {
    await socat.start();
    const emulator = new BoardEmulator({ clock, write: (bytes) => boardPort.write(bytes), kinematics: layoutKinematics(layout), gridDepth: layout.depth, startCell: { x: 1, y: 1 } });
    await boardPort.open({ onData: (bytes) => emulator.receive(bytes), onClose: (reason) => progress(`board port closed: ${reason}`) });
    emulator.start();

    // Arrival: the instant action handed to the bridge by its MQTT client. Written: the OS
    // took the emergency stop frame (serialport's write callback).
    let arrivedAt: number | undefined;
    const latencies: number[] = [];
    const connect = async (clientId: string, identity: string, will?: Parameters<typeof connectMqttBus>[1]['will']) => {
      const bus = await connectMqttBus(broker.url, { clientId, credentials: identities.login(identity), ...(will ? { will } : {}) });
      buses.push(bus);
      return bus;
    };
    const timedBus = (bus: MessageBus): MessageBus => ({
      clientId: bus.clientId,
      publish: (topic, payload, options) => bus.publish(topic, payload, options),
      subscribe: (pattern, handler, options) =>
        bus.subscribe(
          pattern,
          (topic, payload) => {
            if (topic.endsWith('/instantActions') && payload.includes(`"${EMERGENCY_STOP_ACTION_TYPE}"`)) arrivedAt = performance.now();
            handler(topic, payload);
          },
          options,
        ),
      close: () => bus.close(),
    });
    const hostPort = new SerialPortTransport(hostPath, 115_200);
    const watcher = new FrameDecoder();
    const timedPort: SerialTransport = {
      open: (handlers) => hostPort.open(handlers),
      close: () => hostPort.close(),
      write: (bytes, onWritten) => {
        const isStop = watcher.push(bytes).some((f) => f.type === MESSAGE_SPECS.emergencyStop.type);
        const started = arrivedAt;
        hostPort.write(bytes, () => {
          if (isStop && started !== undefined) {
            latencies.push(performance.now() - started);
            arrivedAt = undefined;
          }
          onWritten?.();
        });
      },
    };
    const bridge = await startBridge({
      serialNumber: SERIAL,
      layout,
      clock,
      transport: timedPort,
      connectBus: async (clientId, will) => timedBus(await connect(clientId, SERIAL, will)),
    });
    const master = new MasterControlLink(await connect('bench-bridge-master', 'controller'), clock, { manufacturer: 'gridline' });
    await master.start();
    await until(() => bridge.session.linkState === 'ready' && bridge.vehicle.snapshot().agvPosition !== undefined, 10_000, 'the bridge linked to the board');

    progress(`bench bridge: ${count} emergency stops through MQTT and a socat pty`);
    const endToEnd: number[] = [];
    for (let i = 0; i < count; i++) {
      const before = latencies.length;
      const sentAt = performance.now();
      master.sendInstantActions(SERIAL, [{ actionId: `estop-${i}`, actionType: EMERGENCY_STOP_ACTION_TYPE, blockingType: 'HARD' }]);
      await until(() => emulator.flags().eStop, 5_000, `emergency stop ${i} at the board`);
      endToEnd.push(performance.now() - sentAt);
      await until(() => latencies.length > before, 5_000, `emergency stop ${i} written`);
      master.sendInstantActions(SERIAL, [{ actionId: `release-${i}`, actionType: RELEASE_EMERGENCY_STOP_ACTION_TYPE, blockingType: 'HARD' }]);
      await until(() => !emulator.flags().eStop && bridge.vehicle.snapshot().safetyState.eStop === 'NONE', 5_000, `release ${i}`);
      await new Promise((resolve) => setTimeout(resolve, 2 + (i % 7))); // no lockstep with the heartbeats
      if ((i + 1) % 250 === 0) progress(`  ${i + 1} of ${count}`);
    }
    await bridge.close();
    emulator.stop();
    return { atBridge: latencies, endToEnd };
  } finally {
    for (const bus of buses) await bus.close();
    await boardPort.close();
    socat.stop();
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`bench bridge: timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function formatRate(perSecond: number): string {
  return Math.round(perSecond).toLocaleString('en-US');
}
