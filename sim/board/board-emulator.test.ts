import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../protocol/clock.ts';
import { encodeFrame } from '../../protocol/serial/frame.ts';
import { RESULT_CODES, STATUS_FLAGS, encodeMessage, type MessageOf } from '../../protocol/serial/messages.ts';
import { SeededRandom } from '../../protocol/random.ts';
import { defaultKinematics, liftCycleSeconds, runDurationSeconds, timeAtDistance } from '../kinematics/robot-kinematics.ts';
import { BoardEmulator } from './board-emulator.ts';
import { createRig, negotiatedRig, type Rig } from './board-host.test-support.ts';
import { maxLiftDepthMm } from './board-options.ts';

const k = defaultKinematics();
const PITCH_X_MM = k.cellSizeXM * 1000;
const SPEED = { maxSpeedMmps: Math.round(k.maxSpeedMps * 1000), accelerationMmps2: Math.round(k.accelerationMps2 * 1000) };
const BIN_MM = k.binHeightM * 1000;

function drive(cells: number, direction: 1 | -1 = 1, axis = 0): MessageOf<'drive'> {
  return { kind: 'drive', axis, direction, cells, ...SPEED };
}

/** Sends a command and lets it cross the wire; returns its sequence. */
function command(rig: Rig, message: Parameters<Rig['host']['send']>[0]): number {
  const sequence = rig.host.send(message);
  rig.clock.advance(0);
  return sequence;
}

describe('BoardEmulator: negotiation', () => {
  it('acks commands notNegotiated before a hello, then accepts them', () => {
    const rig = createRig();
    rig.host.startHeartbeats();
    const before = command(rig, { kind: 'setPosition', x: 3, y: 4, wheelsY: 0 });
    rig.clock.advance(10);
    expect(rig.host.acks.get(before)).toBe(RESULT_CODES.notNegotiated);
    expect(rig.board.position()).toMatchObject({ x: 0, y: 0 });

    rig.host.hello(1, 3);
    rig.clock.advance(10);
    expect(rig.host.of('helloReply').map((r) => r.message)).toEqual([
      { kind: 'helloReply', code: RESULT_CODES.ok, version: 1, firmwareMajor: 1, firmwareMinor: 0 },
    ]);
    expect(rig.board.isNegotiated()).toBe(true);
    const after = command(rig, { kind: 'setPosition', x: 3, y: 4, wheelsY: 1 });
    rig.clock.advance(10);
    expect(rig.host.acks.get(after)).toBe(RESULT_CODES.ok);
    expect(rig.board.position()).toEqual({ x: 3, y: 4, offsetMm: 0, wheelsY: true });
    expect(rig.host.lastStatus()).toMatchObject({ x: 3, y: 4, flags: STATUS_FLAGS.wheelsY });
  });

  it('answers unsupportedVersion with version 0 when no version fits', () => {
    const rig = createRig();
    rig.host.hello(2, 5);
    rig.clock.advance(10);
    expect(rig.host.of('helloReply')[0]?.message).toMatchObject({ code: RESULT_CODES.unsupportedVersion, version: 0 });
    expect(rig.board.isNegotiated()).toBe(false);
  });

  it('a later hello keeps position and motion', () => {
    const rig = negotiatedRig();
    const seq = command(rig, drive(3));
    rig.clock.advance(1000);
    rig.host.hello();
    rig.clock.advance(10);
    expect(rig.board.flags().driving).toBe(true);
    rig.clock.advance(5000);
    expect(rig.host.donesFor(seq).map((d) => d.message.code)).toEqual([RESULT_CODES.ok]);
    expect(rig.board.position().x).toBe(3);
  });
});

