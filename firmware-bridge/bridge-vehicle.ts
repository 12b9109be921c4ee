/**
 * The robot as the controller sees it when a motor controller board drives it: takes VDA 5050
 * orders and instant actions, turns released nodes and node actions into board commands
 * (PROTOCOL.md), follows the board's status, and publishes VDA 5050 state on every change and
 * periodically.
 *
 * Every command is derived from the board's last status: a drive goes from the cell the board
 * reports towards the next released node, a lift goes to an absolute depth, and a lift or grip
 * the status shows done already is passed over (a grip is never sent twice). So after anything
 * that loses track of a command (a lost acknowledgement, the port vanishing, a watchdog stop)
 * the bridge waits for the link and a fresh status, then simply carries on.
 *
 * Section names below refer to VDA 5050 2.0.0, §6 "Protocol specification".
 */
import type { Clock, TimerHandle } from '../protocol/clock.ts';
import { RESULT_CODES, resultName, STATUS_FLAGS, type MessageOf } from '../protocol/serial/messages.ts';
import { buildFactsheet } from '../protocol/vda5050/grid-factsheet.ts';
import {
  cellNodeId,
  EMERGENCY_STOP_ACTION_TYPE,
  RELEASE_EMERGENCY_STOP_ACTION_TYPE,
  type GridCell,
} from '../protocol/vda5050/grid-nodes.ts';
import { readBinAction } from '../protocol/vda5050/vehicle-profile.ts';
import { checkOrderRoute, type GridRouteMap, type RouteEdge, type RouteNode } from '../protocol/vda5050/grid-order-route.ts';
import type { Action, ActionState, FactsheetBody, InstantActions, Order, StateBody, VdaError } from '../protocol/vda5050/types.ts';
import type { BridgeOptions } from './bridge-options.ts';
import type { BoardCommand, BoardLinkState, BoardSession } from './board-session.ts';
import { actionState, newWaitingActionStates, orderRejection, roundMm } from '../protocol/vda5050/vehicle-state-parts.ts';

/** The part of a VehicleLink the bridge uses; tests pass a fake. */
export interface BridgeVehicleLink {
  onOrder(listener: (order: Order) => void): unknown;
  onInstantActions(listener: (instantActions: InstantActions) => void): unknown;
  onInvalidMessage(listener: (topic: string, errors: string[]) => void): unknown;
  publishState(body: StateBody): unknown;
  publishFactsheet(body: FactsheetBody): unknown;
}

