/**
 * The bridge's side of the serial link to the motor controller board (PROTOCOL.md): opens the
 * port and reopens it with backoff when it vanishes, negotiates the version, sends heartbeats,
 * notices a silent board, and hands the board's status, command completions and faults to the
 * vehicle. Time comes from the injected Clock; bytes go through a SerialTransport.
 */
import type { Clock, TimerHandle } from '../protocol/clock.ts';
import { PROTOCOL_VERSION } from '../protocol/serial/frame.ts';
import { RESULT_CODES, resultName, type MessageOf, type SerialMessage } from '../protocol/serial/messages.ts';
import { SerialLink, type SerialLinkCounters } from '../protocol/serial/serial-link.ts';
import type { SerialTransport } from './serial-transport.ts';

export interface BoardSessionOptions {
  clock: Clock;
  transport: SerialTransport;
  /** Period of the host's heartbeat, ms; the board's watchdog allows 500 ms (PROTOCOL.md). */
  heartbeatMs?: number;
  /** The board counts as lost after this long without a frame from it, ms. */
  boardSilenceMs?: number;
  /** Period of `hello` while negotiating, ms. */
  helloRetryMs?: number;
  /** First and longest wait before reopening a port that closed or failed to open, ms. */
  reopenMinMs?: number;
  reopenMaxMs?: number;
  ackTimeoutMs?: number;
  maxRetransmissions?: number;
}

/** Why the board cannot be commanded right now, or 'ready'. */
export type BoardLinkState = 'ready' | 'portClosed' | 'negotiating' | 'boardSilent';

export type BoardCommand = Extract<
  SerialMessage,
  { kind: 'setPosition' | 'drive' | 'wheelChange' | 'lift' | 'grip' | 'stop' | 'emergencyStop' | 'releaseEmergencyStop' | 'charge' }
>;

export interface BoardSessionEvents {
  /** The link state changed; `reason` says why in words a person understands. */
  onLinkState(state: BoardLinkState, reason: string): void;
  onStatus(status: MessageOf<'status'>): void;
  /** A command finished (reliable `done` from the board). */
  onDone(commandSequence: number, code: number): void;
  onFault(code: number, detail: number): void;
  /** A command was never acknowledged, after every retransmission. */
  onUndelivered(command: SerialMessage): void;
}

export class BoardSession {
  private readonly clock: Clock;
  private readonly transport: SerialTransport;
  private readonly heartbeatMs: number;
  private readonly boardSilenceMs: number;
  private readonly helloRetryMs: number;
  private readonly reopenMinMs: number;
  private readonly reopenMaxMs: number;
  private readonly link: SerialLink;
  private readonly startedAtMs: number;
  private state: BoardLinkState = 'portClosed';
  private reason = '';
  private reopenDelayMs: number;
  private lastBoardFrameMs = 0;
  /** The board's uptime in its last heartbeat, ms; a smaller one means it restarted. */
  private boardUptimeMs: number | undefined;
  private timer: TimerHandle | undefined;
  private running = false;
  private events: BoardSessionEvents | undefined;
  /** Firmware version of the board, from its helloReply. */
  firmware = '';

  constructor(options: BoardSessionOptions) {
    this.clock = options.clock;
    this.transport = options.transport;
    this.heartbeatMs = options.heartbeatMs ?? 100;
    this.boardSilenceMs = options.boardSilenceMs ?? 500;
    this.helloRetryMs = options.helloRetryMs ?? 200;
    this.reopenMinMs = options.reopenMinMs ?? 100;
    this.reopenMaxMs = options.reopenMaxMs ?? 5_000;
    this.reopenDelayMs = this.reopenMinMs;
    this.startedAtMs = this.clock.now();
    this.link = new SerialLink({
      side: 'host',
      clock: this.clock,
      write: (bytes) => this.transport.write(bytes),
      ...(options.ackTimeoutMs !== undefined ? { ackTimeoutMs: options.ackTimeoutMs } : {}),
      ...(options.maxRetransmissions !== undefined ? { maxRetransmissions: options.maxRetransmissions } : {}),
    });
    this.link.onMessage((message) => this.handleMessage(message));
    this.link.onUndelivered((message) => this.handleUndelivered(message));
  }

  get linkState(): BoardLinkState {
    return this.state;
  }

  get counters(): SerialLinkCounters {
    return this.link.counters;
  }

  /** Opens the port and keeps the link up until `stop()`. */
  start(events: BoardSessionEvents): void {
    this.events = events;
    this.running = true;
    void this.openPort();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.clearTimer();
    this.link.reset();
    await this.transport.close();
  }

  /**
   * Sends a command to the board. Returns its sequence number, or undefined when the link is
   * not ready (the vehicle waits for 'ready'). `onAck` gets the board's acceptance code.
   */
  send(command: BoardCommand, onAck?: (code: number) => void): number | undefined {
    if (this.state !== 'ready') return undefined;
    return this.link.send(command, (code) => {
      // The board restarted since the hello: it knows nothing of this link. Negotiate again.
      if (code === RESULT_CODES.notNegotiated) this.boardRestarted('the motor controller answers "not negotiated": it restarted');
      onAck?.(code);
    });
  }

