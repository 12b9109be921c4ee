import type { AuditParse, AuditRow } from '../view-model/audit-entries.ts';
import { formatTime, h, setText } from './dom.ts';

/**
 * The operators' audit log (people only): every console command with who gave it, when, and
 * its outcome, newest first, as the controller wrote it. Closed at first; opening it
 * (`audit-toggle`) loads the newest entries, and so does each reply to this console's commands
 * while it is open (`refresh`), or its Refresh button. Rows: `audit-row` with
 * `data-command-id`, `data-user`, `data-outcome`; `audit-status` says when it was loaded, or why not.
 */
export class AuditPanel {
  readonly element: HTMLElement;
  private readonly toggle: HTMLButtonElement;
  private readonly reload: HTMLButtonElement;
  private readonly content: HTMLElement;
  private readonly status: HTMLElement;
  private readonly rows: HTMLElement;
  private open = false;
  /** Loads are numbered so that a slow answer never overwrites a newer one. */
  private requested = 0;

  constructor(private readonly load: () => Promise<AuditParse>) {
    this.toggle = h('button', { className: 'quiet', testId: 'audit-toggle', text: 'Show', onClick: () => this.setOpen(!this.open) });
    this.reload = h('button', { className: 'quiet', testId: 'audit-refresh', text: 'Refresh', onClick: () => this.refresh() });
    this.status = h('div', { className: 'summary', testId: 'audit-status' });
    this.rows = h('tbody', {});
    const table = h('table', { className: 'audit' }, h('thead', {}, h('tr', {}, h('th', { text: 'Time' }), h('th', { text: 'User' }), h('th', { text: 'Command' }), h('th', { text: 'Outcome' }))), this.rows);
    this.content = h('div', { className: 'audit-log' }, this.status, table);
    this.content.hidden = true;
    this.reload.hidden = true;
    this.element = h('section', { className: 'panel', testId: 'audit' }, h('h2', { className: 'with-buttons' }, h('span', { text: 'Audit log' }), this.reload, this.toggle), this.content);
  }

  /** Loads the newest entries again, if the panel is open. */
  refresh(): void {
    if (!this.open) return;
    const ticket = ++this.requested;
    setText(this.status, 'loading…');
    this.status.dataset['state'] = 'loading';
    void this.load().then((result) => {
      if (ticket !== this.requested || !this.open) return;
      if (!result.ok) {
        setText(this.status, `The audit log could not be loaded: ${result.error}`);
        this.status.dataset['state'] = 'error';
        return;
      }
      this.status.dataset['state'] = 'loaded';
      setText(this.status, `${result.rows.length === 0 ? 'No commands given yet' : `The newest ${result.rows.length} commands`}, as of ${new Date().toLocaleTimeString()}`);
      this.rows.replaceChildren(...result.rows.map(row));
    });
  }

  private setOpen(open: boolean): void {
    this.open = open;
    this.content.hidden = !open;
    this.reload.hidden = !open;
    setText(this.toggle, open ? 'Hide' : 'Show');
    if (open) this.refresh();
  }
}

function row(entry: AuditRow): HTMLElement {
  return h(
    'tr',
    { testId: 'audit-row', title: `${entry.commandId}${entry.detail ? `: ${entry.detail}` : ''}`, attrs: { 'data-command-id': entry.commandId, 'data-user': entry.user, 'data-outcome': entry.outcome } },
    h('td', { className: 'time', text: formatTime(entry.at) }),
    h('td', { text: `${entry.user} (${entry.role})` }),
    h('td', { text: entry.what }),
    h('td', { className: `outcome ${entry.tone}`, text: entry.outcome }),
  );
}