/** errorType values the bridge reports. */
export const BRIDGE_ERROR_TYPES = {
  orderError: 'orderError',
  orderUpdateError: 'orderUpdateError',
  validationError: 'validationError',
  noOrderToCancel: 'noOrderToCancel',
  actionError: 'actionError',
  emergencyStop: 'emergencyStop',
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

const CLEARED_ON_ACCEPT: ReadonlySet<string> = new Set([
  BRIDGE_ERROR_TYPES.orderError,
  BRIDGE_ERROR_TYPES.orderUpdateError,
  BRIDGE_ERROR_TYPES.validationError,
  BRIDGE_ERROR_TYPES.noOrderToCancel,
  BRIDGE_ERROR_TYPES.actionError,
]);

const THETA_RAD = 0;
const BRIDGE_SERIES = { seriesName: 'gridline-bridge', seriesDescription: 'grid robot driven through the gridline firmware bridge' };

/** A pick or drop in progress: lift to depth, grip, lift back to 0 (PROTOCOL.md). */
interface BinHandling {
  kind: 'pick' | 'drop';
  binId: string;
  depthMm: number;
  /** 0: lowering, 1: gripping, 2: raising. */
  phase: 0 | 1 | 2;
}

interface RunningAction {
  action: Action;
  state: ActionState;
  handling?: BinHandling;
  /** Why it failed, once a phase failed; it ends FAILED when its gripper is up again. */
  failure?: string;
}

interface CommandInFlight {
  sequence: number;
  command: BoardCommand;
}

/** A stop or emergency stop the status does not show yet is sent again after this long, ms. */
const STOP_REPEAT_MS = 100;
/** A low-battery warning ends once the battery is back above this, permille. */
const LOW_BATTERY_CLEARED_PERMILLE = 100;

export interface BridgeVehicleOptions {
  options: BridgeOptions;
  clock: Clock;
  grid: GridRouteMap;
  board: BoardSession;
  link: BridgeVehicleLink;
  /** Told every link change and every error the robot starts reporting, in plain words. */
  log?: (message: string) => void;
}

export class BridgeVehicle {
  private readonly o: BridgeOptions;
  private readonly clock: Clock;
  private readonly grid: GridRouteMap;
  private readonly board: BoardSession;
  private readonly link: BridgeVehicleLink;
  private readonly log: (message: string) => void;

  private orderId = '';
  private orderUpdateId = 0;
  private orderCancelled = false;
  private lastNodeId = '';
  private lastNodeSequenceId = 0;
  private route: RouteNode[] = [];
  private edges: RouteEdge[] = [];
  private actionQueue: Action[] = [];
  private actionStates: ActionState[] = [];
  private readonly orderActionIds = new Set<string>();
  private running: RunningAction | undefined;
  private cancelState: ActionState | undefined;
  private errors: VdaError[] = [];
  private paused = false;
  /** The controller asked for an emergency stop (or the board holds one) and has not released it. */
  private eStopRequested = false;
  /** The board acknowledged the last emergency stop sent. */
  private eStopAcked = false;
  private lastEStopSentMs = -Infinity;
  private lastStopSentMs = -Infinity;
  /** A releaseEmergencyStop waiting for the stop's acknowledgement, or for its own. */
  private releasing: { state: ActionState; sent: boolean } | undefined;
  /** The nodes of the drive being followed, until the board stands. */
  private run: RouteNode[] | undefined;
  private heldBinId: string | undefined;
  private status: MessageOf<'status'> | undefined;
  /** True once a status arrived since the link last became ready. */
  private statusFresh = false;
  private inFlight: CommandInFlight | undefined;
  private retryTimer: TimerHandle | undefined;
  private publishTimer: TimerHandle | undefined;
  private periodicTimer: TimerHandle | undefined;
  private started = false;

  constructor(options: BridgeVehicleOptions) {
    this.o = options.options;
    this.clock = options.clock;
    this.grid = options.grid;
    this.board = options.board;
    this.link = options.link;
    this.log = options.log ?? (() => {});
    this.link.onOrder((order) => this.handleOrder(order));
    this.link.onInstantActions((message) => this.handleInstantActions(message));
    this.link.onInvalidMessage((topic, errors) => {
      this.addError({ errorType: BRIDGE_ERROR_TYPES.validationError, errorLevel: 'WARNING', errorDescription: `invalid message on ${topic}: ${errors.join('; ')}` });
      this.markChanged();
    });
    this.addError(linkError('motor controller not connected yet'));
  }

  /** Starts the board session and the periodic state. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.board.start({
      onLinkState: (state, reason) => this.handleLinkState(state, reason),
      onStatus: (status) => this.handleStatus(status),
      onDone: (sequence, code) => this.handleDone(sequence, code),
      onFault: (code, detail) => this.handleFault(code, detail),
      onUndelivered: (command) => this.handleUndelivered(command.kind),
    });
    this.markChanged();
    const tick = () => {
      this.publishNow();
      this.periodicTimer = this.clock.setTimeout(tick, this.o.statePeriodMs);
    };
    this.periodicTimer = this.clock.setTimeout(tick, this.o.statePeriodMs);
  }

  async stop(): Promise<void> {
    this.started = false;
    for (const timer of [this.publishTimer, this.periodicTimer, this.retryTimer]) if (timer !== undefined) this.clock.clearTimeout(timer);
    await this.board.stop();
  }

  /** The state message body as it would be published now. */
  snapshot(): StateBody {
    const status = this.status;
    const driving = status !== undefined && (status.flags & STATUS_FLAGS.driving) !== 0;
    const wheelsY = status !== undefined && (status.flags & STATUS_FLAGS.wheelsY) !== 0;
    const offsetM = status ? status.offsetMm / 1000 : 0;
    const position = status
      ? {
          x: roundMm(status.x * this.o.cellSizeXM + (wheelsY ? 0 : offsetM)),
          y: roundMm(status.y * this.o.cellSizeYM + (wheelsY ? offsetM : 0)),
          theta: THETA_RAD,
          mapId: this.o.mapId,
          positionInitialized: true,
        }
      : undefined;
    return {
      orderId: this.orderId,
      orderUpdateId: this.orderUpdateId,
      lastNodeId: this.lastNodeId,
      lastNodeSequenceId: this.lastNodeSequenceId,
      nodeStates: this.route.map((n) => ({
        nodeId: n.nodeId,
        sequenceId: n.sequenceId,
        released: n.released,
        nodePosition: { x: roundMm(n.cell.x * this.o.cellSizeXM), y: roundMm(n.cell.y * this.o.cellSizeYM), theta: THETA_RAD, mapId: this.o.mapId },
      })),
      edgeStates: this.edges.map((e) => ({ edgeId: e.edgeId, sequenceId: e.sequenceId, released: e.released })),
      ...(position ? { agvPosition: position } : {}),
      loads: this.heldBinId === undefined ? [] : [{ loadId: this.heldBinId, loadType: 'bin' }],
      driving,
      paused: this.paused,
      ...(driving ? { distanceSinceLastNode: roundMm(Math.abs(offsetM)) } : {}),
      actionStates: this.actionStates.map((a) => ({ ...a })),
      batteryState: {
        batteryCharge: status ? status.batteryPermille / 10 : 0,
        charging: status !== undefined && (status.flags & STATUS_FLAGS.charging) !== 0,
      },
      operatingMode: 'AUTOMATIC',
      errors: this.errors.map((e) => ({ ...e, ...(e.errorReferences ? { errorReferences: e.errorReferences.map((r) => ({ ...r })) } : {}) })),
      safetyState: { eStop: this.eStopRequested || (status !== undefined && (status.flags & STATUS_FLAGS.eStop) !== 0) ? 'REMOTE' : 'NONE', fieldViolation: false },
    };
  }

  factsheet(): FactsheetBody {
    return buildFactsheet(this.o, { depth: this.grid.depth, statePeriodMs: this.o.statePeriodMs }, BRIDGE_SERIES);
  }

  // ---- orders (§Topic "order") -------------------------------------------------------------

  private handleOrder(order: Order): void {
    if (this.orderId !== '' && order.orderId === this.orderId) this.handleOrderUpdate(order);
    else this.handleNewOrder(order);
  }

  private handleNewOrder(order: Order): void {
    // §Orders and order update: a new order only once the previous one is done or cancelled.
    if (this.isExecutingOrder()) return this.rejectOrder(order, BRIDGE_ERROR_TYPES.orderError, `still executing order '${this.orderId}'; send an update or cancel it first`);
    if (this.eStopRequested) return this.rejectOrder(order, BRIDGE_ERROR_TYPES.orderError, 'emergency stop is active');
    const here = this.currentCell();
    if (!here) return this.rejectOrder(order, BRIDGE_ERROR_TYPES.orderError, 'the robot does not know its position: no status from the motor controller yet');
    const checked = checkOrderRoute(order, this.grid, this.o.mapId);
    if (!checked.ok) return this.rejectOrder(order, BRIDGE_ERROR_TYPES.orderError, checked.errors.join('; '));
    const [first, ...rest] = checked.nodes;
    if (!first || first.cell.x !== here.x || first.cell.y !== here.y) {
      return this.rejectOrder(order, BRIDGE_ERROR_TYPES.orderError, `first node '${first?.nodeId}' is not the robot's cell '${cellNodeId(here.x, here.y)}'`);
    }
    if (!first.released) return this.rejectOrder(order, BRIDGE_ERROR_TYPES.orderError, `first node '${first.nodeId}' must be released`);
    this.orderId = order.orderId;
    this.orderUpdateId = order.orderUpdateId;
    this.orderCancelled = false;
    // A new order after a fault is the controller's word that the robot may try again.
    this.clearErrors((e) => CLEARED_ON_ACCEPT.has(e.errorType) || e.errorType === BRIDGE_ERROR_TYPES.motorStall || e.errorType === BRIDGE_ERROR_TYPES.motorControllerCommand);
    this.actionStates = [];
    this.orderActionIds.clear();
    this.route = rest;
    this.edges = checked.edges;
    this.addWaitingActions([first, ...rest]);
    this.reachNode(first);
    this.markChanged();
    this.step();
  }

  private handleOrderUpdate(order: Order): void {
    if (order.orderUpdateId < this.orderUpdateId) {
      return this.rejectOrder(order, BRIDGE_ERROR_TYPES.orderUpdateError, `orderUpdateId ${order.orderUpdateId} is lower than the current ${this.orderUpdateId}`);
    }
    if (order.orderUpdateId === this.orderUpdateId) return; // a repeat (QoS 1 redelivery)
    if (this.orderCancelled || this.cancelState) return this.rejectOrder(order, BRIDGE_ERROR_TYPES.orderUpdateError, `order '${this.orderId}' was cancelled; send a new order`);
    const checked = checkOrderRoute(order, this.grid, this.o.mapId);
    if (!checked.ok) return this.rejectOrder(order, BRIDGE_ERROR_TYPES.orderError, checked.errors.join('; '));
    const baseEnd = this.lastBaseNode();
    const [first, ...rest] = checked.nodes;
    if (!first || first.nodeId !== baseEnd.nodeId || first.sequenceId !== baseEnd.sequenceId) {
      return this.rejectOrder(
        order,
        BRIDGE_ERROR_TYPES.orderUpdateError,
        `first node '${first?.nodeId}' (sequenceId ${first?.sequenceId}) is not the last base node '${baseEnd.nodeId}' (sequenceId ${baseEnd.sequenceId})`,
      );
    }
    this.orderUpdateId = order.orderUpdateId;
    this.clearErrors((e) => e.errorType === BRIDGE_ERROR_TYPES.orderError || e.errorType === BRIDGE_ERROR_TYPES.orderUpdateError);
    this.route = [...this.route.filter((n) => n.released), ...rest];
    this.edges = [...this.edges.filter((e) => e.released), ...checked.edges];
    this.addWaitingActions(rest);
    this.markChanged();
    this.step();
  }

  private rejectOrder(order: Order, errorType: string, reason: string): void {
    this.addError(orderRejection(order, errorType, reason));
    this.markChanged();
  }


  private addWaitingActions(nodes: RouteNode[]): void {
    this.actionStates.push(...newWaitingActionStates(nodes, this.orderActionIds));
  }


  private lastBaseNode(): { nodeId: string; sequenceId: number } {
    const released = this.route.filter((n) => n.released);
    return released[released.length - 1] ?? { nodeId: this.lastNodeId, sequenceId: this.lastNodeSequenceId };
  }

  private isExecutingOrder(): boolean {
    return this.route.length > 0 || this.actionQueue.length > 0 || this.running !== undefined || this.inFlight !== undefined || this.run !== undefined;
  }

  private reachNode(node: RouteNode): void {
    this.lastNodeId = node.nodeId;
    this.lastNodeSequenceId = node.sequenceId;
    if (this.route[0] === node) this.route.shift();
    while (this.edges[0] && this.edges[0].sequenceId < node.sequenceId) this.edges.shift();
    for (const action of node.actions) {
      const state = this.actionStates.find((a) => a.actionId === action.actionId);
      if (state?.actionStatus === 'WAITING') this.actionQueue.push(action);
    }
    this.markChanged();
  }

  // ---- execution ---------------------------------------------------------------------------

  /**
   * Sends the next command, if the robot may go on and the board is free. Called after every
   * change. Nothing is sent while a command is in flight, a drive is still being followed, or
   * the board reports itself busy with a command the bridge lost track of (it finishes first).
   */
  private step(): void {
    if (!this.started || this.inFlight || this.run) return;
    const status = this.status;
    if (this.board.linkState !== 'ready' || !this.statusFresh || !status) return;
    if ((status.flags & STATUS_FLAGS.busy) !== 0) return;
    if (this.cancelState && !this.running) return this.completeCancel();
    if (this.paused || this.eStopRequested || this.isHeld()) return;
    if (this.running) return this.continueAction(this.running, status);
    if (this.cancelState) return;
    const next = this.actionQueue.shift();
    if (next) return this.beginAction(next, status);
    const target = this.route[0];
    if (target?.released) this.driveTowards(target, status);
  }

  /** A FATAL fault of the motors or of a refused motion holds the robot until a new order. */
  private isHeld(): boolean {
    return this.errors.some((e) => e.errorLevel === 'FATAL' && (e.errorType === BRIDGE_ERROR_TYPES.motorStall || e.errorType === BRIDGE_ERROR_TYPES.motorControllerCommand));
  }

  private driveTowards(first: RouteNode, status: MessageOf<'status'>): void {
    const dx = first.cell.x - status.x;
    const dy = first.cell.y - status.y;
    if (Math.abs(dx) + Math.abs(dy) !== 1) {
      // The board reports a cell off the route: the robot was moved or lost its position.
      return this.hold(`the motor controller reports cell (${status.x}, ${status.y}), not next to the route's next node ${first.nodeId}`);
    }
    const axis = dx !== 0 ? 0 : 1;
    const wheelsY = (status.flags & STATUS_FLAGS.wheelsY) !== 0;
    if ((axis === 1) !== wheelsY) return void this.sendCommand({ kind: 'wheelChange', axis });
    // The run goes on over released nodes straight ahead and ends at a node with actions.
    let cells = 1;
    for (;;) {
      const last = this.route[cells - 1]!;
      const candidate = this.route[cells];
      if (!candidate?.released || last.actions.length > 0) break;
      if (candidate.cell.x - last.cell.x !== dx || candidate.cell.y - last.cell.y !== dy) break;
      cells++;
    }
    const sent = this.sendCommand({
      kind: 'drive',
      axis,
      direction: dx + dy,
      cells,
      maxSpeedMmps: Math.round(this.o.maxSpeedMps * 1000),
      accelerationMmps2: Math.round(this.o.accelerationMps2 * 1000),
    });
    if (sent) this.run = this.route.slice(0, cells);
  }

  private beginAction(action: Action, status: MessageOf<'status'>): void {
    const state = this.actionStates.find((a) => a.actionId === action.actionId)!;
    const running: RunningAction = { action, state };
    if (action.actionType === 'pick' || action.actionType === 'drop') {
      const parsed = readBinAction(action, this.grid.profile);
      if (!parsed.ok) return this.failAction(state, parsed.errors.join('; '));
      const atPort = this.grid.cellKind(status.x, status.y) === 'port';
      const levelsDown = atPort ? 1 : this.grid.depth - parsed.value.level;
      // A port lowers the bin further: its extra time is spent half going down, half coming up.
      const extraM = atPort ? (this.o.portDropSeconds * this.o.liftSpeedMps) / 2 : 0;
      running.handling = { kind: action.actionType, binId: parsed.value.loadId, depthMm: Math.round((levelsDown * this.o.binHeightM + extraM) * 1000), phase: 0 };
    }
    this.running = running;
    this.setActionStatus(state, 'RUNNING');
    this.continueAction(running, status);
  }

  /**
   * Sends the running action's next command. A phase the board's status shows done already (a
   * `done` lost with the link) is passed over, so no grip is ever sent twice.
   */
  private continueAction(running: RunningAction, status: MessageOf<'status'>): void {
    const { action, handling } = running;
    if (action.actionType === 'startCharging' || action.actionType === 'stopCharging') {
      const on = action.actionType === 'startCharging';
      if (((status.flags & STATUS_FLAGS.charging) !== 0) === on) return this.actionDone(running);
      return void this.sendCommand({ kind: 'charge', on: on ? 1 : 0 });
    }
    if (!handling) return;
    const gripClosed = (status.flags & STATUS_FLAGS.gripClosed) !== 0;
    if (handling.phase === 0 && status.liftDepthMm === handling.depthMm) handling.phase = 1;
    if (handling.phase === 1 && gripClosed === (handling.kind === 'pick')) {
      this.heldBinId = handling.kind === 'pick' ? handling.binId : undefined;
      handling.phase = 2;
      this.markChanged();
    }
    if (handling.phase === 2 && status.liftDepthMm === 0) return this.actionDone(running);
    if (handling.phase === 0) return void this.sendCommand({ kind: 'lift', depthMm: handling.depthMm });
    if (handling.phase === 1) return void this.sendCommand({ kind: 'grip', close: handling.kind === 'pick' ? 1 : 0 });
    this.sendCommand({ kind: 'lift', depthMm: 0 });
  }

  /** The running action is over: FINISHED, or FAILED with the reason an earlier phase gave. */
  private actionDone(running: RunningAction): void {
    this.running = undefined;
    if (running.failure) this.failAction(running.state, running.failure);
    else this.setActionStatus(running.state, 'FINISHED');
    this.markChanged();
  }

  /** Sends a command; false when the link is not ready (step() runs again when it is). */
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
      this.step();
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
    this.markChanged();
    this.step();
  }

  private commandFailed(command: BoardCommand, reason: string): void {
    const running = this.running;
    if (running?.handling && (command.kind === 'lift' || command.kind === 'grip')) {
      // The action fails, but only once the gripper is up again: a robot never leaves a column
      // or a port with its gripper down.
      if (running.handling.phase === 2) {
        this.actionDone({ ...running, failure: running.failure ?? reason });
        return this.hold(`the gripper cannot be raised: ${reason}`);
      }
      running.failure = reason;
      running.handling.phase = 2;
    } else if (running && command.kind === 'charge') {
      running.failure = reason;
      this.actionDone(running);
    } else if (command.kind === 'drive' || command.kind === 'wheelChange') {
      this.addError({ errorType: BRIDGE_ERROR_TYPES.motorStall, errorLevel: 'FATAL', errorDescription: reason });
    } else {
      this.hold(reason);
    }
    this.markChanged();
  }

  /** A refused or impossible motion: the robot holds (FATAL) until a new order is accepted. */
  private hold(reason: string): void {
    this.addError({ errorType: BRIDGE_ERROR_TYPES.motorControllerCommand, errorLevel: 'FATAL', errorDescription: reason });
    this.markChanged();
  }

  // ---- the board's reports -----------------------------------------------------------------

  private handleLinkState(state: BoardLinkState, reason: string): void {
    this.log(`motor controller link ${state}: ${reason}`);
    if (state === 'ready') {
      this.clearErrors((e) => e.errorType === BRIDGE_ERROR_TYPES.motorControllerLink);
      this.statusFresh = false;
    } else {
      // What was in flight is unknown now; the next status says where the robot is (a drive
      // already sent may still be running: it is followed until the board stops).
      this.inFlight = undefined;
      this.addError(linkError(reason));
    }
    this.markChanged();
  }

  private handleStatus(status: MessageOf<'status'>): void {
    const first = !this.statusFresh;
    this.status = status;
    this.statusFresh = true;
    if (this.lastNodeId === '') this.lastNodeId = cellNodeId(status.x, status.y);
    if ((status.flags & STATUS_FLAGS.watchdogStopped) === 0) this.clearErrors((e) => e.errorType === BRIDGE_ERROR_TYPES.motorControllerWatchdog);
    if (status.batteryPermille >= LOW_BATTERY_CLEARED_PERMILLE) this.clearErrors((e) => e.errorType === BRIDGE_ERROR_TYPES.batteryLow);
    if (first) this.clearErrors((e) => e.errorType === BRIDGE_ERROR_TYPES.motorControllerNoAck);
    this.followPosition();
    this.endRunIfStopped();
    this.keepStopsInForce(status);
    this.markChanged();
    this.step();
  }

  /** Nodes of the drive being followed that the board's reported cell has reached. */
  private followPosition(): void {
    const run = this.run;
    const here = this.currentCell();
    if (!run || !here) return;
    const index = run.findIndex((n) => n.cell.x === here.x && n.cell.y === here.y);
    if (index < 0) return;
    for (const node of run.slice(0, index + 1)) if (this.route[0] === node) this.reachNode(node);
  }

  /** The drive is over once the board stands (its last cell reached, or stopped on the way). */
  private endRunIfStopped(): void {
    const run = this.run;
    if (!run || this.inFlight?.command.kind === 'drive') return;
    const standing = this.status !== undefined && (this.status.flags & (STATUS_FLAGS.busy | STATUS_FLAGS.driving)) === 0;
    if (standing || !run.some((n) => this.route.includes(n))) this.run = undefined;
  }

  /**
   * Pauses, cancels and emergency stops hold whatever the board runs, even a command sent before
   * the link was lost: a stop or emergency stop is sent again until the status shows it.
   */
  private keepStopsInForce(status: MessageOf<'status'>): void {
    const now = this.clock.now();
    const boardEStop = (status.flags & STATUS_FLAGS.eStop) !== 0;
    // The board standing in emergency stop is as good as its acknowledgement (which may be lost).
    if (boardEStop && !this.eStopAcked) this.emergencyStopConfirmed();
    if (this.eStopRequested && !boardEStop && now - this.lastEStopSentMs >= STOP_REPEAT_MS) this.sendEmergencyStop();
    if (!this.eStopRequested && boardEStop && this.releasing === undefined) {
      // The board holds an emergency stop the bridge did not ask for (the bridge restarted, or
      // a release crossed a repeated stop on the line): report it; only a release ends it.
      this.eStopRequested = true;
      this.addError({
        errorType: BRIDGE_ERROR_TYPES.emergencyStop,
        errorLevel: 'FATAL',
        errorDescription: 'the motor controller holds an emergency stop; send releaseEmergencyStop to end it',
      });
    }
    const moving = (status.flags & STATUS_FLAGS.busy) !== 0;
    const wantStop = this.paused || (this.cancelState !== undefined && (status.flags & STATUS_FLAGS.driving) !== 0);
    if (wantStop && moving && now - this.lastStopSentMs >= STOP_REPEAT_MS) this.sendStop();
  }

  private handleFault(code: number, detail: number): void {
    if (code === RESULT_CODES.lowBattery) {
      this.addError({ errorType: BRIDGE_ERROR_TYPES.batteryLow, errorLevel: 'WARNING', errorDescription: `the motor controller reports a low battery (${detail / 10} %)` });
    } else if (code === RESULT_CODES.watchdog) {
      this.addError({ errorType: BRIDGE_ERROR_TYPES.motorControllerWatchdog, errorLevel: 'WARNING', errorDescription: 'the motor controller stopped its motors: host heartbeats stopped' });
    } else if (code === RESULT_CODES.motorStall) {
      const motor = ['', 'drive', 'lift', 'wheel change'][detail] ?? `motor ${detail}`;
      this.addError({ errorType: BRIDGE_ERROR_TYPES.motorStall, errorLevel: 'FATAL', errorDescription: `${motor} motor stalled` });
    } else {
      this.addError({ errorType: BRIDGE_ERROR_TYPES.motorControllerCommand, errorLevel: 'WARNING', errorDescription: `motor controller fault ${resultName(code)} (detail ${detail})` });
    }
    this.markChanged();
  }

  private handleUndelivered(kind: string): void {
    this.inFlight = undefined;
    this.addError({
      errorType: BRIDGE_ERROR_TYPES.motorControllerNoAck,
      errorLevel: 'FATAL',
      errorDescription: `the motor controller did not acknowledge ${kind} after every retransmission; reconnecting`,
    });
    this.markChanged();
  }

  // ---- instant actions (§Topic "instantActions") -------------------------------------------

  private handleInstantActions(message: InstantActions): void {
    // An emergency stop goes to the board before anything else is looked at.
    if (message.actions.some((a) => a.actionType === EMERGENCY_STOP_ACTION_TYPE)) {
      this.eStopRequested = true;
      this.sendEmergencyStop();
    }
    for (const action of message.actions) this.runInstantAction(action);
    this.markChanged();
  }

  /** Sent whatever the link's state while the port is open: the board acts on it at once. */
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

  private sendStop(): void {
    this.lastStopSentMs = this.clock.now();
    this.board.sendUrgent({ kind: 'stop' });
  }

  private runInstantAction(action: Action): void {
    const state = actionState(action, 'RUNNING');
    this.actionStates.push(state);
    switch (action.actionType) {
      case 'startPause':
        this.paused = true;
        if (this.run || this.inFlight || (this.status !== undefined && (this.status.flags & STATUS_FLAGS.busy) !== 0)) this.sendStop();
        return this.setActionStatus(state, 'FINISHED');
      case 'stopPause':
        this.paused = false;
        this.setActionStatus(state, 'FINISHED');
        return this.step();
      case 'cancelOrder':
        return this.requestCancel(state);
      case 'factsheetRequest':
        this.link.publishFactsheet(this.factsheet());
        return this.setActionStatus(state, 'FINISHED');
      case 'stateRequest':
        return this.setActionStatus(state, 'FINISHED');
      case EMERGENCY_STOP_ACTION_TYPE:
        this.addError({ errorType: BRIDGE_ERROR_TYPES.emergencyStop, errorLevel: 'FATAL', errorDescription: 'emergency stop: motors stopped until releaseEmergencyStop' });
        return this.setActionStatus(state, 'FINISHED');
      case RELEASE_EMERGENCY_STOP_ACTION_TYPE: {
        if (this.board.linkState !== 'ready') return this.failAction(state, 'the motor controller is not connected');
        const release = { state, sent: false };
        this.releasing = release;
        if (this.eStopAcked || !this.eStopRequested) this.sendRelease(release);
        return;
      }
      default:
        return this.failAction(state, `unknown instant action type '${action.actionType}'`);
    }
  }

  private sendRelease(release: { state: ActionState; sent: boolean }): void {
    release.sent = true;
    const sent = this.board.send({ kind: 'releaseEmergencyStop' }, (code) => {
      if (this.releasing === release) this.releasing = undefined;
      if (code !== RESULT_CODES.ok) return this.failAction(release.state, `the motor controller refused releaseEmergencyStop: ${resultName(code)}`);
      this.eStopRequested = false;
      this.clearErrors((e) => e.errorType === BRIDGE_ERROR_TYPES.emergencyStop);
      this.setActionStatus(release.state, 'FINISHED');
      this.step();
    });
    if (sent === undefined) {
      this.releasing = undefined;
      this.failAction(release.state, 'the motor controller is not connected');
    }
  }

  private requestCancel(state: ActionState): void {
    if (!this.isExecutingOrder() || this.cancelState) {
      const reason = this.cancelState ? 'a cancelOrder is already under way' : 'cancelOrder without an order to cancel';
      this.addError({ errorType: BRIDGE_ERROR_TYPES.noOrderToCancel, errorLevel: 'WARNING', errorDescription: reason });
      return this.failAction(state, reason);
    }
    this.cancelState = state;
    // A drive stops at the next cell; a pick or drop under way is finished (its gripper comes up).
    if (this.run || (this.status !== undefined && (this.status.flags & STATUS_FLAGS.driving) !== 0)) this.sendStop();
    this.step();
  }

  /** §Order cancellation: once the robot stands, the rest of the order goes and its actions fail. */
  private completeCancel(): void {
    const state = this.cancelState!;
    this.cancelState = undefined;
    this.route = [];
    this.edges = [];
    this.actionQueue = [];
    for (const s of this.actionStates) if (s.actionStatus === 'WAITING') s.actionStatus = 'FAILED';
    this.orderCancelled = true;
    this.setActionStatus(state, 'FINISHED');
  }

  // ---- state -------------------------------------------------------------------------------

  private currentCell(): GridCell | undefined {
    return this.status ? { x: this.status.x, y: this.status.y } : undefined;
  }

  private failAction(state: ActionState, reason: string): void {
    state.actionStatus = 'FAILED';
    state.resultDescription = reason;
    this.addError({
      errorType: BRIDGE_ERROR_TYPES.actionError,
      errorLevel: 'WARNING',
      errorDescription: `${state.actionType} ${state.actionId}: ${reason}`,
      errorReferences: [{ referenceKey: 'actionId', referenceValue: state.actionId }],
    });
    this.markChanged();
  }

  private setActionStatus(state: ActionState, status: ActionState['actionStatus']): void {
    state.actionStatus = status;
    this.markChanged();
  }

  private hasError(errorType: string): boolean {
    return this.errors.some((e) => e.errorType === errorType);
  }

  private addError(error: VdaError): void {
    // Link errors are told by handleLinkState already.
    const told = error.errorType === BRIDGE_ERROR_TYPES.motorControllerLink || this.errors.some((e) => e.errorType === error.errorType && e.errorDescription === error.errorDescription);
    if (!told) {
      this.log(`${error.errorLevel} ${error.errorType}: ${error.errorDescription ?? ''}`);
    }
    this.errors = [...this.errors.filter((e) => e.errorType !== error.errorType), error];
  }

  private clearErrors(predicate: (e: VdaError) => boolean): void {
    const before = this.errors.length;
    this.errors = this.errors.filter((e) => !predicate(e));
    if (this.errors.length !== before) this.markChanged();
  }

  /** State goes out on every change; changes in the same instant merge into one message. */
  private markChanged(): void {
    if (!this.started || this.publishTimer !== undefined) return;
    this.publishTimer = this.clock.setTimeout(() => {
      this.publishTimer = undefined;
      this.publishNow();
    }, 0);
  }

  private publishNow(): void {
    if (this.started) this.link.publishState(this.snapshot());
  }
}

function linkError(reason: string): VdaError {
  return { errorType: BRIDGE_ERROR_TYPES.motorControllerLink, errorLevel: 'FATAL', errorDescription: reason };
}
