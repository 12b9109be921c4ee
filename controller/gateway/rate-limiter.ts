/**
 * Request rates per client: one token bucket per key (a WMS clientId), refilled at
 * `perSecond` tokens a second of clock time up to `burst` tokens. Pure: the caller passes the
 * clock's time, so a simulated clock gives the same decisions every run.
 */
export interface RateLimit {
  /** Average requests allowed, per second of clock time. */
  readonly perSecond: number;
  /** Requests allowed at once after a quiet spell (the bucket's size). */
  readonly burst: number;
}

export type RateDecision = { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number };

/** Buckets kept before full ones (clients quiet long enough to have every token back) are forgotten. */
const KEPT_BUCKETS = 1_000;

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();

  constructor(readonly limit: RateLimit) {
    if (!(limit.perSecond > 0) || !Number.isFinite(limit.perSecond)) throw new RangeError(`requests per second must be > 0, got ${limit.perSecond}`);
    if (!Number.isInteger(limit.burst) || limit.burst < 1) throw new RangeError(`burst must be an integer >= 1, got ${limit.burst}`);
  }

  /** Takes one token of `key`'s bucket at clock time `nowMs`, or says how long until one is back (ms). */
  take(key: string, nowMs: number): RateDecision {
    const bucket = this.buckets.get(key) ?? { tokens: this.limit.burst, atMs: nowMs };
    const tokens = this.refilled(bucket, nowMs);
    if (tokens < 1) {
      this.buckets.set(key, { tokens, atMs: nowMs });
      return { ok: false, retryAfterMs: Math.ceil(((1 - tokens) * 1000) / this.limit.perSecond) };
    }
    if (!this.buckets.has(key) && this.buckets.size >= KEPT_BUCKETS) this.forgetFull(nowMs);
    this.buckets.set(key, { tokens: tokens - 1, atMs: nowMs });
    return { ok: true };
  }

  /** Buckets held (for tests: quiet clients are not kept for ever). */
  get size(): number {
    return this.buckets.size;
  }

  private refilled(bucket: { tokens: number; atMs: number }, nowMs: number): number {
    // A clock that went back (a restarted simulation) refills nothing rather than taking tokens away.
    const elapsedMs = Math.max(0, nowMs - bucket.atMs);
    return Math.min(this.limit.burst, bucket.tokens + (elapsedMs * this.limit.perSecond) / 1000);
  }

  private forgetFull(nowMs: number): void {
    for (const [key, bucket] of this.buckets) if (this.refilled(bucket, nowMs) >= this.limit.burst) this.buckets.delete(key);
  }
}
