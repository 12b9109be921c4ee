import type { ConsoleViewModel, RobotView } from '../view-model/console-view-model.ts';
import { cellKey } from '../view-model/grid-geometry.ts';
import type { ConsoleActions } from './console-actions.ts';
import { h, panel, setAttr, setText } from './dom.ts';

interface Row {
  readonly element: HTMLElement;
  readonly state: HTMLElement;
  readonly job: HTMLElement;
  readonly battery: HTMLElement;
  readonly errors: HTMLElement;
  readonly cell: HTMLElement;
}

/**
 * One row per robot the controller lists (`robot-row-{serial}`, with `data-cell="x,y"` its
 * latest reported cell, empty before its first position, `data-error` and `data-held`): state,
 * job, battery, errors, and the reason the controller holds it in alarm (marked like an error).
 * Rows are kept and only their changed text is written. A click selects the robot.
 */
export class RobotListPanel {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly rows = new Map<string, Row>();

  constructor(private readonly actions: ConsoleActions) {
    const { section, body } = panel('Robots', 'robot-list');
    this.list = h('div', { className: 'robot-list' });
    body.append(this.list);
    this.element = section;
  }

  update(vm: ConsoleViewModel): void {
    const listed = vm.listedRobots();
    const keep = new Set<string>();
    const selected = vm.selection?.kind === 'robot' ? vm.selection.serial : null;
    let previous: Element | null = null;
    for (const robot of listed) {
      keep.add(robot.serial);
      const row = this.rows.get(robot.serial) ?? this.addRow(robot.serial);
      this.fill(row, robot, robot.serial === selected);
      // Keep the controller's order with as few DOM moves as possible.
      const expected: ChildNode | null = previous ? previous.nextSibling : this.list.firstChild;
      if (expected !== row.element) this.list.insertBefore(row.element, expected);
      previous = row.element;
    }
    for (const [serial, row] of this.rows) {
      if (!keep.has(serial)) {
        row.element.remove();
        this.rows.delete(serial);
      }
    }
  }

  private addRow(serial: string): Row {
    const state = h('span', { className: 'state' });
    const job = h('span', { className: 'job' });
    const battery = h('span', { className: 'battery' });
    const errors = h('span', { className: 'errors' });
    const cell = h('span', { className: 'cell' });
    const element = h(
      'div',
      { className: 'robot-row', testId: `robot-row-${serial}`, attrs: { 'data-cell': '' }, onClick: () => this.actions.select({ kind: 'robot', serial }) },
      h('span', { className: 'serial', text: serial }),
      state,
      battery,
      cell,
      job,
      errors,
    );
    const row = { element, state, job, battery, errors, cell };
    this.rows.set(serial, row);
    return row;
  }

  private fill(row: Row, robot: RobotView, selected: boolean): void {
    const c = robot.controller;
    const cell = robot.reportedCell ? cellKey(robot.reportedCell.x, robot.reportedCell.y) : '';
    setAttr(row.element, 'data-cell', cell);
    setAttr(row.element, 'data-error', String(robot.error));
    setAttr(row.element, 'data-held', String(robot.held));
    setAttr(row.element, 'class', `robot-row${robot.error ? ' error' : ''}${robot.held ? ' held' : ''}${robot.paused ? ' paused' : ''}${robot.offline ? ' offline' : ''}${selected ? ' selected' : ''}`);
    const flags = [c?.state ?? 'unknown', robot.held ? 'HELD' : '', robot.paused ? 'paused' : '', c?.inService ? 'in service' : '', robot.lifting ? 'lifting' : '', robot.carrying ? `carrying ${robot.carrying}` : ''];
    setText(row.state, flags.filter((f) => f !== '').join(' · '));
    setText(row.job, c?.job ?? '');
    const battery = c?.batteryPercent ?? robot.report?.batteryPercent;
    setText(row.battery, battery === undefined ? '' : `${Math.round(battery)} %${(c?.charging ?? robot.report?.charging) ? ' ⚡' : ''}`);
    setText(row.cell, cell === '' ? '–' : `(${cell})`);
    const errors = [...(robot.report?.errors ?? []), ...(c?.errors ?? [])];
    const unique = [...new Set(errors.map((e) => `${e.errorLevel === 'FATAL' ? '✖' : '⚠'} ${e.errorType}`))];
    const hold = c?.hold ? `✖ held: ${c.hold}` : '';
    setText(row.errors, [hold, ...unique, robot.report?.eStop ? '✖ eStop' : ''].filter((t) => t !== '').join(', '));
    setAttr(row.errors, 'title', hold);
  }
}
