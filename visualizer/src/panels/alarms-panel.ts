import type { ConsoleViewModel } from '../view-model/console-view-model.ts';
import { commandButton } from './command-button.ts';
import type { ConsoleActions } from './console-actions.ts';
import { formatTime, h, panel, setText } from './dom.ts';

/**
 * The controller's alarms, newest first (`alarm-{id}`, `data-severity`), each with who
 * acknowledged it or an "Acknowledge" control (`alarm-ack-{id}`), and the messages this
 * console could not read.
 */
export class AlarmsPanel {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly bad: HTMLElement;
  private readonly badList: HTMLElement;
  private shownAlarms = '';
  private shownBad = -1;

  constructor(private readonly actions: ConsoleActions) {
    const { section, body } = panel('Alarms', 'alarms');
    this.list = h('ol', { className: 'alarm-list' });
    this.bad = h('div', { className: 'bad-messages', testId: 'bad-messages', text: 'Bad messages: 0' });
    this.badList = h('ol', { className: 'bad-list' });
    body.append(this.list, this.bad, this.badList);
    this.element = section;
  }

  update(vm: ConsoleViewModel): void {
    const alarms = vm.alarms;
    const signature = alarms.map((a) => `${a.id}:${a.acknowledgedBy ?? ''}`).join('|');
    if (signature !== this.shownAlarms) {
      this.shownAlarms = signature;
      this.list.replaceChildren(
        ...(alarms.length === 0
          ? [h('li', { className: 'none', text: 'No alarms' })]
          : [...alarms].reverse().map((a) => {
              const item = h(
                'li',
                { testId: `alarm-${a.id}`, className: `severity-${a.severity}${a.acknowledgedBy ? ' acknowledged' : ''}` },
                h('time', { text: formatTime(a.at) }),
                h('span', { className: 'severity', text: a.severity }),
                h('span', { className: 'source', text: a.source }),
                h('span', { className: 'message', text: a.message }),
                a.acknowledgedBy
                  ? h('span', { className: 'ack', text: `acknowledged by ${a.acknowledgedBy}` })
                  : commandButton(this.actions, { testId: `alarm-ack-${a.id}`, text: 'Acknowledge', className: 'quiet' }, { type: 'acknowledgeAlarm', alarmId: a.id }),
              );
              item.dataset['severity'] = a.severity;
              return item;
            })),
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
