import { describe, expect, it } from 'vitest';
import { loadLayout } from '../../cli/load-layout.ts';
import { runInProcessScenario } from '../../cli/scenario-run.ts';

/**
 * Liveness with few robots (DESIGN.md §5, invariant 5): a lone robot must both deliver bins
 * and take them back, so no rule may leave it waiting for a robot that does not exist.
 */
describe('a facility with very few robots', () => {
  for (const robots of [1, 2]) {
    it(`completes every request with ${robots} robot(s), every invariant holding`, async () => {
      const result = await runInProcessScenario({ layout: await loadLayout(undefined), seed: 21, robots, durationMs: 15 * 60_000, wms: { requestsPerHour: 40 } });
      expect(result.wms.sent).toBeGreaterThan(3);
      expect(result.wms.completed).toBe(result.wms.sent);
      expect(result.violations).toEqual([]);
    }, 60_000);
  }
});