describe('BoardEmulator: drive', () => {
  for (const cells of [1, 4, 10]) {
    it(`drives ${cells} cell(s) with a status at each cell and done when the kinematics say`, () => {
      const rig = negotiatedRig();
      command(rig, { kind: 'setPosition', x: 2, y: 5, wheelsY: 0 });
      const t0 = rig.clock.now();
      const seq = command(rig, drive(cells));
      expect(rig.host.acks.get(seq)).toBe(RESULT_CODES.ok);
      rig.clock.advance(30_000);

      const dones = rig.host.donesFor(seq);
      expect(dones.map((d) => d.message.code)).toEqual([RESULT_CODES.ok]);
      const expectedMs = runDurationSeconds((cells * PITCH_X_MM) / 1000, k) * 1000;
      expect(Math.abs(dones[0]!.atMs - t0 - expectedMs)).toBeLessThanOrEqual(1);

      // One status as each cell is reached, at the time the same profile predicts.
      for (let i = 1; i <= cells; i++) {
        const reached = rig.host.of('status').find((s) => s.message.x === 2 + i);
        expect(reached, `status at cell ${2 + i}`).toBeDefined();
        const predictedMs = timeAtDistance((i * PITCH_X_MM) / 1000, (cells * PITCH_X_MM) / 1000, k) * 1000;
        expect(Math.abs(reached!.atMs - t0 - predictedMs)).toBeLessThanOrEqual(1);
        expect(reached!.message.offsetMm).toBe(0);
      }
      expect(rig.board.position()).toEqual({ x: 2 + cells, y: 5, offsetMm: 0, wheelsY: false });
      expect(rig.host.lastStatus().flags & (STATUS_FLAGS.driving | STATUS_FLAGS.busy)).toBe(0);
    });
  }

  it('reports the running drive in status: flags, offset and activeSequence', () => {
    const rig = negotiatedRig();
    const seq = command(rig, drive(2));
    rig.clock.advance(500);
    const status = rig.host.lastStatus();
    expect(status.flags & STATUS_FLAGS.driving).toBeTruthy();
    expect(status.flags & STATUS_FLAGS.busy).toBeTruthy();
    expect(status.activeSequence).toBe(seq);
    // 0.5 s of 2 m/s² from rest: 250 mm, less the status period's staleness.
    expect(status.offsetMm).toBeGreaterThan(150);
    expect(status.offsetMm).toBeLessThanOrEqual(250);
  });

  it('drives backward along y after a wheel change', () => {
    const rig = negotiatedRig();
    command(rig, { kind: 'setPosition', x: 1, y: 6, wheelsY: 1 });
    const seq = command(rig, drive(3, -1, 1));
    rig.clock.advance(10_000);
    expect(rig.host.donesFor(seq)[0]?.message.code).toBe(RESULT_CODES.ok);
    expect(rig.board.position()).toEqual({ x: 1, y: 3, offsetMm: 0, wheelsY: true });
  });

  it('refuses out-of-range drives: wrong axis, bad direction, zero cells, below coordinate 0', () => {
    const rig = negotiatedRig();
    command(rig, { kind: 'setPosition', x: 1, y: 0, wheelsY: 0 });
    const refused = [drive(1, 1, 1), { ...drive(1), direction: 0 }, drive(0), drive(2, -1), { ...drive(1), maxSpeedMmps: 0 }].map((m) => command(rig, m));
    rig.clock.advance(10);
    expect(refused.map((s) => rig.host.acks.get(s))).toEqual(refused.map(() => RESULT_CODES.outOfRange));
    expect(rig.host.of('done')).toEqual([]);
  });

  it('acks busy while a motion command runs, and setPosition too', () => {
    const rig = negotiatedRig();
    command(rig, drive(3));
    const others = [drive(1), { kind: 'lift', depthMm: 100 } as const, { kind: 'setPosition', x: 0, y: 0, wheelsY: 0 } as const, { kind: 'charge', on: 1 } as const].map(
      (m) => command(rig, m),
    );
    rig.clock.advance(10);
    expect(others.map((s) => rig.host.acks.get(s))).toEqual(others.map(() => RESULT_CODES.busy));
    expect(others.flatMap((s) => rig.host.donesFor(s))).toEqual([]);
  });
});

