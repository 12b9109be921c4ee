import type { Clock, TimerHandle } from '../../protocol/clock.ts';
import type { ConsoleReplyDraft, ConsoleServerLink, ReceivedConsoleCommand } from '../../protocol/console/console-links.ts';
import type { ConsoleCommand } from '../../protocol/console/console-messages.ts';
import type { GridLayout } from '../../protocol/layout/index.ts';
import type { ControllerOptions } from '../controller-options.ts';
import { internalErrorReason } from '../error-boundary.ts';
import type { GridController, OperatorOutcome, OutcomeListener } from '../grid-controller.ts';
import { columnHeights, consoleLayoutDraft } from '../console/console-layout.ts';
import { ConsoleStateBuilder } from '../console/console-state.ts';
import type { Role } from '../security/identities.ts';
import { commandRefusal } from '../security/console-permissions.ts';
import type { AuditLog } from '../store/audit-log.ts';

/**
 * Who gives commands and where they are written down. Absent (a facility on the in-process
 * bus, where nothing crosses a network), every command runs and nothing is logged.
 */
export interface ConsoleAccountability {
  /** The role of a console user by name; undefined for no such user. */
  roleOf(user: string): Role | undefined;
  readonly audit: Pick<AuditLog, 'has' | 'record' | 'settleOutcome'>;
  /** Wall-clock ms for the log's entries (the facility's clock may run faster). */
  now(): number;
}

/** Where the console messages go: the controller's end of the console link. */
export type ConsoleOutput = Pick<ConsoleServerLink, 'publishLayout' | 'publishStacks' | 'publishState' | 'reply'>;

/** Stack heights are checked for changes, and published if any, this often at most, clock ms. */
export const STACKS_PERIOD_MS = 1_000;

/** Commands remembered for answering repeats. */
const REMEMBERED_REPLIES = 256;

/**
 * The operator console's controller end. Publishes the grid once at start (`console/layout`),
 * the bins per column at start and within a second of any change (`console/stacks`), and the
 * facility's state every `consoleStatePeriodMs` (`console/state`); all retained, so a console
 * that connects sees everything at once. Every command gets exactly one reply: done, or refused
 * with a code and a reason (a refused command changes nothing). An emergency stop, a pause and
 * their ends are answered once each robot's own state confirmed them or their time ran out,
 * with every robot's outcome: never "done" for a stop no robot showed.
 *
 * With accountability, a command runs only if its user's role allows it, and every command is
 * written to the audit log (who, what, when; its outcome) before its reply goes out. A command
 * id a user has used before is never run again, and the repeat is raised: one of the latest
 * replies is sent again (a QoS 1 redelivery gets the answer it missed), an older one is refused.
 */
export class ConsoleGateway {
  /** Replies to the latest commands by user and commandId (commandKey), to answer a redelivered command the same way. */
  private readonly recentReplies = new Map<string, ConsoleReplyDraft>();
  /** Commands whose reply waits on the robots (a repeat meanwhile runs nothing and is answered with it). */
  private readonly pending = new Set<string>();
  private readonly builder: ConsoleStateBuilder;
  private stateTimer: TimerHandle | null = null;
  private stacksTimer: TimerHandle | null = null;
  private publishedStackVersion = -1;

  constructor(
    private readonly controller: GridController,
    private readonly out: ConsoleOutput,
    private readonly clock: Clock,
    private readonly layout: GridLayout,
    private readonly options: Pick<ControllerOptions, 'consoleStatePeriodMs' | 'interfaceName' | 'manufacturer'>,
    private readonly accountability: ConsoleAccountability | null = null,
  ) {
    if (!(options.consoleStatePeriodMs > 0)) throw new RangeError(`consoleStatePeriodMs must be > 0, got ${options.consoleStatePeriodMs}`);
    this.builder = new ConsoleStateBuilder(controller);
  }

  /** Publishes layout, stacks and state, then keeps stacks and state coming. */
  start(): void {
    if (this.stateTimer !== null) return;
    this.out.publishLayout(consoleLayoutDraft(this.layout, this.options, this.controller.robotSerials()));
    this.publishStacks();
    this.publishState();
    const state = () => {
      this.stateTimer = this.clock.setTimeout(state, this.options.consoleStatePeriodMs);
      this.controller.boundary.run('console state', () => this.publishState());
    };
    const stacks = () => {
      this.stacksTimer = this.clock.setTimeout(stacks, STACKS_PERIOD_MS);
      this.controller.boundary.run('console stacks', () => {
        if (this.controller.stackVersion !== this.publishedStackVersion) this.publishStacks();
      });
    };
    this.stateTimer = this.clock.setTimeout(state, this.options.consoleStatePeriodMs);
    this.stacksTimer = this.clock.setTimeout(stacks, STACKS_PERIOD_MS);
  }

