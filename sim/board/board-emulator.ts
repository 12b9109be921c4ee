/**
 * The motor-controller board of a grid robot, emulated: the board side of the serial protocol
 * (firmware-bridge/PROTOCOL.md, "Board behaviour"). It negotiates the version, runs one motion
 * command at a time (drive, wheel change, lift, grip, charge) with the simulator's kinematics,
 * reports status and heartbeats, stops on stop / emergency stop / watchdog, keeps a battery
 * account, and can be made to misbehave (line faults, a motor stall, a low battery).
 *
 * Pure core: bytes come in through `receive` and go out through the `write` option, time comes
 * from the injected Clock. The port adapter (cli/commands/sim-board.ts) does the IO.
 *
 * Order on the wire within one event: the link's acks first, then a status if anything changed,
 * then done and fault messages in the order they arose.
 */
import type { Clock, TimerHandle } from '../../protocol/clock.ts';
import { RESULT_CODES, STATUS_FLAGS, type MessageOf, type SerialMessage } from '../../protocol/serial/messages.ts';
import { SerialLink, type SerialLinkCounters } from '../../protocol/serial/serial-link.ts';
import type { RobotKinematics } from '../kinematics/robot-kinematics.ts';
import { Battery, type PowerMode } from '../robot/battery.ts';
import type { BoardBody, GridCell } from './board-body.ts';
import { FaultyLine, type BoardFaultOptions, type InjectedFaultCounters } from './board-faults.ts';
import {
  FIRMWARE_VERSION,
  LOW_BATTERY_PERMILLE,
  maxLiftDepthMm,
  resolveBoardOptions,
  SUPPORTED_VERSIONS,
  type BoardEmulatorOptions,
  type ResolvedBoardOptions,
} from './board-options.ts';
import { distanceDrivenMm, planDrive, type DrivePlan } from './drive-plan.ts';

/** Where the board believes it is. */
export interface BoardPosition {
  /** Last cell centre reached. */
  x: number;
  y: number;
  /** Signed distance from that centre along the wheels' axis, whole mm (+ toward increasing coordinate). */
  offsetMm: number;
  /** Wheels down for driving along y (else x). */
  wheelsY: boolean;
}

/** The status flags (protocol `STATUS_FLAGS`) as booleans. */
export type BoardFlags = Record<keyof typeof STATUS_FLAGS, boolean>;

/** `fault.detail` of a motorStall: which motor. */
export const STALL_DETAIL = { drive: 1, lift: 2, wheels: 3 } as const;

type Axis = 'x' | 'y';

interface DriveActivity {
  kind: 'drive';
  sequence: number;
  axis: Axis;
  /** Coordinate along the axis of the last cell reached when the drive started. */
  startCoord: number;
  plan: DrivePlan;
  startMs: number;
  /** Index of the next crossing to reach. */
  next: number;
  timer: TimerHandle;
  /** A stop arrived: the drive ends at the next cell centre. */
  stopRequested: boolean;
  /** Injected fault: the drive stalls at its first cell centre. */
  stall: boolean;
}

interface LiftActivity {
  kind: 'lift';
  sequence: number;
  fromMm: number;
  toMm: number;
  startMs: number;
  durationMs: number;
  timer: TimerHandle;
}

interface GripActivity {
  kind: 'grip';
  sequence: number;
  close: boolean;
  timer: TimerHandle;
}

interface WheelChangeActivity {
  kind: 'wheelChange';
  sequence: number;
  toY: boolean;
  timer: TimerHandle;
}

type Activity = DriveActivity | LiftActivity | GripActivity | WheelChangeActivity;

type ResultCode = (typeof RESULT_CODES)[keyof typeof RESULT_CODES];

export class BoardEmulator {
  private readonly options: ResolvedBoardOptions;
  private readonly clock: Clock;
  private readonly k: RobotKinematics;
  private readonly link: SerialLink;
  private readonly line: FaultyLine;
  private readonly body: BoardBody | undefined;
  private readonly maxLiftMm: number;
  private readonly poweredUpMs: number;