describe('BoardEmulator: wheel change, lift, grip, charge', () => {
  it('changes wheels in wheelChangeSeconds; the same axis is done at once', () => {
    const rig = negotiatedRig();
    const t0 = rig.clock.now();
    const same = command(rig, { kind: 'wheelChange', axis: 0 });
    expect(rig.host.donesFor(same).map((d) => [d.atMs - t0, d.message.code])).toEqual([[0, RESULT_CODES.ok]]);
    const change = command(rig, { kind: 'wheelChange', axis: 1 });
    rig.clock.advance(k.wheelChangeSeconds * 1000 - 1);
    expect(rig.host.donesFor(change)).toEqual([]);
    rig.clock.advance(1);
    expect(rig.host.donesFor(change).map((d) => d.message.code)).toEqual([RESULT_CODES.ok]);
    expect(rig.board.position().wheelsY).toBe(true);
    expect(rig.host.lastStatus().flags & STATUS_FLAGS.wheelsY).toBeTruthy();
    // Now x drives are the wrong axis.
    const wrong = command(rig, drive(1, 1, 0));
    rig.clock.advance(1);
    expect(rig.host.acks.get(wrong)).toBe(RESULT_CODES.outOfRange);
  });

  it('a pick (lift down, grip, lift up) takes liftCycleSeconds', () => {
    const rig = negotiatedRig({ gridDepth: 16 });
    const levels = 5;
    const t0 = rig.clock.now();
    const down = command(rig, { kind: 'lift', depthMm: levels * BIN_MM });
    rig.clock.advance(100);
    expect(rig.host.lastStatus().flags & STATUS_FLAGS.lifting).toBeTruthy();
    expect(rig.host.lastStatus().liftDepthMm).toBeGreaterThan(0);
    rig.clock.runUntil(t0 + 20_000);
    expect(rig.host.donesFor(down)[0]?.message.code).toBe(RESULT_CODES.ok);
    expect(rig.board.liftDepthMm()).toBe(levels * BIN_MM);
    const grip = command(rig, { kind: 'grip', close: 1 });
    rig.clock.advance(20_000);
    expect(rig.board.flags().gripClosed).toBe(true);
    const up = command(rig, { kind: 'lift', depthMm: 0 });
    rig.clock.advance(20_000);
    const [d1, d2, d3] = [down, grip, up].map((s) => rig.host.donesFor(s)[0]!);
    // The host sends each command as the previous one is done: the busy times add up.
    const busyMs = d1!.atMs - t0 + (d2!.atMs - (t0 + 20_000)) + (d3!.atMs - (t0 + 40_000));
    expect(Math.abs(busyMs - liftCycleSeconds(levels, k) * 1000)).toBeLessThanOrEqual(1);
    expect(rig.board.liftDepthMm()).toBe(0);
  });

  it('a lift deeper than the travel is outOfRange; the deepest one is accepted', () => {
    const rig = negotiatedRig({ gridDepth: 10 });
    const max = maxLiftDepthMm(k, 10);
    expect(max).toBe(Math.round(10 * BIN_MM + k.portDropSeconds * k.liftSpeedMps * 1000));
    const tooDeep = command(rig, { kind: 'lift', depthMm: max + 1 });
    const deepest = command(rig, { kind: 'lift', depthMm: max });
    rig.clock.advance(10);
    expect([rig.host.acks.get(tooDeep), rig.host.acks.get(deepest)]).toEqual([RESULT_CODES.outOfRange, RESULT_CODES.ok]);
  });

  it('refuses to drive or change wheels with the gripper down', () => {
    const rig = negotiatedRig();
    command(rig, { kind: 'lift', depthMm: 500 });
    rig.clock.advance(5000);
    const refused = [drive(1), { kind: 'wheelChange', axis: 1 } as const].map((m) => command(rig, m));
    rig.clock.advance(10);
    expect(refused.map((s) => rig.host.acks.get(s))).toEqual([RESULT_CODES.outOfRange, RESULT_CODES.outOfRange]);
  });

  it('charges while on, drains while driving', () => {
    const rig = negotiatedRig({ initialBatteryPermille: 500 });
    const on = command(rig, { kind: 'charge', on: 1 });
    expect(rig.host.donesFor(on).map((d) => d.message.code)).toEqual([RESULT_CODES.ok]);
    expect(rig.board.flags().charging).toBe(true);
    rig.clock.advance(60_000); // 1960 W net for 1 min into 1000 Wh: +32.7 permille
    expect(rig.board.batteryPermille()).toBe(533);
    command(rig, { kind: 'charge', on: 0 });
    const before = rig.board.batteryPermille();
    command(rig, drive(10)); // driving ends charging anyway
    rig.clock.advance(60_000);
    expect(rig.board.batteryPermille()).toBeLessThan(before);
    expect(rig.host.lastStatus().batteryPermille).toBe(rig.board.batteryPermille());
  });
});

