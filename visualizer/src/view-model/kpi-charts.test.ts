import { describe, expect, it } from 'vitest';
import { kpiCharts, niceCeiling, parseKpiHistory, seriesPaths, type KpiSampleView } from './kpi-charts.ts';

const sample = (atMs: number, fields: Partial<KpiSampleView> = {}): KpiSampleView => ({
  atMs,
  ports: [
    { portId: 'P2', binsPerHour: 120 },
    { portId: 'P1', binsPerHour: 90 },
  ],
  utilisation: 0.5,
  requestTimeP50S: 40,
  requestTimeP95S: 95,
  withCutoff: 4,
  onTime: 3,
  ...fields,
});

describe('KPI charts', () => {
  it('checks what the server sent', () => {
    expect(parseKpiHistory([sample(1)])).toEqual({ ok: true, samples: [sample(1)] });
    expect(parseKpiHistory({})).toEqual({ ok: false, error: 'the KPI history is not a list' });
    expect(parseKpiHistory([sample(1), { ...sample(2), utilisation: 'high' }])).toEqual({ ok: false, error: 'KPI sample 1 is not valid' });
  });

  it('draws throughput per port, utilisation, request times and the on-time share', () => {
    const charts = kpiCharts([sample(0), sample(60_000, { requestTimeP50S: null, requestTimeP95S: null, withCutoff: 0, onTime: 0 })]);
    expect(charts.map((c) => [c.id, c.series.map((s) => s.name), c.max])).toEqual([
      ['throughput', ['P1', 'P2'], 200],
      ['utilisation', ['robots'], 1],
      ['requestTime', ['p50', 'p95'], 100],
      ['onTime', ['on time'], 1],
    ]);
    expect(charts[3]!.series[0]!.points).toEqual([
      { atMs: 0, value: 0.75 },
      { atMs: 60_000, value: null },
    ]);
  });

  it('places points in the box and splits a line where a value is unknown', () => {
    const series = { name: 's', points: [{ atMs: 0, value: 0 }, { atMs: 50, value: 10 }, { atMs: 60, value: null }, { atMs: 100, value: 5 }] };
    expect(seriesPaths(series, 10, 0, 100, 200, 50)).toEqual(['0.0,50.0 100.0,0.0', '200.0,25.0']);
  });

  it('rounds an axis top up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 0.3, 7, 12, 120, 501].map(niceCeiling)).toEqual([1, 0.5, 10, 20, 200, 1000]);
  });
});