  private x: number;
  private y: number;
  /** Signed distance from the last cell's centre, mm (not rounded). */
  private offsetMm = 0;
  private wheelsY: boolean;
  /** Gripper depth below its rest position when no lift runs, mm. */
  private liftMm = 0;
  private gripClosed = false;
  private eStop = false;
  private watchdogStopped = false;
  private negotiated = false;
  private activity: Activity | undefined;
  private battery: Battery;
  private lowBatteryReported = false;
  private stallNext = false;
  /** The cell the body is driving into (beginMove sent, endMove not yet). */
  private bodyMovingTo: GridCell | undefined;

  private started = false;
  /** The watchdog is armed from the first valid host frame on (nothing can run before one). */
  private hostHeard = false;
  private heartbeatTimer: TimerHandle;
  private statusTimer: TimerHandle;
  private watchdogTimer: TimerHandle;
  /** A status goes out at the end of the current event. */
  private statusDue = false;
  private lastSentFlags = -1;
  /** Board messages to send at the end of the current event, after the link's acks. */
  private readonly outbox: SerialMessage[] = [];

  constructor(options: BoardEmulatorOptions) {
    this.options = resolveBoardOptions(options);
    this.clock = this.options.clock;
    this.k = this.options.kinematics;
    this.body = this.options.body;
    this.maxLiftMm = maxLiftDepthMm(this.k, this.options.gridDepth);
    this.poweredUpMs = this.clock.now();
    this.x = this.options.startCell.x;
    this.y = this.options.startCell.y;
    this.wheelsY = this.options.wheelsY;
    this.battery = new Battery(this.k, this.poweredUpMs, this.options.initialBatteryPermille / 10);
    this.line = new FaultyLine(this.clock, this.options.seed, this.options.faults);
    const write = this.options.write;
    this.link = new SerialLink({ side: 'board', clock: this.clock, write: (bytes) => this.line.outgoing(bytes, write) });
    this.link.onMessage((message, sequence) => this.handle(message, sequence));
  }

  // ---- lifecycle and IO ------------------------------------------------------------------------

  /** Starts heartbeats and status (one of each at once, then every period) and the watchdog. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const heartbeat = () => {
      this.link.send({ kind: 'heartbeat', uptimeMs: Math.floor(this.clock.now() - this.poweredUpMs) % 2 ** 32 });
      this.heartbeatTimer = this.clock.setTimeout(heartbeat, this.options.heartbeatPeriodMs);
    };
    const statusTick = () => {
      this.checkBattery();
      this.statusDue = true;
      this.flush();
      this.statusTimer = this.clock.setTimeout(statusTick, this.options.statusPeriodMs);
    };
    heartbeat();
    statusTick();
    if (this.hostHeard) this.armWatchdog();
  }

  /**
   * Clears every timer: periodic messages, the watchdog, retransmissions, delayed frames and
   * the running command's timer (the robot freezes where it is; for shutdown and tests).
   */
  stop(): void {
    this.started = false;
    for (const timer of [this.heartbeatTimer, this.statusTimer, this.watchdogTimer, this.activity?.timer]) {
      if (timer !== undefined) this.clock.clearTimeout(timer);
    }
    this.heartbeatTimer = this.statusTimer = this.watchdogTimer = undefined;
    this.line.cancelDelayed();
    this.link.reset();
  }

  /** Feeds bytes read from the serial line. Never throws on any byte sequence. */
  receive(bytes: Uint8Array): void {
    this.line.incoming(bytes, (frame) => {
      const before = this.validFrames();
      this.link.receive(frame);
      // Acks and repeated commands never reach the handler, but they are host frames too.
      if (this.validFrames() > before) this.hostFrameSeen();
    });
    this.flush();
  }

  // ---- inspection and fault injection -------------------------------------------------------------

  position(): BoardPosition {
    return { x: this.x, y: this.y, offsetMm: Math.round(this.currentOffsetMm()), wheelsY: this.wheelsY };
  }