  stop(): void {
    if (this.stateTimer !== null) this.clock.clearTimeout(this.stateTimer);
    if (this.stacksTimer !== null) this.clock.clearTimeout(this.stacksTimer);
    this.stateTimer = null;
    this.stacksTimer = null;
  }

  publishState(): void {
    this.out.publishState(this.builder.build());
  }

  publishStacks(): void {
    const version = this.controller.stackVersion;
    this.out.publishStacks(columnHeights(this.controller.inventory, this.layout.columns.x, this.layout.columns.y));
    this.publishedStackVersion = version;
  }

  /**
   * Runs a command and sends its one reply (also returned, for tests; undefined while the reply
   * waits on the robots). An internal error is thrown on, to the error boundary (`recover`
   * answers the command). A command seen again (a QoS 1 redelivery, or a replay) is not run
   * twice: its first reply is sent again (and the repeat raised), or, while that is still to
   * come, nothing.
   */
  handle(received: ReceivedConsoleCommand, onReply?: (reply: ConsoleReplyDraft) => void): ConsoleReplyDraft | undefined {
    const reply = this.answer(received, onReply);
    if (reply) onReply?.(reply);
    return reply;
  }

  private answer(received: ReceivedConsoleCommand, onReply: ((reply: ConsoleReplyDraft) => void) | undefined): ConsoleReplyDraft | undefined {
    const { user } = received;
    const earlier = received.ok ? this.recentReplies.get(commandKey(user, received.command.commandId)) : undefined;
    if (earlier && received.ok) {
      // A redelivery (QoS 1 after a reconnect) or a replay: said either way, never run twice.
      this.controller.alarm('console', `${user} sent command ${received.command.commandId} (${received.command.type}) again; it was answered as before and not run again`);
      this.out.reply(user, earlier);
      return earlier;
    }
    if (!received.ok) return this.send(user, { commandId: received.commandId, ok: false, code: 'INVALID_COMMAND', message: received.errors.join('; ') }, false);
    const command = received.command;
    const key = commandKey(user, command.commandId);
    if (this.pending.has(key)) return undefined;
    const accountable = this.accountability;
    // A column query changes nothing: it is answered, not logged.
    const audited = accountable !== null && command.type !== 'queryColumn';
    if (accountable && audited) {
      if (accountable.audit.has(user, command.commandId)) {
        this.controller.alarm('console', `${user} sent command ${command.commandId} (${command.type}) again; a command is run once, so it was refused`);
        return this.send(user, { commandId: command.commandId, ok: false, code: 'NOT_ALLOWED', message: `command ${command.commandId} was given before; it is not run again (send a new command)` }, false);
      }
      const role = accountable.roleOf(user);
      const refusal = commandRefusal(role, command.type);
      accountable.audit.record({ atMs: accountable.now(), user, role: role ?? 'unknown', commandId: command.commandId, command: JSON.stringify(command), outcome: refusal ? 'refused: NOT_ALLOWED' : 'running', detail: refusal ?? '' });
      if (refusal) return this.send(user, { commandId: command.commandId, ok: false, code: 'NOT_ALLOWED', message: `${user}: ${refusal}` }, true, true);
    }
    let deferred = false;
    // The robots' outcome may come in a robot's state: an error in answering it is the console's
    // (answered by recover), not that robot's.
    const result = this.run(command, user, (outcome) =>
      this.controller.boundary.run(
        'console',
        () => {
          this.pending.delete(key);
          // A command that failed meanwhile has had its one reply (recover).
          if (this.recentReplies.has(key)) return;
          const verified = this.send(user, { commandId: command.commandId, ...answer(outcome) }, true, audited);
          if (deferred) onReply?.(verified);
        },
        (error) => this.recover(received, error),
      ),
    );
    if (result !== 'awaiting robots') return this.send(user, { commandId: command.commandId, ...result }, true, audited);
    deferred = true;
    // The listener may have answered at once (no robot to wait for).
    if (!this.recentReplies.has(key)) this.pending.add(key);
    return this.recentReplies.get(key);
  }

