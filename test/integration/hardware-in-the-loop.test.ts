import { describe, expect, it } from 'vitest';
import { loadLayout } from '../../cli/load-layout.ts';
import { runInProcessScenario } from '../../cli/scenario-run.ts';

/**
 * Robots driven through the firmware bridge and the board emulator (over in-memory serial
 * lines, on the simulated clock) work beside virtual robots: every request completes, every
 * invariant holds, the bridge robots do their share of picks and drops, and the run is
 * deterministic.
 */
describe('hardware-in-the-loop robots in the facility', () => {
  async function run() {
    const finishedBinActions = new Map<string, Set<string>>();
    const result = await runInProcessScenario({
      layout: await loadLayout(undefined),
      seed: 7,
      robots: 6,
      hardwareInTheLoop: 2,
      durationMs: 10 * 60_000,
      wms: { requestsPerHour: 120 },
      onVdaMessage: (topic, payload) => {
        if (!topic.endsWith('/state')) return;
        const state = JSON.parse(payload) as { serialNumber: string; actionStates: { actionId: string; actionType: string; actionStatus: string }[] };
        for (const a of state.actionStates) {
          if ((a.actionType === 'pick' || a.actionType === 'drop') && a.actionStatus === 'FINISHED') {
            const set = finishedBinActions.get(state.serialNumber) ?? new Set<string>();
            set.add(a.actionId);
            finishedBinActions.set(state.serialNumber, set);
          }
        }
      },
    });
    return { result, finishedBinActions };
  }

  it('completes every request with 2 of 6 robots through bridge + emulator pairs, deterministically', async () => {
    const first = await run();
    expect(first.result.wms.sent).toBeGreaterThan(5);
    expect(first.result.wms.completed).toBe(first.result.wms.sent);
    expect(first.result.violations).toEqual([]);
    // Every robot handled bins, the two bridge robots among them.
    expect(first.finishedBinActions.size).toBe(6);
    for (const [serial, actions] of first.finishedBinActions) expect(actions.size, serial).toBeGreaterThan(2);
    const second = await run();
    expect(second.result.eventLogHash).toBe(first.result.eventLogHash);
  }, 120_000);
});
