import { describe, expect, it } from 'vitest';
import { loadLayout } from '../../cli/load-layout.ts';
import { runInProcessScenario } from '../../cli/scenario-run.ts';

/** Same seed, same event log byte for byte; another seed, another log (DESIGN.md §1). */
describe('the in-process scenario on a simulated clock', () => {
  const run = async (seed: number) => runInProcessScenario({ layout: await loadLayout(undefined), seed, durationMs: 10 * 60_000 });

  it('gives identical event logs for one seed and a different one for another seed', async () => {
    const a = await run(11);
    const b = await run(11);
    const c = await run(12);
    expect(a.eventCount).toBeGreaterThan(1000);
    expect(a.wms.completed).toBeGreaterThan(10);
    expect(b.eventLogHash).toBe(a.eventLogHash);
    expect(b.eventCount).toBe(a.eventCount);
    expect(c.eventLogHash).not.toBe(a.eventLogHash);
    expect(a.violations).toEqual([]);
  }, 120_000);
});
