/**
 * Key figures of a running facility, computed from what the controller records; no
 * wall-clock reading here (times come from the injected clock).
 */
export interface KpiSnapshot {
  /** Clock ms covered by the figures. */
  elapsedMs: number;
  binsPresented: number;
  /** Bins presented per port since start. */
  ports: { portId: string; mode: string; presented: number }[];
  /** Bins presented per open port per hour of clock time. */
  binsPerPortHour: number;
  /** Share of robot-time spent on jobs, 0..1. */
  robotUtilisation: number;
  openRequests: number;
  completedRequests: number;
  /** Request time from acceptance to terminal event, seconds. */
  requestTimeP50S: number;
  requestTimeP95S: number;
  /** Requests with a cut-off (dueTime) that have ended, and those completed by it. */
  withCutoff: number;
  onTime: number;
  /** onTime / withCutoff, 0..1; null while none with a cut-off has ended. */
  onTimeShare: number | null;
  /** Picks whose load the robot showed by the bin's id. */
  loadsVerified: number;
  /** Picks checked only for a load being there: the vehicle cannot read bin ids. */
  loadsUnverified: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Puts `value` into ascending `sorted` where it belongs (after equal values). */
export function insertSorted(sorted: number[], value: number): void {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  sorted.splice(lo, 0, value);
}

export function formatKpi(k: KpiSnapshot): string {
  return [
    `t=${(k.elapsedMs / 1000).toFixed(0)}s`,
    `bins/port-h=${k.binsPerPortHour.toFixed(0)}`,
    `presented=${k.binsPresented}`,
    `utilisation=${(k.robotUtilisation * 100).toFixed(0)}%`,
    `open=${k.openRequests}`,
    `done=${k.completedRequests}`,
    `p50=${k.requestTimeP50S.toFixed(1)}s`,
    `p95=${k.requestTimeP95S.toFixed(1)}s`,
    ...(k.onTimeShare !== null ? [`on-time=${(k.onTimeShare * 100).toFixed(0)}% of ${k.withCutoff}`] : []),
    ...(k.loadsUnverified > 0 ? [`unverified-loads=${k.loadsUnverified}`] : []),
  ].join('  ');
}

/** What the KPIs are computed from, recorded as the controller goes; the rest it reads from ports and robots. */
export class KpiRecorder {
  /** Request times, seconds, kept sorted (the KPIs' percentiles read them often). */
  private readonly requestTimesS: number[] = [];
  private completedRequests = 0;
  /** Picks whose loads were checked: the robot named the bin, or only showed it held one. */
  private readonly loadChecks = { verified: 0, unverified: 0 };
  private readonly cutoffs = { withCutoff: 0, onTime: 0 };
  /** Request times, seconds, since the last `takeIntervalTimes` (a KPI sample's interval). */
  private intervalTimesS: number[] = [];
  /** Told each request time, seconds, as it is recorded (the metrics' histogram). */
  onRequestTime: ((seconds: number) => void) | null = null;

  constructor(private readonly startedAtMs: number) {}

  /**
   * A request accepted at clock ms `acceptedAtMs` ended at `nowMs`; with a cut-off (`dueAtMs`)
   * it counts as on time when it completed by then.
   */
  requestFinished(request: { acceptedAtMs: number; dueAtMs?: number | undefined }, completed: boolean, nowMs: number): void {
    this.completedRequests++;
    const seconds = (nowMs - request.acceptedAtMs) / 1000;
    insertSorted(this.requestTimesS, seconds);
    this.intervalTimesS.push(seconds);
    this.onRequestTime?.(seconds);
    if (request.dueAtMs === undefined) return;
    this.cutoffs.withCutoff++;
    if (completed && nowMs <= request.dueAtMs) this.cutoffs.onTime++;
  }

  /** The request times, seconds, recorded since the last call (in the order recorded). */
  takeIntervalTimes(): number[] {
    const times = this.intervalTimesS;
    this.intervalTimesS = [];
    return times;
  }

  /** The median request time so far, clock ms (0 while none has ended). */
  typicalRequestMs(): number {
    return percentile(this.requestTimesS, 50) * 1000;
  }

  /** A pick's load was checked, by the bin's id (`identityVerified`) or only for a load being there. */
  loadChecked(identityVerified: boolean): void {
    if (identityVerified) this.loadChecks.verified++;
    else this.loadChecks.unverified++;
  }

  snapshot(input: {
    nowMs: number;
    ports: readonly { id: string; mode: string; open: boolean; presentations: number }[];
    robotCount: number;
    /** Clock ms the robots were busy with jobs, all told. */
    busyMs: number;
    openRequests: number;
  }): KpiSnapshot {
    const elapsedMs = Math.max(1, input.nowMs - this.startedAtMs);
    let presented = 0;
    let openPorts = 0;
    for (const port of input.ports) {
      presented += port.presentations;
      if (port.open) openPorts++;
    }
    const times = this.requestTimesS;
    return {
      elapsedMs,
      binsPresented: presented,
      ports: input.ports.map((p) => ({ portId: p.id, mode: p.mode, presented: p.presentations })),
      binsPerPortHour: presented / Math.max(1, openPorts) / (elapsedMs / 3_600_000),
      robotUtilisation: input.robotCount ? input.busyMs / (input.robotCount * elapsedMs) : 0,
      openRequests: input.openRequests,
      completedRequests: this.completedRequests,
      requestTimeP50S: percentile(times, 50),
      requestTimeP95S: percentile(times, 95),
      withCutoff: this.cutoffs.withCutoff,
      onTime: this.cutoffs.onTime,
      onTimeShare: this.cutoffs.withCutoff > 0 ? this.cutoffs.onTime / this.cutoffs.withCutoff : null,
      loadsVerified: this.loadChecks.verified,
      loadsUnverified: this.loadChecks.unverified,
    };
  }
}
