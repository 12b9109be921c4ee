/**
 * The console's KPI charts over time, from the controller's KPI samples (GET /kpi-history):
 * throughput per port (bins per hour), robot utilisation, request times (p50, p95) and the
 * share of orders done by their cut-off. Pure: checks what the server sent, and turns the
 * samples into series of points a panel draws.
 */

export interface KpiSampleView {
  readonly atMs: number;
  readonly ports: readonly { readonly portId: string; readonly binsPerHour: number }[];
  readonly utilisation: number;
  readonly requestTimeP50S: number | null;
  readonly requestTimeP95S: number | null;
  readonly withCutoff: number;
  readonly onTime: number;
}

export interface Series {
  readonly name: string;
  /** Points in time order: clock ms and value; a gap where the value is unknown. */
  readonly points: readonly { readonly atMs: number; readonly value: number | null }[];
}

export interface Chart {
  readonly id: 'throughput' | 'utilisation' | 'requestTime' | 'onTime';
  readonly title: string;
  readonly unit: string;
  readonly series: readonly Series[];
  /** Top of the value axis: at least the largest value (1 for shares). */
  readonly max: number;
}

export type KpiHistoryParse = { ok: true; samples: KpiSampleView[] } | { ok: false; error: string };

/** Checks the server's answer: an array of samples, each with the fields the charts read. */
export function parseKpiHistory(json: unknown): KpiHistoryParse {
  if (!Array.isArray(json)) return { ok: false, error: 'the KPI history is not a list' };
  const samples: KpiSampleView[] = [];
  for (const [i, s] of json.entries()) {
    const ok =
      typeof s === 'object' && s !== null &&
      Number.isFinite(s.atMs) && Number.isFinite(s.utilisation) && Number.isFinite(s.withCutoff) && Number.isFinite(s.onTime) &&
      (s.requestTimeP50S === null || Number.isFinite(s.requestTimeP50S)) && (s.requestTimeP95S === null || Number.isFinite(s.requestTimeP95S)) &&
      Array.isArray(s.ports) && s.ports.every((p: { portId?: unknown; binsPerHour?: unknown }) => typeof p?.portId === 'string' && Number.isFinite(p.binsPerHour));
    if (!ok) return { ok: false, error: `KPI sample ${i} is not valid` };
    samples.push(s as KpiSampleView);
  }
  return { ok: true, samples };
}

/** The four charts of the samples (oldest first). */
export function kpiCharts(samples: readonly KpiSampleView[]): Chart[] {
  const ports = [...new Set(samples.flatMap((s) => s.ports.map((p) => p.portId)))].sort();
  const series = (name: string, value: (s: KpiSampleView) => number | null): Series => ({ name, points: samples.map((s) => ({ atMs: s.atMs, value: value(s) })) });
  const chart = (id: Chart['id'], title: string, unit: string, all: Series[], share = false): Chart => {
    const largest = Math.max(0, ...all.flatMap((s) => s.points.map((p) => p.value ?? 0)));
    return { id, title, unit, series: all, max: share ? 1 : niceCeiling(largest) };
  };
  return [
    chart('throughput', 'Throughput per port', 'bins/h', ports.map((portId) => series(portId, (s) => s.ports.find((p) => p.portId === portId)?.binsPerHour ?? 0))),
    chart('utilisation', 'Robot utilisation', 'share', [series('robots', (s) => s.utilisation)], true),
    chart('requestTime', 'Request time', 's', [series('p50', (s) => s.requestTimeP50S), series('p95', (s) => s.requestTimeP95S)]),
    chart('onTime', 'Orders on time', 'share', [series('on time', (s) => (s.withCutoff > 0 ? s.onTime / s.withCutoff : null))], true),
  ];
}

/** An SVG polyline's points for a series in a `width` x `height` box from `fromMs` to `toMs`; runs split at gaps. */
export function seriesPaths(series: Series, max: number, fromMs: number, toMs: number, width: number, height: number): string[] {
  const runs: string[] = [];
  let run: string[] = [];
  const span = Math.max(1, toMs - fromMs);
  for (const { atMs, value } of series.points) {
    if (value === null) {
      if (run.length > 0) runs.push(run.join(' '));
      run = [];
      continue;
    }
    const x = ((atMs - fromMs) / span) * width;
    const y = height - (Math.min(value, max) / Math.max(max, Number.MIN_VALUE)) * height;
    run.push(`${x.toFixed(1)},${y.toFixed(1)}`);
  }
  if (run.length > 0) runs.push(run.join(' '));
  return runs;
}

/** 1, 2 or 5 times a power of ten, at least `value` (an axis top that reads well). */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}
