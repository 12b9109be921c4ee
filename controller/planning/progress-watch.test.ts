import { describe, expect, it } from 'vitest';
import { ProgressWatch } from './progress-watch.ts';

describe('ProgressWatch', () => {
  it('counts the steps since a robot last came closer, each robot apart', () => {
    const watch = new ProgressWatch(2);
    expect([10, 9, 9, 10, 9].map((d) => watch.observe(0, d))).toEqual([0, 0, 1, 2, 3]);
    expect(watch.observe(1, 50)).toBe(0);
    // Closer than ever: afresh.
    expect(watch.observe(0, 8)).toBe(0);
    expect(watch.observe(0, 8)).toBe(1);
  });

  it('starts afresh with a new goal, even one farther off', () => {
    const watch = new ProgressWatch(1);
    watch.observe(0, 3);
    watch.observe(0, 3);
    watch.newGoal(0);
    expect(watch.observe(0, 40)).toBe(0);
    expect(watch.observe(0, 41)).toBe(1);
  });
});