describe('BoardEmulator: stop and emergency stop', () => {
  it('stop mid-drive ends the drive at the next cell centre with done interrupted', () => {
    const rig = negotiatedRig();
    const t0 = rig.clock.now();
    const seq = command(rig, drive(8));
    rig.clock.advance(1200);
    // 1.2 s at 2 m/s² from rest is 1.44 m: past cell 2 (1.4 m), driving into cell 3.
    const x = rig.board.position().x;
    expect(x).toBe(2);
    const stop = command(rig, { kind: 'stop' });
    expect(rig.host.acks.get(stop)).toBe(RESULT_CODES.ok);
    rig.clock.advance(10_000);
    const done = rig.host.donesFor(seq);
    expect(done.map((d) => d.message.code)).toEqual([RESULT_CODES.interrupted]);
    expect(rig.board.position()).toMatchObject({ x: x + 1, offsetMm: 0 });
    const arrivalMs = timeAtDistance(((x + 1) * PITCH_X_MM) / 1000, (8 * PITCH_X_MM) / 1000, k) * 1000;
    expect(Math.abs(done[0]!.atMs - t0 - arrivalMs)).toBeLessThanOrEqual(1);
  });

  it('stop halts a lift at once; stop when idle is acked ok', () => {
    const rig = negotiatedRig();
    const idle = command(rig, { kind: 'stop' });
    const lift = command(rig, { kind: 'lift', depthMm: 1600 }); // 1 s at 1.6 m/s
    rig.clock.advance(500);
    command(rig, { kind: 'stop' });
    expect(rig.host.acks.get(idle)).toBe(RESULT_CODES.ok);
    expect(rig.host.donesFor(lift).map((d) => d.message.code)).toEqual([RESULT_CODES.interrupted]);
    expect(rig.board.liftDepthMm()).toBe(800);
    rig.clock.advance(2000);
    expect(rig.board.liftDepthMm()).toBe(800);
  });

  it('stop lets a wheel change finish with done ok', () => {
    const rig = negotiatedRig();
    const change = command(rig, { kind: 'wheelChange', axis: 1 });
    rig.clock.advance(300);
    command(rig, { kind: 'stop' });
    rig.clock.advance(2000);
    expect(rig.host.donesFor(change).map((d) => d.message.code)).toEqual([RESULT_CODES.ok]);
    expect(rig.board.position().wheelsY).toBe(true);
  });

  it('emergency stop mid-cell keeps the offset, refuses motion until release, then drives on from the offset', () => {
    const rig = negotiatedRig();
    const seq = command(rig, drive(5));
    rig.clock.advance(1000); // 1.0 m: 300 mm past cell 1
    command(rig, { kind: 'emergencyStop' });
    expect(rig.host.donesFor(seq).map((d) => d.message.code)).toEqual([RESULT_CODES.eStopActive]);
    const stopped = rig.board.position();
    expect(stopped.x).toBe(1);
    expect(stopped.offsetMm).toBe(300);
    expect(rig.board.flags()).toMatchObject({ eStop: true, driving: false, busy: false });
    rig.clock.advance(1000);
    expect(rig.board.position()).toEqual(stopped);
    expect(rig.host.lastStatus()).toMatchObject({ x: 1, offsetMm: 300 });
    expect(rig.host.lastStatus().flags & STATUS_FLAGS.eStop).toBeTruthy();

    const refused = [drive(1), { kind: 'lift', depthMm: 10 } as const, { kind: 'charge', on: 1 } as const].map((m) => command(rig, m));
    rig.clock.advance(10);
    expect(refused.map((s) => rig.host.acks.get(s))).toEqual(refused.map(() => RESULT_CODES.eStopActive));

    command(rig, { kind: 'releaseEmergencyStop' });
    expect(rig.board.flags().eStop).toBe(false);
    const t0 = rig.clock.now();
    const again = command(rig, drive(2)); // to cell 3: 2·700 − 300 = 1100 mm
    rig.clock.advance(10_000);
    const done = rig.host.donesFor(again);
    expect(done.map((d) => d.message.code)).toEqual([RESULT_CODES.ok]);
    expect(Math.abs(done[0]!.atMs - t0 - runDurationSeconds(1.1, k) * 1000)).toBeLessThanOrEqual(1);
    expect(rig.board.position()).toMatchObject({ x: 3, offsetMm: 0 });
  });

  it('after an emergency stop mid-cell a drive back passes the last cell again', () => {
    const rig = negotiatedRig();
    command(rig, { kind: 'setPosition', x: 4, y: 0, wheelsY: 0 });
    command(rig, drive(3));
    rig.clock.advance(1000); // 300 mm past cell 5
    command(rig, { kind: 'emergencyStop' });
    command(rig, { kind: 'releaseEmergencyStop' });
    const t0 = rig.clock.now();
    const back = command(rig, drive(1, -1)); // to cell 4: 700 + 300 mm
    rig.clock.advance(10_000);
    const done = rig.host.donesFor(back);
    expect(done.map((d) => d.message.code)).toEqual([RESULT_CODES.ok]);
    expect(Math.abs(done[0]!.atMs - t0 - runDurationSeconds(1.0, k) * 1000)).toBeLessThanOrEqual(1);
    expect(rig.board.position()).toMatchObject({ x: 4, offsetMm: 0 });
    expect(rig.host.of('status').some((s) => s.atMs > t0 && s.message.x === 5 && s.message.offsetMm === 0)).toBe(true);
  });

  it('refuses lift, grip and wheel change between cells', () => {
    const rig = negotiatedRig();
    command(rig, drive(2));
    rig.clock.advance(500);
    command(rig, { kind: 'emergencyStop' });
    command(rig, { kind: 'releaseEmergencyStop' });
    const refused = [{ kind: 'lift', depthMm: 10 } as const, { kind: 'grip', close: 1 } as const, { kind: 'wheelChange', axis: 1 } as const].map((m) => command(rig, m));
    rig.clock.advance(10);
    expect(refused.map((s) => rig.host.acks.get(s))).toEqual(refused.map(() => RESULT_CODES.outOfRange));
  });
});

