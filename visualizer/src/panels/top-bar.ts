import type { ConnectionStatus } from '../mqtt/broker-connection.ts';
import type { ConsoleViewModel } from '../view-model/console-view-model.ts';
import type { ConsoleActions } from './console-actions.ts';
import { h, setAttr, setText } from './dom.ts';

const STATUS_TEXT: Record<ConnectionStatus, string> = {
  connecting: 'connecting…',
  connected: 'connected',
  reconnecting: 'reconnecting…',
  offline: 'offline',
};

/**
 * The bar over the scene: connection, robot count, the emergency stop and resume-all buttons,
 * the camera buttons, and the latest reply to this console's commands.
 */
export class TopBar {
  readonly element: HTMLElement;
  private readonly status: HTMLElement;
  private readonly robotCount: HTMLElement;
  private readonly estopBanner: HTMLElement;
  private readonly lastReply: HTMLElement;

  constructor(actions: ConsoleActions) {
    this.status = h('span', { className: 'status', testId: 'connection-status', text: 'starting…', attrs: { 'data-state': 'starting' } });
    this.robotCount = h('span', { className: 'count', testId: 'robot-count', text: '0' });
    this.estopBanner = h('span', { className: 'estop-banner', testId: 'estop-banner', text: 'EMERGENCY STOP IN FORCE' });
    this.estopBanner.hidden = true;
    this.lastReply = h('span', { className: 'last-reply', testId: 'last-reply', attrs: { 'data-ok': '' } });
    this.element = h(
      'header',
      { className: 'top-bar' },
      h('span', { className: 'brand', text: 'Gridline' }),
      this.status,
      h('span', { className: 'robots' }, 'Robots: ', this.robotCount),
      h('button', { className: 'estop', testId: 'estop-all', text: 'EMERGENCY STOP ALL', onClick: () => actions.send({ type: 'emergencyStopAll' }) }),
      h('button', { className: 'resume', testId: 'resume-all', text: 'Resume all', onClick: () => actions.send({ type: 'resumeAll' }) }),
      this.estopBanner,
      h('button', { testId: 'top-view', text: 'Top view', onClick: () => actions.topView() }),
      h('button', { testId: 'overview', text: '3D view', onClick: () => actions.overview() }),
      this.lastReply,
    );
  }

  setStatus(status: ConnectionStatus | 'error', detail: string): void {
    setText(this.status, status === 'error' ? `not started: ${detail}` : STATUS_TEXT[status]);
    setAttr(this.status, 'data-state', status);
    this.status.title = detail;
  }

  update(vm: ConsoleViewModel): void {
    setText(this.robotCount, String(vm.robotCount()));
    this.estopBanner.hidden = !vm.emergencyStop;
    const last = vm.lastReply;
    if (last?.reply) {
      setText(this.lastReply, last.reply.message);
      setAttr(this.lastReply, 'data-ok', String(last.reply.ok));
      setAttr(this.lastReply, 'data-command', last.command.type);
      this.lastReply.title = `${last.command.type} (${last.command.commandId}): ${last.reply.code}`;
    }
  }
}
