import type { Clock, TimerHandle } from './clock.ts';

/**
 * Wall-clock time running `speed` times faster than real time (1 = real time; 10 means ten
 * simulated seconds pass per real second). Clock time starts at the wall time of creation.
 */
export class RealClock implements Clock {
  private readonly originWallMs = Date.now();

  constructor(readonly speed = 1) {
    if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`speed must be a positive number, got ${speed}`);
  }

  now(): number {
    return this.originWallMs + (Date.now() - this.originWallMs) * this.speed;
  }

  setTimeout(fn: () => void, delayMs: number): TimerHandle {
    return setTimeout(fn, Math.max(0, delayMs) / this.speed);
  }

  clearTimeout(handle: TimerHandle): void {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  }
}
