import type { GridLayout } from '../protocol/layout/index.ts';
import type { KpiSnapshot } from '../controller/kpi.ts';
import type { DemoWmsOptions, DemoWmsStats } from '../sim/wms/demo-wms.ts';
import { startFacility, type Facility } from './facility.ts';

export interface InProcessScenario {
  layout: GridLayout;
  seed: number;
  /** Facility time during which the demo WMS sends requests, ms. */
  durationMs: number;
  /** Extra facility time allowed for open requests to finish, ms. */
  drainMs?: number;
  robots?: number;
  wms?: Partial<DemoWmsOptions>;
  /** Invariant checks every this many facility ms (default 500). */
  checkEveryMs?: number;
  /** Called about every simulated minute with the facility (progress output). */
  onProgress?: (facility: Facility) => void;
}

export interface ScenarioResult {
  eventLogHash: string;
  eventCount: number;
  kpi: KpiSnapshot;
  wms: DemoWmsStats;
  violations: string[];
  alarms: string[];
  /** Facility time simulated, ms, and the wall time it took, ms. */
  simulatedMs: number;
  wallMs: number;
}

const STEP_MS = 60_000; // progress granularity: one simulated minute

/**
 * Runs a facility fully in-process on a simulated clock: deterministic, so the same seed
 * gives the same event log hash. After `durationMs` the WMS stops sending and the run goes
 * on until every request has ended (liveness, invariant 5) or `drainMs` runs out.
 */
export async function runInProcessScenario(scenario: InProcessScenario): Promise<ScenarioResult> {
  const wallStart = performance.now();
  const facility = await startFacility({
    layout: scenario.layout,
    transport: { kind: 'in-process' },
    seed: scenario.seed,
    ...(scenario.robots !== undefined ? { robots: scenario.robots } : {}),
    wms: scenario.wms ?? {},
    checkEveryMs: scenario.checkEveryMs ?? 500,
    recordEventLog: true,
  });
  const startMs = facility.clock.now();
  for (let t = 0; t < scenario.durationMs; t += STEP_MS) {
    facility.advance(Math.min(STEP_MS, scenario.durationMs - t));
    scenario.onProgress?.(facility);
  }
  facility.wms?.stop();
  const drainUntil = facility.clock.now() + (scenario.drainMs ?? 30 * 60_000);
  while ((facility.wms?.stats().open ?? 0) > 0 && facility.clock.now() < drainUntil) {
    facility.advance(5_000);
  }
  facility.checker.checkNow(facility.clock.now());
  facility.checker.checkRequests(facility.clock.now(), true);
  const stats = facility.wms!.stats();
  const violations = [...facility.checker.violations];
  if (stats.open > 0) violations.push(`invariant 5: ${stats.open} requests still open ${(scenario.drainMs ?? 30 * 60_000) / 1000} s after the WMS stopped`);
  const result: ScenarioResult = {
    eventLogHash: facility.eventLogHash(),
    eventCount: facility.eventLogLength(),
    kpi: facility.controller.controller.kpis(),
    wms: stats,
    violations,
    alarms: facility.controller.controller.alarms.map((a) => `t=${((a.atMs - startMs) / 1000).toFixed(1)}s ${a.source}: ${a.message}`),
    simulatedMs: facility.clock.now() - startMs,
    wallMs: 0,
  };
  await facility.stop();
  result.wallMs = performance.now() - wallStart;
  return result;
}
