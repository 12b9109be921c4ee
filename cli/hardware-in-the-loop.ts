/**
 * Hardware in the loop without the hardware: robots of the facility that run as a firmware
 * bridge + board emulator pair instead of as virtual robots. The bridge speaks VDA 5050 to the
 * controller like any robot; the emulator moves the robot in the simulator's GridWorld.
 *
 * The serial line between them is either in memory (deterministic, for in-process runs) or a
 * real pseudo-terminal pair made by socat, supervised here: when a socat dies (a cable pulled),
 * it is started again after `replugDelayMs` with the same device names, and both ends reopen.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Clock } from '../protocol/clock.ts';
import type { LastWill, MessageBus } from '../protocol/bus/message-bus.ts';
import type { GridLayout } from '../protocol/layout/index.ts';
import type { GridCell } from '../protocol/vda5050/grid-nodes.ts';
import { startBridge, type RunningBridge } from '../firmware-bridge/main.ts';
import { MemorySerialLine } from '../firmware-bridge/memory-serial-line.ts';
import { SerialPortTransport } from '../firmware-bridge/serialport-transport.ts';
import type { SerialTransport } from '../firmware-bridge/serial-transport.ts';
import { BoardEmulator } from '../sim/board/board-emulator.ts';
import { gridWorldBody } from '../sim/board/grid-world-body.ts';
import type { RobotKinematics } from '../sim/kinematics/robot-kinematics.ts';
import type { GridWorld } from '../sim/world/grid-world.ts';
import { SocatPtyPair } from './socat-pty-pair.ts';

export type HilLink = 'memory' | 'pty';

export interface HilOptions {
  robots: readonly { serialNumber: string; startCell: GridCell }[];
  link: HilLink;
  layout: GridLayout;
  clock: Clock;
  /** Facility time per wall time (1 = real time); the serial link's timing is kept in wall time. */
  speed: number;
  world: GridWorld;
  kinematics: RobotKinematics;
  manufacturer: string;
  interfaceName: string;
  connectBus(clientId: string, will: LastWill): Promise<MessageBus>;
  log(message: string): void;
  /** Wall time before a dead socat is started again, ms. */
  replugDelayMs?: number;
}

export interface HilRobot {
  serialNumber: string;
  bridge: RunningBridge;
  emulator: BoardEmulator;
  /** The two device paths of a pty link (board end, bridge end). */
  devices?: { board: string; host: string };
}

export interface HilFleet {
  readonly robots: ReadonlyMap<string, HilRobot>;
  /** Process ids of the running socat processes (pty link). */
  socatPids(): number[];
  close(): Promise<void>;
}

/** Serial link timings of PROTOCOL.md, wall milliseconds. */
const LINK_TIMING_MS = { heartbeat: 100, silence: 500, hello: 200, ack: 30, status: 100 };

export async function startHardwareInTheLoop(options: HilOptions): Promise<HilFleet> {
  const robots = new Map<string, HilRobot>();
  const closers: (() => Promise<void> | void)[] = [];
  const sockets: SocatPtyPair[] = [];
  const dir = options.link === 'pty' ? mkdtempSync(path.join(tmpdir(), 'gridline-hil-')) : undefined;
  if (dir) closers.push(() => rmSync(dir, { recursive: true, force: true }));
  // Clock milliseconds per wall millisecond: the link keeps its wall-time rhythm at any speed.
  const ms = (wall: number) => wall * options.speed;

  try {
    for (const { serialNumber, startCell } of options.robots) {
      options.world.addRobot(serialNumber, startCell);
      let host: SerialTransport;
      let boardWrite: (bytes: Uint8Array) => void;
      let devices: HilRobot['devices'];
      let attachBoard: (emulator: BoardEmulator) => Promise<void>;
      if (options.link === 'memory') {
        const line = new MemorySerialLine(options.clock, 1, `memory:${serialNumber}`);
        host = line.host;
        boardWrite = (bytes) => line.board.write(bytes);
        attachBoard = async (emulator) => line.board.onData((bytes) => emulator.receive(bytes));
      } else {
        devices = { board: path.join(dir!, `${serialNumber}-board`), host: path.join(dir!, `${serialNumber}-host`) };
        const socat = new SocatPtyPair(devices.board, devices.host, options.replugDelayMs ?? 1_000, options.log);
        sockets.push(socat);
        await socat.start();
        host = new SerialPortTransport(devices.host, 115_200);
        const boardPort = new ReopeningPort(new SerialPortTransport(devices.board, 115_200));
        closers.push(() => boardPort.close());
        boardWrite = (bytes) => boardPort.write(bytes);
        attachBoard = (emulator) => boardPort.open((bytes) => emulator.receive(bytes));
      }
      const emulator = new BoardEmulator({
        clock: options.clock,
        write: (bytes) => boardWrite(bytes),
        kinematics: options.kinematics,
        gridDepth: options.layout.depth,
        startCell,
        body: gridWorldBody(options.world, serialNumber, { kinematics: options.kinematics, onRefused: (reason) => options.log(`${serialNumber}: the world refused: ${reason}`) }),
        seed: serialNumber,
        heartbeatPeriodMs: ms(LINK_TIMING_MS.heartbeat),
        statusPeriodMs: ms(LINK_TIMING_MS.status),
        watchdogTimeoutMs: ms(LINK_TIMING_MS.silence),
      });
      await attachBoard(emulator);
      emulator.start();
      closers.push(() => emulator.stop());
      const bridge = await startBridge({
        serialNumber,
        layout: options.layout,
        clock: options.clock,
        transport: host,
        connectBus: options.connectBus,
        options: {
          manufacturer: options.manufacturer,
          maxSpeedMps: options.kinematics.maxSpeedMps,
          accelerationMps2: options.kinematics.accelerationMps2,
          liftSpeedMps: options.kinematics.liftSpeedMps,
          portDropSeconds: options.kinematics.portDropSeconds,
        },
        session: {
          heartbeatMs: ms(LINK_TIMING_MS.heartbeat),
          boardSilenceMs: ms(LINK_TIMING_MS.silence),
          helloRetryMs: ms(LINK_TIMING_MS.hello),
          ackTimeoutMs: ms(LINK_TIMING_MS.ack),
          reopenMinMs: ms(100),
          reopenMaxMs: ms(2_000),
        },
        log: (message) => options.log(`${serialNumber}: ${message}`),
      });
      closers.push(() => bridge.close());
      robots.set(serialNumber, { serialNumber, bridge, emulator, ...(devices ? { devices } : {}) });
    }
  } catch (error) {
    for (const socat of sockets) socat.stop();
    for (const close of closers.reverse()) await close();
    throw error;
  }

  return {
    robots,
    socatPids: () => sockets.flatMap((s) => (s.pid !== undefined ? [s.pid] : [])),
    close: async () => {
      for (const close of [...closers].reverse()) await close();
      for (const socat of sockets) socat.stop();
    },
  };
}

/** The board's end of a pty link: reopened every 200 ms while it is gone. */
class ReopeningPort {
  private closed = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly transport: SerialTransport) {}

  async open(onData: (bytes: Uint8Array) => void): Promise<void> {
    const attempt = async (): Promise<void> => {
      if (this.closed) return;
      try {
        await this.transport.open({ onData, onClose: () => this.retry(attempt) });
      } catch {
        this.retry(attempt);
      }
    };
    await attempt();
  }

  write(bytes: Uint8Array): void {
    this.transport.write(bytes);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.transport.close();
  }

  private retry(attempt: () => Promise<void>): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void attempt(), 200);
  }
}
