/**
 * Where each robot is drawn between its reports. A robot reports its position (agvPosition,
 * metres) about once per state period; drawing it at the reported point would make it jump
 * from cell to cell. Instead each report starts a straight move from where the robot is drawn
 * at that instant to the reported point, lasting as long as the gap since the previous report:
 * the drawing keeps the robot's pace and runs about one report behind it.
 *
 * Storage is flat typed arrays indexed by the robot's scene index, so the per-frame read
 * (`positionAt`) allocates nothing. Times are milliseconds of one monotonic clock (the page's
 * performance.now(), or any number in tests).
 */

export interface MotionOptions {
  /** Longest move, ms: after a long silence the new point is reached within this time. */
  readonly maxMoveMs: number;
  /** A report farther than this (metres) from the drawn point is not animated: the robot appears there. */
  readonly snapDistanceM: number;
}

export const DEFAULT_MOTION_OPTIONS: MotionOptions = { maxMoveMs: 2000, snapDistanceM: 25 };

/** One robot's current move, for tests and the details panel. */
export interface MoveTarget {
  readonly fromX: number;
  readonly fromY: number;
  readonly toX: number;
  readonly toY: number;
  readonly startMs: number;
  readonly durationMs: number;
}

/** A preallocated point the per-frame read writes into. */
export interface MutablePoint {
  x: number;
  y: number;
}

export class RobotMotion {
  private readonly options: MotionOptions;
  private capacity = 0;
  private fromX = new Float64Array(0);
  private fromY = new Float64Array(0);
  private toX = new Float64Array(0);
  private toY = new Float64Array(0);
  private startMs = new Float64Array(0);
  private durationMs = new Float64Array(0);
  private lastReportMs = new Float64Array(0);
  private known = new Uint8Array(0);
  private readonly scratch: MutablePoint = { x: 0, y: 0 };

  constructor(options: Partial<MotionOptions> = {}) {
    this.options = { ...DEFAULT_MOTION_OPTIONS, ...options };
    if (!(this.options.maxMoveMs >= 0)) throw new RangeError(`maxMoveMs must be >= 0, got ${this.options.maxMoveMs}`);
    if (!(this.options.snapDistanceM >= 0)) throw new RangeError(`snapDistanceM must be >= 0, got ${this.options.snapDistanceM}`);
    this.grow(64);
  }

  /** A reported position (metres) received at `nowMs`. */
  report(index: number, xM: number, yM: number, nowMs: number): void {
    if (!Number.isInteger(index) || index < 0) throw new RangeError(`robot index must be an integer >= 0, got ${index}`);
    if (index >= this.capacity) this.grow(Math.max(index + 1, this.capacity * 2));
    const first = this.known[index] === 0;
    let fromX = xM;
    let fromY = yM;
    let duration = 0;
    if (!first) {
      this.positionAt(index, nowMs, this.scratch);
      const gapMs = nowMs - this.lastReportMs[index]!;
      const jumpM = Math.hypot(xM - this.scratch.x, yM - this.scratch.y);
      if (jumpM <= this.options.snapDistanceM && gapMs > 0) {
        fromX = this.scratch.x;
        fromY = this.scratch.y;
        duration = Math.min(gapMs, this.options.maxMoveMs);
      }
    }
    this.fromX[index] = fromX;
    this.fromY[index] = fromY;
    this.toX[index] = xM;
    this.toY[index] = yM;
    this.startMs[index] = nowMs;
    this.durationMs[index] = duration;
    this.lastReportMs[index] = nowMs;
    this.known[index] = 1;
  }

  has(index: number): boolean {
    return index < this.capacity && this.known[index] === 1;
  }

  /** Writes where robot `index` is drawn at `nowMs` into `out`; false (out untouched) before its first report. */
  positionAt(index: number, nowMs: number, out: MutablePoint): boolean {
    if (index >= this.capacity || this.known[index] === 0) return false;
    const duration = this.durationMs[index]!;
    const toX = this.toX[index]!;
    const toY = this.toY[index]!;
    if (duration <= 0) {
      out.x = toX;
      out.y = toY;
      return true;
    }
    let f = (nowMs - this.startMs[index]!) / duration;
    if (f < 0) f = 0;
    else if (f > 1) f = 1;
    const fromX = this.fromX[index]!;
    const fromY = this.fromY[index]!;
    out.x = fromX + (toX - fromX) * f;
    out.y = fromY + (toY - fromY) * f;
    return true;
  }

  /** The current move of robot `index`, or null before its first report. */
  target(index: number): MoveTarget | null {
    if (!this.has(index)) return null;
    return {
      fromX: this.fromX[index]!,
      fromY: this.fromY[index]!,
      toX: this.toX[index]!,
      toY: this.toY[index]!,
      startMs: this.startMs[index]!,
      durationMs: this.durationMs[index]!,
    };
  }

  private grow(capacity: number): void {
    const copy = <T extends Float64Array | Uint8Array>(old: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(old);
      return next;
    };
    const f64 = (n: number) => new Float64Array(n);
    this.fromX = copy(this.fromX, f64);
    this.fromY = copy(this.fromY, f64);
    this.toX = copy(this.toX, f64);
    this.toY = copy(this.toY, f64);
    this.startMs = copy(this.startMs, f64);
    this.durationMs = copy(this.durationMs, f64);
    this.lastReportMs = copy(this.lastReportMs, f64);
    this.known = copy(this.known, (n) => new Uint8Array(n));
    this.capacity = capacity;
  }
}