  /**
   * A command whose handling threw (the error boundary calls this): a mistake in the
   * controller, not the operator's, and still answered, once: INTERNAL_ERROR, unless its
   * reply went out already.
   */
  recover(received: ReceivedConsoleCommand, error: Error): void {
    const key = received.ok ? commandKey(received.user, received.command.commandId) : '';
    if (!received.ok || this.recentReplies.has(key)) return;
    this.pending.delete(key);
    const audited = this.accountability !== null && received.command.type !== 'queryColumn';
    this.send(received.user, { commandId: received.command.commandId, ok: false, code: 'INTERNAL_ERROR', message: `${internalErrorReason(error)} (in ${received.command.type})` }, true, audited);
  }

  /**
   * Sends a reply (its message clipped) to `user`, remembering a valid command's for repeats;
   * an audited command's entry gets its outcome first, unless it has one already (the command
   * ran, and then its reply failed: the log keeps what was done).
   */
  private send(user: string, draft: ConsoleReplyDraft, remember: boolean, audited = false): ConsoleReplyDraft {
    const reply = { ...draft, message: clip(draft.message) };
    if (audited) this.accountability?.audit.settleOutcome(user, reply.commandId, reply.ok ? 'done' : `${reply.code === 'INTERNAL_ERROR' ? 'failed' : 'refused'}: ${reply.code}`, reply.message);
    // Sent first: a reply that cannot be built is not remembered as given (recover answers instead).
    this.out.reply(user, reply);
    if (remember) {
      this.recentReplies.set(commandKey(user, reply.commandId), reply);
      if (this.recentReplies.size > REMEMBERED_REPLIES) this.recentReplies.delete(this.recentReplies.keys().next().value!);
    }
    return reply;
  }

  /**
   * Runs a command: its reply, or 'awaiting robots' when `verified` will get the outcome (a
   * stop, a pause or their end; refused at once, e.g. an unknown robot, it replies at once).
   */
  private run(command: ConsoleCommand, user: string, verified: OutcomeListener): Omit<ConsoleReplyDraft, 'commandId'> | 'awaiting robots' {
    const c = this.controller;
    const awaiting = (outcome: OperatorOutcome) => (outcome.ok ? 'awaiting robots' : answer(outcome));
    switch (command.type) {
      case 'emergencyStopAll':
        return awaiting(c.emergencyStopAll(verified));
      case 'resumeAll':
        return awaiting(c.resumeAll(verified));
      case 'pauseRobot':
        return awaiting(c.pauseRobot(command.serial, verified));
      case 'resumeRobot':
        return awaiting(c.resumeRobot(command.serial, verified));
      case 'sendToService':
        return answer(c.sendToService(command.serial));
      case 'returnFromService':
        return answer(c.returnFromService(command.serial));
      case 'openPort':
        return answer(c.setPortOpen(command.portId, true));
      case 'closePort':
        return answer(c.setPortOpen(command.portId, false));
      case 'blockCell':
        return answer(c.blockCell(command.x, command.y));
      case 'unblockCell':
        return answer(c.unblockCell(command.x, command.y));
      case 'queryColumn':
        return this.queryColumn(command.x, command.y);
      case 'clearQuarantine':
        return answer(c.clearQuarantine(command.binId));
      case 'acknowledgeAlarm':
        return answer(c.acknowledgeAlarm(command.alarmId, user));
    }
  }

  /** A column's bins, bottom first, with what each holds. */
  private queryColumn(x: number, y: number): Omit<ConsoleReplyDraft, 'commandId'> {
    const { grid, inventory } = this.controller;
    if (!grid.inside(x, y)) return { ok: false, code: 'OUTSIDE_GRID', message: `cell (${x}, ${y}) is outside the ${grid.width} x ${grid.height} grid` };
    const bins = inventory.stack(x, y).map((binId, level) => ({ binId, level, contents: inventory.contents(binId) }));
    return { ok: true, code: 'OK', message: `column (${x}, ${y}) holds ${bins.length} bin${bins.length === 1 ? '' : 's'}`, column: { x, y, bins } };
  }
}

function answer(outcome: OperatorOutcome): Omit<ConsoleReplyDraft, 'commandId'> {
  if (!outcome.ok) return { ok: false, code: outcome.code, message: outcome.message };
  return { ok: true, code: 'OK', message: outcome.message, ...(outcome.robots ? { robots: outcome.robots.map((r) => ({ ...r, detail: r.detail.slice(0, 1000) })) } : {}) };
}

/** Commands are told apart by who gave them and their id (two users may pick the same id). */
function commandKey(user: string, commandId: string): string {
  return `${user}\u0000${commandId}`;
}

/** Replies carry at most 2,000 characters of message (the schema's limit). */
function clip(text: string): string {
  return text.length <= 2000 ? text : `${text.slice(0, 1999)}…`;
}
