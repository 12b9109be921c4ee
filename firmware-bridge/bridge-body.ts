/**
 * The robot's body as the firmware bridge knows it: a motor controller board behind a serial
 * link (PROTOCOL.md). It is a VehicleBody for the vehicle core (protocol/vda5050/vehicle/),
 * which handles VDA 5050; this file turns the core's tasks (a run of nodes, a pick, a drop, a
 * charge) into board commands and the board's status, completions and faults into reports.
 *
 * Every command is derived from the board's last status: a drive goes from the cell the board
 * reports towards the next released node, a lift goes to an absolute depth, and a lift or grip
 * the status shows done already is passed over (a grip is never sent twice). So after anything
 * that loses track of a command (a lost acknowledgement, the port vanishing, a watchdog stop)
 * the bridge waits for the link and a fresh status, then simply carries on.
 */
import type { Clock, TimerHandle } from '../protocol/clock.ts';
import { RESULT_CODES, resultName, STATUS_FLAGS, type MessageOf } from '../protocol/serial/messages.ts';
import type { GridCell } from '../protocol/vda5050/grid-nodes.ts';
import type { GridRouteMap, RouteNode } from '../protocol/vda5050/grid-order-route.ts';
import type { VdaError } from '../protocol/vda5050/types.ts';
import type { ActionJob, BodyReport, VehicleBody, VehicleCoreContext } from '../protocol/vda5050/vehicle/vehicle-body.ts';
import type { BoardCommand, BoardLinkState, BoardSession } from './board-session.ts';
import type { BridgeOptions } from './bridge-options.ts';

/** errorType values of the bridge's body (the vehicle core's are in vehicle-errors.ts). */
export const BRIDGE_ERROR_TYPES = {
  /** The motor controller cannot be reached: port closed, board silent, or not yet negotiated. */
  motorControllerLink: 'motorControllerLink',
  /** A command got no acknowledgement after every retransmission. */
  motorControllerNoAck: 'motorControllerNoAck',
  /** The board refused or failed a command. */
  motorControllerCommand: 'motorControllerCommand',
  /** The board stopped its motors because host heartbeats stopped. */
  motorControllerWatchdog: 'motorControllerWatchdog',
  motorStall: 'motorStall',
  batteryLow: 'batteryLow',
} as const;

/** A pick or drop in progress: lift to depth, grip, lift back to 0 (PROTOCOL.md). */
interface BinHandling {
  kind: 'pick' | 'drop';
  binId: string;
  depthMm: number;
  /** 0: lowering, 1: gripping, 2: raising. */
  phase: 0 | 1 | 2;
}

interface RunningJob {
  job: ActionJob;
  handling?: BinHandling;
  /** Why it failed, once a phase failed; it ends FAILED when its gripper is up again. */
  failure?: string;
}

interface CommandInFlight {
  sequence: number;
  command: BoardCommand;
}

/** The nodes of the drive being followed, until the board stands. */
interface DriveRun {
  nodes: readonly RouteNode[];
  /** Nodes of the run the board's reported cell has reached. */
  reached: number;
}

/** A stop or emergency stop the status does not show yet is sent again after this long, ms. */
const STOP_REPEAT_MS = 100;
/** A low-battery warning ends once the battery is back above this, permille. */
const LOW_BATTERY_CLEARED_PERMILLE = 100;
const BRIDGE_SERIES = { seriesName: 'gridline-bridge', seriesDescription: 'grid robot driven through the gridline firmware bridge' };

export interface BridgeBodyOptions {
  options: BridgeOptions;
  clock: Clock;
  grid: Omit<GridRouteMap, 'profile'>;
  board: BoardSession;
  /** Told every link change, in plain words. */
  log?: (message: string) => void;
}

export class BridgeBody implements VehicleBody {
  readonly grid: Omit<GridRouteMap, 'profile'>;
  readonly figures: BridgeOptions;
  readonly series = BRIDGE_SERIES;
  /** A new order is the controller's word that a robot held by a motor fault may try again. */
  readonly errorsClearedByNewOrder: readonly string[] = [BRIDGE_ERROR_TYPES.motorStall, BRIDGE_ERROR_TYPES.motorControllerCommand];
  private readonly o: BridgeOptions;
  private readonly clock: Clock;
  private readonly board: BoardSession;
  private readonly log: (message: string) => void;
  private core: VehicleCoreContext | undefined;

