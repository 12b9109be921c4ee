import { describe, expect, it } from 'vitest';
import { RobotMotion } from './robot-motion.ts';

function at(motion: RobotMotion, index: number, nowMs: number): { x: number; y: number } | null {
  const out = { x: Number.NaN, y: Number.NaN };
  return motion.positionAt(index, nowMs, out) ? out : null;
}

describe('robot motion between reports', () => {
  it('draws a robot at its first report at once', () => {
    const motion = new RobotMotion();
    expect(at(motion, 0, 0)).toBeNull();
    motion.report(0, 1.4, 0.5, 1000);
    expect(at(motion, 0, 1000)).toEqual({ x: 1.4, y: 0.5 });
    expect(motion.target(0)).toEqual({ fromX: 1.4, fromY: 0.5, toX: 1.4, toY: 0.5, startMs: 1000, durationMs: 0 });
  });

  it('moves to each new report over the time since the previous one', () => {
    const motion = new RobotMotion();
    motion.report(3, 0, 0, 1000);
    motion.report(3, 0.7, 0, 1500); // 500 ms later, one cell on
    expect(motion.target(3)).toEqual({ fromX: 0, fromY: 0, toX: 0.7, toY: 0, startMs: 1500, durationMs: 500 });
    expect(at(motion, 3, 1500)).toEqual({ x: 0, y: 0 });
    expect(at(motion, 3, 1750)!.x).toBeCloseTo(0.35, 10);
    expect(at(motion, 3, 2000)).toEqual({ x: 0.7, y: 0 });
    expect(at(motion, 3, 9000)).toEqual({ x: 0.7, y: 0 }); // holds at the target
  });

  it('starts a new move from where the robot is drawn when a report comes early', () => {
    const motion = new RobotMotion();
    motion.report(0, 0, 0, 0);
    motion.report(0, 1.0, 0, 1000);
    motion.report(0, 1.0, 2.0, 1500); // halfway through the previous move
    const target = motion.target(0)!;
    expect(target.fromX).toBeCloseTo(0.5, 10);
    expect(target.fromY).toBe(0);
    expect(target).toMatchObject({ toX: 1.0, toY: 2.0, startMs: 1500, durationMs: 500 });
    expect(at(motion, 0, 1750)!.x).toBeCloseTo(0.75, 10);
    expect(at(motion, 0, 1750)!.y).toBeCloseTo(1.0, 10);
  });

  it('caps a move after a long silence, and does not animate a jump across the grid', () => {
    const motion = new RobotMotion({ maxMoveMs: 2000, snapDistanceM: 10 });
    motion.report(0, 0, 0, 0);
    motion.report(0, 0.7, 0, 60_000);
    expect(motion.target(0)!.durationMs).toBe(2000);
    motion.report(0, 50, 0, 61_000);
    expect(at(motion, 0, 61_000)).toEqual({ x: 50, y: 0 });
  });

  it('keeps robots apart and grows past its first capacity', () => {
    const motion = new RobotMotion();
    for (let i = 0; i < 500; i++) motion.report(i, i * 0.7, 0, 0);
    expect(at(motion, 499, 0)).toEqual({ x: 499 * 0.7, y: 0 });
    expect(at(motion, 7, 0)).toEqual({ x: 7 * 0.7, y: 0 });
    expect(motion.has(500)).toBe(false);
    expect(() => motion.report(-1, 0, 0, 0)).toThrow(RangeError);
  });
});
