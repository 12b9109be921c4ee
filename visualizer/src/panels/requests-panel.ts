import type { ConsoleRequest } from '../../../protocol/console/console-messages.ts';
import type { ConsoleViewModel } from '../view-model/console-view-model.ts';
import { h, panel, setAttr, setText } from './dom.ts';

interface Row {
  readonly element: HTMLElement;
  readonly status: HTMLElement;
  readonly progress: HTMLElement;
  readonly bar: HTMLElement;
}

const OPEN: ReadonlySet<ConsoleRequest['status']> = new Set(['queued', 'inProgress']);

/** The controller's open and recently finished requests, open first, each with a progress bar. */
export class RequestsPanel {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly rows = new Map<string, Row>();

  constructor() {
    const { section, body } = panel('Requests', 'requests');
    this.summary = h('div', { className: 'summary' });
    this.list = h('div', { className: 'request-list' });
    body.append(this.summary, this.list);
    this.element = section;
  }

  update(vm: ConsoleViewModel): void {
    const requests = [...vm.requests].sort((a, b) => Number(OPEN.has(b.status)) - Number(OPEN.has(a.status)));
    const open = requests.filter((r) => OPEN.has(r.status)).length;
    setText(this.summary, `${open} open, ${requests.length - open} finished`);
    const keep = new Set<string>();
    let previous: Element | null = null;
    for (const request of requests) {
      keep.add(request.requestId);
      const row = this.rows.get(request.requestId) ?? this.addRow(request);
      setText(row.status, request.status);
      setText(row.progress, request.progress);
      row.bar.style.width = `${Math.round(request.fraction * 100)}%`;
      setAttr(row.element, 'class', `request-row ${request.status}`);
      const expected: ChildNode | null = previous ? previous.nextSibling : this.list.firstChild;
      if (expected !== row.element) this.list.insertBefore(row.element, expected);
      previous = row.element;
    }
    for (const [id, row] of this.rows) {
      if (!keep.has(id)) {
        row.element.remove();
        this.rows.delete(id);
      }
    }
  }

  private addRow(request: ConsoleRequest): Row {
    const status = h('span', { className: 'status' });
    const progress = h('span', { className: 'progress-text' });
    const bar = h('div', { className: 'bar' });
    const element = h(
      'div',
      { className: 'request-row', testId: `request-row-${request.requestId}` },
      h('span', { className: 'id', text: request.requestId }),
      h('span', { className: 'type', text: request.type }),
      status,
      progress,
      h('div', { className: 'progress' }, bar),
    );
    const row = { element, status, progress, bar };
    this.rows.set(request.requestId, row);
    return row;
  }
}
