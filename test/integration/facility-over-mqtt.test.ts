import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseVdaTopic } from '../../protocol/vda5050/topics.ts';
import { parseVdaMessage } from '../../protocol/vda5050/validate.ts';
import { loadOfficialValidators } from '../../protocol/vda5050/official-schemas.test-support.ts';
import { startFacility, type Facility } from '../../cli/facility.ts';
import { loadLayout } from '../../cli/load-layout.ts';
import { waitForWithProgress } from '../support/wait-for.ts';

/**
 * The default facility over a real MQTT broker (embedded aedes on an ephemeral loopback
 * port), clock sped up 40x, invariants checked every facility second: at least 200 WMS requests end, every invariant of DESIGN.md §5
 * holds throughout, and every VDA 5050 message on the wire validates against the official
 * 2.0.0 schemas and the project's own validators.
 */
const REQUESTS = 220;
const SPEED = 40;

describe('the default facility over a real MQTT broker', () => {
  let facility: Facility;
  const official = loadOfficialValidators();
  const vdaProblems: string[] = [];
  const vdaCounts = new Map<string, number>();

  beforeAll(async () => {
    const layout = await loadLayout(undefined);
    facility = await startFacility({
      layout,
      transport: { kind: 'mqtt', port: 0, speed: SPEED },
      seed: 7,
      wms: { totalRequests: REQUESTS, requestsPerHour: 2_000, maxOpenRequests: 30 },
      checkEveryMs: 1_000,
      onVdaMessage: (topic, payload) => {
        const parsed = parseVdaTopic(topic);
        if (!parsed) return void vdaProblems.push(`unparseable topic ${topic}`);
        vdaCounts.set(parsed.kind, (vdaCounts.get(parsed.kind) ?? 0) + 1);
        const own = parseVdaMessage(parsed.kind, payload);
        if (!own.ok) vdaProblems.push(`${topic}: own validator: ${own.errors.join('; ')}`);
        const errors = official[parsed.kind](JSON.parse(payload));
        if (errors.length > 0) vdaProblems.push(`${topic}: official schema: ${errors.join('; ')}`);
      },
    });
    // About 100 s of wall time on an idle machine; a busy one (other test files running
    // beside this one) can take twice that, so only a stall of a minute fails it early.
    await waitForWithProgress(
      () => {
        const s = facility.wms!.stats();
        return s.sent >= REQUESTS && s.open === 0;
      },
      () => {
        const s = facility.wms!.stats();
        return s.completed + s.failed + s.cancelled;
      },
      { stallMs: 60_000, timeoutMs: 420_000 },
      () => JSON.stringify(facility.wms!.stats()),
      250,
    );
    facility.checker.checkNow(facility.elapsedMs());
    facility.checker.checkRequests(facility.elapsedMs(), true);
  }, 450_000);

  afterAll(async () => {
    await facility?.stop();
  });

  it('ends at least 200 requests, picks and putaways, with no failures', () => {
    const stats = facility.wms!.stats();
    expect(stats.completed + stats.failed + stats.cancelled).toBeGreaterThanOrEqual(200);
    expect(stats.failed).toBe(0);
    expect(stats.completed).toBeGreaterThanOrEqual(200);
    expect(facility.wms!.requestLedger().some((r) => r.request.type === 'putaway' && r.terminal?.event.type === 'completed')).toBe(true);
  });

  it('digs bins out from under five or more others several times', () => {
    // Depths as the WMS heard them: the demo WMS keeps every event it received over the broker.
    const digDepths = facility.wms!.requestLedger().flatMap((entry) => entry.events.flatMap(({ event }) => (event.type === 'progress' && event.stage === 'digging' ? [event.depth ?? 0] : [])));
    expect(digDepths.filter((d) => d >= 5).length).toBeGreaterThanOrEqual(3);
  });

  it('keeps every invariant throughout', () => {
    expect(facility.checker.checks).toBeGreaterThan(100);
    expect(facility.checker.ordersChecked).toBeGreaterThan(100);
    expect(facility.checker.violations).toEqual([]);
  });

  it('gives every accepted request exactly one accept reply and exactly one terminal event', () => {
    expect(facility.wms!.protocolViolations({ final: true })).toEqual([]);
  });

  it('publishes only VDA 5050 messages valid against the official 2.0.0 schemas and its own validators', () => {
    expect(vdaProblems.slice(0, 10)).toEqual([]);
    for (const kind of ['order', 'state', 'connection', 'factsheet']) expect(vdaCounts.get(kind) ?? 0).toBeGreaterThan(0);
  });

  it('raises no internal errors', () => {
    expect(facility.controller.controller.alarms.filter((a) => a.message.startsWith('internal error'))).toEqual([]);
  });
});