  flags(): BoardFlags {
    const bits = this.flagBits();
    return Object.fromEntries(Object.entries(STATUS_FLAGS).map(([name, bit]) => [name, (bits & bit) !== 0])) as BoardFlags;
  }

  /** Gripper depth below its rest position now, whole mm. */
  liftDepthMm(): number {
    return Math.round(this.currentLiftMm());
  }

  batteryPermille(): number {
    return Math.max(0, Math.min(1000, Math.round(this.battery.chargePercent(this.clock.now()) * 10)));
  }

  /** The status message as it would be sent now. */
  status(): MessageOf<'status'> {
    return {
      kind: 'status',
      flags: this.flagBits(),
      x: this.x,
      y: this.y,
      offsetMm: Math.max(-0x8000, Math.min(0x7fff, Math.round(this.currentOffsetMm()))),
      liftDepthMm: Math.max(0, Math.min(0xffff, this.liftDepthMm())),
      batteryPermille: this.batteryPermille(),
      activeSequence: this.activity?.sequence ?? 0,
    };
  }

  /** True once a hello was answered with a supported version. */
  isNegotiated(): boolean {
    return this.negotiated;
  }

  /** Frames decoded, rejected, repeated and retransmitted by the board's link. */
  get counters(): SerialLinkCounters {
    return this.link.counters;
  }

  /** What the injected line faults did so far. */
  get injectedFaults(): InjectedFaultCounters {
    return this.line.counters;
  }

  /** Current line fault figures. */
  faults(): Readonly<BoardFaultOptions> {
    return this.line.current;
  }

  /** Changes some line fault figures (the others stay). */
  setFaults(faults: Partial<BoardFaultOptions>): void {
    this.line.set(faults);
  }

  /** The next drive stalls at its first cell centre: done{motorStall} and fault{motorStall, 1}. */
  stallNextDrive(): void {
    this.stallNext = true;
  }

  /** Sets the battery level, permille (0..1000); below 100 a fault{lowBattery} follows once. */
  setBatteryPermille(permille: number): void {
    if (!(permille >= 0 && permille <= 1000)) throw new RangeError(`permille must be in [0, 1000], got ${permille}`);
    const now = this.clock.now();
    const charging = this.battery.charging;
    this.battery = new Battery(this.k, now, permille / 10);
    this.battery.setMode(now, this.powerMode());
    this.battery.setCharging(now, charging);
    this.checkBattery();
    this.statusDue = true;
    this.flush();
  }

  // ---- messages from the host ---------------------------------------------------------------------

  private handle(message: SerialMessage, sequence: number): number | void {
    this.hostFrameSeen();
    switch (message.kind) {
      case 'hello':
        return this.hello(message);
      case 'heartbeat':
        return;
      case 'emergencyStop':
        // Safety first: an emergency stop is obeyed in any state, negotiated or not.
        this.eStop = true;
        this.halt(RESULT_CODES.eStopActive);
        this.statusDue = true;
        return RESULT_CODES.ok;
      default:
        break;
    }
    if (!this.negotiated) return RESULT_CODES.notNegotiated;
    switch (message.kind) {
      case 'setPosition':
        return this.setPosition(message);
      case 'drive':
        return this.drive(message, sequence);
      case 'wheelChange':
        return this.wheelChange(message, sequence);
      case 'lift':
        return this.lift(message, sequence);
      case 'grip':
        return this.grip(message, sequence);
      case 'charge':
        return this.charge(message, sequence);
      case 'stop':
        return this.controlledStop();
      case 'releaseEmergencyStop':
        this.eStop = false;
        this.statusDue = true;
        return RESULT_CODES.ok;
      default:
        // Board-to-host messages never get here: the link refuses messages of the wrong side.
        return RESULT_CODES.unknownType;
    }
  }

