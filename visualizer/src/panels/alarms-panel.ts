import type { ConsoleViewModel } from '../view-model/console-view-model.ts';
import { formatTime, h, panel, setText } from './dom.ts';

/** The controller's alarms, newest first, and the messages this console could not read. */
export class AlarmsPanel {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly bad: HTMLElement;
  private readonly badList: HTMLElement;
  private shownAlarms = '';
  private shownBad = -1;

  constructor() {
    const { section, body } = panel('Alarms', 'alarms');
    this.list = h('ol', { className: 'alarm-list' });
    this.bad = h('div', { className: 'bad-messages', testId: 'bad-messages', text: 'Bad messages: 0' });
    this.badList = h('ol', { className: 'bad-list' });
    body.append(this.list, this.bad, this.badList);
    this.element = section;
  }

  update(vm: ConsoleViewModel): void {
    const alarms = vm.alarms;
    const signature = alarms.length === 0 ? '' : `${alarms.length}|${alarms[alarms.length - 1]!.at}|${alarms[alarms.length - 1]!.message}`;
    if (signature !== this.shownAlarms) {
      this.shownAlarms = signature;
      this.list.replaceChildren(
        ...(alarms.length === 0
          ? [h('li', { className: 'none', text: 'No alarms' })]
          : [...alarms].reverse().map((a) => h('li', {}, h('time', { text: formatTime(a.at) }), h('span', { className: 'source', text: a.source }), h('span', { text: a.message })))),
      );
    }
    if (vm.versions.bad !== this.shownBad) {
      this.shownBad = vm.versions.bad;
      const { total, byKind, recent } = vm.badMessages;
      const kinds = Object.entries(byKind)
        .filter(([, n]) => n > 0)
        .map(([kind, n]) => `${kind} ${n}`);
      setText(this.bad, `Bad messages: ${total}${kinds.length > 0 ? ` (${kinds.join(', ')})` : ''}`);
      this.bad.classList.toggle('has-bad', total > 0);
      this.badList.replaceChildren(...[...recent].reverse().slice(0, 5).map((b) => h('li', { text: `${b.kind} on ${b.topic}: ${b.errors.join('; ')}` })));
    }
  }
}
