import type { ConsoleViewModel } from '../view-model/console-view-model.ts';
import { formatPercent, formatSeconds, h, panel, setText } from './dom.ts';

/** The controller's KPIs, and how many robots are in error. */
export class KpiPanel {
  readonly element: HTMLElement;
  private readonly values = new Map<string, HTMLElement>();

  constructor() {
    const { section, body } = panel('KPIs', 'kpi-panel');
    const table = h('dl', { className: 'kpis' });
    for (const [key, label] of [
      ['binsPerPortHour', 'Bins per port-hour'],
      ['robotUtilisation', 'Robot utilisation'],
      ['openRequests', 'Open requests'],
      ['completedRequests', 'Completed requests'],
      ['binsPresented', 'Bins presented'],
      ['requestTime', 'Request time p50 / p95'],
      ['robotsInError', 'Robots in error'],
    ] as const) {
      const value = h('dd', { testId: `kpi-${key}`, text: '–' });
      this.values.set(key, value);
      table.append(h('dt', { text: label }), value);
    }
    body.append(table);
    this.element = section;
  }

  update(vm: ConsoleViewModel): void {
    const k = vm.kpis;
    const set = (key: string, text: string) => setText(this.values.get(key)!, text);
    set('binsPerPortHour', k ? k.binsPerPortHour.toFixed(1) : '–');
    set('robotUtilisation', k ? formatPercent(k.robotUtilisation) : '–');
    set('openRequests', k ? String(k.openRequests) : '–');
    set('completedRequests', k ? String(k.completedRequests) : '–');
    set('binsPresented', k ? String(k.binsPresented) : '–');
    set('requestTime', k ? `${formatSeconds(k.requestTimeP50S)} / ${formatSeconds(k.requestTimeP95S)}` : '–');
    let inError = 0;
    for (const robot of vm.listedRobots()) if (robot.error) inError++;
    set('robotsInError', String(inError));
  }
}
