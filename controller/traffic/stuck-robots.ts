/**
 * Robots on a leg that have come no nearer their goal for STUCK_AFTER_MS, for the traffic
 * planner (traffic-planner.ts): where no order by waiting time lets robots pass (robots going
 * into and out of a dead-end lane), stuck robots go first, in a drawn order that is drawn
 * again while none of them gets nearer.
 */
export class StuckRobots {
  /**
   * Progress of each robot on its leg: the nearest it has come to its goal (moves) and when;
   * `stuck` once it has come no nearer for STUCK_AFTER_MS, until the leg ends.
   */
  private readonly progress = new Map<string, { goal: number; best: number; sinceMs: number; stuck: boolean }>();
  /** Stuck robots' order is drawn anew (next epoch) when none of them came nearer for RESHUFFLE_MS. */
  private epoch = 0;
  private progressMs = 0;

  /** A leg starts or ends: the robot's progress no longer applies. */
  legChanged(serial: string): void {
    this.progress.delete(serial);
  }

  /** Records the robot's distance `d` to its goal; whether it is stuck. */
  isStuck(serial: string, d: number, goal: number, nowMs: number): boolean {
    let entry = this.progress.get(serial);
    if (!entry || entry.goal !== goal) {
      entry = { goal, best: d, sinceMs: nowMs, stuck: false };
      this.progress.set(serial, entry);
    }
    if (d < entry.best) {
      entry.best = d;
      entry.sinceMs = nowMs;
      if (entry.stuck) this.progressMs = nowMs;
    }
    if (!entry.stuck && nowMs - entry.sinceMs >= STUCK_AFTER_MS) entry.stuck = true;
    return entry.stuck;
  }

  /** A stuck robot's priority: above any other, in the order drawn for the current epoch. */
  priority(serial: string): number {
    return STUCK_PRIORITY + (hashSerial(`${serial}/${this.epoch}`) % 1_000_000);
  }

  /** Draws stuck robots' order again when none of them got nearer its goal for a while. */
  reshuffle(nowMs: number): void {
    if (nowMs - this.progressMs < RESHUFFLE_MS) return;
    this.epoch++;
    this.progressMs = nowMs;
  }
}

/** A robot on a leg that has come no nearer its goal for this long is stuck, ms. */
const STUCK_AFTER_MS = 20_000;
/** Stuck robots' order is drawn again when none of them came nearer for this long, ms. */
const RESHUFFLE_MS = 5_000;
/** Priority of stuck robots, above any other (plus a draw below 1e6). */
const STUCK_PRIORITY = 1e9;

/** FNV-1a hash of a string (32 bits, unsigned): the same number for the same serial every run. */
export function hashSerial(serial: string): number {
  let h = 2166136261;
  for (let i = 0; i < serial.length; i++) h = Math.imul(h ^ serial.charCodeAt(i), 16777619);
  return h >>> 0;
}
