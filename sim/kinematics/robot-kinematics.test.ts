import { describe, expect, it } from 'vitest';
import { defaultKinematics, distanceAtTime, liftCycleSeconds, portCycleSeconds, runDurationSeconds, timeAtDistance } from './robot-kinematics.ts';

const k = defaultKinematics();

describe('runDurationSeconds', () => {
  it('reaches top speed on a long run (trapezoid): d/v + v/a', () => {
    // 10 m: ramps cover 2 × 3.1²/(2·2) = 4.805 m; 10/3.1 + 3.1/2 = 3.2258 + 1.55 = 4.7758 s
    expect(runDurationSeconds(10, k)).toBeCloseTo(4.775806, 5);
  });

  it('never reaches top speed on a short run (triangle): 2·sqrt(d/a)', () => {
    // one x cell, 0.7 m: 2·sqrt(0.35) = 1.183216 s
    expect(runDurationSeconds(0.7, k)).toBeCloseTo(1.183216, 5);
    // five x cells, 3.5 m < 4.805 m: 2·sqrt(1.75) = 2.645751 s
    expect(runDurationSeconds(3.5, k)).toBeCloseTo(2.645751, 5);
  });

  it('is continuous where the triangle becomes a trapezoid', () => {
    const edge = (k.maxSpeedMps * k.maxSpeedMps) / k.accelerationMps2; // 4.805 m
    expect(runDurationSeconds(edge - 1e-9, k)).toBeCloseTo(runDurationSeconds(edge + 1e-9, k), 6);
    expect(runDurationSeconds(edge, k)).toBeCloseTo(3.1, 6); // 2·v/a
  });

  it('takes no time for no distance and refuses negative distances', () => {
    expect(runDurationSeconds(0, k)).toBe(0);
    expect(() => runDurationSeconds(-1, k)).toThrow(RangeError);
  });
});

describe('timeAtDistance', () => {
  it('starts at 0 and ends at the run duration', () => {
    expect(timeAtDistance(0, 10, k)).toBe(0);
    expect(timeAtDistance(10, 10, k)).toBeCloseTo(runDurationSeconds(10, k), 9);
  });

  it('follows the acceleration ramp, the cruise and the braking ramp of a long run', () => {
    // 1 m while accelerating: sqrt(2·1/2) = 1 s
    expect(timeAtDistance(1, 10, k)).toBeCloseTo(1, 9);
    // 5 m, cruising: 3.1/2 + (5 − 2.4025)/3.1 = 1.55 + 0.837903 = 2.387903 s
    expect(timeAtDistance(5, 10, k)).toBeCloseTo(2.387903, 5);
    // 9 m, braking with 1 m to go: 4.775806 − 1 = 3.775806 s
    expect(timeAtDistance(9, 10, k)).toBeCloseTo(3.775806, 5);
  });

  it('is symmetric on a short (triangular) run: the midpoint is reached at half time', () => {
    expect(timeAtDistance(1.75, 3.5, k)).toBeCloseTo(runDurationSeconds(3.5, k) / 2, 9);
    // first of five cells: sqrt(2·0.7/2) = 0.836660 s
    expect(timeAtDistance(0.7, 3.5, k)).toBeCloseTo(0.83666, 5);
  });

  it('increases with distance', () => {
    let previous = -1;
    for (let d = 0; d <= 10; d += 0.25) {
      const t = timeAtDistance(d, 10, k);
      expect(t).toBeGreaterThan(previous);
      previous = t;
    }
  });
});

describe('distanceAtTime', () => {
  it('inverts timeAtDistance on long and short runs', () => {
    for (const total of [10, 3.5, 0.7]) {
      for (const d of [0, total * 0.1, total / 3, total / 2, total * 0.9, total]) {
        expect(distanceAtTime(timeAtDistance(d, total, k), total, k)).toBeCloseTo(d, 9);
      }
    }
  });

  it('stays at the start before the run and at the end after it', () => {
    expect(distanceAtTime(-1, 10, k)).toBe(0);
    expect(distanceAtTime(100, 10, k)).toBe(10);
  });
});

describe('liftCycleSeconds', () => {
  it('is down plus up plus one grip', () => {
    // 16 levels: 2 · 16 · 0.33 / 1.6 + 1 = 6.6 + 1 = 7.6 s
    expect(liftCycleSeconds(16, k)).toBeCloseTo(7.6, 9);
    expect(liftCycleSeconds(0, k)).toBe(1);
  });

  it('adds the port lowering time at a port', () => {
    // 2 · 0.33 / 1.6 + 1 + 1.5 = 2.9125 s
    expect(portCycleSeconds(k)).toBeCloseTo(2.9125, 9);
  });
});
