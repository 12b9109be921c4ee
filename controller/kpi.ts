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
    ...(k.loadsUnverified > 0 ? [`unverified-loads=${k.loadsUnverified}`] : []),
  ].join('  ');
}
