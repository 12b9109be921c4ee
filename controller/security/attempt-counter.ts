/**
 * Login attempts counted per key (an address, a name from an address) in fixed windows: a
 * key's window starts at its first attempt and lasts `windowMs`; after it, the count starts
 * again. Used by the broker (failed MQTT logins) and the console (password guesses). Pure: the
 * caller passes the time.
 */

/** Keys kept at most: attempts from ever new addresses must not grow the counter without end. */
const KEPT_KEYS = 10_000;

export class AttemptCounter {
  private readonly windows = new Map<string, { count: number; sinceMs: number }>();

  constructor(private readonly windowMs: number) {}

  /** Attempts under `key` in its current window (0 once the window has passed). */
  countOf(key: string, nowMs: number): number {
    const entry = this.windows.get(key);
    if (!entry) return 0;
    if (nowMs - entry.sinceMs >= this.windowMs) {
      this.windows.delete(key);
      return 0;
    }
    return entry.count;
  }

  add(key: string, nowMs: number): void {
    const entry = this.windows.get(key);
    if (!entry || nowMs - entry.sinceMs >= this.windowMs) this.windows.set(key, { count: 1, sinceMs: nowMs });
    else entry.count++;
    if (this.windows.size > KEPT_KEYS) this.windows.delete(this.windows.keys().next().value!);
  }

  /** Takes one attempt back (one that turned out not to be a failure). */
  takeBack(key: string): void {
    const entry = this.windows.get(key);
    if (entry && --entry.count <= 0) this.windows.delete(key);
  }

  clear(key: string): void {
    this.windows.delete(key);
  }
}
