import type { ConnectionStatus } from '../mqtt/broker-connection.ts';
import { robotOutcomeLines, type CommandOutcomeView } from '../view-model/command-outcome.ts';
import type { ConsoleViewModel, EmergencyStopView } from '../view-model/console-view-model.ts';
import { commandButton } from './command-button.ts';
import type { ConsoleActions } from './console-actions.ts';
import { h, setAttr, setText } from './dom.ts';

const STATUS_TEXT: Record<ConnectionStatus, string> = {
  connecting: 'connecting…',
  connected: 'connected',
  reconnecting: 'reconnecting…',
  offline: 'offline',
};

/**
 * The bar over the scene: connection, robot count, the emergency stop and resume-all buttons
 * (disabled, saying why, for a user who may not give them), the emergency stop indicator, the
 * camera buttons, this console's latest command: pending ("emergency stop sent, waiting for
 * robots to confirm…") or what came of it, and who is logged in, with their role and Log out.
 *
 * The indicator (`estop-banner`, `data-state`) claims no more than the robots showed: `sent`
 * (this console's stop awaits its reply, the controller has not shown it in force yet),
 * `requested` (in force at the controller; not every robot's own state shows it stopped yet),
 * `confirmed` (every robot the controller lists shows it stopped in its own latest state).
 */
export class TopBar {
  readonly element: HTMLElement;
  private readonly status: HTMLElement;
  private readonly robotCount: HTMLElement;
  private readonly estopBanner: HTMLElement;
  private readonly lastReply: HTMLElement;

  constructor(actions: ConsoleActions, user: { readonly name: string; readonly role: string } | null) {
    this.status = h('span', { className: 'status', testId: 'connection-status', text: 'starting…', attrs: { 'data-state': 'starting' } });
    this.robotCount = h('span', { className: 'count', testId: 'robot-count', text: '0' });
    this.estopBanner = h('span', { className: 'estop-banner', testId: 'estop-banner', attrs: { 'data-state': 'off' } });
    this.estopBanner.hidden = true;
    this.lastReply = h('span', { className: 'last-reply', testId: 'last-reply', attrs: { 'data-ok': '', 'data-phase': '' } });
    this.element = h(
      'header',
      { className: 'top-bar' },
      h('span', { className: 'brand', text: 'Gridline' }),
      this.status,
      h('span', { className: 'robots' }, 'Robots: ', this.robotCount),
      commandButton(actions, { className: 'estop', testId: 'estop-all', text: 'EMERGENCY STOP ALL' }, { type: 'emergencyStopAll' }),
      commandButton(actions, { className: 'resume', testId: 'resume-all', text: 'Resume all' }, { type: 'resumeAll' }),
      this.estopBanner,
      h('button', { testId: 'top-view', text: 'Top view', onClick: () => actions.topView() }),
      h('button', { testId: 'overview', text: '3D view', onClick: () => actions.overview() }),
      this.lastReply,
      ...(user
        ? [
            h(
              'span',
              { className: 'session', title: `Logged in as ${user.name} (${user.role})` },
              h('span', { className: 'user', testId: 'session-user', text: user.name }),
              h('span', { className: 'role', testId: 'session-role', text: user.role }),
            ),
            h('button', { className: 'quiet', testId: 'logout', text: 'Log out', onClick: () => actions.logOut() }),
          ]
        : []),
    );
  }

  setStatus(status: ConnectionStatus | 'error', detail: string): void {
    setText(this.status, status === 'error' ? `not started: ${detail}` : STATUS_TEXT[status]);
    setAttr(this.status, 'data-state', status);
    this.status.title = detail;
  }

  update(vm: ConsoleViewModel): void {
    setText(this.robotCount, String(vm.robotCount()));
    this.showEmergencyStop(vm.emergencyStopView());
    const latest = vm.latestCommand;
    if (latest) this.showCommand(vm.describe(latest), latest.reply?.code ?? null);
  }

  private showEmergencyStop(view: EmergencyStopView): void {
    const state = view.requested ? (view.showingStopped === view.total ? 'confirmed' : 'requested') : view.sent ? 'sent' : 'off';
    this.estopBanner.hidden = state === 'off';
    setAttr(this.estopBanner, 'data-state', state);
    const robots = `${view.total} robot${view.total === 1 ? '' : 's'}`;
    const text =
      state === 'confirmed'
        ? `EMERGENCY STOP · all ${robots} show it stopped`
        : state === 'requested'
          ? `EMERGENCY STOP REQUESTED · ${view.showingStopped} of ${robots} show it stopped`
          : state === 'sent'
            ? 'EMERGENCY STOP SENT · waiting for robots to confirm…'
            : '';
    setText(this.estopBanner, text);
    const missing = view.total - view.showingStopped;
    this.estopBanner.title =
      state === 'requested' && missing > 0
        ? `Not shown stopped by their own state yet: ${view.notShowing.join(', ')}${missing > view.notShowing.length ? ` and ${missing - view.notShowing.length} more` : ''}`
        : '';
  }

  /** `data-ok` is "true" only when the command was done as asked: for a stop, pause or resume, every robot confirmed it. */
  private showCommand(view: CommandOutcomeView, code: string | null): void {
    setText(this.lastReply, view.headline);
    setAttr(this.lastReply, 'data-ok', view.phase === 'pending' ? '' : String(view.phase === 'done'));
    setAttr(this.lastReply, 'data-phase', view.phase);
    setAttr(this.lastReply, 'data-tone', view.tone);
    setAttr(this.lastReply, 'data-command', view.type);
    const detail = view.robots && view.robots.problems.length > 0 ? `\n${robotOutcomeLines(view.robots, 10).join('\n')}` : '';
    this.lastReply.title = `${view.type} (${view.commandId})${code ? `: ${code}` : ''}${detail}`;
  }
}
