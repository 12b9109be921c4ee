import type { CommandBody } from '../view-model/command-tracker.ts';
import type { ConsoleViewModel, Selection, SelectionDetails } from '../view-model/console-view-model.ts';
import { cellKey } from '../view-model/grid-geometry.ts';
import { commandButton } from './command-button.ts';
import type { ConsoleActions } from './console-actions.ts';
import { h, panel, setText } from './dom.ts';

/**
 * The selected robot, column or port: what is known of it, and its controls (pause/resume and
 * service for a robot, open/close for a port, block/unblock for a cell). A robot the
 * controller holds in alarm shows why first (`robot-hold`), and its Resume clears the hold; its
 * factsheet's actions are listed (`robot-capabilities`, "no factsheet yet" before one came). A column's bins and
 * their SKUs come from the controller's answer to the queryColumn sent on selection (not for a
 * user who gives no commands: the reason is shown instead). A control the user may not give is
 * disabled, with the reason as its tooltip. The controls are rebuilt only when the selection changes, so a click never lands on a
 * button that was just replaced; the information is rebuilt when it changes.
 */
export class DetailsPanel {
  readonly element: HTMLElement;
  private readonly title: HTMLElement;
  private readonly controls: HTMLElement;
  private readonly info: HTMLElement;
  private shownSelection: Selection | null | undefined = undefined;
  private shownInfo = '';
  private resumeButton: HTMLButtonElement | null = null;

  constructor(private readonly actions: ConsoleActions) {
    const { section, body } = panel('Selection', 'details');
    this.title = h('div', { className: 'details-title', testId: 'details-title', text: 'Nothing selected: click a robot, a column or a port' });
    this.controls = h('div', { className: 'details-controls' });
    this.info = h('div', { className: 'details-info', testId: 'details-info' });
    body.append(this.title, this.controls, this.info);
    this.element = section;
  }

  update(vm: ConsoleViewModel): void {
    const selection = vm.selection;
    if (selection !== this.shownSelection) {
      this.shownSelection = selection;
      this.resumeButton = null;
      this.controls.replaceChildren(...this.buttonsFor(selection, vm));
    }
    const details = vm.selectionDetails();
    if (this.resumeButton) {
      // The same button, relabelled: resumeRobot also ends a hold in alarm.
      const held = details?.kind === 'robot' && details.hold !== null;
      setText(this.resumeButton, held ? 'Resume (clears hold)' : 'Resume');
      this.resumeButton.classList.toggle('attention', held);
    }
    const rows = details ? describe(details, this.actions.refusal('queryColumn')) : [];
    const signature = JSON.stringify(rows);
    if (signature === this.shownInfo) return;
    this.shownInfo = signature;
    setText(this.title, details ? titleOf(details) : selection ? 'Selected item is not known (yet)' : 'Nothing selected: click a robot, a column or a port');
    this.info.replaceChildren(...rows.map(renderRow));
  }

