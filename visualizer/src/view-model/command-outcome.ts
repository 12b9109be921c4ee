import type { ConsoleCommand, ConsoleCommandType, RobotStopOutcome } from '../../../protocol/console/console-messages.ts';
import type { SentCommand } from './command-tracker.ts';

/**
 * What one of this console's commands came to, in words for the top bar, the command log and
 * the toasts. An emergency stop, resume-all, a pause and a resume are answered only once each
 * robot's own VDA 5050 state showed it or its time ran out (the reply's `robots`): until then
 * they are pending, and they count as done only when every robot confirmed. Pure.
 */

/** Commands whose reply waits for the robots' own states. */
const AWAITS_ROBOTS: ReadonlySet<ConsoleCommandType> = new Set(['emergencyStopAll', 'resumeAll', 'pauseRobot', 'resumeRobot']);

export function awaitsRobots(type: ConsoleCommandType): boolean {
  return AWAITS_ROBOTS.has(type);
}

/**
 * pending: no reply yet; done: answered and, for a command awaiting robots, every robot
 * confirmed; partial: answered, but some robot did not confirm (or was not asked: not
 * supported); failed: refused by the controller; timedOut: no reply in time (a late one still counts).
 */
export type CommandPhase = 'pending' | 'done' | 'partial' | 'failed' | 'timedOut';

/** How it should look: pending, fine, worth a look, or not done. */
export type CommandTone = 'pending' | 'ok' | 'warn' | 'fail';

export interface RobotOutcomeCounts {
  readonly total: number;
  readonly confirmed: number;
  readonly notConfirmed: number;
  readonly notSupported: number;
  /** The slowest confirmation, clock ms, or null when none confirmed (or none said how fast). */
  readonly slowestConfirmedMs: number | null;
  /** Every robot that did not confirm, with how it was asked and why, in the reply's order. */
  readonly problems: readonly RobotStopOutcome[];
}

export interface CommandOutcomeView {
  readonly commandId: string;
  readonly type: ConsoleCommandType;
  /** The command in words, e.g. "emergency stop", "pause of R3", "clear quarantine of bin B7". */
  readonly what: string;
  readonly phase: CommandPhase;
  readonly tone: CommandTone;
  /** One line: what is awaited, or the controller's answer (which, for a stop, names every robot not confirmed). */
  readonly headline: string;
  /** The headline without the per-robot list: for a reply with robots, "emergency stop: 10 of 12 robots confirmed (slowest 420 ms)". */
  readonly summary: string;
  /** Per-robot outcome, for a reply that carries one; null otherwise. */
  readonly robots: RobotOutcomeCounts | null;
  readonly sentAtMs: number;
  readonly repliedAtMs: number | null;
}

export function commandWhat(command: ConsoleCommand): string {
  switch (command.type) {
    case 'emergencyStopAll':
      return 'emergency stop';
    case 'resumeAll':
      return 'resume all (release of the emergency stop)';
    case 'pauseRobot':
      return `pause of ${command.serial}`;
    case 'resumeRobot':
      return `resume of ${command.serial}`;
    case 'sendToService':
      return `send ${command.serial} to service`;
    case 'returnFromService':
      return `return ${command.serial} from service`;
    case 'openPort':
      return `open port ${command.portId}`;
    case 'closePort':
      return `close port ${command.portId}`;
    case 'blockCell':
      return `block cell (${command.x}, ${command.y})`;
    case 'unblockCell':
      return `unblock cell (${command.x}, ${command.y})`;
    case 'queryColumn':
      return `query column (${command.x}, ${command.y})`;
    case 'clearQuarantine':
      return `clear quarantine of bin ${command.binId}`;
    case 'acknowledgeAlarm':
      return `acknowledge alarm ${command.alarmId}`;
  }
}

/** Who must confirm, for the pending line. */
function confirmers(command: ConsoleCommand): string {
  return command.type === 'pauseRobot' || command.type === 'resumeRobot' ? command.serial : 'robots';
}

