import { robotOutcomeLines, type CommandOutcomeView } from '../view-model/command-outcome.ts';
import type { ConsoleViewModel } from '../view-model/console-view-model.ts';
import { h, panel } from './dom.ts';

/** Commands shown, newest first. */
const SHOWN = 8;
/** Robots not confirmed listed per command (the rest are counted). */
const PROBLEMS_SHOWN = 12;

/**
 * This console's commands, newest first: those awaiting their reply ("emergency stop sent,
 * waiting for robots to confirm…"), then what came of each. A stop, pause or resume shows how
 * many robots confirmed it and each robot that did not, with why. Rows (`command-row`, with
 * `data-command`, `data-phase` and `data-tone`) are rebuilt only when a command is sent or
 * answered or times out; they hold no buttons.
 */
export class CommandLogPanel {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  /** What the list shows (null before the first update, so that an empty log is drawn too). */
  private shown: string | null = null;

  constructor() {
    const { section, body } = panel('Commands', 'command-log');
    this.list = h('ol', { className: 'command-list' });
    body.append(this.list);
    this.element = section;
  }

  update(vm: ConsoleViewModel): void {
    const feed = vm.commandFeed(SHOWN);
    const signature = feed.map((c) => `${c.commandId}:${c.phase}`).join('|');
    if (signature === this.shown) return;
    this.shown = signature;
    this.list.replaceChildren(...(feed.length === 0 ? [h('li', { className: 'none', text: 'No commands sent from this console' })] : feed.map(row)));
  }
}

function row(view: CommandOutcomeView): HTMLElement {
  const item = h(
    'li',
    { className: `command-row ${view.tone}`, testId: 'command-row', title: view.headline, attrs: { 'data-command': view.type, 'data-phase': view.phase, 'data-tone': view.tone } },
    h('div', { className: 'summary', text: view.summary }),
  );
  if (view.robots && view.robots.problems.length > 0) {
    const problems = robotOutcomeLines(view.robots, PROBLEMS_SHOWN).slice(1);
    item.append(h('ul', { className: 'robot-problems', testId: 'command-robot-problems' }, ...problems.map((text) => h('li', { text }))));
  }
  return item;
}
