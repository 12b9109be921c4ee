import Database from 'better-sqlite3';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { KpiSample } from '../../controller/kpi-history.ts';
import { STORE_FILE_NAME } from '../../controller/store/sqlite-store.ts';
import { numberOption, UsageError, type CommandArgs } from '../errors.ts';

export const REPORT_USAGE = `  gridline report [--data DIR] [--hours H | --from ISO --to ISO] [--out FILE.csv]
                                        a shift's KPIs as CSV (default: the last 8 hours kept):
                                        per minute, bins per hour (all ports and each), utilisation,
                                        requests ended, request time p50/p95, on-time share; then the
                                        shift's totals
`;

/**
 * `gridline report`: the KPI samples the controller kept in the store (one a minute), for a
 * shift, as CSV: a row per sample, then a row `shift` with the totals over them. Reads the
 * store read-only, so the facility may be running.
 */
export async function runReport(values: CommandArgs): Promise<number> {
  const dataDir = path.resolve((values.data as string | undefined) ?? 'data');
  const file = path.join(dataDir, STORE_FILE_NAME);
  let samples: KpiSample[];
  try {
    samples = readSamples(file);
  } catch (error) {
    process.stderr.write(`gridline report: ${(error as Error).message}\n`);
    return 1;
  }
  const { fromMs, toMs } = shiftOf(values, samples.at(-1)?.atMs ?? 0);
  const shift = samples.filter((s) => s.atMs > fromMs && s.atMs <= toMs);
  const csv = reportCsv(shift);
  if (typeof values.out === 'string') {
    writeFileSync(values.out, csv);
    process.stderr.write(`gridline report: ${shift.length} samples from ${iso(fromMs)} to ${iso(toMs)} written to ${values.out}\n`);
  } else process.stdout.write(csv);
  return 0;
}

/** The CSV of a shift's samples: a header, a row per sample, a `shift` row of totals. */
export function reportCsv(samples: readonly KpiSample[]): string {
  const ports = [...new Set(samples.flatMap((s) => s.ports.map((p) => p.portId)))].sort();
  const header = ['time', 'interval_s', 'bins_per_hour', ...ports.map((p) => `bins_per_hour_${p}`), 'utilisation', 'requests_ended', 'request_p50_s', 'request_p95_s', 'with_cutoff', 'on_time', 'on_time_share', 'open_requests', 'alarms'];
  const rows = samples.map((s) => {
    const perPort = new Map(s.ports.map((p) => [p.portId, p.binsPerHour]));
    const total = s.ports.reduce((sum, p) => sum + p.binsPerHour, 0);
    return [iso(s.atMs), fixed(s.intervalMs / 1000, 0), fixed(total, 1), ...ports.map((p) => fixed(perPort.get(p) ?? 0, 1)), fixed(s.utilisation, 3), String(s.ended), opt(s.requestTimeP50S), opt(s.requestTimeP95S), String(s.withCutoff), String(s.onTime), s.withCutoff > 0 ? fixed(s.onTime / s.withCutoff, 3) : '', String(s.open), String(s.alarms)];
  });
  if (samples.length > 0) rows.push(totals(samples, ports));
  return `${[header, ...rows].map((row) => row.join(',')).join('\n')}\n`;
}

function totals(samples: readonly KpiSample[], ports: readonly string[]): string[] {
  const ms = samples.reduce((sum, s) => sum + s.intervalMs, 0);
  const presented = (portId?: string) => samples.reduce((sum, s) => sum + s.ports.filter((p) => portId === undefined || p.portId === portId).reduce((n, p) => n + p.presented, 0), 0);
  const perHour = (n: number) => (n * 3_600_000) / Math.max(1, ms);
  const ended = samples.reduce((sum, s) => sum + s.ended, 0);
  const withCutoff = samples.reduce((sum, s) => sum + s.withCutoff, 0);
  const onTime = samples.reduce((sum, s) => sum + s.onTime, 0);
  const utilisation = samples.reduce((sum, s) => sum + s.utilisation * s.intervalMs, 0) / Math.max(1, ms);
  // The shift's request times are not kept one by one: the worst minute's p50 and p95 stand for them.
  const worst = (pick: (s: KpiSample) => number | null) => samples.reduce<number | null>((max, s) => (pick(s) === null ? max : Math.max(max ?? 0, pick(s)!)), null);
  return ['shift', fixed(ms / 1000, 0), fixed(perHour(presented()), 1), ...ports.map((p) => fixed(perHour(presented(p)), 1)), fixed(utilisation, 3), String(ended), opt(worst((s) => s.requestTimeP50S)), opt(worst((s) => s.requestTimeP95S)), String(withCutoff), String(onTime), withCutoff > 0 ? fixed(onTime / withCutoff, 3) : '', String(samples.at(-1)!.open), String(samples.reduce((sum, s) => sum + s.alarms, 0))];
}

function readSamples(file: string): KpiSample[] {
  if (!existsSync(file)) throw new Error(`no store at ${file}`);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kpi_samples'").pluck().get() !== undefined;
    if (!hasTable) return [];
    return (db.prepare('SELECT sample FROM kpi_samples ORDER BY at_ms').pluck().all() as string[]).map((text) => JSON.parse(text) as KpiSample);
  } finally {
    db.close();
  }
}

function shiftOf(values: CommandArgs, lastMs: number): { fromMs: number; toMs: number } {
  if (values.from !== undefined || values.to !== undefined) {
    const fromMs = Date.parse(String(values.from ?? ''));
    const toMs = Date.parse(String(values.to ?? ''));
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || toMs <= fromMs) throw new UsageError('report: --from and --to must both be ISO 8601 times, --from before --to');
    return { fromMs, toMs };
  }
  const hours = numberOption(values, 'hours', 8, (n) => n > 0 && n <= 24 * 31);
  return { fromMs: lastMs - hours * 3_600_000, toMs: lastMs };
}

const iso = (ms: number) => new Date(ms).toISOString();
const fixed = (n: number, digits: number) => n.toFixed(digits);
const opt = (n: number | null) => (n === null ? '' : n.toFixed(1));