export function countOutcomes(outcomes: readonly RobotStopOutcome[]): RobotOutcomeCounts {
  let confirmed = 0;
  let notConfirmed = 0;
  let notSupported = 0;
  let slowest: number | null = null;
  const problems: RobotStopOutcome[] = [];
  for (const o of outcomes) {
    if (o.outcome === 'confirmed') {
      confirmed += 1;
      if (o.afterMs !== undefined && (slowest === null || o.afterMs > slowest)) slowest = o.afterMs;
    } else {
      if (o.outcome === 'notConfirmed') notConfirmed += 1;
      else notSupported += 1;
      problems.push(o);
    }
  }
  return { total: outcomes.length, confirmed, notConfirmed, notSupported, slowestConfirmedMs: slowest, problems };
}

/** A robot that did not confirm, in one line: "R013 not confirmed: …". */
export function describeRobotProblem(o: RobotStopOutcome): string {
  return `${o.serial} ${o.outcome === 'notSupported' ? 'not supported' : 'not confirmed'}: ${o.detail}`;
}

/** `replyTimeoutMs` is the time after which the command counted as unanswered (for the words only). */
export function describeCommand(sent: SentCommand, replyTimeoutMs: number): CommandOutcomeView {
  const command = sent.command;
  const what = commandWhat(command);
  const robotsAwaited = awaitsRobots(command.type);
  const base = { commandId: command.commandId, type: command.type, what, sentAtMs: sent.sentAtMs, repliedAtMs: sent.repliedAtMs };
  const reply = sent.reply;
  if (!reply) {
    if (sent.timedOut) {
      const seconds = Math.round(replyTimeoutMs / 1000);
      const headline = robotsAwaited
        ? `${what}: no reply from the controller within ${seconds} s; whether ${confirmers(command) === 'robots' ? 'the robots' : confirmers(command)} confirmed it is not known`
        : `${what}: no reply from the controller within ${seconds} s`;
      return { ...base, phase: 'timedOut', tone: 'fail', headline, summary: headline, robots: null };
    }
    const headline = robotsAwaited ? `${what} sent, waiting for ${confirmers(command)} to confirm…` : `${what} sent, waiting for the controller…`;
    return { ...base, phase: 'pending', tone: 'pending', headline, summary: headline, robots: null };
  }
  if (!reply.ok) {
    const headline = `${what} refused: ${reply.message}`;
    return { ...base, phase: 'failed', tone: 'fail', headline, summary: headline, robots: null };
  }
  const robots = reply.robots ? countOutcomes(reply.robots) : null;
  const summary = robots ? `${what}: ${robotOutcomeLines(robots, 0)[0]}` : reply.message;
  if (!robots || robots.problems.length === 0) return { ...base, phase: 'done', tone: 'ok', headline: reply.message, summary, robots };
  // A stop or pause some robot did not confirm leaves that robot possibly moving: not done.
  const stopping = command.type === 'emergencyStopAll' || command.type === 'pauseRobot';
  return { ...base, phase: 'partial', tone: stopping ? 'fail' : 'warn', headline: reply.message, summary, robots };
}

/**
 * The per-robot part in lines: "10 of 12 robots confirmed (slowest 420 ms)", then each robot
 * not confirmed or not supported, at most `maxProblems` of them and a count of the rest.
 */
export function robotOutcomeLines(robots: RobotOutcomeCounts, maxProblems = 20): string[] {
  const slowest = robots.slowestConfirmedMs !== null && robots.confirmed > 0 ? ` (slowest ${Math.round(robots.slowestConfirmedMs)} ms)` : '';
  const lines = [`${robots.confirmed} of ${robots.total} robot${robots.total === 1 ? '' : 's'} confirmed${slowest}`];
  for (const o of robots.problems.slice(0, maxProblems)) lines.push(describeRobotProblem(o));
  if (robots.problems.length > maxProblems && maxProblems > 0) lines.push(`… and ${robots.problems.length - maxProblems} more not confirmed`);
  return lines;
}
