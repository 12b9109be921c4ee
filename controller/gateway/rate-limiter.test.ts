import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.ts';

describe('RateLimiter (a token bucket per key on the clock given)', () => {
  it('allows a burst, then one request per refill interval, and says when the next is allowed', () => {
    const limiter = new RateLimiter({ perSecond: 10, burst: 3 });
    for (let i = 0; i < 3; i++) expect(limiter.take('wms1', 0)).toEqual({ ok: true });
    expect(limiter.take('wms1', 0)).toEqual({ ok: false, retryAfterMs: 100 });
    expect(limiter.take('wms1', 40)).toEqual({ ok: false, retryAfterMs: 60 });
    expect(limiter.take('wms1', 100)).toEqual({ ok: true });
    expect(limiter.take('wms1', 100)).toEqual({ ok: false, retryAfterMs: 100 });
  });

  it('keeps one bucket per key', () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 1 });
    expect(limiter.take('a', 0).ok).toBe(true);
    expect(limiter.take('a', 0).ok).toBe(false);
    expect(limiter.take('b', 0).ok).toBe(true);
  });

  it('refills no further than the burst', () => {
    const limiter = new RateLimiter({ perSecond: 10, burst: 2 });
    limiter.take('a', 0);
    for (let i = 0; i < 2; i++) expect(limiter.take('a', 60_000).ok).toBe(true);
    expect(limiter.take('a', 60_000).ok).toBe(false);
  });

  it('refuses clients sending without pause for good, however long they keep on', () => {
    const limiter = new RateLimiter({ perSecond: 5, burst: 5 });
    let allowed = 0;
    for (let ms = 0; ms < 10_000; ms += 10) if (limiter.take('loop', ms).ok) allowed++;
    // 5 at once, then 5 a second for 10 s.
    expect(allowed).toBeGreaterThanOrEqual(54);
    expect(allowed).toBeLessThanOrEqual(55);
  });

  it('forgets quiet clients once many are kept, never one still counted against', () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 1 });
    for (let i = 0; i < 1_000; i++) limiter.take(`c${i}`, 0);
    expect(limiter.take('next', 500).ok).toBe(true); // c0..c999 are half refilled: none is forgotten
    expect(limiter.size).toBe(1_001);
    expect(limiter.take('c0', 500).ok).toBe(false);
    expect(limiter.take('late', 5_000).ok).toBe(true);
    expect(limiter.size).toBe(1);
    expect(limiter.take('late', 5_000).ok).toBe(false);
  });

  it('refuses nonsense limits', () => {
    expect(() => new RateLimiter({ perSecond: 0, burst: 1 })).toThrow(RangeError);
    expect(() => new RateLimiter({ perSecond: 1, burst: 0.5 })).toThrow(RangeError);
  });
});