  private running: RunningJob | undefined;
  /** The board acknowledged the last emergency stop sent. */
  private eStopAcked = false;
  private lastEStopSentMs = -Infinity;
  private lastStopSentMs = -Infinity;
  /** A releaseEmergencyStop waiting for the stop's acknowledgement, or for its own. */
  private releasing: { done: (problem?: string) => void; sent: boolean } | undefined;
  private run: DriveRun | undefined;
  private heldBinId: string | undefined;
  private status: MessageOf<'status'> | undefined;
  /** True once a status arrived since the link last became ready. */
  private statusFresh = false;
  private inFlight: CommandInFlight | undefined;
  private retryTimer: TimerHandle | undefined;

  constructor(options: BridgeBodyOptions) {
    this.o = options.options;
    this.figures = options.options;
    this.clock = options.clock;
    this.grid = options.grid;
    this.board = options.board;
    this.log = options.log ?? (() => {});
  }

  /** Starts the board session. */
  attach(core: VehicleCoreContext): void {
    this.core = core;
    core.addError(linkError('motor controller not connected yet'));
    this.board.start({
      onLinkState: (state, reason) => this.handleLinkState(state, reason),
      onStatus: (status) => this.handleStatus(status),
      onDone: (sequence, code) => this.handleDone(sequence, code),
      onFault: (code, detail) => this.handleFault(code, detail),
      onUndelivered: (command) => this.handleUndelivered(command.kind),
    });
  }

  async detach(): Promise<void> {
    if (this.retryTimer !== undefined) this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.board.stop();
  }

  cell(): GridCell | undefined {
    return this.status ? { x: this.status.x, y: this.status.y } : undefined;
  }

  report(): BodyReport {
    const status = this.status;
    const flags = status?.flags ?? 0;
    const wheelsY = (flags & STATUS_FLAGS.wheelsY) !== 0;
    const offsetM = status ? status.offsetMm / 1000 : 0;
    return {
      ...(status ? { position: { x: status.x * this.o.cellSizeXM + (wheelsY ? 0 : offsetM), y: status.y * this.o.cellSizeYM + (wheelsY ? offsetM : 0) } } : {}),
      driving: (flags & STATUS_FLAGS.driving) !== 0,
      distanceSinceLastNodeM: Math.abs(offsetM),
      batteryState: { batteryCharge: status ? status.batteryPermille / 10 : 0, charging: (flags & STATUS_FLAGS.charging) !== 0 },
      ...(this.heldBinId !== undefined ? { heldLoadId: this.heldBinId } : {}),
      eStop: (flags & STATUS_FLAGS.eStop) !== 0,
    };
  }

  /** A command in flight, or a drive still being followed. */
  isBusy(): boolean {
    return this.inFlight !== undefined || this.run !== undefined;
  }

  /**
   * The link is up, a status arrived since, and the board does not report itself busy with a
   * command the bridge lost track of (it finishes first).
   */
  canCommand(): boolean {
    const status = this.status;
    return this.board.linkState === 'ready' && this.statusFresh && status !== undefined && (status.flags & STATUS_FLAGS.busy) === 0;
  }

  /** A FATAL fault of the motors or of a refused motion holds the robot until a new order. */
  mayProceed(): boolean {
    return !this.attached().hasError((e) => e.errorLevel === 'FATAL' && (e.errorType === BRIDGE_ERROR_TYPES.motorStall || e.errorType === BRIDGE_ERROR_TYPES.motorControllerCommand));
  }

  isStanding(): boolean {
    return this.status === undefined || (this.status.flags & (STATUS_FLAGS.busy | STATUS_FLAGS.driving)) === 0;
  }

  traverse(run: readonly RouteNode[]): void {
    const status = this.status!;
    const first = run[0]!;
    const dx = first.cell.x - status.x;
    const dy = first.cell.y - status.y;
    if (Math.abs(dx) + Math.abs(dy) !== 1) {
      // The board reports a cell off the route: the robot was moved or lost its position.
      return this.hold(`the motor controller reports cell (${status.x}, ${status.y}), not next to the route's next node ${first.nodeId}`);
    }
    const axis = dx !== 0 ? 0 : 1;
    const wheelsY = (status.flags & STATUS_FLAGS.wheelsY) !== 0;
    if ((axis === 1) !== wheelsY) return void this.sendCommand({ kind: 'wheelChange', axis });
    const sent = this.sendCommand({
      kind: 'drive',
      axis,
      direction: dx + dy,
      cells: run.length,
      maxSpeedMmps: Math.round(this.o.maxSpeedMps * 1000),
      accelerationMmps2: Math.round(this.o.accelerationMps2 * 1000),
    });
    if (sent) this.run = { nodes: run, reached: 0 };
  }