describe('BoardEmulator: watchdog', () => {
  it('trips 500 ms after host frames stop, reports it, and clears when frames resume', () => {
    const rig = negotiatedRig();
    const seq = command(rig, drive(10));
    rig.clock.advance(995);
    rig.wire.hostToBoard = false; // the host vanished: nothing of it reaches the board
    const lastHostMs = Math.max(...rig.hostBytes.map((b) => b.atMs));
    rig.clock.advance(2000);

    const done = rig.host.donesFor(seq);
    expect(done.map((d) => [d.atMs - lastHostMs, d.message.code])).toEqual([[500, RESULT_CODES.watchdog]]);
    const faults = rig.host.of('fault');
    expect(faults.map((f) => [f.atMs - lastHostMs, f.message.code, f.message.detail])).toEqual([[500, RESULT_CODES.watchdog, 0]]);
    expect(rig.board.flags()).toMatchObject({ watchdogStopped: true, driving: false, busy: false });
    expect(rig.host.lastStatus().flags & STATUS_FLAGS.watchdogStopped).toBeTruthy();
    const stopped = rig.board.position();
    expect(stopped.offsetMm).not.toBe(0);
    rig.clock.advance(1000);
    expect(rig.board.position()).toEqual(stopped);
    // The host's acks were lost too: the done and fault were sent again, then given up.
    expect(rig.board.counters.retransmissions).toBe(6);
    expect(rig.board.counters.undelivered).toBe(2);

    rig.wire.hostToBoard = true;
    rig.clock.advance(100); // the next heartbeat gets through
    expect(rig.board.flags().watchdogStopped).toBe(false);
    expect(rig.host.lastStatus().flags & STATUS_FLAGS.watchdogStopped).toBe(0);
    rig.clock.advance(2000);
    // Nothing resumes by itself.
    expect(rig.board.position()).toEqual(stopped);
    expect(rig.board.flags().busy).toBe(false);
    expect(rig.host.of('fault')).toHaveLength(1);
  });

  it('host acks are host frames too: they feed the watchdog', () => {
    const rig = negotiatedRig();
    rig.host.stopHeartbeats();
    const lastBeatMs = Math.max(...rig.hostBytes.map((b) => b.atMs));
    rig.clock.advance(400);
    // The board's low-battery fault is acked by the host: that ack puts the trip off.
    const ackMs = rig.clock.now();
    rig.board.setBatteryPermille(50);
    rig.clock.advance(2000);
    const watchdog = rig.host.of('fault').filter((f) => f.message.code === RESULT_CODES.watchdog);
    expect(ackMs - lastBeatMs).toBeLessThan(500);
    // Each trip's fault is acked in turn, which clears the flag and arms the watchdog again.
    expect(watchdog.map((f) => f.atMs - ackMs)).toEqual([500, 1000, 1500, 2000]);
  });
});