  /**
   * Sends a stop or an emergency stop whenever the port is open, negotiated or not: the board
   * acts on these in any state. Returns the sequence number, or undefined when the port is closed.
   */
  sendUrgent(command: Extract<BoardCommand, { kind: 'stop' | 'emergencyStop' }>, onAck?: (code: number) => void): number | undefined {
    if (this.state === 'portClosed') return undefined;
    return this.link.send(command, onAck);
  }

  private async openPort(): Promise<void> {
    if (!this.running) return;
    try {
      await this.transport.open({ onData: (bytes) => this.handleBytes(bytes), onClose: (reason) => this.handlePortClosed(reason) });
    } catch (error) {
      this.setState('portClosed', (error as Error).message);
      this.scheduleReopen();
      return;
    }
    if (!this.running) return void this.transport.close();
    this.reopenDelayMs = this.reopenMinMs;
    this.link.reset();
    this.beginNegotiation('negotiating', 'serial port open; negotiating the protocol version');
  }

  private handlePortClosed(reason: string): void {
    this.clearTimer();
    this.link.reset();
    this.setState('portClosed', `serial port closed: ${reason}`);
    this.scheduleReopen();
  }

  private scheduleReopen(): void {
    if (!this.running) return;
    this.clearTimer();
    const delay = this.reopenDelayMs;
    this.reopenDelayMs = Math.min(this.reopenMaxMs, this.reopenDelayMs * 2);
    this.timer = this.clock.setTimeout(() => void this.openPort(), delay);
  }

  private beginNegotiation(state: 'negotiating' | 'boardSilent', reason: string): void {
    this.link.version = PROTOCOL_VERSION;
    this.setState(state, reason);
    this.clearTimer();
    const hello = () => {
      this.link.send({ kind: 'hello', minVersion: PROTOCOL_VERSION, maxVersion: PROTOCOL_VERSION });
      this.timer = this.clock.setTimeout(hello, this.helloRetryMs);
    };
    hello();
  }

  private beginHeartbeats(): void {
    this.clearTimer();
    const beat = () => {
      if (this.clock.now() - this.lastBoardFrameMs > this.boardSilenceMs) {
        this.link.reset();
        this.beginNegotiation('boardSilent', `no frame from the motor controller for ${this.boardSilenceMs} ms`);
        return;
      }
      this.link.send({ kind: 'heartbeat', uptimeMs: Math.max(0, Math.round(this.clock.now() - this.startedAtMs)) % 2 ** 32 });
      this.timer = this.clock.setTimeout(beat, this.heartbeatMs);
    };
    beat();
  }

  private handleBytes(bytes: Uint8Array): void {
    this.link.receive(bytes);
  }

  private handleMessage(message: SerialMessage): number | void {
    this.lastBoardFrameMs = this.clock.now();
    switch (message.kind) {
      case 'helloReply':
        if (this.state === 'ready') return;
        if (message.code !== RESULT_CODES.ok) {
          this.setState('negotiating', `the motor controller refused protocol version ${PROTOCOL_VERSION}: ${resultName(message.code)}`);
          return;
        }
        this.link.version = message.version;
        this.boardUptimeMs = undefined;
        this.firmware = `${message.firmwareMajor}.${message.firmwareMinor}`;
        this.setState('ready', `motor controller firmware ${this.firmware}, protocol version ${message.version}`);
        this.beginHeartbeats();
        return;
      case 'status':
        if (this.state === 'ready') this.events?.onStatus(message);
        return;
      case 'done':
        this.events?.onDone(message.commandSequence, message.code);
        return;
      case 'fault':
        this.events?.onFault(message.code, message.detail);
        return;
      case 'heartbeat':
        // (uptimeMs wraps after 49.7 days: that costs one needless negotiation.)
        if (this.state === 'ready' && this.boardUptimeMs !== undefined && message.uptimeMs < this.boardUptimeMs) {
          this.boardRestarted('the motor controller\'s uptime went backwards: it restarted');
        }
        this.boardUptimeMs = message.uptimeMs;
        return;
      default:
        return;
    }
  }

  private boardRestarted(reason: string): void {
    if (this.state !== 'ready') return;
    this.link.reset();
    this.beginNegotiation('negotiating', reason);
  }

  private handleUndelivered(message: SerialMessage): void {
    if (this.state !== 'ready') return;
    this.link.reset();
    this.events?.onUndelivered(message);
    this.beginNegotiation('negotiating', `the motor controller did not acknowledge ${message.kind}`);
  }

  /** Tells the vehicle of a new state, or of a new reason for the same one (a refusal, say). */
  private setState(state: BoardLinkState, reason: string): void {
    if (this.state === state && this.reason === reason) return;
    this.state = state;
    this.reason = reason;
    this.events?.onLinkState(state, reason);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