  private hello(message: MessageOf<'hello'>): void {
    // A hello after a successful one means the host restarted or reopened the port: forget
    // the link's remembered sequences and pending messages, keep position, motion and e-stop.
    if (this.negotiated) this.link.reset();
    const version = SUPPORTED_VERSIONS.filter((v) => v >= message.minVersion && v <= message.maxVersion).reduce((a, b) => Math.max(a, b), 0);
    this.negotiated = version > 0;
    this.outbox.push({
      kind: 'helloReply',
      code: version > 0 ? RESULT_CODES.ok : RESULT_CODES.unsupportedVersion,
      version,
      firmwareMajor: FIRMWARE_VERSION.major,
      firmwareMinor: FIRMWARE_VERSION.minor,
    });
  }

  private setPosition(message: MessageOf<'setPosition'>): ResultCode {
    if (this.activity) return RESULT_CODES.busy;
    if (message.wheelsY > 1) return RESULT_CODES.outOfRange;
    this.x = message.x;
    this.y = message.y;
    this.offsetMm = 0;
    this.wheelsY = message.wheelsY === 1;
    this.statusDue = true;
    return RESULT_CODES.ok;
  }

  /** Why a motion command cannot start now, if it cannot. */
  private refusal(): ResultCode | undefined {
    if (this.eStop) return RESULT_CODES.eStopActive;
    if (this.activity) return RESULT_CODES.busy;
    return undefined;
  }

  private drive(message: MessageOf<'drive'>, sequence: number): ResultCode {
    const refused = this.refusal();
    if (refused !== undefined) return refused;
    const axis: Axis = this.wheelsY ? 'y' : 'x';
    const { direction, cells, maxSpeedMmps, accelerationMmps2 } = message;
    if (message.axis !== (axis === 'y' ? 1 : 0) || (direction !== 1 && direction !== -1) || cells < 1) return RESULT_CODES.outOfRange;
    if (maxSpeedMmps === 0 || accelerationMmps2 === 0) return RESULT_CODES.outOfRange;
    // Driving with the gripper down in a column would tear it off.
    if (this.liftDepthMm() > 0) return RESULT_CODES.outOfRange;
    const startCoord = axis === 'x' ? this.x : this.y;
    const target = startCoord + direction * cells;
    if (target < 0 || target > 0xffff) return RESULT_CODES.outOfRange;
    const pitchMm = (axis === 'x' ? this.k.cellSizeXM : this.k.cellSizeYM) * 1000;
    const plan = planDrive({ direction, cells, startOffsetMm: this.offsetMm, pitchMm, maxSpeedMmps, accelerationMmps2 }, this.k);
    // Driving off a charger ends charging (as in the simulator).
    if (this.battery.charging) this.battery.setCharging(this.clock.now(), false);
    const drive: DriveActivity = {
      kind: 'drive',
      sequence,
      axis,
      startCoord,
      plan,
      startMs: this.clock.now(),
      next: 0,
      timer: undefined,
      stopRequested: false,
      stall: this.stallNext,
    };
    this.stallNext = false;
    this.begin(drive);
    if (!this.bodyToward(this.crossingCell(drive, 0))) this.stalled(STALL_DETAIL.drive);
    else this.scheduleCrossing(drive);
    return RESULT_CODES.ok;
  }

  private wheelChange(message: MessageOf<'wheelChange'>, sequence: number): ResultCode {
    const refused = this.refusal();
    if (refused !== undefined) return refused;
    if (message.axis > 1) return RESULT_CODES.outOfRange;
    const toY = message.axis === 1;
    if (toY === this.wheelsY) return this.doneAtOnce(sequence);
    // The wheel sets only change over a cell centre with the gripper up.
    if (!this.atCellCentre() || this.liftDepthMm() > 0) return RESULT_CODES.outOfRange;
    const change: WheelChangeActivity = { kind: 'wheelChange', sequence, toY, timer: undefined };
    this.begin(change);
    change.timer = this.after(this.k.wheelChangeSeconds * 1000, () => {
      this.wheelsY = change.toY;
      this.finish(RESULT_CODES.ok);
    });
    return RESULT_CODES.ok;
  }

