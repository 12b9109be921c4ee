import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../protocol/clock.ts';
import { RESULT_CODES, type SerialMessage } from '../protocol/serial/messages.ts';
import { SerialLink } from '../protocol/serial/serial-link.ts';
import { BoardSession, type BoardLinkState } from './board-session.ts';
import { MemorySerialLine } from './memory-serial-line.ts';

/** A minimal board on the far end of an in-memory line: answers hello, acks, beats when told to. */
function setup(options: { helloCode?: number } = {}) {
  const clock = new SimulatedClock(0);
  const line = new MemorySerialLine(clock, 1);
  const received: SerialMessage[] = [];
  const board = new SerialLink({ side: 'board', clock, write: (bytes) => line.board.write(bytes) });
  let deaf = false;
  let silent = false;
  let negotiated = false;
  let poweredUpMs = clock.now();
  board.onMessage((message) => {
    received.push(message);
    if (message.kind === 'hello') {
      const code = options.helloCode ?? RESULT_CODES.ok;
      negotiated = code === RESULT_CODES.ok;
      board.send({ kind: 'helloReply', code, version: 1, firmwareMajor: 2, firmwareMinor: 3 });
    }
    return negotiated ? RESULT_CODES.ok : RESULT_CODES.notNegotiated;
  });
  line.board.onData((bytes) => !deaf && board.receive(bytes));
  const beat = () => {
    if (!silent) board.send({ kind: 'heartbeat', uptimeMs: clock.now() - poweredUpMs });
    clock.setTimeout(beat, 100);
  };
  beat();
  const session = new BoardSession({ clock, transport: line.host });
  const states: [BoardLinkState, string][] = [];
  const undelivered: string[] = [];
  session.start({
    onLinkState: (state, reason) => states.push([state, reason]),
    onStatus: () => {},
    onDone: () => {},
    onFault: () => {},
    onUndelivered: (command) => undelivered.push(command.kind),
  });
  return {
    clock,
    line,
    session,
    states,
    undelivered,
    received,
    setDeaf: (value: boolean) => void (deaf = value),
    /** The board resets: not negotiated, uptime from 0; `keepUptime` leaves its uptime going on. */
    restart: (keepUptime = false) => {
      negotiated = false;
      board.reset();
      if (!keepUptime) poweredUpMs = clock.now();
    },
    setSilent: (value: boolean) => void (silent = value),
    /** Lets the session's async port opening finish, then advances the clock. */
    advance: async (ms: number) => {
      for (let t = 0; t < ms; t += 10) {
        await Promise.resolve();
        clock.advance(10);
      }
    },
  };
}

describe('BoardSession (PROTOCOL.md, link layer)', () => {
  it('negotiates the version with hello, then sends a heartbeat every 100 ms', async () => {
    const s = setup();
    await s.advance(50);
    expect(s.session.linkState).toBe('ready');
    expect(s.session.firmware).toBe('2.3');
    expect(s.states.map(([state]) => state)).toEqual(['negotiating', 'ready']);
    const beatsBefore = s.received.filter((m) => m.kind === 'heartbeat').length;
    await s.advance(1000);
    const beats = s.received.filter((m) => m.kind === 'heartbeat').length - beatsBefore;
    expect(beats).toBeGreaterThanOrEqual(9);
    expect(beats).toBeLessThanOrEqual(11);
  });

  it('keeps offering hello while the board refuses the version, and sends no commands', async () => {
    const s = setup({ helloCode: RESULT_CODES.unsupportedVersion });
    await s.advance(1000);
    expect(s.session.linkState).toBe('negotiating');
    expect(s.states.at(-1)![1]).toMatch(/refused protocol version 1: unsupportedVersion/);
    expect(s.received.filter((m) => m.kind === 'hello').length).toBeGreaterThanOrEqual(5);
    expect(s.session.send({ kind: 'stop' })).toBeUndefined();
  });

  it('reports a silent board after 500 ms and is ready again once it talks', async () => {
    const s = setup();
    await s.advance(50);
    s.setSilent(true);
    s.setDeaf(true); // no hello answered either
    await s.advance(700);
    expect(s.session.linkState).toBe('boardSilent');
    expect(s.states.at(-1)![1]).toMatch(/no frame from the motor controller for 500 ms/);
    s.setSilent(false);
    s.setDeaf(false);
    await s.advance(500);
    expect(s.session.linkState).toBe('ready');
  });

  it('gives a command up after its retransmissions, tells the vehicle, and negotiates again', async () => {
    const s = setup();
    await s.advance(50);
    s.setDeaf(true);
    const sequence = s.session.send({ kind: 'grip', close: 1 });
    expect(sequence).toBeDefined();
    await s.advance(200); // 30 ms timeout, 3 repeats
    expect(s.undelivered).toEqual(['grip']);
    expect(s.session.counters.retransmissions).toBe(3);
    expect(s.session.linkState).toBe('negotiating');
    s.setDeaf(false);
    await s.advance(500);
    expect(s.session.linkState).toBe('ready');
  });

  it('negotiates again at once when the board restarts (its uptime goes backwards)', async () => {
    const s = setup();
    await s.advance(1000);
    const hellos = () => s.received.filter((m) => m.kind === 'hello').length;
    const before = hellos();
    s.restart();
    await s.advance(150);
    expect(hellos()).toBe(before + 1);
    expect(s.states.map(([state]) => state).slice(-2)).toEqual(['negotiating', 'ready']);
    expect(s.states.at(-2)![1]).toMatch(/uptime went backwards/);
  });

  it('negotiates again when a command is answered "not negotiated"', async () => {
    const s = setup();
    await s.advance(1000);
    s.restart(true);
    const codes: number[] = [];
    s.session.send({ kind: 'stop' }, (code) => codes.push(code));
    await s.advance(100);
    expect(codes).toEqual([RESULT_CODES.notNegotiated]);
    expect(s.states.some(([, reason]) => /not negotiated/.test(reason))).toBe(true);
    expect(s.session.linkState).toBe('ready');
  });

  it('reopens a vanished device with growing waits (100 ms, doubling, at most 5 s) until it is back', async () => {
    const s = setup();
    await s.advance(50);
    const opens: number[] = [];
    const open = s.line.host.open.bind(s.line.host);
    s.line.host.open = (handlers) => {
      opens.push(s.clock.now());
      return open(handlers);
    };
    s.line.unplug();
    expect(s.session.linkState).toBe('portClosed');
    expect(s.states.at(-1)![1]).toBe('serial port closed: device disconnected');
    await s.advance(20_000);
    const waits = opens.slice(1).map((t, i) => t - opens[i]!);
    expect(opens[0]).toBeGreaterThanOrEqual(100);
    expect(waits.slice(0, 4)).toEqual([200, 400, 800, 1600].map((w) => expect.closeTo(w, -1.5)));
    expect(Math.max(...waits)).toBeLessThanOrEqual(5_010);
    s.line.plugIn();
    await s.advance(6_000);
    expect(s.session.linkState).toBe('ready');
  });
});
