/**
 * Orders are served by priority, then by cut-off (dueTime, earliest first), under a load
 * that keeps every robot busy: the default facility in-process (simulated clock, seeded,
 * simulated pickers at every port).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleStateBuilder } from '../../controller/console/console-state.ts';
import type { GridController } from '../../controller/grid-controller.ts';
import { SeededRandom } from '../../protocol/random.ts';
import type { ProgressEvent } from '../../protocol/wms/event-schemas.ts';
import { rig, type Rig } from '../support/wms-port-rig.ts';

const rigs: Rig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.stop();
});

async function loaded(seed: number): Promise<Rig> {
  const r = await rig({ seed });
  rigs.push(r);
  return r;
}

/** SKUs with stock to spare, in a seeded order. */
function skusInStock(core: GridController, random: SeededRandom): string[] {
  const skus = core.inventory.knownSkus().filter((sku) => core.inventory.available(sku) >= 3);
  for (let i = skus.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [skus[i], skus[j]] = [skus[j]!, skus[i]!];
  }
  return skus;
}

const mean = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

describe('priorities and cut-offs under load', () => {
  /**
   * Sends 50 orders for port P1, lets robots take what they can, then one more order with
   * `priority`; returns how many of the 50 finished before it, and how many were under way
   * (their retrieval started) when it was accepted.
   */
  async function behind50(priority: number): Promise<{ finishedBefore: number; underway: number }> {
    const r = await loaded(21);
    const core = r.f.controller.controller;
    const skus = skusInStock(core, new SeededRandom(21));
    for (let i = 0; i < 50; i++) expect(r.ask({ type: 'pick', requestId: `o-${i}`, lines: [{ sku: skus[i]!, quantity: 1 }], port: 'P1' })).toMatchObject({ type: 'accepted' });
    // A few control cycles: robots take the first retrievals; the rest wait for the port.
    r.f.advance(2_000);
    const underway = [...core.requests.all()].filter((request) => request.visits.some((v) => v.state !== 'queued')).length;
    expect(r.ask({ type: 'pick', requestId: 'last', lines: [{ sku: skus[50]!, quantity: 1, priority }], port: 'P1' })).toMatchObject({ type: 'accepted' });
    r.expectAllEnded();
    expect(r.terminalEventsOf('last')).toEqual([expect.objectContaining({ type: 'completed' })]);
    const lastAt = r.endedAtMs.get('last')!;
    const finishedBefore = Array.from({ length: 50 }, (_, i) => r.endedAtMs.get(`o-${i}`)!).filter((at) => at < lastAt).length;
    return { finishedBefore, underway };
  }

  it('a priority-9 order accepted behind 50 queued orders finishes before them: only those under way, and a shallower bin started beside it, come first', async () => {
    const urgent = await behind50(9);
    const plain = await behind50(0);
    expect(urgent.underway).toBeLessThan(10);
    // Beside the retrievals under way, at most two shallower bins that started as it did (the
    // port's next free places) reach the port first.
    expect(urgent.finishedBefore).toBeLessThanOrEqual(urgent.underway + 2);
    // The same order without its priority waits its turn.
    expect(plain.finishedBefore).toBeGreaterThanOrEqual(45);
  }, 240_000);

  it('orders with an earlier dueTime finish earlier on average; one that cannot make its cut-off is flagged once', async () => {
    const r = await loaded(5);
    const core = r.f.controller.controller;
    const random = new SeededRandom(5);
    const skus = skusInStock(core, random);
    const startMs = r.f.clock.now();
    const due = new Map<string, number>();
    for (let i = 0; i < 60; i++) {
      const dueAtMs = startMs + 10 * 60_000 + Math.floor(random.next() * 50 * 60_000);
      due.set(`o-${i}`, dueAtMs);
      expect(r.ask({ type: 'pick', requestId: `o-${i}`, lines: [{ sku: skus[i]!, quantity: 1 }], dueTime: new Date(dueAtMs).toISOString() })).toMatchObject({ type: 'accepted' });
    }
    // Due two seconds after it is sent: it cannot be done in time.
    const hopeless = new Date(r.f.clock.now() + 2_000).toISOString();
    expect(r.ask({ type: 'pick', requestId: 'hopeless', lines: [{ sku: skus[60]!, quantity: 1 }], dueTime: hopeless })).toMatchObject({ type: 'accepted' });
    r.expectAllEnded();

    const byDue = [...due].sort((a, b) => a[1] - b[1]).map(([id]) => id);
    const finishedIn = (ids: string[]) => mean(ids.map((id) => r.endedAtMs.get(id)! - startMs));
    const earlier = finishedIn(byDue.slice(0, 30));
    const later = finishedIn(byDue.slice(30));
    // Served in arrival order the two halves would finish about together (seeded: 314 s and
    // 361 s after the burst); by cut-off the earlier half finishes in well under two thirds the time.
    expect(earlier).toBeLessThan(0.6 * later);

    const atRisk = r.events.filter((e): e is ProgressEvent => e.type === 'progress' && e.stage === 'cutoffAtRisk');
    expect(atRisk.filter((e) => e.requestId === 'hopeless')).toEqual([expect.objectContaining({ dueTime: hopeless })]);
    for (const event of atRisk) expect(Date.parse(event.expectedAt!)).toBeGreaterThan(Date.parse(event.dueTime!));
    const kpi = core.kpis();
    expect(kpi.withCutoff).toBe(61);
    expect(kpi.onTimeShare).toBe(kpi.onTime / 61);
    expect(kpi.onTime).toBeLessThan(61);
    // The console's KPI panel shows the same share.
    expect(new ConsoleStateBuilder(core).build().kpis).toMatchObject({ ordersWithCutoff: 61, onTimeShare: kpi.onTime / 61 });
  }, 180_000);
});
