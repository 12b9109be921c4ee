/**
 * Refused connections, publishes and subscriptions, said with who and what, but at most
 * `perWindow` lines per identity (or address) per window: a misconfigured robot retrying ten
 * times a second must not bury everything else. What was held back is counted and said once
 * the window ends: at the identity's next refusal, or when `sayEnded` runs (the broker calls it
 * every few seconds), whichever comes first.
 */
export interface RefusalLogOptions {
  write: (line: string) => void;
  /** Wall-clock ms (the broker is an adapter: real time). */
  now?: () => number;
  /** Lines per identity per window. */
  perWindow?: number;
  windowMs?: number;
}

export class RefusalLog {
  private readonly windows = new Map<string, { startedMs: number; lines: number; heldBack: number }>();
  private readonly now: () => number;
  private readonly perWindow: number;
  private readonly windowMs: number;
  /** Every refusal, said or held back (tests and the broker benchmark read it). */
  count = 0;

  constructor(private readonly options: RefusalLogOptions) {
    this.now = options.now ?? Date.now;
    this.perWindow = options.perWindow ?? 5;
    this.windowMs = options.windowMs ?? 60_000;
  }

  /** `who`: the identity's name, or the address of a connection that never got one. */
  refuse(who: string, what: string): void {
    this.count++;
    const now = this.now();
    let window = this.windows.get(who);
    if (window && now - window.startedMs >= this.windowMs) {
      this.sayHeldBack(who, window.heldBack);
      window = undefined;
    }
    if (!window) {
      window = { startedMs: now, lines: 0, heldBack: 0 };
      this.windows.set(who, window);
      if (this.windows.size > 10_000) this.forgetOldest();
    }
    if (window.lines < this.perWindow) {
      window.lines++;
      this.options.write(`refused: ${who}: ${what}`);
    } else {
      window.heldBack++;
    }
  }

  /** Says what was held back in windows that have ended, and forgets them. */
  sayEnded(): void {
    const now = this.now();
    for (const [who, window] of this.windows) {
      if (now - window.startedMs < this.windowMs) continue;
      this.sayHeldBack(who, window.heldBack);
      this.windows.delete(who);
    }
  }

  private sayHeldBack(who: string, heldBack: number): void {
    if (heldBack > 0) this.options.write(`refused: ${who}: ${heldBack} more refusals in the last ${Math.round(this.windowMs / 1000)} s not shown`);
  }

  /** A flood of connections from ever new addresses must not grow the log's memory without end: the oldest window is said and dropped. */
  private forgetOldest(): void {
    const [oldest, window] = this.windows.entries().next().value ?? [];
    if (oldest === undefined || window === undefined) return;
    this.sayHeldBack(oldest, window.heldBack);
    this.windows.delete(oldest);
  }
}