describe('BoardEmulator: faults', () => {
  it('counts garbage bytes and corrupted frames, never throws, and keeps working', () => {
    const rig = negotiatedRig();
    const random = new SeededRandom(7);
    for (let i = 0; i < 200; i++) {
      const junk = Uint8Array.from({ length: random.int(1, 300) }, () => random.int(0, 255));
      expect(() => rig.board.receive(junk)).not.toThrow();
    }
    const { type, payload } = encodeMessage({ kind: 'lift', depthMm: 100 });
    const frame = encodeFrame({ version: 1, sequence: 999, type, payload });
    frame[3] = frame[3]! ^ 0x10;
    rig.board.receive(Uint8Array.of(0, ...frame));
    const { decoder } = rig.board.counters;
    const rejected = decoder.rejected.cobs + decoder.rejected.crc + decoder.rejected.length + decoder.rejected.overflow;
    expect(rejected).toBeGreaterThan(50);
    expect(rig.board.liftDepthMm()).toBe(0);
    // Still in step with the host afterwards.
    const seq = command(rig, drive(1));
    rig.clock.advance(5000);
    expect(rig.host.donesFor(seq).map((d) => d.message.code)).toEqual([RESULT_CODES.ok]);
  });

  it('stallNextDrive: the next drive stops at its first cell with done and fault motorStall', () => {
    const rig = negotiatedRig();
    rig.board.stallNextDrive();
    const seq = command(rig, drive(4));
    rig.clock.advance(10_000);
    expect(rig.host.donesFor(seq).map((d) => d.message.code)).toEqual([RESULT_CODES.motorStall]);
    expect(rig.host.of('fault').map((f) => [f.message.code, f.message.detail])).toEqual([[RESULT_CODES.motorStall, 1]]);
    expect(rig.board.position()).toMatchObject({ x: 1, offsetMm: 0 });
    // Only that one drive.
    const next = command(rig, drive(1));
    rig.clock.advance(10_000);
    expect(rig.host.donesFor(next).map((d) => d.message.code)).toEqual([RESULT_CODES.ok]);
  });

  it('sends fault lowBattery once when the battery falls below 100 permille', () => {
    const rig = negotiatedRig();
    rig.board.setBatteryPermille(101);
    rig.clock.advance(1000);
    expect(rig.host.of('fault')).toEqual([]);
    rig.board.setBatteryPermille(99);
    rig.clock.advance(10);
    command(rig, drive(10));
    rig.clock.advance(30_000);
    expect(rig.host.of('fault').map((f) => [f.message.code, f.message.detail])).toEqual([[RESULT_CODES.lowBattery, 99]]);
    expect(rig.host.lastStatus().batteryPermille).toBeLessThan(99);
    // Charged above the threshold and drained below it again: a new fault.
    rig.board.setBatteryPermille(500);
    rig.clock.advance(200);
    rig.board.setBatteryPermille(80);
    rig.clock.advance(10);
    expect(rig.host.of('fault').map((f) => f.message.detail)).toEqual([99, 80]);
  });

  it('dropped outgoing frames: the done still arrives by retransmission', () => {
    const rig = negotiatedRig({ seed: 3 });
    rig.board.setFaults({ dropOutgoing: 0.5 });
    const sequences = [];
    for (let i = 0; i < 6; i++) {
      const seq = command(rig, drive(1, i % 2 === 0 ? 1 : -1));
      sequences.push(seq);
      rig.clock.advance(3000);
    }
    expect(rig.board.injectedFaults.droppedOutgoing).toBeGreaterThan(10);
    expect(rig.board.counters.retransmissions).toBeGreaterThan(0);
    // With half the frames lost a done can be lost four times in a row (1 in 16); most arrive.
    const delivered = sequences.filter((s) => rig.host.donesFor(s).length === 1);
    expect(delivered.length).toBeGreaterThanOrEqual(4);
    expect(sequences.every((s) => rig.host.donesFor(s).length <= 1)).toBe(true);
  });

  it('with a 10 % loss every done arrives exactly once', () => {
    const rig = negotiatedRig({ seed: 11 });
    rig.board.setFaults({ dropOutgoing: 0.1, dropIncoming: 0.1 });
    const sequences = [];
    for (let i = 0; i < 10; i++) {
      const seq = rig.host.send({ kind: 'wheelChange', axis: i % 2 === 0 ? 1 : 0 });
      sequences.push(seq);
      rig.clock.advance(3000);
    }
    expect(rig.board.injectedFaults.droppedIncoming + rig.board.injectedFaults.droppedOutgoing).toBeGreaterThan(0);
    expect(sequences.map((s) => rig.host.donesFor(s).length)).toEqual(sequences.map(() => 1));
  });

  it('delayOutgoingMs delays every board frame by that much', () => {
    const rig = negotiatedRig();
    rig.board.setFaults({ delayOutgoingMs: 40 });
    const t0 = rig.clock.now();
    const seq = command(rig, { kind: 'charge', on: 1 });
    rig.clock.advance(100);
    expect(rig.host.acks.get(seq)).toBe(RESULT_CODES.ok);
    expect(rig.host.donesFor(seq)[0]?.atMs).toBe(t0 + 40);
  });

  it('corrupted frames both ways are dropped by CRC and the commands still complete', () => {
    const rig = negotiatedRig({ seed: 5 });
    rig.board.setFaults({ corruptOutgoing: 0.2, corruptIncoming: 0.2 });
    const sequences = [];
    for (let i = 0; i < 8; i++) {
      sequences.push(rig.host.send({ kind: 'charge', on: i % 2 }));
      rig.clock.advance(1000);
    }
    expect(rig.board.injectedFaults.corruptedOutgoing).toBeGreaterThan(0);
    expect(rig.board.injectedFaults.corruptedIncoming).toBeGreaterThan(0);
    const hostRejected = Object.values(rig.host.link.counters.decoder.rejected).reduce((a, b) => a + b, 0);
    expect(hostRejected).toBeGreaterThan(0);
    expect(sequences.map((s) => rig.host.donesFor(s).length)).toEqual(sequences.map(() => 1));
  });

  it('is deterministic: same seed and faults give the same bytes; another seed does not', () => {
    const run = (seed: number) => {
      const rig = negotiatedRig({ seed });
      rig.board.setFaults({ dropOutgoing: 0.2, corruptOutgoing: 0.1, dropIncoming: 0.1, corruptIncoming: 0.1 });
      command(rig, drive(3));
      rig.clock.advance(4000);
      command(rig, { kind: 'lift', depthMm: 660 });
      rig.clock.advance(2000);
      command(rig, { kind: 'emergencyStop' });
      rig.clock.advance(500);
      return JSON.stringify([rig.boardBytes, rig.hostBytes]);
    };
    expect(run(42)).toBe(run(42));
    expect(run(42)).not.toBe(run(43));
  });
});

describe('BoardEmulator: options', () => {
  it('rejects bad options as programming mistakes', () => {
    const clock = new SimulatedClock();
    const write = () => undefined;
    expect(() => new BoardEmulator({ clock, write, gridDepth: 0 })).toThrow(RangeError);
    expect(() => new BoardEmulator({ clock, write, faults: { dropOutgoing: 2 } })).toThrow(RangeError);
    expect(() => new BoardEmulator({ clock, write, startCell: { x: -1, y: 0 } })).toThrow(RangeError);
    expect(() => new BoardEmulator({ clock, write }).setBatteryPermille(1001)).toThrow(RangeError);
  });

  it('stop() clears every timer', () => {
    const clock = new SimulatedClock();
    const board = new BoardEmulator({ clock, write: () => undefined });
    board.start();
    board.stop();
    expect(clock.runAll()).toBe(0);
  });
});