  private buttonsFor(selection: Selection | null, vm: ConsoleViewModel): HTMLElement[] {
    if (!selection) return [];
    const button = (testId: string, text: string, body: CommandBody) => commandButton(this.actions, { testId, text }, body);
    const deselect = h('button', { testId: 'deselect', text: 'Deselect', className: 'quiet', onClick: () => this.actions.select(null) });
    switch (selection.kind) {
      case 'robot': {
        const serial = selection.serial;
        this.resumeButton = button('robot-resume', 'Resume', { type: 'resumeRobot', serial });
        return [
          button('robot-pause', 'Pause', { type: 'pauseRobot', serial }),
          this.resumeButton,
          button('robot-service', 'Send to service', { type: 'sendToService', serial }),
          button('robot-return', 'Return from service', { type: 'returnFromService', serial }),
          deselect,
        ];
      }
      case 'column': {
        const { x, y } = selection;
        const refusal = this.actions.refusal('queryColumn');
        const refresh = h('button', { testId: 'column-refresh', text: 'Refresh bins', ...(refusal ? { title: refusal } : {}), onClick: () => this.actions.select({ kind: 'column', x, y }) });
        refresh.disabled = refusal !== null;
        return [button('cell-block', 'Block cell', { type: 'blockCell', x, y }), button('cell-unblock', 'Unblock cell', { type: 'unblockCell', x, y }), refresh, deselect];
      }
      case 'port': {
        const portId = selection.portId;
        const cell = vm.port(portId)?.cell;
        const link = h('a', { className: 'button-link', testId: 'port-screen-link', text: 'Port screen', attrs: { href: `port.html?port=${encodeURIComponent(portId)}`, target: '_blank', rel: 'noopener' } });
        return [
          button('port-open', 'Open port', { type: 'openPort', portId }),
          button('port-close', 'Close port', { type: 'closePort', portId }),
          ...(cell ? [button('cell-block', 'Block cell', { type: 'blockCell', x: cell.x, y: cell.y }), button('cell-unblock', 'Unblock cell', { type: 'unblockCell', x: cell.x, y: cell.y })] : []),
          link,
          deselect,
        ];
      }
    }
  }
}

type InfoRow =
  | { readonly kind: 'pair'; readonly label: string; readonly value: string }
  /** Shown first and loud: why the controller holds the robot. */
  | { readonly kind: 'alert'; readonly label: string; readonly value: string; readonly testId: string }
  /** A list of short items, or `empty` when there is none. */
  | { readonly kind: 'chips'; readonly label: string; readonly items: readonly string[] | null; readonly empty: string; readonly testId: string }
  | { readonly kind: 'bins'; readonly bins: readonly { binId: string; level: number; contents: string }[] };

function pair(label: string, value: string): InfoRow {
  return { kind: 'pair', label, value };
}

function titleOf(details: SelectionDetails): string {
  switch (details.kind) {
    case 'robot':
      return `Robot ${details.robot.serial}`;
    case 'column':
      return `Column (${details.x}, ${details.y})`;
    case 'port':
      return `Port ${details.port.id}`;
  }
}

