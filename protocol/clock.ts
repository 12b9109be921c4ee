/**
 * The time contract shared by every part. Decision logic never reads the wall clock: it is
 * handed a Clock. `RealClock` (in an adapter) serves wall time with a speed factor;
 * `SimulatedClock` serves virtual time that advances only when told to, so a scenario with
 * the same seed replays byte for byte. The shape matches xstate's clock option, so one
 * Clock also drives the state machines' delayed transitions.
 */
export type TimerHandle = unknown;

export interface Clock {
  /** Current time in milliseconds since the Unix epoch (virtual for a simulated clock). */
  now(): number;
  /** Calls `fn` once, `delayMs` (clock milliseconds, >= 0) from now. */
  setTimeout(fn: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

interface ScheduledTimer {
  readonly dueMs: number;
  /** Tie-break for timers due at the same instant: first scheduled, first run. */
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/**
 * Virtual time. Timers run in (due time, scheduling order), which makes runs deterministic.
 * Implemented as a binary heap so that a scenario with thousands of pending timers stays fast.
 */
export class SimulatedClock implements Clock {
  private nowMs: number;
  private seq = 0;
  private readonly heap: ScheduledTimer[] = [];

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  setTimeout(fn: () => void, delayMs: number): TimerHandle {
    if (!Number.isFinite(delayMs)) throw new RangeError(`delayMs must be finite, got ${delayMs}`);
    const timer: ScheduledTimer = { dueMs: this.nowMs + Math.max(0, delayMs), seq: this.seq++, fn, cancelled: false };
    this.push(timer);
    return timer;
  }

  clearTimeout(handle: TimerHandle): void {
    if (handle && typeof handle === 'object' && 'cancelled' in handle) (handle as ScheduledTimer).cancelled = true;
  }

  /** Runs every timer due at or before `untilMs`, then sets the time to `untilMs`. */
  runUntil(untilMs: number): void {
    if (untilMs < this.nowMs) throw new RangeError(`cannot run backwards: ${untilMs} < ${this.nowMs}`);
    for (;;) {
      const next = this.heap[0];
      if (!next || next.dueMs > untilMs) break;
      this.pop();
      if (next.cancelled) continue;
      this.nowMs = next.dueMs;
      next.fn();
    }
    this.nowMs = untilMs;
  }

  /** Advances virtual time by `ms`, running the timers that fall due on the way. */
  advance(ms: number): void {
    this.runUntil(this.nowMs + ms);
  }

  /** Runs timers until none is left or `maxTimers` have run; returns how many ran. */
  runAll(maxTimers = 1_000_000): number {
    let ran = 0;
    while (ran < maxTimers) {
      const next = this.pop();
      if (!next) break;
      if (next.cancelled) continue;
      this.nowMs = next.dueMs;
      next.fn();
      ran++;
    }
    return ran;
  }

  private push(timer: ScheduledTimer): void {
    const heap = this.heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): ScheduledTimer | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left;
        if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
        i = smallest;
      }
    }
    return top;
  }
}

function before(a: ScheduledTimer, b: ScheduledTimer): boolean {
  return a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.seq < b.seq);
}
