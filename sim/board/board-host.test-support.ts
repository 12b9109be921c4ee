/**
 * A small host for board emulator tests: a SerialLink on the host side, wired to a
 * BoardEmulator on a SimulatedClock (each frame crosses the wire in `latencyMs`, 0 by
 * default, through a clock timer so neither side is re-entered), recording everything
 * the board says and every byte on the wire.
 */
import { SimulatedClock } from '../../protocol/clock.ts';
import { RESULT_CODES, type MessageKind, type MessageOf, type SerialMessage } from '../../protocol/serial/messages.ts';
import { SerialLink } from '../../protocol/serial/serial-link.ts';
import { BoardEmulator } from './board-emulator.ts';
import type { BoardEmulatorOptions } from './board-options.ts';

export interface Received<K extends MessageKind = MessageKind> {
  atMs: number;
  sequence: number;
  message: MessageOf<K>;
}

export class TestHost {
  readonly link: SerialLink;
  readonly received: Received[] = [];
  /** Acknowledgement code of each command, by its sequence. */
  readonly acks = new Map<number, number>();
  private heartbeatTimer: unknown;

  constructor(
    private readonly clock: SimulatedClock,
    write: (bytes: Uint8Array) => void,
  ) {
    this.link = new SerialLink({ side: 'host', clock, write });
    this.link.onMessage((message, sequence) => {
      this.received.push({ atMs: clock.now(), sequence, message } as Received);
    });
  }

  /** Sends a message; returns its sequence. */
  send(message: SerialMessage): number {
    const sequence: number = this.link.send(message, (code) => this.acks.set(sequence, code));
    return sequence;
  }

  hello(minVersion = 1, maxVersion = 1): number {
    return this.send({ kind: 'hello', minVersion, maxVersion });
  }

  /** Heartbeats every `periodMs` from now on, like the bridge. */
  startHeartbeats(periodMs = 100): void {
    this.stopHeartbeats();
    const beat = () => {
      this.send({ kind: 'heartbeat', uptimeMs: 0 });
      this.heartbeatTimer = this.clock.setTimeout(beat, periodMs);
    };
    beat();
  }

  stopHeartbeats(): void {
    this.clock.clearTimeout(this.heartbeatTimer);
  }

  of<K extends MessageKind>(kind: K): Received<K>[] {
    return this.received.filter((r) => r.message.kind === kind) as unknown as Received<K>[];
  }

  /** The done messages for one command. */
  donesFor(sequence: number): Received<'done'>[] {
    return this.of('done').filter((r) => r.message.commandSequence === sequence);
  }

  lastStatus(): MessageOf<'status'> {
    const statuses = this.of('status');
    const last = statuses[statuses.length - 1];
    if (!last) throw new Error('no status received');
    return last.message;
  }
}

export interface Rig {
  clock: SimulatedClock;
  board: BoardEmulator;
  host: TestHost;
  /** Every write of the board, as sent (after line faults), with its time. */
  boardBytes: { atMs: number; bytes: number[] }[];
  hostBytes: { atMs: number; bytes: number[] }[];
  /** Set a direction to false to cut it: frames sent that way are lost. */
  wire: { hostToBoard: boolean; boardToHost: boolean };
}

/** A board and a host on one simulated clock; the board is started, nothing is sent yet. */
export function createRig(options: Partial<Omit<BoardEmulatorOptions, 'clock' | 'write'>> = {}, latencyMs = 0): Rig {
  const clock = new SimulatedClock(Date.UTC(2026, 0, 1));
  const boardBytes: Rig['boardBytes'] = [];
  const hostBytes: Rig['hostBytes'] = [];
  const wire = { hostToBoard: true, boardToHost: true };
  // Declared before use by the closures below; both are set before any byte moves.
  let board: BoardEmulator | undefined;
  const host: TestHost = new TestHost(clock, (bytes) => {
    hostBytes.push({ atMs: clock.now(), bytes: [...bytes] });
    if (wire.hostToBoard) clock.setTimeout(() => board!.receive(bytes), latencyMs);
  });
  board = new BoardEmulator({
    ...options,
    clock,
    write: (bytes) => {
      boardBytes.push({ atMs: clock.now(), bytes: [...bytes] });
      if (wire.boardToHost) clock.setTimeout(() => host.link.receive(bytes), latencyMs);
    },
  });
  board.start();
  return { clock, board, host, boardBytes, hostBytes, wire };
}

/** A rig after a successful hello, with host heartbeats running. */
export function negotiatedRig(options: Parameters<typeof createRig>[0] = {}, latencyMs = 0): Rig {
  const rig = createRig(options, latencyMs);
  rig.host.startHeartbeats();
  rig.host.hello();
  rig.clock.advance(10);
  const reply = rig.host.of('helloReply')[0];
  if (reply?.message.code !== RESULT_CODES.ok) throw new Error('hello was not answered');
  return rig;
}