  private lift(message: MessageOf<'lift'>, sequence: number): ResultCode {
    const refused = this.refusal();
    if (refused !== undefined) return refused;
    if (message.depthMm > this.maxLiftMm || !this.atCellCentre()) return RESULT_CODES.outOfRange;
    const fromMm = this.liftMm;
    // mm at m/s: the distance in mm divided by the speed in m/s is milliseconds.
    const durationMs = Math.round(Math.abs(message.depthMm - fromMm) / this.k.liftSpeedMps);
    if (durationMs === 0) {
      this.liftMm = message.depthMm;
      return this.doneAtOnce(sequence);
    }
    const lift: LiftActivity = { kind: 'lift', sequence, fromMm, toMm: message.depthMm, startMs: this.clock.now(), durationMs, timer: undefined };
    this.begin(lift);
    lift.timer = this.after(durationMs, () => {
      this.liftMm = lift.toMm;
      this.finish(RESULT_CODES.ok);
    });
    return RESULT_CODES.ok;
  }

  private grip(message: MessageOf<'grip'>, sequence: number): ResultCode {
    const refused = this.refusal();
    if (refused !== undefined) return refused;
    if (message.close > 1 || !this.atCellCentre()) return RESULT_CODES.outOfRange;
    const grip: GripActivity = { kind: 'grip', sequence, close: message.close === 1, timer: undefined };
    this.begin(grip);
    grip.timer = this.after(this.k.gripSeconds * 1000, () => {
      const cell = { x: this.x, y: this.y };
      const depthMm = this.liftDepthMm();
      if (this.body && !(grip.close ? this.body.gripClose(cell, depthMm) : this.body.gripOpen(cell, depthMm))) {
        return this.finish(RESULT_CODES.outOfRange);
      }
      this.gripClosed = grip.close;
      this.finish(RESULT_CODES.ok);
    });
    return RESULT_CODES.ok;
  }

  private charge(message: MessageOf<'charge'>, sequence: number): ResultCode {
    const refused = this.refusal();
    if (refused !== undefined) return refused;
    if (message.on > 1) return RESULT_CODES.outOfRange;
    this.battery.setCharging(this.clock.now(), message.on === 1);
    this.statusDue = true;
    return this.doneAtOnce(sequence);
  }

  /** stop: a drive ends at the next cell centre, a lift halts now, grip and wheel change finish. */
  private controlledStop(): ResultCode {
    const a = this.activity;
    if (a?.kind === 'drive') a.stopRequested = true;
    else if (a?.kind === 'lift') {
      this.clock.clearTimeout(a.timer);
      this.liftMm = this.currentLiftMm();
      this.finish(RESULT_CODES.interrupted);
    }
    return RESULT_CODES.ok;
  }

  // ---- running commands ------------------------------------------------------------------------------

  private begin(activity: Activity): void {
    this.activity = activity;
    this.battery.setMode(this.clock.now(), this.powerMode());
    this.statusDue = true;
  }

  /** Ends the running command with done{code}. */
  private finish(code: ResultCode): void {
    const a = this.activity;
    if (!a) return;
    this.activity = undefined;
    this.battery.setMode(this.clock.now(), this.powerMode());
    this.statusDue = true;
    this.outbox.push({ kind: 'done', commandSequence: a.sequence, code });
  }

  /** An accepted command with nothing to do: done{ok} right after its ack. */
  private doneAtOnce(sequence: number): ResultCode {
    this.outbox.push({ kind: 'done', commandSequence: sequence, code: RESULT_CODES.ok });
    return RESULT_CODES.ok;
  }

  private stalled(detail: number): void {
    this.finish(RESULT_CODES.motorStall);
    this.outbox.push({ kind: 'fault', code: RESULT_CODES.motorStall, detail });
  }

