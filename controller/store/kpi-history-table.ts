/** KPI samples over time (store schema v4, table kpi_samples): one row of JSON per sample. */
import type Database from 'better-sqlite3';
import type { KpiSample } from '../kpi-history.ts';

export class KpiHistoryTable {
  private readonly insert;
  private readonly between;

  constructor(db: Database.Database) {
    this.insert = db.prepare('INSERT OR REPLACE INTO kpi_samples (at_ms, sample) VALUES (?, ?)');
    this.between = db.prepare('SELECT sample FROM kpi_samples WHERE at_ms >= ? AND at_ms < ? ORDER BY at_ms').pluck();
  }

  keepSample(sample: KpiSample): void {
    this.insert.run(Math.round(sample.atMs), JSON.stringify(sample));
  }

  /** Samples taken from clock ms `fromMs` up to `toMs`, oldest first. */
  samplesBetween(fromMs: number, toMs: number): KpiSample[] {
    return (this.between.all(Math.round(fromMs), Math.round(toMs)) as string[]).map((text) => JSON.parse(text) as KpiSample);
  }
}
