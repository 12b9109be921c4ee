import type { MessageBus } from '../bus/message-bus.ts';
import type { Clock } from '../clock.ts';
import { Listeners } from '../listeners.ts';
import {
  consoleCommandSchema,
  consoleLayoutSchema,
  consoleReplySchema,
  consoleStacksSchema,
  consoleStateSchema,
  decodeHeights,
  encodeHeights,
  parseConsoleCommand,
  parseConsoleLayout,
  parseConsoleReply,
  parseConsoleStacks,
  parseConsoleState,
  type ConsoleCommand,
  type ConsoleLayout,
  type ConsoleReply,
  type ConsoleStacks,
  type ConsoleState,
} from './console-messages.ts';
import { commandTopicUser, consoleCommandTopic, consoleLayoutTopic, consoleReplyTopic, consoleStacksTopic, consoleStateTopic } from './topics.ts';

/**
 * Bus links of the operator console contract (console-messages.ts, topics.ts): the controller's
 * end and the console's end. Each end validates what it receives (problems become data, never
 * throws) and what it sends (a message breaking the schema is a programming mistake: throws).
 * Browser-safe: no Node APIs, so the console in visualizer/ uses the same code.
 *
 * QoS: the retained layout and stacks, commands and replies are QoS 1 (a lost command or reply
 * would leave an operator guessing); the periodic state is QoS 0, since the next one replaces it.
 */
const CONSOLE_QOS = 1;
const STATE_QOS = 0;

export type ConsoleLayoutDraft = Omit<ConsoleLayout, 'site' | 'timestamp'>;
export type ConsoleStateDraft = Omit<ConsoleState, 'site' | 'timestamp'>;
export type ConsoleReplyDraft = Omit<ConsoleReply, 'timestamp'>;

/**
 * A command as the controller receives it from `user` (its topic's user level): valid, or not,
 * with the reasons and the commandId found in it ('' when there is none to be found), so that
 * the refusal can name it.
 */
export type ReceivedConsoleCommand = { readonly user: string } & (
  | { readonly ok: true; readonly command: ConsoleCommand }
  | { readonly ok: false; readonly commandId: string; readonly errors: string[] }
);

export interface ConsoleServerLinkOptions {
  site: string;
  /**
   * Check each outgoing state against the schema before publishing (default true). A state of
   * 1,000 robots takes a few milliseconds to check; a deployment may turn it off once its
   * tests have run with it on.
   */
  checkState?: boolean;
}

/** The controller's end: publishes layout, stacks, state and replies; receives commands. */
export class ConsoleServerLink {
  private readonly commandHandlers = new Listeners<[command: ReceivedConsoleCommand]>();
  readonly site: string;
  private readonly checkState: boolean;

  constructor(
    private readonly bus: MessageBus,
    private readonly clock: Clock,
    options: ConsoleServerLinkOptions,
  ) {
    this.site = options.site;
    this.checkState = options.checkState ?? true;
    consoleLayoutTopic(this.site); // fails now for an invalid site
  }

  async start(): Promise<void> {
    await this.bus.subscribe(
      consoleCommandTopic(this.site, '+'),
      (topic, payload) => {
        const user = commandTopicUser(this.site, topic);
        if (user !== null) this.commandHandlers.emit(receiveCommand(user, payload));
      },
      { qos: CONSOLE_QOS },
    );
  }

  onCommand(handler: (command: ReceivedConsoleCommand) => void): () => void {
    return this.commandHandlers.add(handler);
  }

  /** Retained: a console that (re)connects gets the grid at once. */
  publishLayout(draft: ConsoleLayoutDraft): void {
    const message = consoleLayoutSchema.parse({ site: this.site, timestamp: this.timestamp(), ...draft });
    this.bus.publish(consoleLayoutTopic(this.site), JSON.stringify(message), { qos: CONSOLE_QOS, retain: true });
  }

  /** Retained: bins per column, row-major (index y * columns.x + x). */
  publishStacks(heights: Uint8Array): void {
    const message: ConsoleStacks = consoleStacksSchema.parse({ site: this.site, timestamp: this.timestamp(), heightsBase64: encodeHeights(heights) });
    this.bus.publish(consoleStacksTopic(this.site), JSON.stringify(message), { qos: CONSOLE_QOS, retain: true });
  }

  /** Retained, so a console that connects sees the facility at once rather than after a period. */
  publishState(draft: ConsoleStateDraft): void {
    const message: ConsoleState = { site: this.site, timestamp: this.timestamp(), ...draft };
    if (this.checkState) consoleStateSchema.parse(message);
    this.bus.publish(consoleStateTopic(this.site), JSON.stringify(message), { qos: STATE_QOS, retain: true });
  }

  /** To the user who gave the command. */
  reply(user: string, draft: ConsoleReplyDraft): void {
    const message = consoleReplySchema.parse({ ...draft, timestamp: this.timestamp() });
    this.bus.publish(consoleReplyTopic(this.site, user), JSON.stringify(message), { qos: CONSOLE_QOS });
  }