  /** Every motor stops at once, wherever it is (emergency stop, watchdog); the command ends done{code}. */
  private halt(code: ResultCode): void {
    const a = this.activity;
    if (!a) return;
    this.clock.clearTimeout(a.timer);
    if (a.kind === 'lift') this.liftMm = this.currentLiftMm();
    if (a.kind === 'drive') {
      const crossings = a.plan.crossings;
      const elapsedMs = this.clock.now() - a.startMs;
      const drivenMm = distanceDrivenMm(a.plan, elapsedMs, a.next);
      const passedBefore = a.next;
      // A centre reached this very moment (its timer not run yet) counts as reached.
      while (a.next < crossings.length && (crossings[a.next]!.atMs <= elapsedMs || crossings[a.next]!.distanceMm <= drivenMm)) this.passCrossing(a);
      if (a.next === crossings.length) return this.finish(RESULT_CODES.ok);
      if (a.next === passedBefore) this.offsetMm = this.offsetAt(a, drivenMm);
    }
    this.finish(code);
  }

  private scheduleCrossing(drive: DriveActivity): void {
    const crossing = drive.plan.crossings[drive.next]!;
    drive.timer = this.after(drive.startMs + crossing.atMs - this.clock.now(), () => this.reachCrossing(drive));
  }

  /** The drive reaches the centre of its next cell: status, then on to the next or done. */
  private reachCrossing(drive: DriveActivity): void {
    if (this.activity !== drive) return;
    this.passCrossing(drive);
    if (drive.stall) return this.stalled(STALL_DETAIL.drive);
    if (drive.next === drive.plan.crossings.length) return this.finish(RESULT_CODES.ok);
    if (drive.stopRequested) return this.finish(RESULT_CODES.interrupted);
    if (!this.bodyToward(this.crossingCell(drive, drive.next))) return this.stalled(STALL_DETAIL.drive);
    this.scheduleCrossing(drive);
  }

  /** Position bookkeeping of reaching the next crossing's centre. */
  private passCrossing(drive: DriveActivity): void {
    const crossing = drive.plan.crossings[drive.next]!;
    drive.next++;
    if (drive.axis === 'x') this.x = drive.startCoord + crossing.cellsFromStart;
    else this.y = drive.startCoord + crossing.cellsFromStart;
    this.offsetMm = 0;
    if (this.body && this.bodyMovingTo) {
      this.body.endMove();
      this.bodyMovingTo = undefined;
    }
    this.statusDue = true;
  }

  private crossingCell(drive: DriveActivity, index: number): GridCell {
    const coord = drive.startCoord + drive.plan.crossings[index]!.cellsFromStart;
    return drive.axis === 'x' ? { x: coord, y: this.y } : { x: this.x, y: coord };
  }

  /**
   * Makes the body drive into `cell`, a neighbour of the current cell or the current cell
   * itself (driving back after a stop between cells). False when the body refuses.
   */
  private bodyToward(cell: GridCell): boolean {
    const body = this.body;
    if (!body) return true;
    const moving = this.bodyMovingTo;
    if (moving && sameCell(moving, cell)) return true;
    if (moving) {
      // Stopped between the current cell and `moving`, now heading the other way: the robot
      // backs out of `moving` (it occupies both cells until it is over its own centre again).
      const here = { x: this.x, y: this.y };
      body.endMove();
      this.bodyMovingTo = undefined;
      if (!body.beginMove(here)) return false;
      this.bodyMovingTo = here;
      if (sameCell(here, cell)) return true;
      body.endMove();
      this.bodyMovingTo = undefined;
    }
    if (!body.beginMove(cell)) return false;
    this.bodyMovingTo = { x: cell.x, y: cell.y };
    return true;
  }

  /** Signed offset from the last cell reached after driving `drivenMm` of the run, mm. */
  private offsetAt(drive: DriveActivity, drivenMm: number): number {
    const { startOffsetMm, direction, pitchMm } = drive.plan.request;
    const fromStartMm = startOffsetMm + direction * drivenMm;
    const current = drive.axis === 'x' ? this.x : this.y;
    return fromStartMm - (current - drive.startCoord) * pitchMm;
  }

