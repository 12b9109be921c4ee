import { consoleCommandSchema, type ConsoleCommand, type ConsoleReply } from '../../../protocol/console/console-messages.ts';
import { awaitsRobots } from './command-outcome.ts';

const MAX_OPEN_COMMANDS = 1000;
/** Letters of a page's id prefix: 32 of them, so each random byte gives 5 unbiased bits. */
const PREFIX_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
/** 20 letters: 100 random bits, so no two pages of a user ever draw the same prefix in practice. */
const PREFIX_LETTERS = 20;

/** A random command id prefix for one page (crypto.getRandomValues: pages served over plain http have no randomUUID). */
export function newCommandIdPrefix(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(PREFIX_LETTERS));
  let prefix = '';
  for (const b of bytes) prefix += PREFIX_ALPHABET[b & 31];
  return prefix;
}

/** A command without its id: what a control asks for. */
export type CommandBody = ConsoleCommand extends infer C ? (C extends ConsoleCommand ? Omit<C, 'commandId'> : never) : never;

/** One command this console sent, and its reply once it came. */
export interface SentCommand {
  readonly command: ConsoleCommand;
  readonly sentAtMs: number;
  reply: ConsoleReply | null;
  repliedAtMs: number | null;
  /** No reply within the timeout; a late reply still pairs and clears this. */
  timedOut: boolean;
}

export interface CommandTrackerOptions {
  /**
   * Start of every command id, unique to this page among all the user's pages, ever
   * (newCommandIdPrefix): the controller runs a command id a user has used before never
   * again, also after restarts, and the user's replies reach each of their open pages, each
   * pairing only its own.
   */
  readonly idPrefix: string;
  /** A command unanswered this long (ms) counts as timed out. */
  readonly replyTimeoutMs?: number;
  /**
   * The same for an emergency stop, resume-all, a pause or a resume, whose reply waits until
   * every robot's own state confirmed it or the controller's time for that ran out (~2 s of
   * clock time, longer on a slowed clock).
   */
  readonly robotReplyTimeoutMs?: number;
  /** How many answered or timed-out commands are kept for display. */
  readonly keepFinished?: number;
}

/**
 * Gives each command a unique commandId and pairs replies with the commands they answer.
 * The controller answers each command exactly once; a second reply to the same id, or a reply
 * to another console's command, pairs with nothing.
 */
export class CommandTracker {
  private readonly idPrefix: string;
  private readonly replyTimeoutMs: number;
  private readonly robotReplyTimeoutMs: number;
  private readonly keepFinished: number;
  private counter = 0;
  private readonly open = new Map<string, SentCommand>();
  private readonly finished: SentCommand[] = [];

  constructor(options: CommandTrackerOptions) {
    if (!/^[A-Za-z0-9._:-]{1,40}$/.test(options.idPrefix)) throw new RangeError(`idPrefix must be 1..40 characters of A-Z a-z 0-9 . _ : -, got ${JSON.stringify(options.idPrefix)}`);
    this.idPrefix = options.idPrefix;
    this.replyTimeoutMs = options.replyTimeoutMs ?? 10_000;
    this.robotReplyTimeoutMs = options.robotReplyTimeoutMs ?? Math.max(30_000, this.replyTimeoutMs);
    this.keepFinished = options.keepFinished ?? 50;
  }

  /** A new command with a fresh id, recorded as awaiting its reply. Throws on a body the contract refuses (a programming mistake). */
  create(body: CommandBody, nowMs: number): ConsoleCommand {
    this.counter += 1;
    const command = consoleCommandSchema.parse({ ...body, commandId: `${this.idPrefix}-${this.counter}` });
    this.open.set(command.commandId, { command, sentAtMs: nowMs, reply: null, repliedAtMs: null, timedOut: false });
    // A controller that never answers must not make the page grow without bound: the oldest
    // unanswered commands (long timed out) are forgotten.
    if (this.open.size > MAX_OPEN_COMMANDS) this.open.delete(this.open.keys().next().value!);
    return command;
  }

  /** The command sent with this id while it awaits its reply, else undefined. */
  awaiting(commandId: string): SentCommand | undefined {
    return this.open.get(commandId);
  }

  /** How long (ms) this command may go unanswered before it counts as timed out. */
  timeoutOf(command: ConsoleCommand): number {
    return awaitsRobots(command.type) ? this.robotReplyTimeoutMs : this.replyTimeoutMs;
  }

  /** Pairs a reply with its command; null when it answers no open command of this console. */
  handleReply(reply: ConsoleReply, nowMs: number): SentCommand | null {
    const sent = this.open.get(reply.commandId);
    if (!sent) return null;
    this.open.delete(reply.commandId);
    const wasTimedOut = sent.timedOut;
    sent.reply = reply;
    sent.repliedAtMs = nowMs;
    sent.timedOut = false;
    const index = wasTimedOut ? this.finished.indexOf(sent) : -1;
    if (index >= 0) this.finished.splice(index, 1); // it may have been dropped from the log already
    this.remember(sent);
    return sent;
  }

  /**
   * Marks commands unanswered for longer than the timeout; returns those newly timed out.
   * They stay open, so a late reply still pairs.
   */
  expire(nowMs: number): SentCommand[] {
    const expired: SentCommand[] = [];
    for (const sent of this.open.values()) {
      if (!sent.timedOut && nowMs - sent.sentAtMs >= this.timeoutOf(sent.command)) {
        sent.timedOut = true;
        expired.push(sent);
        this.remember(sent);
      }
    }
    return expired;
  }

  /** Commands still awaiting a reply, oldest first. */
  pending(): SentCommand[] {
    return [...this.open.values()];
  }

  /** Answered and timed-out commands, newest last. */
  recent(): readonly SentCommand[] {
    return this.finished;
  }

  private remember(sent: SentCommand): void {
    this.finished.push(sent);
    if (this.finished.length > this.keepFinished) this.finished.splice(0, this.finished.length - this.keepFinished);
  }
}
