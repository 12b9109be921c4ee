/**
 * A serial line inside one process: the host end is a SerialTransport for the bridge, the
 * board end is a pair of functions for a board emulator. Bytes take `latencyMs` of clock time
 * each way, so a run on a simulated clock stays deterministic. With a `baudRate` they also take
 * their time on the wire (10 bits a byte, 8N1), one write after the other in each direction, so
 * frames written together arrive one after the other as on a real line. `unplug()` makes the
 * device vanish (the host's port closes and cannot be reopened) until `plugIn()`.
 */
import type { Clock } from '../protocol/clock.ts';
import type { SerialTransport } from './serial-transport.ts';

export interface BoardEnd {
  /** Bytes from the board to the host. Dropped while the line is unplugged or the host port closed. */
  write(bytes: Uint8Array): void;
  /** Sets the receiver of bytes from the host. */
  onData(listener: (bytes: Uint8Array) => void): void;
}

export class MemorySerialLine {
  readonly host: SerialTransport;
  readonly board: BoardEnd;
  private hostHandlers: { onData(bytes: Uint8Array): void; onClose(reason: string): void } | undefined;
  private boardListener: (bytes: Uint8Array) => void = () => {};
  private plugged = true;
  /** When the last write each way is through the wire, clock ms (with a baud rate). */
  private readonly wireFreeAtMs = { toBoard: -Infinity, toHost: -Infinity };

  constructor(
    private readonly clock: Clock,
    private readonly latencyMs = 1,
    /** Name used in error messages, like a device path. */
    readonly path = 'memory-serial-line',
    /** Bits per second on the wire; without one, bytes take no time beyond `latencyMs`. */
    private readonly baudRate?: number,
  ) {
    if (baudRate !== undefined && !(baudRate > 0)) throw new RangeError(`baudRate must be > 0, got ${baudRate}`);
    this.host = {
      open: async (handlers) => {
        if (!this.plugged) throw new Error(`cannot open serial port ${this.path}: no such device`);
        this.hostHandlers = handlers;
      },
      write: (bytes, onWritten) => {
        if (!this.hostHandlers) return;
        const copy = bytes.slice();
        onWritten?.();
        this.clock.setTimeout(() => this.plugged && this.boardListener(copy), this.delayMs('toBoard', copy.length));
      },
      close: async () => {
        this.hostHandlers = undefined;
      },
    };
    this.board = {
      write: (bytes) => {
        const copy = bytes.slice();
        this.clock.setTimeout(() => this.hostHandlers?.onData(copy), this.delayMs('toHost', copy.length));
      },
      onData: (listener) => {
        this.boardListener = listener;
      },
    };
  }

  /** Clock ms until `bytes` written now have arrived: latency, plus their time on the wire behind earlier writes (whole ms). */
  private delayMs(direction: 'toBoard' | 'toHost', bytes: number): number {
    if (this.baudRate === undefined) return this.latencyMs;
    const now = this.clock.now();
    const through = Math.max(now, this.wireFreeAtMs[direction]) + (bytes * 10 * 1000) / this.baudRate;
    this.wireFreeAtMs[direction] = through;
    return Math.ceil(through - now) + this.latencyMs;
  }

  /** The device vanishes: the host's port closes with an error and cannot be reopened. */
  unplug(): void {
    this.plugged = false;
    const handlers = this.hostHandlers;
    this.hostHandlers = undefined;
    handlers?.onClose('device disconnected');
  }

  plugIn(): void {
    this.plugged = true;
  }
}
