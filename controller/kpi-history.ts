import type { Clock, TimerHandle } from '../protocol/clock.ts';
import type { GridController } from './grid-controller.ts';

/**
 * One sample of the facility's KPIs over an interval (KPI_SAMPLE_MS of clock time, or less for
 * the first after a start): what the console's charts and `gridline report` show.
 */
export interface KpiSample {
  /** Clock ms at the end of the interval. */
  readonly atMs: number;
  /** Length of the interval, ms. */
  readonly intervalMs: number;
  /** Bins presented per port in the interval, and what that is per hour. */
  readonly ports: readonly { readonly portId: string; readonly presented: number; readonly binsPerHour: number }[];
  /** Share of robot time spent on jobs in the interval, 0..1. */
  readonly utilisation: number;
  readonly robots: number;
  /** Picks and putaways ended in the interval, and the 50th and 95th percentile of their times, seconds (null with none). */
  readonly ended: number;
  readonly requestTimeP50S: number | null;
  readonly requestTimeP95S: number | null;
  /** Of those ended in the interval with a cut-off, how many, and how many on time. */
  readonly withCutoff: number;
  readonly onTime: number;
  /** Open picks and putaways at the end of the interval. */
  readonly open: number;
  /** Alarms raised in the interval. */
  readonly alarms: number;
}

/** Where samples are kept (the store's kpi_samples table). */
export interface KpiSampleStore {
  keepSample(sample: KpiSample): void;
}

/** Clock ms between samples. */
export const KPI_SAMPLE_MS = 60_000;

/**
 * Takes a KPI sample every KPI_SAMPLE_MS of clock time and keeps it in the store: the
 * facility's history, from which the console draws its charts and `gridline report` writes
 * a shift's figures. Each sample covers its interval only (differences of the controller's
 * running counts), so charts show the facility as it is, not its average since start.
 */
export class KpiSampler {
  private timer: TimerHandle | null = null;
  private last: { atMs: number; presented: Map<string, number>; busyMs: number; completed: number; withCutoff: number; onTime: number; alarms: number };

  constructor(
    private readonly controller: GridController,
    private readonly store: KpiSampleStore,
    private readonly clock: Clock,
  ) {
    this.last = this.counts();
  }

  start(): void {
    if (this.timer !== null) return;
    const tick = () => {
      this.timer = this.clock.setTimeout(tick, KPI_SAMPLE_MS);
      this.controller.boundary.run('kpi history', () => this.sample());
    };
    this.timer = this.clock.setTimeout(tick, KPI_SAMPLE_MS);
  }

  stop(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Takes and keeps a sample of the interval since the last; returns it. */
  sample(): KpiSample {
    const now = this.counts();
    const intervalMs = Math.max(1, now.atMs - this.last.atMs);
    const times = this.controller.kpiRecorder.takeIntervalTimes();
    const robots = this.controller.robotSerials().length;
    const sample: KpiSample = {
      atMs: now.atMs,
      intervalMs,
      ports: [...now.presented].map(([portId, total]) => {
        const presented = total - (this.last.presented.get(portId) ?? 0);
        return { portId, presented, binsPerHour: (presented * 3_600_000) / intervalMs };
      }),
      utilisation: robots > 0 ? Math.min(1, (now.busyMs - this.last.busyMs) / (robots * intervalMs)) : 0,
      robots,
      ended: now.completed - this.last.completed,
      requestTimeP50S: times.length > 0 ? percentileOf(times, 50) : null,
      requestTimeP95S: times.length > 0 ? percentileOf(times, 95) : null,
      withCutoff: now.withCutoff - this.last.withCutoff,
      onTime: now.onTime - this.last.onTime,
      open: this.controller.requests.size,
      alarms: now.alarms - this.last.alarms,
    };
    this.last = now;
    this.store.keepSample(sample);
    return sample;
  }

  private counts() {
    const k = this.controller.kpis();
    return {
      atMs: this.clock.now(),
      presented: new Map(k.ports.map((p) => [p.portId, p.presented])),
      busyMs: k.robotUtilisation * k.elapsedMs * this.controller.robotSerials().length,
      completed: k.completedRequests,
      withCutoff: k.withCutoff,
      onTime: k.onTime,
      alarms: this.controller.alarmCount,
    };
  }
}

function percentileOf(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