  /** The board finishes the cell it drives into. */
  stopTraverse(): void {
    if (this.run || (this.status !== undefined && (this.status.flags & STATUS_FLAGS.driving) !== 0)) this.sendStop();
  }

  executeAction(job: ActionJob): void {
    const running: RunningJob = { job };
    const { plan } = job;
    if (plan.kind === 'pick' || plan.kind === 'drop') {
      const atPort = this.grid.cellKind(job.cell.x, job.cell.y) === 'port';
      const levelsDown = atPort ? 1 : this.grid.depth - plan.params.level;
      // A port lowers the bin further: its extra time is spent half going down, half coming up.
      const extraM = atPort ? (this.o.portDropSeconds * this.o.liftSpeedMps) / 2 : 0;
      running.handling = { kind: plan.kind, binId: plan.params.loadId, depthMm: Math.round((levelsDown * this.o.binHeightM + extraM) * 1000), phase: 0 };
    }
    this.running = running;
    this.continueAction(job);
  }

  /**
   * Sends the running action's next command. A phase the board's status shows done already (a
   * `done` lost with the link) is passed over, so no grip is ever sent twice.
   */
  continueAction(job: ActionJob): void {
    const running = this.running;
    const status = this.status;
    if (running?.job !== job || !status) return;
    const { plan } = job;
    if (plan.kind === 'startCharging' || plan.kind === 'stopCharging') {
      const on = plan.kind === 'startCharging';
      if (((status.flags & STATUS_FLAGS.charging) !== 0) === on) return this.jobDone(running);
      return void this.sendCommand({ kind: 'charge', on: on ? 1 : 0 });
    }
    const handling = running.handling!;
    const gripClosed = (status.flags & STATUS_FLAGS.gripClosed) !== 0;
    if (handling.phase === 0 && status.liftDepthMm === handling.depthMm) handling.phase = 1;
    if (handling.phase === 1 && gripClosed === (handling.kind === 'pick')) {
      this.heldBinId = handling.kind === 'pick' ? handling.binId : undefined;
      handling.phase = 2;
      this.attached().changed();
    }
    if (handling.phase === 2 && status.liftDepthMm === 0) return this.jobDone(running);
    if (handling.phase === 0) return void this.sendCommand({ kind: 'lift', depthMm: handling.depthMm });
    if (handling.phase === 1) return void this.sendCommand({ kind: 'grip', close: handling.kind === 'pick' ? 1 : 0 });
    this.sendCommand({ kind: 'lift', depthMm: 0 });
  }

  /** Pausing stops whatever the board runs (a drive at the next cell, a lift where it is). */
  setPaused(paused: boolean): void {
    if (paused && (this.run || this.inFlight || (this.status !== undefined && (this.status.flags & STATUS_FLAGS.busy) !== 0))) this.sendStop();
  }

  /** Sent at once whatever the link's state while the port is open: the board acts on it in any state. */
  emergencyStop(): void {
    this.sendEmergencyStop();
  }

  releaseEmergencyStop(done: (problem?: string) => void): void {
    if (this.board.linkState !== 'ready') return done('the motor controller is not connected');
    const release = { done, sent: false };
    this.releasing = release;
    if (this.eStopAcked || !this.attached().mode().eStop) this.sendRelease(release);
  }

  // ---- commands ------------------------------------------------------------------------------

  /** The running action is over: FINISHED, or FAILED with the reason an earlier phase gave. */
  private jobDone(running: RunningJob): void {
    this.running = undefined;
    this.attached().actionDone(running.job, running.failure);
  }

  /** Sends a command; false when the link is not ready (the core hands the task again when it is). */
  private sendCommand(command: BoardCommand): boolean {
    const sequence = this.board.send(command, (code) => this.handleAck(sequence, code));
    if (sequence === undefined) return false;
    this.inFlight = { sequence, command };
    return true;
  }

  private handleAck(sequence: number | undefined, code: number): void {
    const inFlight = this.inFlight;
    if (!inFlight || inFlight.sequence !== sequence || code === RESULT_CODES.ok) return;
    this.inFlight = undefined;
    if (inFlight.command.kind === 'drive') this.run = undefined;
    // Busy: a command the bridge lost track of still runs. Not negotiated: the session
    // negotiates again. Emergency stop: the status shows it. In each case, try again later.
    if (code === RESULT_CODES.busy || code === RESULT_CODES.notNegotiated || code === RESULT_CODES.eStopActive) return this.retryLater();
    this.commandFailed(inFlight.command, `the motor controller refused ${inFlight.command.kind}: ${resultName(code)}`);
  }

