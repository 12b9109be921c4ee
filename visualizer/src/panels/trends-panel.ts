import { kpiCharts, seriesPaths, type Chart, type KpiHistoryParse } from '../view-model/kpi-charts.ts';
import { formatTime, h, setText } from './dom.ts';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 300;
const HEIGHT = 70;
/** Colours of a chart's series, in order. */
const COLOURS = ['#4ea1ff', '#f5b342', '#5fd08a', '#e06c75', '#c678dd', '#56b6c2', '#d19a66', '#98c379'];
/** How often the charts are loaded again while shown, ms. */
const RELOAD_MS = 60_000;

/**
 * The facility's KPIs over time (`trends`): throughput per port, robot utilisation, request
 * times and the share of orders on time, over the last hour or the shift (8 hours), from the
 * samples the controller keeps (`load(hours)`: GET /kpi-history). Each chart is an SVG
 * (`trend-{id}`, `data-points`: samples drawn); `trends-status` says when they were loaded.
 */
export class TrendsPanel {
  readonly element: HTMLElement;
  private readonly status: HTMLElement;
  private readonly charts: HTMLElement;
  private hours = 1;
  private requested = 0;

  constructor(private readonly load: (hours: number) => Promise<KpiHistoryParse>) {
    const range = (hours: number, text: string) =>
      h('button', {
        className: 'quiet',
        testId: `trends-${hours}h`,
        text,
        onClick: () => {
          this.hours = hours;
          this.refresh();
        },
      });
    this.status = h('div', { className: 'summary', testId: 'trends-status', text: 'loading…' });
    this.charts = h('div', { className: 'trend-charts' });
    this.element = h('section', { className: 'panel', testId: 'trends' }, h('h2', { className: 'with-buttons' }, h('span', { text: 'Trends' }), range(1, 'Hour'), range(8, 'Shift')), this.status, this.charts);
    this.refresh();
    setInterval(() => this.refresh(), RELOAD_MS);
  }

  refresh(): void {
    const ticket = ++this.requested;
    const hours = this.hours;
    void this.load(hours).then((result) => {
      if (ticket !== this.requested) return;
      if (!result.ok) {
        this.status.dataset['state'] = 'error';
        return setText(this.status, result.error);
      }
      this.status.dataset['state'] = 'loaded';
      const samples = result.samples;
      setText(this.status, samples.length === 0 ? `no samples yet (one a minute); last ${hours} h` : `last ${hours} h, ${samples.length} samples to ${formatTime(new Date(samples.at(-1)!.atMs).toISOString())}`);
      const toMs = samples.at(-1)?.atMs ?? 0;
      this.charts.replaceChildren(...kpiCharts(samples).map((chart) => this.draw(chart, toMs - hours * 3_600_000, toMs, samples.length)));
    });
  }

  private draw(chart: Chart, fromMs: number, toMs: number, points: number): HTMLElement {
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
    svg.setAttribute('class', 'trend');
    svg.dataset['testid'] = `trend-${chart.id}`;
    svg.dataset['points'] = String(points);
    chart.series.forEach((series, i) => {
      for (const run of seriesPaths(series, chart.max, fromMs, toMs, WIDTH, HEIGHT)) {
        const line = document.createElementNS(SVG, 'polyline');
        line.setAttribute('points', run);
        line.setAttribute('stroke', COLOURS[i % COLOURS.length]!);
        svg.append(line);
      }
    });
    const legend = chart.series.map((s, i) => h('span', { className: 'legend', text: s.name, attrs: { style: `color: ${COLOURS[i % COLOURS.length]}` } }));
    const top = chart.unit === 'share' ? '100%' : `${chart.max} ${chart.unit}`;
    return h('figure', { className: 'trend-chart' }, h('figcaption', {}, h('span', { text: chart.title }), h('span', { className: 'axis', text: `top ${top}` }), ...legend), svg);
  }
}