  private currentOffsetMm(): number {
    const a = this.activity;
    if (a?.kind !== 'drive') return this.offsetMm;
    return this.offsetAt(a, distanceDrivenMm(a.plan, this.clock.now() - a.startMs, a.next));
  }

  private currentLiftMm(): number {
    const a = this.activity;
    if (a?.kind !== 'lift') return this.liftMm;
    const share = Math.min(1, Math.max(0, (this.clock.now() - a.startMs) / a.durationMs));
    return a.fromMm + (a.toMm - a.fromMm) * share;
  }

  private atCellCentre(): boolean {
    return Math.round(this.currentOffsetMm()) === 0;
  }

  // ---- watchdog, battery, flags -----------------------------------------------------------------------

  private validFrames(): number {
    const c = this.link.counters;
    return c.decoder.frames - c.wrongVersion - c.badMessages;
  }

  private hostFrameSeen(): void {
    this.hostHeard = true;
    if (this.watchdogStopped) {
      this.watchdogStopped = false;
      this.statusDue = true;
    }
    this.armWatchdog();
  }

  private armWatchdog(): void {
    if (!this.started) return;
    if (this.watchdogTimer !== undefined) this.clock.clearTimeout(this.watchdogTimer);
    this.watchdogTimer = this.after(this.options.watchdogTimeoutMs, () => this.tripWatchdog());
  }

  private tripWatchdog(): void {
    this.watchdogTimer = undefined;
    if (this.watchdogStopped) return;
    this.watchdogStopped = true;
    this.halt(RESULT_CODES.watchdog);
    this.statusDue = true;
    this.outbox.push({ kind: 'fault', code: RESULT_CODES.watchdog, detail: 0 });
  }

  private checkBattery(): void {
    const permille = this.batteryPermille();
    if (permille >= LOW_BATTERY_PERMILLE) this.lowBatteryReported = false;
    else if (!this.lowBatteryReported) {
      this.lowBatteryReported = true;
      this.outbox.push({ kind: 'fault', code: RESULT_CODES.lowBattery, detail: permille });
    }
  }

  private powerMode(): PowerMode {
    const kind = this.activity?.kind;
    return kind === 'drive' ? 'driving' : kind === 'lift' ? 'lifting' : 'idle';
  }

  private flagBits(): number {
    const a = this.activity;
    let bits = 0;
    if (a?.kind === 'drive') bits |= STATUS_FLAGS.driving;
    if (a?.kind === 'lift') bits |= STATUS_FLAGS.lifting;
    if (this.gripClosed) bits |= STATUS_FLAGS.gripClosed;
    if (this.eStop) bits |= STATUS_FLAGS.eStop;
    if (this.watchdogStopped) bits |= STATUS_FLAGS.watchdogStopped;
    if (this.battery.charging) bits |= STATUS_FLAGS.charging;
    if (this.wheelsY) bits |= STATUS_FLAGS.wheelsY;
    if (a) bits |= STATUS_FLAGS.busy;
    return bits;
  }

  // ---- output ------------------------------------------------------------------------------------------

  /** A clock timer whose callback ends, like every event, by sending what it produced. */
  private after(delayMs: number, fn: () => void): TimerHandle {
    return this.clock.setTimeout(() => {
      fn();
      this.flush();
    }, Math.max(0, delayMs));
  }

  /** Sends the status (if due or the flags changed since the last one), then queued messages. */
  private flush(): void {
    const flags = this.flagBits();
    if (this.statusDue || flags !== this.lastSentFlags) {
      this.statusDue = false;
      this.lastSentFlags = flags;
      this.link.send(this.status());
    }
    for (let message = this.outbox.shift(); message; message = this.outbox.shift()) this.link.send(message);
  }
}

function sameCell(a: GridCell, b: GridCell): boolean {
  return a.x === b.x && a.y === b.y;
}