  private retryLater(): void {
    if (this.retryTimer !== undefined) return;
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = undefined;
      this.attached().proceed();
    }, this.o.busyRetryMs);
  }

  private handleDone(sequence: number, code: number): void {
    const inFlight = this.inFlight;
    if (!inFlight || inFlight.sequence !== sequence) return; // a command given up on earlier; the status tells where the robot is
    this.inFlight = undefined;
    const { command } = inFlight;
    if (command.kind === 'drive') {
      this.followPosition();
      this.endRunIfStopped();
    }
    if (code === RESULT_CODES.motorStall) this.commandFailed(command, `motor stall during ${command.kind}`);
    else if (code !== RESULT_CODES.ok && code !== RESULT_CODES.interrupted && code !== RESULT_CODES.eStopActive && code !== RESULT_CODES.watchdog) {
      this.commandFailed(command, `${command.kind} failed on the motor controller: ${resultName(code)}`);
    }
    // A finished lift, grip or charge shows in the status, from which the next phase is chosen.
    const core = this.attached();
    core.changed();
    core.proceed();
  }

  private commandFailed(command: BoardCommand, reason: string): void {
    const running = this.running;
    if (running?.handling && (command.kind === 'lift' || command.kind === 'grip')) {
      // The action fails, but only once the gripper is up again: a robot never leaves a column
      // or a port with its gripper down.
      if (running.handling.phase === 2) {
        // The hold comes first, so that nothing else is started when the action ends.
        this.hold(`the gripper cannot be raised: ${reason}`);
        return this.jobDone({ ...running, failure: running.failure ?? reason });
      }
      running.failure = reason;
      running.handling.phase = 2;
    } else if (running && command.kind === 'charge') {
      running.failure = reason;
      this.jobDone(running);
    } else if (command.kind === 'drive' || command.kind === 'wheelChange') {
      this.attached().addError({ errorType: BRIDGE_ERROR_TYPES.motorStall, errorLevel: 'FATAL', errorDescription: reason });
    } else {
      this.hold(reason);
    }
    this.attached().changed();
  }

  /** A refused or impossible motion: the robot holds (FATAL) until a new order is accepted. */
  private hold(reason: string): void {
    this.attached().addError({ errorType: BRIDGE_ERROR_TYPES.motorControllerCommand, errorLevel: 'FATAL', errorDescription: reason });
  }

  private sendEmergencyStop(): void {
    this.lastEStopSentMs = this.clock.now();
    this.eStopAcked = false;
    this.board.sendUrgent({ kind: 'emergencyStop' }, (code) => code === RESULT_CODES.ok && this.emergencyStopConfirmed());
  }

  private emergencyStopConfirmed(): void {
    this.eStopAcked = true;
    const release = this.releasing;
    // A release asked for before the stop was confirmed goes out only now, so that it can
    // never overtake a repeat of the stop on the line.
    if (release && !release.sent) this.sendRelease(release);
  }

  private sendRelease(release: { done: (problem?: string) => void; sent: boolean }): void {
    release.sent = true;
    const sent = this.board.send({ kind: 'releaseEmergencyStop' }, (code) => {
      if (this.releasing === release) this.releasing = undefined;
      release.done(code === RESULT_CODES.ok ? undefined : `the motor controller refused releaseEmergencyStop: ${resultName(code)}`);
    });
    if (sent === undefined) {
      this.releasing = undefined;
      release.done('the motor controller is not connected');
    }
  }

  private sendStop(): void {
    this.lastStopSentMs = this.clock.now();
    this.board.sendUrgent({ kind: 'stop' });
  }

  // ---- the board's reports -----------------------------------------------------------------

  private handleLinkState(state: BoardLinkState, reason: string): void {
    this.log(`motor controller link ${state}: ${reason}`);
    const core = this.attached();
    if (state === 'ready') {
      core.clearErrors((e) => e.errorType === BRIDGE_ERROR_TYPES.motorControllerLink);
      this.statusFresh = false;
    } else {
      // What was in flight is unknown now; the next status says where the robot is (a drive
      // already sent may still be running: it is followed until the board stops).
      this.inFlight = undefined;
      core.addError(linkError(reason));
    }
    core.changed();
  }

  private handleStatus(status: MessageOf<'status'>): void {
    const first = !this.statusFresh;
    const core = this.attached();
    this.status = status;
    this.statusFresh = true;
    if ((status.flags & STATUS_FLAGS.watchdogStopped) === 0) core.clearErrors((e) => e.errorType === BRIDGE_ERROR_TYPES.motorControllerWatchdog);
    if (status.batteryPermille >= LOW_BATTERY_CLEARED_PERMILLE) core.clearErrors((e) => e.errorType === BRIDGE_ERROR_TYPES.batteryLow);
    if (first) core.clearErrors((e) => e.errorType === BRIDGE_ERROR_TYPES.motorControllerNoAck);
    this.followPosition();
    this.endRunIfStopped();
    this.keepStopsInForce(status);
    core.changed();
    core.proceed();
  }

  /** Nodes of the drive being followed that the board's reported cell has reached. */
  private followPosition(): void {
    const run = this.run;
    const here = this.cell();
    if (!run || !here) return;
    const index = run.nodes.findIndex((n) => n.cell.x === here.x && n.cell.y === here.y);
    if (index < run.reached) return;
    for (const node of run.nodes.slice(run.reached, index + 1)) this.attached().nodeReached(node);
    run.reached = index + 1;
  }

  /** The drive is over once the board stands (its last cell reached, or stopped on the way). */
  private endRunIfStopped(): void {
    const run = this.run;
    if (!run || this.inFlight?.command.kind === 'drive') return;
    const standing = this.status !== undefined && (this.status.flags & (STATUS_FLAGS.busy | STATUS_FLAGS.driving)) === 0;
    if (standing || run.reached === run.nodes.length) this.run = undefined;
  }

  /**
   * Pauses, cancels and emergency stops hold whatever the board runs, even a command sent before
   * the link was lost: a stop or emergency stop is sent again until the status shows it.
   */
  private keepStopsInForce(status: MessageOf<'status'>): void {
    const now = this.clock.now();
    const mode = this.attached().mode();
    const boardEStop = (status.flags & STATUS_FLAGS.eStop) !== 0;
    // The board standing in emergency stop is as good as its acknowledgement (which may be lost).
    if (boardEStop && !this.eStopAcked) this.emergencyStopConfirmed();
    if (mode.eStop && !boardEStop && now - this.lastEStopSentMs >= STOP_REPEAT_MS) this.sendEmergencyStop();
    if (!mode.eStop && boardEStop && this.releasing === undefined) {
      // The board holds an emergency stop the bridge did not ask for (the bridge restarted, or
      // a release crossed a repeated stop on the line): report it; only a release ends it.
      this.attached().emergencyStopHeld('the motor controller holds an emergency stop; send releaseEmergencyStop to end it');
    }
    const moving = (status.flags & STATUS_FLAGS.busy) !== 0;
    const wantStop = mode.paused || (mode.cancelling && (status.flags & STATUS_FLAGS.driving) !== 0);
    if (wantStop && moving && now - this.lastStopSentMs >= STOP_REPEAT_MS) this.sendStop();
  }

  private handleFault(code: number, detail: number): void {
    const core = this.attached();
    if (code === RESULT_CODES.lowBattery) {
      core.addError({ errorType: BRIDGE_ERROR_TYPES.batteryLow, errorLevel: 'WARNING', errorDescription: `the motor controller reports a low battery (${detail / 10} %)` });
    } else if (code === RESULT_CODES.watchdog) {
      core.addError({ errorType: BRIDGE_ERROR_TYPES.motorControllerWatchdog, errorLevel: 'WARNING', errorDescription: 'the motor controller stopped its motors: host heartbeats stopped' });
    } else if (code === RESULT_CODES.motorStall) {
      const motor = ['', 'drive', 'lift', 'wheel change'][detail] ?? `motor ${detail}`;
      core.addError({ errorType: BRIDGE_ERROR_TYPES.motorStall, errorLevel: 'FATAL', errorDescription: `${motor} motor stalled` });
    } else {
      core.addError({ errorType: BRIDGE_ERROR_TYPES.motorControllerCommand, errorLevel: 'WARNING', errorDescription: `motor controller fault ${resultName(code)} (detail ${detail})` });
    }
  }

  private handleUndelivered(kind: string): void {
    this.inFlight = undefined;
    this.attached().addError({
      errorType: BRIDGE_ERROR_TYPES.motorControllerNoAck,
      errorLevel: 'FATAL',
      errorDescription: `the motor controller did not acknowledge ${kind} after every retransmission; reconnecting`,
    });
  }

  private attached(): VehicleCoreContext {
    if (!this.core) throw new Error('the bridge body is used before the vehicle started');
    return this.core;
  }
}

function linkError(reason: string): VdaError {
  return { errorType: BRIDGE_ERROR_TYPES.motorControllerLink, errorLevel: 'FATAL', errorDescription: reason };
}
