import type { ConsoleViewModel } from '../view-model/console-view-model.ts';
import { formatPercent, formatSeconds, h, panel, setText } from './dom.ts';

/**
 * The controller's KPIs (with the share of orders with a cut-off done by it), how many robots are in error or held in alarm, and how the loads of
 * picks and drops were checked: by the bin's id the robot showed (verified), or only by a load
 * being there (unverified: the vehicle type cannot read bin ids; shown when there are any).
 */
export class KpiPanel {
  readonly element: HTMLElement;
  private readonly values = new Map<string, HTMLElement>();
  private readonly terms = new Map<string, HTMLElement>();

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
      ['onTime', 'Orders on time (with a cut-off)'],
      ['robotsInError', 'Robots in error'],
      ['robotsHeld', 'Robots held in alarm'],
      ['loadsVerified', 'Loads verified by bin id'],
      ['loadsUnverified', 'Loads only seen present'],
    ] as const) {
      const value = h('dd', { testId: `kpi-${key}`, text: '–' });
      const term = h('dt', { text: label });
      this.values.set(key, value);
      this.terms.set(key, term);
      table.append(term, value);
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
    set('onTime', k && k.onTimeShare !== null ? `${formatPercent(k.onTimeShare)} of ${k.ordersWithCutoff}` : '–');
    let inError = 0;
    let held = 0;
    for (const robot of vm.listedRobots()) {
      if (robot.error) inError++;
      if (robot.held) held++;
    }
    set('robotsInError', String(inError));
    set('robotsHeld', String(held));
    this.values.get('robotsHeld')!.classList.toggle('warn', held > 0);
    set('loadsVerified', k ? String(k.loadsVerified) : '–');
    set('loadsUnverified', k ? String(k.loadsUnverified) : '–');
    const unverified = (k?.loadsUnverified ?? 0) > 0;
    this.values.get('loadsUnverified')!.hidden = !unverified;
    this.terms.get('loadsUnverified')!.hidden = !unverified;
    this.terms.get('loadsUnverified')!.title = 'Picks and drops whose load the robot showed only as being there: its vehicle type cannot read bin ids';
  }
}
