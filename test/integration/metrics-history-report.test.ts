import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runReport } from '../../cli/commands/report.ts';
import { startFacility, type Facility } from '../../cli/facility.ts';
import { loadLayout } from '../../cli/load-layout.ts';
import { parsePrometheusText } from '../support/prometheus-text.ts';

/**
 * The facility's figures for people and monitoring, on the default facility in-process with a
 * store on disk: /metrics counters move as it works, a KPI sample is kept each minute and
 * `gridline report` writes them as CSV, and alarms keep their severity and acknowledgement
 * across a restart.
 */
describe('metrics, KPI history, report and alarms', () => {
  let dataDir: string | undefined;
  const running: Facility[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    for (const f of running.splice(0)) await f.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(seed: number, wms = true): Promise<Facility> {
    const f = await startFacility({ layout: await loadLayout(undefined), transport: { kind: 'in-process' }, seed, dataDir: dataDir!, wms: wms ? { requestsPerHour: 900, maxOpenRequests: 20 } : false });
    running.push(f);
    return f;
  }

  it('counts requests, bins, robots, cycles and alarms in Prometheus text, and the counters move', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'gridline-metrics-'));
    const f = await start(2);
    f.advance(60_000);
    const first = parsePrometheusText(f.controller.metrics.render());
    f.advance(6 * 60_000);
    const later = parsePrometheusText(f.controller.metrics.render());
    expect(later.types.get('gridline_request_seconds')).toBe('histogram');
    for (const name of ['gridline_wms_replies_total', 'gridline_bins_presented_total', 'gridline_control_cycle_seconds_count', 'gridline_request_seconds_count', 'gridline_wms_requests_ended_total']) {
      expect(later.sum(name), name).toBeGreaterThan(first.sum(name));
    }
    expect(later.sum('gridline_wms_replies_total', { type: 'pick', outcome: 'accepted' })).toBeGreaterThan(0);
    expect(later.sum('gridline_robots', { state: 'offline' }) + later.sum('gridline_robots', { state: 'idle' }) + later.sum('gridline_robots', { state: 'working' }) + later.sum('gridline_robots', { state: 'fault' })).toBe(12);
    expect(later.samples.get('gridline_open_requests')).toBe(f.controller.controller.requests.size);
  }, 120_000);

  it('keeps a KPI sample a minute, and gridline report writes the shift as CSV', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'gridline-history-'));
    const f = await start(3);
    f.advance(10 * 60_000 + 1);
    const now = f.clock.now();
    const samples = f.controller.store.kpiHistory.samplesBetween(now - 3_600_000, now + 1);
    expect(samples).toHaveLength(10);
    expect(samples.every((s) => s.intervalMs === 60_000 && s.robots === 12)).toBe(true);
    const presented = samples.reduce((sum, s) => sum + s.ports.reduce((n, p) => n + p.presented, 0), 0);
    expect(presented).toBe(f.controller.controller.kpis().binsPresented);
    expect(samples.reduce((sum, s) => sum + s.ended, 0)).toBe(f.controller.controller.kpis().completedRequests);
    await f.stop();
    running.length = 0;

    const out = path.join(dataDir, 'shift.csv');
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await runReport({ data: dataDir, out })).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('time,interval_s,bins_per_hour,bins_per_hour_P1,bins_per_hour_P2,bins_per_hour_P3,utilisation,requests_ended,request_p50_s,request_p95_s,with_cutoff,on_time,on_time_share,open_requests,alarms');
    expect(lines).toHaveLength(12);
    const shift = lines.at(-1)!.split(',');
    expect(shift[0]).toBe('shift');
    expect(Number(shift[1])).toBe(600);
    expect(Number(shift[2])).toBeCloseTo((presented * 6), 0);
    expect(await runReport({ data: path.join(dataDir, 'none') })).toBe(1);
  }, 120_000);

  it('gives alarms a severity, and an acknowledgement outlives a restart', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'gridline-alarms-'));
    const first = await start(4, false);
    let core = first.controller.controller;
    core.alarm('R001', 'sent no state for 5.0 s; it is treated as lost until it reports again');
    core.alarm('operator', 'port P2 closed');
    const [lost, closed] = core.alarms.slice(-2);
    expect([lost!.severity, closed!.severity]).toEqual(['critical', 'info']);
    expect(core.acknowledgeAlarm(lost!.id, 'sam')).toEqual({ ok: true, message: `alarm ${lost!.id} acknowledged` });
    expect(core.acknowledgeAlarm(lost!.id, 'kim')).toEqual({ ok: true, message: `alarm ${lost!.id} was already acknowledged by sam` });
    expect(core.acknowledgeAlarm(9999, 'sam')).toMatchObject({ ok: false, code: 'UNKNOWN_ALARM' });
    await first.stop();
    running.length = 0;

    const second = await start(5, false);
    core = second.controller.controller;
    const kept = core.alarms.find((a) => a.id === lost!.id)!;
    expect(kept).toMatchObject({ source: 'R001', severity: 'critical', acknowledged: { by: 'sam' } });
    expect(core.alarms.find((a) => a.id === closed!.id)!.acknowledged).toBeNull();
    // New alarms are numbered after the kept ones.
    core.alarm('R002', 'fault');
    expect(core.alarms.at(-1)!.id).toBeGreaterThan(closed!.id);
  }, 120_000);
});