  private timestamp(): string {
    return new Date(this.clock.now()).toISOString();
  }
}

/** The console's end: learns the grid, stacks, state and replies; sends commands. */
export class ConsoleClientLink {
  private readonly layoutHandlers = new Listeners<[layout: ConsoleLayout]>();
  private readonly stacksHandlers = new Listeners<[heights: Uint8Array, message: ConsoleStacks]>();
  private readonly stateHandlers = new Listeners<[state: ConsoleState]>();
  private readonly replyHandlers = new Listeners<[reply: ConsoleReply]>();
  private readonly invalidHandlers = new Listeners<[topic: string, errors: string[]]>();
  readonly site: string;
  /** Who is logged in: commands go, and replies come, on this user's topics. */
  readonly user: string;

  constructor(
    private readonly bus: MessageBus,
    options: { site: string; user: string },
  ) {
    this.site = options.site;
    this.user = options.user;
    consoleCommandTopic(this.site, this.user); // fails now for an invalid site or user
  }

  /** Subscribes to layout, stacks, state and replies; retained ones arrive at once. */
  async start(): Promise<void> {
    const invalid = (topic: string, errors: string[]) => this.invalidHandlers.emit(topic, errors);
    await this.bus.subscribe(
      consoleLayoutTopic(this.site),
      (topic, payload) => {
        const parsed = parseConsoleLayout(payload);
        if (!parsed.ok) return invalid(topic, parsed.errors);
        const { columns, cellKinds } = parsed.message;
        if (cellKinds.length !== columns.x * columns.y) return invalid(topic, [`cellKinds has ${cellKinds.length} cells; the grid has ${columns.x * columns.y}`]);
        this.layoutHandlers.emit(parsed.message);
      },
      { qos: CONSOLE_QOS },
    );
    await this.bus.subscribe(
      consoleStacksTopic(this.site),
      (topic, payload) => {
        const parsed = parseConsoleStacks(payload);
        if (!parsed.ok) return invalid(topic, parsed.errors);
        const heights = decodeHeights(parsed.message.heightsBase64);
        if (!heights) return invalid(topic, ['heightsBase64 is not valid base64']);
        this.stacksHandlers.emit(heights, parsed.message);
      },
      { qos: CONSOLE_QOS },
    );
    await this.bus.subscribe(
      consoleStateTopic(this.site),
      (topic, payload) => {
        const parsed = parseConsoleState(payload);
        if (!parsed.ok) return invalid(topic, parsed.errors);
        this.stateHandlers.emit(parsed.message);
      },
      { qos: STATE_QOS },
    );
    await this.bus.subscribe(
      consoleReplyTopic(this.site, this.user),
      (topic, payload) => {
        const parsed = parseConsoleReply(payload);
        if (!parsed.ok) return invalid(topic, parsed.errors);
        this.replyHandlers.emit(parsed.message);
      },
      { qos: CONSOLE_QOS },
    );
  }

  onLayout(handler: (layout: ConsoleLayout) => void): () => void {
    return this.layoutHandlers.add(handler);
  }

  onStacks(handler: (heights: Uint8Array, message: ConsoleStacks) => void): () => void {
    return this.stacksHandlers.add(handler);
  }

  onState(handler: (state: ConsoleState) => void): () => void {
    return this.stateHandlers.add(handler);
  }

  onReply(handler: (reply: ConsoleReply) => void): () => void {
    return this.replyHandlers.add(handler);
  }

  /** A message on a console topic that broke the contract (never thrown). */
  onInvalidMessage(handler: (topic: string, errors: string[]) => void): () => void {
    return this.invalidHandlers.add(handler);
  }

  /** Sends a command; throws when it breaks the schema. Its reply names its commandId. */
  send(command: ConsoleCommand): void {
    const message = consoleCommandSchema.parse(command);
    this.bus.publish(consoleCommandTopic(this.site, this.user), JSON.stringify(message), { qos: CONSOLE_QOS });
  }

  /** Publishes any text as a command, unchecked: for testing how the controller handles bad input. */
  sendRaw(text: string): void {
    this.bus.publish(consoleCommandTopic(this.site, this.user), text, { qos: CONSOLE_QOS });
  }
}

/** Validates a command; for one that is not valid, finds the commandId it gives, if any. */
export function receiveCommand(user: string, payload: string): ReceivedConsoleCommand {
  const parsed = parseConsoleCommand(payload);
  if (parsed.ok) return { user, ok: true, command: parsed.message };
  return { user, ok: false, commandId: commandIdIn(payload), errors: parsed.errors };
}

function commandIdIn(payload: string): string {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return '';
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return '';
  const id = (json as { commandId?: unknown }).commandId;
  return typeof id === 'string' && id.length >= 1 && id.length <= 64 ? id : '';
}
