import { describe, expect, it } from 'vitest';
import { parsePrometheusText } from '../../test/support/prometheus-text.ts';
import { Counter, exposition, Gauge, Histogram } from './prometheus.ts';

describe('Prometheus text exposition', () => {
  it('writes counters with labels, read gauges and cumulative histograms that a strict reader accepts', () => {
    const counter = new Counter('x_total', 'Things.');
    counter.inc({ type: 'pick', outcome: 'accepted' });
    counter.inc({ type: 'pick', outcome: 'accepted' }, 2);
    counter.inc({ type: 'odd "one"\\', outcome: 'x' });
    const histogram = new Histogram('t_seconds', 'Times.', [1, 5]);
    for (const v of [0.5, 2, 9]) histogram.observe(v);
    const text = exposition([counter, new Gauge('g', 'A gauge.', () => [{ value: 7 }, { labels: { port: 'P1' }, value: 3 }]), histogram]);
    const parsed = parsePrometheusText(text);
    expect(parsed.samples.get('x_total{type="pick",outcome="accepted"}')).toBe(3);
    expect(parsed.sum('x_total')).toBe(4);
    expect(parsed.samples.get('g')).toBe(7);
    expect(parsed.samples.get('t_seconds_bucket{le="1"}')).toBe(1);
    expect(parsed.samples.get('t_seconds_bucket{le="5"}')).toBe(2);
    expect(parsed.samples.get('t_seconds_bucket{le="+Inf"}')).toBe(3);
    expect(parsed.samples.get('t_seconds_sum')).toBe(11.5);
    expect([...parsed.types]).toEqual([
      ['x_total', 'counter'],
      ['g', 'gauge'],
      ['t_seconds', 'histogram'],
    ]);
  });

  it('the reader refuses what is not the format', () => {
    expect(() => parsePrometheusText('x 1\n')).toThrow(/no TYPE/);
    expect(() => parsePrometheusText('# TYPE x counter\nx{a=b} 1\n')).toThrow(/not a sample/);
    expect(() => parsePrometheusText('# TYPE x counter\nx 1')).toThrow(/newline/);
  });
});
