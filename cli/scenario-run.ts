import type { GridLayout } from '../protocol/layout/index.ts';
import type { KpiSnapshot } from '../controller/kpi.ts';
import { defaultControllerOptions, type ControllerOptions } from '../controller/controller-options.ts';
import { numberOption, type CommandArgs } from './errors.ts';
import type { CycleProfiler } from '../controller/grid-controller.ts';
import type { DemoWmsOptions, DemoWmsStats } from '../sim/wms/demo-wms.ts';
import { startFacility, type Facility } from './facility.ts';

export interface InProcessScenario {
  layout: GridLayout;
  seed: number;
  /** Facility time during which the demo WMS sends requests, ms. */
  durationMs: number;
  /** After the WMS stops: a run in which no request ends for this long has stalled, ms. */
  stallMs?: number;
  robots?: number;
  wms?: Partial<DemoWmsOptions>;
  /** Invariant checks every this many facility ms (default 500). */
  checkEveryMs?: number;
  controller?: Partial<ControllerOptions>;
  /** Measures the controller's control cycles (benchmarks). */
  profiler?: CycleProfiler;
  /** Called every simulated minute while the WMS sends (progress output). */
  onProgress?: (facility: Facility) => void;
  /** Robots that run as firmware bridge + board emulator pairs over in-memory serial lines. */
  hardwareInTheLoop?: number;
  /** Sees every VDA 5050 message published. */
  onVdaMessage?: (topic: string, payload: string) => void;
}

export interface ScenarioResult {
  eventLogHash: string;
  eventCount: number;
  /** KPIs when the WMS stopped sending (after `durationMs`), and once every request ended. */
  kpiAtDuration: KpiSnapshot;
  kpiFinal: KpiSnapshot;
  wms: DemoWmsStats;
  violations: string[];
  alarms: string[];
  /** Facility time simulated, ms, and the wall time it took, ms. */
  simulatedMs: number;
  wallMs: number;
}

const STEP_MS = 60_000; // progress granularity: one simulated minute
const DRAIN_STEP_MS = 5_000;
const DEFAULT_STALL_MS = 15 * 60_000;

/**
 * Runs a facility fully in-process on a simulated clock: deterministic, so the same seed
 * gives the same event log hash. After `durationMs` the WMS stops sending and the run goes
 * on until every request has ended; a run where no request ends for `stallMs` meanwhile
 * breaks liveness (DESIGN.md §5, invariant 5).
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
    ...(scenario.controller ? { controller: scenario.controller } : {}),
    ...(scenario.profiler ? { profiler: scenario.profiler } : {}),
    ...(scenario.hardwareInTheLoop ? { hardwareInTheLoop: { count: scenario.hardwareInTheLoop, link: 'memory' as const } } : {}),
    ...(scenario.onVdaMessage ? { onVdaMessage: scenario.onVdaMessage } : {}),
  });
  const wms = facility.wms!;
  const core = facility.controller.controller;
  for (let t = 0; t < scenario.durationMs; t += STEP_MS) {
    facility.advance(Math.min(STEP_MS, scenario.durationMs - t));
    scenario.onProgress?.(facility);
  }
  const kpiAtDuration = core.kpis();
  wms.stop();
  const ended = () => wms.stats().completed + wms.stats().failed + wms.stats().cancelled;
  const stallMs = scenario.stallMs ?? DEFAULT_STALL_MS;
  let lastEnded = ended();
  let lastProgressMs = facility.elapsedMs();
  const violations: string[] = [];
  while (wms.stats().open > 0) {
    facility.advance(DRAIN_STEP_MS);
    if (ended() > lastEnded) {
      lastEnded = ended();
      lastProgressMs = facility.elapsedMs();
    } else if (facility.elapsedMs() - lastProgressMs >= stallMs) {
      violations.push(`invariant 5: ${wms.stats().open} requests open and none ended for ${stallMs / 1000} s after the WMS stopped`);
      break;
    }
  }
  facility.checker.checkNow(facility.elapsedMs());
  facility.checker.checkRequests(facility.elapsedMs(), violations.length === 0);
  violations.unshift(...facility.checker.violations);
  const result: ScenarioResult = {
    eventLogHash: facility.eventLogHash(),
    eventCount: facility.eventLogLength(),
    kpiAtDuration,
    kpiFinal: core.kpis(),
    wms: wms.stats(),
    violations,
    alarms: core.alarms.map((a) => `${a.source}: ${a.message}`),
    simulatedMs: facility.elapsedMs(),
    wallMs: 0,
  };
  await facility.stop();
  result.wallMs = performance.now() - wallStart;
  return result;
}

/** The closing lines every scenario benchmark prints: requests, simulated and wall time, speed-up, invariants. */
export function scenarioSummaryLines(result: ScenarioResult): string[] {
  return [
    `requests                sent ${result.wms.sent}, completed ${result.wms.completed}, rejected ${result.wms.rejected}, failed ${result.wms.failed}`,
    `simulated               ${(result.simulatedMs / 1000).toFixed(0)} s (${(result.kpiAtDuration.elapsedMs / 1000).toFixed(0)} s of load, then until every request ended)`,
    `wall time               ${(result.wallMs / 1000).toFixed(1)} s`,
    `speed-up                ${(result.simulatedMs / result.wallMs).toFixed(1)}x real time`,
    `invariants              ${result.violations.length === 0 ? 'all held' : result.violations.slice(0, 20).join('\n                        ')}`,
  ];
}

/** The benchmarks' `--prepare-look-ahead N` (bin preparation; 0 turns it off): a controller option, or none for the default. */
export function prepareOption(values: CommandArgs): Partial<ControllerOptions> {
  if (values['prepare-look-ahead'] === undefined) return {};
  return { prepareLookAhead: numberOption(values, 'prepare-look-ahead', 0, (n) => Number.isInteger(n) && n >= 0) };
}

/** Bin preparation as a benchmark runs it, in words. */
export function describePreparation(values: CommandArgs): string {
  const lookAhead = prepareOption(values).prepareLookAhead ?? defaultControllerOptions().prepareLookAhead;
  return lookAhead > 0 ? `bin preparation ${lookAhead} retrievals ahead per port` : 'no bin preparation';
}
