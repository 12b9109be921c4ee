import type { ConsoleViewModel, QuarantinedBinView } from '../view-model/console-view-model.ts';
import { commandButton } from './command-button.ts';
import type { ConsoleActions } from './console-actions.ts';
import { h, panel, setAttr, setText } from './dom.ts';

interface Row {
  readonly element: HTMLElement;
  readonly reason: HTMLElement;
  readonly button: HTMLButtonElement;
  readonly status: HTMLElement;
  /** The user may not clear a quarantine: the button stays disabled. */
  readonly refused: boolean;
}

/**
 * Bins whose whereabouts are in doubt (`quarantine-row-{binId}`): the controller offers them
 * to no request until a supervisor clears them. Each row gives the reason, a "Clear quarantine"
 * control (`quarantine-clear-{binId}`) sending clearQuarantine (disabled, saying why, for
 * anyone but a supervisor), and what came of this
 * console's latest clear (`quarantine-status-{binId}`). Rows are kept while the bin is listed,
 * so a click never lands on a button that was just replaced.
 */
export class QuarantinePanel {
  readonly element: HTMLElement;
  private readonly count: HTMLElement;
  private readonly list: HTMLElement;
  private readonly none: HTMLElement;
  private readonly rows = new Map<string, Row>();

  constructor(private readonly actions: ConsoleActions) {
    const { section, body } = panel('Quarantined bins', 'quarantine');
    this.count = h('div', { className: 'summary', testId: 'quarantine-count', text: '0 bins: offered to no request until cleared' });
    this.count.hidden = true;
    this.none = h('div', { className: 'none', text: 'No bins in quarantine' });
    this.list = h('ol', { className: 'quarantine-list' });
    body.append(this.count, this.none, this.list);
    this.element = section;
  }

  update(vm: ConsoleViewModel): void {
    const bins = vm.quarantinedBins();
    setText(this.count, `${bins.length} bin${bins.length === 1 ? '' : 's'}: offered to no request until cleared`);
    this.count.hidden = bins.length === 0;
    this.element.classList.toggle('has-quarantine', bins.length > 0);
    this.none.hidden = bins.length > 0;
    const keep = new Set<string>();
    let previous: Element | null = null;
    for (const bin of bins) {
      keep.add(bin.binId);
      const row = this.rows.get(bin.binId) ?? this.addRow(bin.binId);
      fill(row, bin);
      const expected: ChildNode | null = previous ? previous.nextSibling : this.list.firstChild;
      if (expected !== row.element) this.list.insertBefore(row.element, expected);
      previous = row.element;
    }
    for (const [binId, row] of this.rows) {
      if (!keep.has(binId)) {
        row.element.remove();
        this.rows.delete(binId);
      }
    }
  }

  private addRow(binId: string): Row {
    const reason = h('div', { className: 'reason' });
    const status = h('div', { className: 'clear-status', testId: `quarantine-status-${binId}` });
    const button = commandButton(this.actions, { testId: `quarantine-clear-${binId}`, text: 'Clear quarantine' }, { type: 'clearQuarantine', binId });
    const element = h('li', { className: 'quarantine-row', testId: `quarantine-row-${binId}` }, h('span', { className: 'bin', text: binId }), button, reason, status);
    const row = { element, reason, button, status, refused: button.disabled };
    this.rows.set(binId, row);
    return row;
  }
}

function fill(row: Row, bin: QuarantinedBinView): void {
  setText(row.reason, bin.reason);
  const clear = bin.clear;
  setText(row.status, clear ? clear.headline : '');
  setAttr(row.status, 'data-tone', clear?.tone ?? '');
  row.button.disabled = row.refused || clear?.phase === 'pending';
}
