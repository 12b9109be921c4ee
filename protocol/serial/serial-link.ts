/**
 * One end of the serial link (firmware-bridge/PROTOCOL.md, "Link layer"), shared by the
 * bridge (host) and the board emulator: frames out, frames in, acknowledgement of reliable
 * messages, retransmission, duplicate suppression. It never touches a port: bytes go out
 * through `write` and come in through `receive`, and time comes from the injected Clock.
 */
import type { Clock, TimerHandle } from '../clock.ts';
import { encodeFrame, FrameDecoder, PROTOCOL_VERSION, type FrameDecoderCounters } from './frame.ts';
import { decodeMessage, encodeMessage, messageSpec, RESULT_CODES, type SerialMessage, type Sender } from './messages.ts';

export interface SerialLinkOptions {
  side: Sender;
  clock: Clock;
  /** Sends bytes to the other end; must not throw (a closed port drops them). */
  write(bytes: Uint8Array): void;
  /** Wait for an acknowledgement before sending a reliable message again, ms. */
  ackTimeoutMs?: number;
  /** Repeats of an unacknowledged reliable message before it is given up. */
  maxRetransmissions?: number;
}

export const DEFAULT_ACK_TIMEOUT_MS = 30;
export const DEFAULT_MAX_RETRANSMISSIONS = 3;
/** Reliable sequence numbers remembered per link to drop repeats. */
const REMEMBERED_SEQUENCES = 64;
/**
 * A frame is a repeat only if its sequence number is this close behind the newest frame
 * received (mod 2^16): a retransmission follows its original within a few frames, while a
 * sequence number that comes round again after the counter wrapped is far behind.
 */
const REPEAT_WINDOW_FRAMES = 1024;

export interface SerialLinkCounters {
  decoder: FrameDecoderCounters;
  /** Frames whose payload did not decode (unknown type, wrong length, wrong direction). */
  badMessages: number;
  /** Frames of another protocol version than the link's. */
  wrongVersion: number;
  /** Reliable messages received again (a lost ack) and acknowledged without delivering them. */
  duplicates: number;
  retransmissions: number;
  /** Reliable messages never acknowledged after every retransmission. */
  undelivered: number;
}

interface Pending {
  message: SerialMessage;
  bytes: Uint8Array;
  sends: number;
  timer: TimerHandle;
  onAck?: ((code: number) => void) | undefined;
}

export class SerialLink {
  private readonly side: Sender;
  private readonly clock: Clock;
  private readonly write: (bytes: Uint8Array) => void;
  private readonly ackTimeoutMs: number;
  private readonly maxRetransmissions: number;
  private readonly decoder = new FrameDecoder();
  private nextSequence = 0;
  private readonly pending = new Map<number, Pending>();
  /** Recently received reliable sequence numbers and the code they were acknowledged with. */
  private readonly recent = new Map<number, number>();
  /** Sequence number of the newest frame received, or undefined before the first one. */
  private newestSequence: number | undefined;
  private handler: (message: SerialMessage, sequence: number) => number | void = () => undefined;
  private readonly undeliveredListeners: ((message: SerialMessage, sequence: number) => void)[] = [];
  /** Version stamped on frames and required of incoming ones (set by version negotiation). */
  version = PROTOCOL_VERSION;
  readonly counters: SerialLinkCounters;

  constructor(options: SerialLinkOptions) {
    this.side = options.side;
    this.clock = options.clock;
    this.write = options.write;
    this.ackTimeoutMs = options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
    this.maxRetransmissions = options.maxRetransmissions ?? DEFAULT_MAX_RETRANSMISSIONS;
    this.counters = { decoder: this.decoder.counters, badMessages: 0, wrongVersion: 0, duplicates: 0, retransmissions: 0, undelivered: 0 };
  }

  /**
   * Sets the handler of every new message from the other end (repeats and acks are handled
   * here). For a reliable message it returns the code to acknowledge it with (none = ok).
   */
  onMessage(handler: (message: SerialMessage, sequence: number) => number | void): void {
    this.handler = handler;
  }

  /** Called when a reliable message got no acknowledgement after every retransmission. */
  onUndelivered(listener: (message: SerialMessage, sequence: number) => void): void {
    this.undeliveredListeners.push(listener);
  }

