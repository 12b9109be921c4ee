import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../clock.ts';
import { encodeFrame, FrameDecoder, PROTOCOL_VERSION } from './frame.ts';
import { decodeMessage, encodeMessage, RESULT_CODES, type MessageOf, type Sender, type SerialMessage } from './messages.ts';
import { DEFAULT_ACK_TIMEOUT_MS, DEFAULT_MAX_RETRANSMISSIONS, SerialLink, type SerialLinkOptions } from './serial-link.ts';

/** What the fake wire does with one frame. */
type Verdict = 'deliver' | 'drop' | 'corrupt';

interface WireFrame {
  from: Sender;
  /** Clock time the frame was written, ms. */
  atMs: number;
  bytes: Uint8Array;
  sequence: number;
  message: SerialMessage | undefined;
}

const LATENCY_MS = 1;

/**
 * Two links back to back. Every `write` of a SerialLink is one whole frame; the wire logs it,
 * asks `rule` what to do with it, and hands it to the other end LATENCY_MS later (dropped
 * frames vanish; corrupted ones arrive with one bit flipped).
 */
class FakeWire {
  readonly log: WireFrame[] = [];
  rule: (frame: WireFrame) => Verdict = () => 'deliver';
  /** Deliver byte by byte instead of whole frames. */
  byteByByte = false;
  private readonly ends: Partial<Record<Sender, SerialLink>> = {};

  constructor(private readonly clock: SimulatedClock) {}

  writer(from: Sender): (bytes: Uint8Array) => void {
    return (bytes) => {
      const [frame] = new FrameDecoder().push(bytes);
      const decoded = frame ? decodeMessage(frame.type, frame.payload) : undefined;
      const entry: WireFrame = {
        from,
        atMs: this.clock.now(),
        bytes: bytes.slice(),
        sequence: frame?.sequence ?? -1,
        message: decoded?.ok ? decoded.message : undefined,
      };
      this.log.push(entry);
      const verdict = this.rule(entry);
      if (verdict === 'drop') return;
      const delivered = entry.bytes.slice();
      if (verdict === 'corrupt') delivered[2]! ^= 0x10;
      const to = this.ends[from === 'host' ? 'board' : 'host'];
      this.clock.setTimeout(() => {
        if (!to) return;
        if (this.byteByByte) for (const byte of delivered) to.receive(Uint8Array.of(byte));
        else to.receive(delivered);
      }, LATENCY_MS);
    };
  }

  attach(link: SerialLink, side: Sender): void {
    this.ends[side] = link;
  }

  /** Frames written by `from` carrying messages of `kind`. */
  sent<K extends SerialMessage['kind']>(from: Sender, kind: K): (WireFrame & { message: MessageOf<K> })[] {
    return this.log.filter((f): f is WireFrame & { message: MessageOf<K> } => f.from === from && f.message?.kind === kind);
  }
}

interface Received {
  message: SerialMessage;
  sequence: number;
}

function setUp(options: Partial<Pick<SerialLinkOptions, 'ackTimeoutMs' | 'maxRetransmissions'>> = {}) {
  const clock = new SimulatedClock();
  const wire = new FakeWire(clock);
  const host = new SerialLink({ side: 'host', clock, write: wire.writer('host'), ...options });
  const board = new SerialLink({ side: 'board', clock, write: wire.writer('board'), ...options });
  wire.attach(host, 'host');
  wire.attach(board, 'board');
  const atHost: Received[] = [];
  const atBoard: Received[] = [];
  host.onMessage((message, sequence) => void atHost.push({ message, sequence }));
  board.onMessage((message, sequence) => void atBoard.push({ message, sequence }));
  return { clock, wire, host, board, atHost, atBoard, t0: clock.now() };
}

const DRIVE: SerialMessage = { kind: 'drive', axis: 0, direction: 1, cells: 4, maxSpeedMmps: 3000, accelerationMmps2: 2000 };