/** `queryRefusal`: why this user cannot ask for a column's bins, or null when they can. */
function describe(details: SelectionDetails, queryRefusal: string | null): InfoRow[] {
  switch (details.kind) {
    case 'robot': {
      const { robot } = details;
      const c = robot.controller;
      const r = robot.report;
      // The robot's own report and the controller's list usually name the same errors: one line each.
      const byType = new Map<string, string>();
      for (const e of [...(c?.errors ?? []), ...(r?.errors ?? [])]) {
        const key = `${e.errorLevel} ${e.errorType}`;
        if (!byType.has(key) || e.errorDescription) byType.set(key, `${key}${e.errorDescription ? `: ${e.errorDescription}` : ''}`);
      }
      const errors = [...byType.values()];
      return [
        ...(details.hold !== null ? [{ kind: 'alert' as const, label: 'HELD IN ALARM: takes no work until resumed', value: details.hold, testId: 'robot-hold' }] : []),
        pair('Controller state', c ? c.state : 'not listed by the controller'),
        pair('Machine', c ? c.machine : '–'),
        pair('Job', c?.job ?? '–'),
        pair('Online', c ? (c.online ? 'yes' : 'no') : '–'),
        pair('Paused', robot.paused ? 'yes' : 'no'),
        pair('Held in alarm', details.hold !== null ? 'yes: Resume clears it' : 'no'),
        pair('In service', c?.inService ? 'yes' : 'no'),
        pair('Battery', c ? `${Math.round(c.batteryPercent)} %${c.charging ? ', charging' : ''}` : r ? `${Math.round(r.batteryPercent)} %` : '–'),
        pair('Reported cell', robot.reportedCell ? `(${cellKey(robot.reportedCell.x, robot.reportedCell.y)})` : 'no position yet'),
        pair('Position', r?.positionM ? `${r.positionM.x.toFixed(2)} m, ${r.positionM.y.toFixed(2)} m` : '–'),
        pair('Gripper', robot.lifting ? `${r?.liftAction ?? 'lifting'} running` : 'up'),
        pair('Carrying', robot.carrying ?? 'nothing'),
        pair('Emergency stop', r?.eStop ? 'in force' : 'no'),
        pair('Errors', errors.length > 0 ? errors.join('; ') : 'none'),
        pair('Reserved cells', details.reservedCells.length > 0 ? details.reservedCells.map(([x, y]) => `(${x},${y})`).join(' ') : 'none'),
        { kind: 'chips', label: 'Capabilities', items: details.capabilities, empty: c ? 'no factsheet yet' : '–', testId: 'robot-capabilities' },
      ];
    }
    case 'column': {
      const rows: InfoRow[] = [
        pair('Kind', details.cellKind),
        pair('Bins', `${details.height} of ${details.depth}`),
        pair('Blocked by an operator', details.blockedByOperator ? 'yes' : 'no'),
        pair('Robots here', details.robotsHere.length > 0 ? details.robotsHere.join(', ') : 'none'),
      ];
      const query = details.query;
      if (queryRefusal) rows.push(pair('Contents', queryRefusal));
      else if (!query || query.status === 'pending') rows.push(pair('Contents', 'asking the controller…'));
      else if (query.status === 'timedOut') rows.push(pair('Contents', 'no answer from the controller'));
      else if (query.status === 'failed' || !query.detail) rows.push(pair('Contents', query.message ?? 'not available'));
      else if (query.detail.bins.length === 0) rows.push(pair('Contents', 'empty column'));
      else {
        const bins = [...query.detail.bins].sort((a, b) => b.level - a.level); // top first, as seen from above
        rows.push({ kind: 'bins', bins: bins.map((b) => ({ binId: b.binId, level: b.level, contents: b.contents.length > 0 ? b.contents.map((c) => `${c.sku} × ${c.quantity}`).join(', ') : 'empty' })) });
      }
      return rows;
    }
    case 'port': {
      const p = details.port;
      return [
        pair('Mode', p.mode),
        pair('Open', p.open ? 'yes' : 'no (finishes what it has)'),
        pair('Machine', p.machine ?? '–'),
        pair('Cell', p.cell ? `(${cellKey(p.cell.x, p.cell.y)})` : 'not in the layout'),
        pair('Presented', p.presented ?? 'no bin'),
        pair('Queue', p.queue.length > 0 ? p.queue.join(' → ') : 'empty'),
      ];
    }
  }
}

function renderRow(row: InfoRow): HTMLElement {
  switch (row.kind) {
    case 'pair':
      return h('div', { className: 'pair' }, h('span', { className: 'label', text: row.label }), h('span', { className: 'value', text: row.value }));
    case 'alert':
      return h('div', { className: 'alert', testId: row.testId }, h('div', { className: 'alert-label', text: row.label }), h('div', { className: 'alert-value', text: row.value }));
    case 'chips':
      return h(
        'div',
        { className: 'pair' },
        h('span', { className: 'label', text: row.label }),
        row.items && row.items.length > 0
          ? h('span', { className: 'value chips', testId: row.testId }, ...row.items.map((item) => h('span', { className: 'chip', text: item })))
          : h('span', { className: 'value none', testId: row.testId, text: row.items ? 'the factsheet lists no actions' : row.empty }),
      );
    case 'bins':
      return renderBins(row);
  }
}

function renderBins(row: Extract<InfoRow, { kind: 'bins' }>): HTMLElement {
  return h(
    'table',
    { className: 'bins', testId: 'column-bins' },
    h('thead', {}, h('tr', {}, h('th', { text: 'Level' }), h('th', { text: 'Bin' }), h('th', { text: 'Contents' }))),
    h('tbody', {}, ...row.bins.map((b) => h('tr', {}, h('td', { text: String(b.level) }), h('td', { text: b.binId }), h('td', { text: b.contents })))),
  );
}
