import { describe, expect, it } from 'vitest';
import { formatKpi, KpiRecorder, insertSorted, percentile } from './kpi.ts';

describe('insertSorted', () => {
  it('keeps the values ascending, whatever order they come in', () => {
    const sorted: number[] = [];
    for (const value of [5, 1, 3, 3, 9, 0, 4]) insertSorted(sorted, value);
    expect(sorted).toEqual([0, 1, 3, 3, 4, 5, 9]);
  });
});

describe('percentile (nearest rank over sorted values)', () => {
  it('is 0 for no values', () => {
    expect(percentile([], 50)).toBe(0);
    expect(percentile([], 95)).toBe(0);
  });

  it('is the only value for a single value, whatever the percentile', () => {
    for (const p of [0, 1, 50, 95, 100]) expect(percentile([7], p)).toBe(7);
  });

  it('p0 is the smallest value and p100 the largest', () => {
    const values = [1, 2, 3, 4, 5];
    expect(percentile(values, 0)).toBe(1);
    expect(percentile(values, 100)).toBe(5);
  });

  it('clamps percentiles outside 0..100 to the ends', () => {
    const values = [1, 2, 3];
    expect(percentile(values, -10)).toBe(1);
    expect(percentile(values, 250)).toBe(3);
  });

  it('p50 of an even count is the lower middle value, never an interpolation', () => {
    expect(percentile([10, 20, 30, 40], 50)).toBe(20);
  });

  it('p50 of an odd count is the middle value', () => {
    expect(percentile([10, 20, 30], 50)).toBe(20);
  });

  it('p95 of 1..20 is 19 and p95 of 1..100 is 95', () => {
    const to = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
    expect(percentile(to(20), 95)).toBe(19);
    expect(percentile(to(100), 95)).toBe(95);
  });

  it('a rank exactly on a boundary takes that value, not the next', () => {
    // 25% of 4 values is exactly rank 1.
    expect(percentile([1, 2, 3, 4], 25)).toBe(1);
    expect(percentile([1, 2, 3, 4], 25.0001)).toBe(2);
  });

  it('returns one of the values and never decreases as p grows', () => {
    const values = [0.5, 1, 1, 2, 3.25, 8, 13, 21];
    let previous = -Infinity;
    for (let p = 0; p <= 100; p += 0.5) {
      const v = percentile(values, p);
      expect(values).toContain(v);
      expect(v).toBeGreaterThanOrEqual(previous);
      previous = v;
    }
  });
});

describe('formatKpi', () => {
  it('prints every figure on one line with units', () => {
    const line = formatKpi({
      elapsedMs: 61_400,
      binsPresented: 42,
      ports: [],
      binsPerPortHour: 123.4,
      robotUtilisation: 0.456,
      openRequests: 3,
      completedRequests: 17,
      requestTimeP50S: 12.34,
      requestTimeP95S: 40,
      loadsVerified: 30,
      loadsUnverified: 0,
      withCutoff: 0,
      onTime: 0,
      onTimeShare: null,
    });
    expect(line).toBe('t=61s  bins/port-h=123  presented=42  utilisation=46%  open=3  done=17  p50=12.3s  p95=40.0s');
  });

  it('gives the share of requests with a cut-off done by it, once one has ended', () => {
    const recorder = new KpiRecorder(0);
    const snapshot = () => recorder.snapshot({ nowMs: 60_000, ports: [], robotCount: 1, busyMs: 0, openRequests: 0 });
    recorder.requestFinished({ acceptedAtMs: 0 }, true, 10_000);
    expect(snapshot()).toMatchObject({ withCutoff: 0, onTimeShare: null });
    recorder.requestFinished({ acceptedAtMs: 0, dueAtMs: 20_000 }, true, 20_000);
    recorder.requestFinished({ acceptedAtMs: 0, dueAtMs: 20_000 }, true, 20_001);
    recorder.requestFinished({ acceptedAtMs: 0, dueAtMs: 30_000 }, false, 25_000);
    recorder.requestFinished({ acceptedAtMs: 0, dueAtMs: 30_000 }, true, 25_000);
    const k = snapshot();
    expect(k).toMatchObject({ withCutoff: 4, onTime: 2, onTimeShare: 0.5 });
    expect(formatKpi(k)).toMatch(/ {2}on-time=50% of 4$/);
    expect(recorder.typicalRequestMs()).toBe(20_001);
  });

  it('counts picks and drops whose bin could not be identified, when there are any', () => {
    const k = { elapsedMs: 1_000, binsPresented: 0, ports: [], binsPerPortHour: 0, robotUtilisation: 0, openRequests: 0, completedRequests: 0, requestTimeP50S: 0, requestTimeP95S: 0, loadsVerified: 4, loadsUnverified: 6, withCutoff: 0, onTime: 0, onTimeShare: null };
    expect(formatKpi(k)).toMatch(/ {2}unverified-loads=6$/);
  });
});