describe('SerialLink', () => {
  it('delivers a reliable message once and reports the ok acknowledgement once', () => {
    const { clock, wire, host, board, atBoard } = setUp();
    const acks: number[] = [];
    const sequence = host.send(DRIVE, (code) => acks.push(code));
    expect(host.pendingCount()).toBe(1);
    clock.advance(1000);
    expect(atBoard).toEqual([{ message: DRIVE, sequence }]);
    expect(acks).toEqual([RESULT_CODES.ok]);
    expect(host.pendingCount()).toBe(0);
    expect(wire.sent('board', 'ack').map((f) => f.message)).toEqual([{ kind: 'ack', sequence, code: RESULT_CODES.ok }]);
    expect(wire.sent('host', 'drive')).toHaveLength(1);
    expect(host.counters.retransmissions).toBe(0);
    expect(board.counters.duplicates).toBe(0);
  });

  it('acknowledges with the code the handler returns', () => {
    const { clock, host, board } = setUp();
    const codes = [RESULT_CODES.busy, RESULT_CODES.outOfRange, RESULT_CODES.eStopActive];
    let next = 0;
    board.onMessage(() => codes[next++]);
    const acks: number[] = [];
    for (let i = 0; i < codes.length; i++) host.send(DRIVE, (code) => acks.push(code));
    clock.advance(1000);
    expect(acks).toEqual(codes);
  });

  it('delivers a board report to the host and acknowledges it the other way', () => {
    const { clock, board, atHost } = setUp();
    const done: SerialMessage = { kind: 'done', commandSequence: 17, code: RESULT_CODES.interrupted };
    const acks: number[] = [];
    const sequence = board.send(done, (code) => acks.push(code));
    clock.advance(1000);
    expect(atHost).toEqual([{ message: done, sequence }]);
    expect(acks).toEqual([RESULT_CODES.ok]);
  });

  it('passes unreliable messages on without acknowledging them', () => {
    const { clock, wire, host, board, atBoard, atHost } = setUp();
    host.send({ kind: 'heartbeat', uptimeMs: 1234 });
    board.send({ kind: 'status', flags: 0x80, x: 3, y: 4, offsetMm: -12, liftDepthMm: 0, batteryPermille: 900, activeSequence: 9 });
    clock.advance(1000);
    expect(atBoard.map((r) => r.message)).toEqual([{ kind: 'heartbeat', uptimeMs: 1234 }]);
    expect(atHost.map((r) => r.message.kind)).toEqual(['status']);
    expect(wire.log.filter((f) => f.message?.kind === 'ack')).toEqual([]);
    expect(host.pendingCount() + board.pendingCount()).toBe(0);
  });

  it('reassembles frames that arrive byte by byte', () => {
    const { clock, wire, host, atBoard } = setUp();
    wire.byteByByte = true;
    const acks: number[] = [];
    host.send(DRIVE, (code) => acks.push(code));
    host.send({ kind: 'stop' }, (code) => acks.push(code));
    clock.advance(1000);
    expect(atBoard.map((r) => r.message.kind)).toEqual(['drive', 'stop']);
    expect(acks).toEqual([0, 0]);
  });

  it('numbers every frame of a sender +1, acks and heartbeats included, wrapping 65535 to 0', () => {
    const { clock, wire, host } = setUp();
    expect(host.send({ kind: 'heartbeat', uptimeMs: 0 })).toBe(0);
    expect(host.send(DRIVE)).toBe(1);
    clock.advance(1000); // the board's ack is the board's frame 0
    expect(wire.sent('board', 'ack')[0]!.sequence).toBe(0);
    expect(host.send({ kind: 'heartbeat', uptimeMs: 0 })).toBe(2);
    for (let s = 3; s <= 0xffff; s++) host.send({ kind: 'heartbeat', uptimeMs: s });
    expect(host.send({ kind: 'heartbeat', uptimeMs: 0 })).toBe(0);
    expect(host.send({ kind: 'heartbeat', uptimeMs: 0 })).toBe(1);
  });

  it('repeats a dropped frame, byte for byte, after the ack timeout and delivers it once', () => {
    const { clock, wire, host, board, atBoard, t0 } = setUp();
    let drives = 0;
    wire.rule = (f) => (f.message?.kind === 'drive' && drives++ === 0 ? 'drop' : 'deliver');
    const acks: number[] = [];
    host.send(DRIVE, (code) => acks.push(code));
    clock.advance(DEFAULT_ACK_TIMEOUT_MS - 1);
    expect(wire.sent('host', 'drive')).toHaveLength(1);
    clock.advance(1000);
    const sends = wire.sent('host', 'drive');
    expect(sends.map((f) => f.atMs - t0)).toEqual([0, DEFAULT_ACK_TIMEOUT_MS]);
    expect(sends[1]!.bytes).toEqual(sends[0]!.bytes);
    expect(atBoard).toHaveLength(1);
    expect(acks).toEqual([RESULT_CODES.ok]);
    expect(host.counters.retransmissions).toBe(1);
    expect(board.counters.duplicates).toBe(0);
  });

  it('repeats a corrupted frame: the receiver drops and counts it', () => {
    const { clock, wire, host, board, atBoard } = setUp();
    let drives = 0;
    wire.rule = (f) => (f.message?.kind === 'drive' && drives++ === 0 ? 'corrupt' : 'deliver');
    const acks: number[] = [];
    host.send(DRIVE, (code) => acks.push(code));
    clock.advance(1000);
    const { cobs, crc, length } = board.counters.decoder.rejected;
    expect(cobs + crc + length).toBe(1);
    expect(atBoard).toHaveLength(1);
    expect(acks).toEqual([0]);
    expect(host.counters.retransmissions).toBe(1);
  });

  it('after a dropped ack, acknowledges the repeat again with the same code and does not deliver twice', () => {
    const { clock, wire, host, board, t0 } = setUp();
    let acksSeen = 0;
    wire.rule = (f) => (f.from === 'board' && f.message?.kind === 'ack' && acksSeen++ === 0 ? 'drop' : 'deliver');
    let handled = 0;
    board.onMessage(() => {
      handled++;
      return RESULT_CODES.busy;
    });
    const acks: number[] = [];
    const sequence = host.send(DRIVE, (code) => acks.push(code));
    clock.advance(1000);
    expect(handled).toBe(1);
    expect(board.counters.duplicates).toBe(1);
    expect(wire.sent('host', 'drive').map((f) => f.atMs - t0)).toEqual([0, DEFAULT_ACK_TIMEOUT_MS]);
    expect(wire.sent('board', 'ack').map((f) => f.message)).toEqual([
      { kind: 'ack', sequence, code: RESULT_CODES.busy },
      { kind: 'ack', sequence, code: RESULT_CODES.busy },
    ]);
    expect(acks).toEqual([RESULT_CODES.busy]);
  });

  it('ignores a late second ack of a message already settled', () => {
    const { clock, wire, host } = setUp();
    // Delay the first ack past the timeout: the repeat is acked as well, and both acks arrive.
    let first = true;
    wire.rule = (f) => {
      if (f.from === 'board' && f.message?.kind === 'ack' && first) {
        first = false;
        clock.setTimeout(() => host.receive(f.bytes), DEFAULT_ACK_TIMEOUT_MS + 5);
        return 'drop';
      }
      return 'deliver';
    };
    const acks: number[] = [];
    host.send(DRIVE, (code) => acks.push(code));
    clock.advance(1000);
    expect(wire.sent('board', 'ack')).toHaveLength(2);
    expect(acks).toEqual([0]);
    expect(host.counters.undelivered).toBe(0);
  });

  for (const maxRetransmissions of [DEFAULT_MAX_RETRANSMISSIONS, 0, 5]) {
    it(`gives a message up after 1 + ${maxRetransmissions} sends without ack, telling onUndelivered once`, () => {
      const { clock, wire, host, t0 } = setUp({ maxRetransmissions });
      wire.rule = (f) => (f.from === 'host' ? 'drop' : 'deliver');
      const undelivered: Received[] = [];
      host.onUndelivered((message, sequence) => undelivered.push({ message, sequence }));
      const acks: number[] = [];
      const sequence = host.send(DRIVE, (code) => acks.push(code));
      clock.advance(10_000);
      const sends = wire.sent('host', 'drive');
      expect(sends.map((f) => f.atMs - t0)).toEqual(Array.from({ length: 1 + maxRetransmissions }, (_, i) => i * DEFAULT_ACK_TIMEOUT_MS));
      expect(undelivered).toEqual([{ message: DRIVE, sequence }]);
      expect(host.counters.undelivered).toBe(1);
      expect(host.counters.retransmissions).toBe(maxRetransmissions);
      expect(acks).toEqual([]);
      expect(host.pendingCount()).toBe(0);
    });
  }

  it('tells onUndelivered when the last repeat has gone unanswered for one ack timeout', () => {
    const { clock, wire, host, t0 } = setUp({ ackTimeoutMs: 50 });
    wire.rule = () => 'drop';
    const at: number[] = [];
    host.onUndelivered(() => at.push(clock.now() - t0));
    host.send(DRIVE);
    clock.advance(10_000);
    expect(at).toEqual([(1 + DEFAULT_MAX_RETRANSMISSIONS) * 50]);
  });

  it('counts and ignores frames of another version', () => {
    const { clock, host, board, atBoard } = setUp();
    host.version = PROTOCOL_VERSION + 1;
    const acks: number[] = [];
    host.send({ kind: 'heartbeat', uptimeMs: 1 });
    host.send(DRIVE, (code) => acks.push(code));
    clock.advance(10_000);
    expect(atBoard).toEqual([]);
    expect(board.counters.wrongVersion).toBe(1 + 1 + DEFAULT_MAX_RETRANSMISSIONS);
    expect(acks).toEqual([]);
    expect(host.counters.undelivered).toBe(1);
  });

  it('counts a message sent in the wrong direction; a reliable one is acked unknownType', () => {
    const { clock, wire, host, board, atBoard } = setUp();
    host.send({ kind: 'status', flags: 0, x: 0, y: 0, offsetMm: 0, liftDepthMm: 0, batteryPermille: 0, activeSequence: 0 });
    clock.advance(100);
    expect(board.counters.badMessages).toBe(1);
    expect(wire.sent('board', 'ack')).toEqual([]);

    const acks: number[] = [];
    host.send({ kind: 'done', commandSequence: 1, code: 0 }, (code) => acks.push(code));
    clock.advance(100);
    expect(board.counters.badMessages).toBe(2);
    expect(acks).toEqual([RESULT_CODES.unknownType]);
    expect(atBoard).toEqual([]);

    const boardAcks: number[] = [];
    board.send(DRIVE, (code) => boardAcks.push(code));
    clock.advance(100);
    expect(host.counters.badMessages).toBe(1);
    expect(boardAcks).toEqual([RESULT_CODES.unknownType]);
  });

  it('on the board, acks a command of an unknown type with unknownType, and drops one of the wrong length unanswered (so it is repeated)', () => {
    const { clock, wire, board, atBoard } = setUp();
    const seen: SerialMessage[] = [];
    const frame = (sequence: number, type: number, payload: Uint8Array) => encodeFrame({ version: PROTOCOL_VERSION, sequence, type, payload });
    board.receive(frame(100, 0x20, new Uint8Array(0))); // unknown command type
    board.receive(frame(101, 0x11, new Uint8Array(3))); // drive, too short
    board.receive(frame(102, 0x90, new Uint8Array(0))); // unknown, outside the command range: not answered
    clock.advance(100);
    for (const f of wire.sent('board', 'ack')) seen.push(f.message);
    expect(seen).toEqual([
      { kind: 'ack', sequence: 100, code: RESULT_CODES.unknownType },
    ]);
    expect(board.counters.badMessages).toBe(3);
    expect(atBoard).toEqual([]);
  });

  it('on the host, counts an undecodable report without answering it', () => {
    const { clock, wire, host } = setUp();
    host.receive(encodeFrame({ version: PROTOCOL_VERSION, sequence: 5, type: 0x81, payload: new Uint8Array(2) })); // done, too short
    host.receive(encodeFrame({ version: PROTOCOL_VERSION, sequence: 6, type: 0x20, payload: new Uint8Array(0) }));
    clock.advance(100);
    expect(host.counters.badMessages).toBe(2);
    expect(wire.log).toEqual([]);
  });

  it('remembers the last 64 reliable sequences: an older repeat is acted on again', () => {
    const { board, atBoard } = setUp();
    const stop = encodeMessage({ kind: 'stop' });
    const frame = (sequence: number) => encodeFrame({ version: PROTOCOL_VERSION, sequence, type: stop.type, payload: stop.payload });
    for (let s = 0; s < 65; s++) board.receive(frame(s));
    expect(atBoard).toHaveLength(65);
    board.receive(frame(64));
    board.receive(frame(1));
    expect(board.counters.duplicates).toBe(2);
    expect(atBoard).toHaveLength(65);
    board.receive(frame(0)); // 65 newer sequences have pushed it out
    expect(atBoard).toHaveLength(66);
  });

  it('acts on a new reliable message whose sequence number comes round again after the counter wraps', () => {
    // An idle robot: one command, then only heartbeats (every 100 ms) for the 65535 frames it
    // takes the host's counter to come back to that command's sequence (about 1.8 h), then a
    // new command. It is a new message, not a repeat: it must reach the handler and be acked
    // with the handler's code, not with the code remembered from 1.8 h ago.
    const { clock, host, board, atBoard } = setUp();
    board.onMessage((message, sequence) => {
      atBoard.push({ message, sequence });
      return message.kind === 'stop' ? RESULT_CODES.ok : RESULT_CODES.outOfRange;
    });
    const first = host.send({ kind: 'stop' });
    clock.advance(100);
    for (let i = 1; i <= 0xffff; i++) {
      host.send({ kind: 'heartbeat', uptimeMs: i * 100 });
      clock.advance(100);
    }
    const acks: number[] = [];
    const again = host.send(DRIVE, (code) => acks.push(code));
    clock.advance(1000);
    expect(again).toBe(first);
    expect(atBoard.filter((r) => r.message.kind !== 'heartbeat').map((r) => r.message.kind)).toEqual(['stop', 'drive']);
    expect(acks).toEqual([RESULT_CODES.outOfRange]);
    expect(board.counters.duplicates).toBe(0);
  });

  it('takes a remembered sequence for a repeat only while it is less than 1024 frames behind the newest received', () => {
    const { board, atBoard } = setUp();
    const frameOf = (message: SerialMessage, sequence: number) => {
      const { type, payload } = encodeMessage(message);
      return encodeFrame({ version: PROTOCOL_VERSION, sequence, type, payload });
    };
    const stop = frameOf({ kind: 'stop' }, 0xfff0); // near the wrap, so the window crosses it
    board.receive(stop);
    // 1023 heartbeats later the stop's sequence is 1023 behind: a repeat.
    for (let i = 1; i <= 1023; i++) board.receive(frameOf({ kind: 'heartbeat', uptimeMs: i }, (0xfff0 + i) & 0xffff));
    board.receive(stop);
    expect(board.counters.duplicates).toBe(1);
    expect(atBoard.filter((r) => r.message.kind === 'stop')).toHaveLength(1);
    // One frame more and it is 1024 behind: a new message that happens to reuse the number.
    board.receive(frameOf({ kind: 'heartbeat', uptimeMs: 1024 }, (0xfff0 + 1024) & 0xffff));
    board.receive(stop);
    expect(board.counters.duplicates).toBe(1);
    expect(atBoard.filter((r) => r.message.kind === 'stop')).toHaveLength(2);
  });

  it('keeps a sequence that came round again as the newest remembered, not the oldest', () => {
    // Lap 1: reliable messages at sequences 0 and 2..64 fill the 64 remembered entries, 0 the
    // oldest. Lap 2 (after the counter wrapped): a new stop at 0, then an emergency stop at 1,
    // then the stop's repeat (its ack was lost). The repeat must be recognised: the new entry
    // for 0 must not be the first one pushed out by the entry for 1.
    const { board, atBoard } = setUp();
    const frameOf = (message: SerialMessage, sequence: number) => {
      const { type, payload } = encodeMessage(message);
      return encodeFrame({ version: PROTOCOL_VERSION, sequence, type, payload });
    };
    board.receive(frameOf({ kind: 'stop' }, 0));
    for (let s = 2; s <= 64; s++) board.receive(frameOf({ kind: 'releaseEmergencyStop' }, s));
    for (let s = 65; s <= 0xffff; s += 1) if (s % 1000 === 0 || s === 0xffff) board.receive(frameOf({ kind: 'heartbeat', uptimeMs: s }, s));
    const before = atBoard.length;
    board.receive(frameOf({ kind: 'stop' }, 0));
    board.receive(frameOf({ kind: 'emergencyStop' }, 1));
    board.receive(frameOf({ kind: 'stop' }, 0));
    expect(atBoard.slice(before).map((r) => r.message.kind)).toEqual(['stop', 'emergencyStop']);
    expect(board.counters.duplicates).toBe(1);
  });

  it('reset() drops pending messages without calling their callbacks, and forgets remembered sequences', () => {
    const { clock, wire, host, board, atBoard } = setUp();
    wire.rule = (f) => (f.from === 'host' ? 'drop' : 'deliver');
    const acks: number[] = [];
    let undelivered = 0;
    host.onUndelivered(() => undelivered++);
    host.send(DRIVE, (code) => acks.push(code));
    host.send({ kind: 'stop' }, (code) => acks.push(code));
    clock.advance(DEFAULT_ACK_TIMEOUT_MS + 1);
    host.reset();
    expect(host.pendingCount()).toBe(0);
    const written = wire.log.length;
    clock.advance(10_000);
    expect(wire.log.length).toBe(written);
    expect(acks).toEqual([]);
    expect(undelivered).toBe(0);
    expect(host.counters.undelivered).toBe(0);

    const stop = encodeMessage({ kind: 'stop' });
    const frame = encodeFrame({ version: PROTOCOL_VERSION, sequence: 7, type: stop.type, payload: stop.payload });
    board.receive(frame);
    board.reset();
    board.receive(frame);
    expect(atBoard).toHaveLength(2);
    expect(board.counters.duplicates).toBe(0);
  });

  it('never throws on any bytes received, on either side', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300, min: 0, max: 0x20 }), fc.uint8Array({ maxLength: 300 }), (a, b) => {
        const { clock, host, board } = setUp();
        for (const link of [host, board]) {
          link.receive(a);
          link.receive(b);
        }
        clock.advance(1000);
      }),
      { numRuns: 200 },
    );
  });
});
