/**
 * A noisy serial line for the board emulator: drops, corrupts or delays the frames the board
 * sends, and drops or corrupts the frames it receives. Every random choice draws from a
 * SeededRandom (one stream per direction), so the same seed and the same traffic give the
 * same faults, byte for byte.
 */
import type { Clock, TimerHandle } from '../../protocol/clock.ts';
import { FRAME_DELIMITER, MAX_ENCODED_FRAME_BYTES } from '../../protocol/serial/frame.ts';
import { SeededRandom } from '../../protocol/random.ts';

export interface BoardFaultOptions {
  /** Probability (0..1) that a frame the board sends is lost. */
  dropOutgoing: number;
  /** Probability (0..1) that one random bit of a frame the board sends is flipped (delimiter included). */
  corruptOutgoing: number;
  /** Extra latency of every frame the board sends, clock milliseconds (order is kept). */
  delayOutgoingMs: number;
  /** Probability (0..1) that a frame reaching the board is lost. */
  dropIncoming: number;
  /** Probability (0..1) that one random bit of a frame reaching the board is flipped. */
  corruptIncoming: number;
}

export function defaultFaultOptions(): BoardFaultOptions {
  return { dropOutgoing: 0, corruptOutgoing: 0, delayOutgoingMs: 0, dropIncoming: 0, corruptIncoming: 0 };
}

/** What the line did to frames so far. */
export interface InjectedFaultCounters {
  droppedOutgoing: number;
  corruptedOutgoing: number;
  droppedIncoming: number;
  corruptedIncoming: number;
}

/** Throws on a programming mistake: a probability outside [0, 1] or a negative delay. */
export function checkFaultOptions(options: Partial<BoardFaultOptions>): void {
  for (const name of ['dropOutgoing', 'corruptOutgoing', 'dropIncoming', 'corruptIncoming'] as const) {
    const p = options[name];
    if (p !== undefined && !(p >= 0 && p <= 1)) throw new RangeError(`${name} must be a probability in [0, 1], got ${p}`);
  }
  const delay = options.delayOutgoingMs;
  if (delay !== undefined && !(delay >= 0 && Number.isFinite(delay))) throw new RangeError(`delayOutgoingMs must be >= 0, got ${delay}`);
}

export class FaultyLine {
  private options: BoardFaultOptions;
  private readonly outRandom: SeededRandom;
  private readonly inRandom: SeededRandom;
  private readonly delayed = new Set<TimerHandle>();
  /** Bytes of an incoming frame whose delimiter has not arrived yet. */
  private partial: number[] = [];
  /** Set after an over-long incoming block: bytes pass untouched until the next delimiter. */
  private passThrough = false;
  readonly counters: InjectedFaultCounters = { droppedOutgoing: 0, corruptedOutgoing: 0, droppedIncoming: 0, corruptedIncoming: 0 };

  constructor(
    private readonly clock: Clock,
    seed: number | string,
    options: Partial<BoardFaultOptions> = {},
  ) {
    checkFaultOptions(options);
    this.options = { ...defaultFaultOptions(), ...options };
    this.outRandom = new SeededRandom(`${seed}:board-out`);
    this.inRandom = new SeededRandom(`${seed}:board-in`);
  }

  get current(): Readonly<BoardFaultOptions> {
    return this.options;
  }

  /** Changes some of the fault figures; the others stay. */
  set(options: Partial<BoardFaultOptions>): void {
    checkFaultOptions(options);
    this.options = { ...this.options, ...options };
  }

  /** Sends one encoded frame (delimiter included) through the line to `write`. */
  outgoing(frame: Uint8Array, write: (bytes: Uint8Array) => void): void {
    const { dropOutgoing, corruptOutgoing, delayOutgoingMs } = this.options;
    if (dropOutgoing > 0 && this.outRandom.next() < dropOutgoing) {
      this.counters.droppedOutgoing++;
      return;
    }
    let bytes = frame;
    if (corruptOutgoing > 0 && this.outRandom.next() < corruptOutgoing) {
      bytes = flipBit(frame, this.outRandom);
      this.counters.corruptedOutgoing++;
    }
    if (delayOutgoingMs <= 0) {
      write(bytes);
      return;
    }
    const timer = this.clock.setTimeout(() => {
      this.delayed.delete(timer);
      write(bytes);
    }, delayOutgoingMs);
    this.delayed.add(timer);
  }

  /**
   * Passes bytes read from the port to `deliver`, whole frames at a time (a frame ends with its
   * delimiter); a partial frame waits for the rest. Never throws on any byte sequence.
   */
  incoming(bytes: Uint8Array, deliver: (bytes: Uint8Array) => void): void {
    let start = 0;
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i]!;
      if (this.passThrough) {
        if (byte === FRAME_DELIMITER) {
          deliver(bytes.subarray(start, i + 1));
          start = i + 1;
          this.passThrough = false;
        }
        continue;
      }
      this.partial.push(byte);
      if (byte === FRAME_DELIMITER) {
        this.deliverFrame(Uint8Array.from(this.partial), deliver);
        this.partial = [];
        start = i + 1;
      } else if (this.partial.length > MAX_ENCODED_FRAME_BYTES) {
        // No frame is this long: hand the bytes on untouched and let the decoder count them.
        deliver(Uint8Array.from(this.partial));
        this.partial = [];
        this.passThrough = true;
        start = i + 1;
      }
    }
    if (this.passThrough && start < bytes.length) deliver(bytes.subarray(start));
  }

  /** Forgets a partly received frame (the port was reopened). */
  clearIncoming(): void {
    this.partial = [];
    this.passThrough = false;
  }

  /** Cancels the delayed frames not yet written. */
  cancelDelayed(): void {
    for (const timer of this.delayed) this.clock.clearTimeout(timer);
    this.delayed.clear();
  }

  private deliverFrame(frame: Uint8Array, deliver: (bytes: Uint8Array) => void): void {
    const { dropIncoming, corruptIncoming } = this.options;
    if (frame.length === 1) return deliver(frame); // a lone delimiter carries nothing
    if (dropIncoming > 0 && this.inRandom.next() < dropIncoming) {
      this.counters.droppedIncoming++;
      return;
    }
    if (corruptIncoming > 0 && this.inRandom.next() < corruptIncoming) {
      this.counters.corruptedIncoming++;
      deliver(flipBit(frame, this.inRandom));
      return;
    }
    deliver(frame);
  }
}

/** A copy of `bytes` with one uniformly chosen bit flipped. */
function flipBit(bytes: Uint8Array, random: SeededRandom): Uint8Array {
  const copy = Uint8Array.from(bytes);
  const bit = random.int(0, bytes.length * 8 - 1);
  const index = bit >> 3;
  copy[index] = copy[index]! ^ (1 << (bit & 7));
  return copy;
}