  /**
   * Sends a message; a reliable one is repeated until acknowledged. `onAck` gets the code of
   * the acknowledgement (0 = accepted). Returns the frame's sequence number.
   */
  send(message: SerialMessage, onAck?: (code: number) => void): number {
    const sequence = this.nextSequence;
    this.nextSequence = (this.nextSequence + 1) & 0xffff;
    const { type, payload } = encodeMessage(message);
    const bytes = encodeFrame({ version: this.version, sequence, type, payload });
    if (messageSpec(message.kind).reliable) {
      const entry: Pending = { message, bytes, sends: 1, timer: undefined, onAck };
      entry.timer = this.clock.setTimeout(() => this.retransmit(sequence), this.ackTimeoutMs);
      this.pending.set(sequence, entry);
    }
    this.write(bytes);
    return sequence;
  }

  /** Feeds bytes read from the port. Never throws on any byte sequence. */
  receive(bytes: Uint8Array): void {
    for (const frame of this.decoder.push(bytes)) {
      if (frame.version !== this.version) {
        this.counters.wrongVersion++;
        continue;
      }
      const behind = this.newestSequence === undefined ? 0 : (this.newestSequence - frame.sequence) & 0xffff;
      if (this.newestSequence === undefined || behind > 0x8000) this.newestSequence = frame.sequence;
      const decoded = decodeMessage(frame.type, frame.payload);
      if (!decoded.ok) {
        this.counters.badMessages++;
        // A command of a type this board does not know is answered, so the host stops repeating it
        // and can say why. A known type with the wrong length is treated as corruption and not
        // answered, so the host repeats it: a single-bit error in a frame whose CRC ends in 0x00
        // can shorten it by one byte with a valid CRC (PROTOCOL.md §6), and only the length shows it.
        if (this.side === 'board' && frame.type >= 0x10 && frame.type < 0x80 && decoded.code === RESULT_CODES.unknownType) {
          this.acknowledge(frame.sequence, decoded.code);
        }
        continue;
      }
      const message = decoded.message;
      const spec = messageSpec(message.kind);
      if (spec.sender === this.side) {
        this.counters.badMessages++;
        if (spec.reliable) this.acknowledge(frame.sequence, RESULT_CODES.unknownType);
        continue;
      }
      if (message.kind === 'ack') {
        this.settle(message.sequence, message.code);
        continue;
      }
      if (!spec.reliable) {
        this.handler(message, frame.sequence);
        continue;
      }
      const earlier = behind < REPEAT_WINDOW_FRAMES ? this.recent.get(frame.sequence) : undefined;
      if (earlier !== undefined) {
        // Our acknowledgement was lost: acknowledge again with the same code, do not act twice.
        this.counters.duplicates++;
        this.acknowledge(frame.sequence, earlier);
        continue;
      }
      const code = this.handler(message, frame.sequence) ?? RESULT_CODES.ok;
      this.remember(frame.sequence, code);
      this.acknowledge(frame.sequence, code);
    }
  }

  private acknowledge(sequence: number, code: number): void {
    this.send({ kind: 'ack', sequence, code });
  }

  /** Reliable messages sent and not yet acknowledged. */
  pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Forgets everything in flight (after the port was reopened, or the other end started
   * again): pending messages are dropped without their listeners being called. The decoder is
   * kept: a partial frame left from before is dropped at the next delimiter like any bad one.
   */
  reset(): void {
    for (const entry of this.pending.values()) this.clock.clearTimeout(entry.timer);
    this.pending.clear();
    this.recent.clear();
    this.newestSequence = undefined;
  }

  private settle(sequence: number, code: number): void {
    const entry = this.pending.get(sequence);
    if (!entry) return; // an ack for a message already settled (a late duplicate)
    this.pending.delete(sequence);
    this.clock.clearTimeout(entry.timer);
    entry.onAck?.(code);
  }

  private retransmit(sequence: number): void {
    const entry = this.pending.get(sequence);
    if (!entry) return;
    if (entry.sends > this.maxRetransmissions) {
      this.pending.delete(sequence);
      this.counters.undelivered++;
      for (const listener of this.undeliveredListeners) listener(entry.message, sequence);
      return;
    }
    entry.sends++;
    this.counters.retransmissions++;
    entry.timer = this.clock.setTimeout(() => this.retransmit(sequence), this.ackTimeoutMs);
    this.write(entry.bytes);
  }

  private remember(sequence: number, code: number): void {
    this.recent.delete(sequence); // a number that came round again goes to the back, as the newest
    this.recent.set(sequence, code);
    if (this.recent.size > REMEMBERED_SEQUENCES) this.recent.delete(this.recent.keys().next().value!);
  }
}
