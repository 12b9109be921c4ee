/**
 * The robot as the controller sees it when a motor controller board drives it: takes VDA 5050
 * orders and instant actions, turns released nodes and node actions into board commands
 * (PROTOCOL.md), follows the board's status, and publishes VDA 5050 state on every change and
 * periodically.
 *
 * Every command is derived from the board's last status and is safe to send again: a drive
 * goes from the cell the board reports towards the next released node, a lift goes to an
 * absolute depth, a grip to a wanted state. So after anything that loses track of a command
 * (a lost acknowledgement, the port vanishing, a watchdog stop) the bridge waits for the link
 * and a fresh status, then simply carries on.
 *
 * Section names below refer to VDA 5050 2.0.0, §6 "Protocol specification".
 */
import type { Clock, TimerHandle } from '../protocol/clock.ts';
import { RESULT_CODES, resultName, STATUS_FLAGS, type MessageOf } from '../protocol/serial/messages.ts';
import { buildFactsheet } from '../protocol/vda5050/grid-factsheet.ts';
import {
  cellNodeId,
  EMERGENCY_STOP_ACTION_TYPE,
  parseCellNodeId,
  parseGridActionParameters,
  RELEASE_EMERGENCY_STOP_ACTION_TYPE,
  type GridCell,
} from '../protocol/vda5050/grid-nodes.ts';
import { checkOrderRoute, type GridRouteMap, type RouteEdge, type RouteNode } from '../protocol/vda5050/grid-order-route.ts';
import type { Action, ActionState, FactsheetBody, InstantActions, Order, StateBody, VdaError } from '../protocol/vda5050/types.ts';
import type { BridgeOptions } from './bridge-options.ts';
import type { BoardCommand, BoardLinkState, BoardSession } from './board-session.ts';

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
}

interface CommandInFlight {
  sequence: number;
  command: BoardCommand;
  /** Set once the board accepted the command (acked ok). */
  accepted: boolean;
  /** For a drive: the route nodes it drives to, in order. */
  targets: readonly RouteNode[];
}

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
  private eStopped = false;
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
      safetyState: { eStop: this.eStopped ? 'REMOTE' : 'NONE', fieldViolation: false },
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
    if (this.eStopped) return this.rejectOrder(order, BRIDGE_ERROR_TYPES.orderError, 'emergency stop is active');
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
    this.clearErrors((e) => CLEARED_ON_ACCEPT.has(e.errorType));
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
    this.addError({
      errorType,
      errorLevel: 'WARNING',
      errorDescription: reason,
      errorReferences: [
        { referenceKey: 'headerId', referenceValue: String(order.headerId) },
        { referenceKey: 'orderId', referenceValue: order.orderId },
        { referenceKey: 'orderUpdateId', referenceValue: String(order.orderUpdateId) },
      ],
    });
    this.markChanged();
  }

  private addWaitingActions(nodes: RouteNode[]): void {
    for (const node of nodes) {
      if (!node.released) continue;
      for (const action of node.actions) {
        if (this.orderActionIds.has(action.actionId)) continue;
        this.orderActionIds.add(action.actionId);
        this.actionStates.push(actionState(action, 'WAITING'));
      }
    }
  }

  private lastBaseNode(): { nodeId: string; sequenceId: number } {
    const released = this.route.filter((n) => n.released);
    return released[released.length - 1] ?? { nodeId: this.lastNodeId, sequenceId: this.lastNodeSequenceId };
  }

  private isExecutingOrder(): boolean {
    return this.route.length > 0 || this.actionQueue.length > 0 || this.running !== undefined || this.inFlight !== undefined;
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

  /** Sends the next command, if the robot may move and nothing is in flight. Called after every change. */
  private step(): void {
    if (this.inFlight || !this.started) return;
    if (this.cancelState) this.completeCancel();
    if (this.board.linkState !== 'ready' || !this.statusFresh || !this.status) return;
    if (this.paused || this.eStopped || this.hasError(BRIDGE_ERROR_TYPES.motorStall)) return;
    if (!this.running) {
      const next = this.actionQueue.shift();
      if (next) this.beginAction(next);
    }
    if (this.running) return this.continueAction(this.running);
    const target = this.route[0];
    if (target?.released) this.driveTowards(target);
  }

  private driveTowards(first: RouteNode): void {
    const here = this.currentCell()!;
    const dx = first.cell.x - here.x;
    const dy = first.cell.y - here.y;
    if (Math.abs(dx) + Math.abs(dy) !== 1) {
      // The board reports a cell off the route: the robot was moved or lost its position.
      this.addError({
        errorType: BRIDGE_ERROR_TYPES.motorControllerCommand,
        errorLevel: 'FATAL',
        errorDescription: `the motor controller reports cell (${here.x}, ${here.y}), not next to the route's next node ${first.nodeId}`,
      });
      return this.markChanged();
    }
    const axis = dx !== 0 ? 0 : 1;
    const wheelsY = (this.status!.flags & STATUS_FLAGS.wheelsY) !== 0;
    if ((axis === 1) !== wheelsY) return this.sendCommand({ kind: 'wheelChange', axis });
    // The run goes on over released nodes straight ahead and ends at a node with actions.
    let cells = 1;
    for (;;) {
      const last = this.route[cells - 1]!;
      const candidate = this.route[cells];
      if (!candidate?.released || last.actions.length > 0) break;
      if (candidate.cell.x - last.cell.x !== dx || candidate.cell.y - last.cell.y !== dy) break;
      cells++;
    }
    this.sendCommand(
      {
        kind: 'drive',
        axis,
        direction: dx + dy,
        cells,
        maxSpeedMmps: Math.round(this.o.maxSpeedMps * 1000),
        accelerationMmps2: Math.round(this.o.accelerationMps2 * 1000),
      },
      this.route.slice(0, cells),
    );
  }

  private beginAction(action: Action): void {
    const state = this.actionStates.find((a) => a.actionId === action.actionId)!;
    const here = this.currentCell()!;
    const running: RunningAction = { action, state };
    if (action.actionType === 'pick' || action.actionType === 'drop') {
      const parsed = parseGridActionParameters(action);
      if (!parsed.ok) return this.failAction(state, parsed.errors.join('; '));
      const atPort = this.grid.cellKind(here.x, here.y) === 'port';
      const levelsDown = atPort ? 1 : this.grid.depth - parsed.value.level;
      // A port lowers the bin further: its extra time is spent half going down, half coming up.
      const extraM = atPort ? (this.o.portDropSeconds * this.o.liftSpeedMps) / 2 : 0;
      running.handling = { kind: action.actionType, binId: parsed.value.binId, depthMm: Math.round((levelsDown * this.o.binHeightM + extraM) * 1000), phase: 0 };
    }
    this.running = running;
    this.setActionStatus(state, 'RUNNING');
  }

  private continueAction(running: RunningAction): void {
    const { action, handling } = running;
    if (action.actionType === 'startCharging' || action.actionType === 'stopCharging') {
      return this.sendCommand({ kind: 'charge', on: action.actionType === 'startCharging' ? 1 : 0 });
    }
    if (!handling) return;
    if (handling.phase === 0) return this.sendCommand({ kind: 'lift', depthMm: handling.depthMm });
    if (handling.phase === 1) return this.sendCommand({ kind: 'grip', close: handling.kind === 'pick' ? 1 : 0 });
    return this.sendCommand({ kind: 'lift', depthMm: 0 });
  }

  private sendCommand(command: BoardCommand, targets: readonly RouteNode[] = []): void {
    const sequence = this.board.send(command, (code) => this.handleAck(sequence, code));
    if (sequence === undefined) return; // link not ready: step() runs again when it is
    this.inFlight = { sequence, command, accepted: false, targets };
  }

  private handleAck(sequence: number | undefined, code: number): void {
    const inFlight = this.inFlight;
    if (!inFlight || inFlight.sequence !== sequence) return;
    if (code === RESULT_CODES.ok) {
      inFlight.accepted = true;
      return;
    }
    this.inFlight = undefined;
    if (code === RESULT_CODES.busy || code === RESULT_CODES.notNegotiated) return this.retryLater();
    if (code === RESULT_CODES.eStopActive) return; // the bridge holds until releaseEmergencyStop
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
    if (!inFlight || inFlight.sequence !== sequence) return; // a command given up on earlier; status tells where the robot is
    this.inFlight = undefined;
    const { command } = inFlight;
    if (command.kind === 'drive') this.followPosition();
    if (code === RESULT_CODES.ok) {
      if (command.kind === 'drive') this.reachRun(inFlight.targets);
      else this.commandFinished(command);
    } else if (code === RESULT_CODES.motorStall) {
      this.commandFailed(command, `motor stall during ${command.kind}`);
    } else if (code !== RESULT_CODES.interrupted && code !== RESULT_CODES.eStopActive && code !== RESULT_CODES.watchdog) {
      this.commandFailed(command, `${command.kind} failed on the motor controller: ${resultName(code)}`);
    }
    this.markChanged();
    this.step();
  }

  /** A drive finished: its last cell is reached even if the status saying so has not arrived yet. */
  private reachRun(targets: readonly RouteNode[]): void {
    for (const node of targets) if (this.route[0] === node) this.reachNode(node);
    const cell = parseCellNodeId(this.lastNodeId);
    if (cell && this.status) this.status = { ...this.status, x: cell.x, y: cell.y, offsetMm: 0 };
  }

  private commandFinished(command: BoardCommand): void {
    const running = this.running;
    if (!running) return;
    if (command.kind === 'charge') {
      this.running = undefined;
      return this.setActionStatus(running.state, 'FINISHED');
    }
    const handling = running.handling;
    if (!handling || (command.kind !== 'lift' && command.kind !== 'grip')) return;
    if (handling.phase === 1) this.heldBinId = handling.kind === 'pick' ? handling.binId : undefined;
    if (handling.phase < 2) {
      handling.phase = (handling.phase + 1) as 1 | 2;
      return;
    }
    this.running = undefined;
    this.setActionStatus(running.state, 'FINISHED');
  }

  private commandFailed(command: BoardCommand, reason: string): void {
    if (command.kind === 'drive' || command.kind === 'wheelChange') {
      this.addError({ errorType: BRIDGE_ERROR_TYPES.motorStall, errorLevel: 'FATAL', errorDescription: reason });
    } else if (this.running) {
      const running = this.running;
      this.running = undefined;
      this.failAction(running.state, reason);
    } else {
      this.addError({ errorType: BRIDGE_ERROR_TYPES.motorControllerCommand, errorLevel: 'WARNING', errorDescription: reason });
    }
    this.markChanged();
  }

  // ---- the board's reports -----------------------------------------------------------------

  private handleLinkState(state: BoardLinkState, reason: string): void {
    this.log(`motor controller link ${state}: ${reason}`);
    if (state === 'ready') {
      this.clearErrors((e) => e.errorType === BRIDGE_ERROR_TYPES.motorControllerLink);
      this.statusFresh = false;
    } else {
      // What was in flight is unknown now; the next status says where the robot is.
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
    this.followPosition();
    this.markChanged();
    if (first) {
      this.clearErrors((e) => e.errorType === BRIDGE_ERROR_TYPES.motorControllerNoAck);
      this.step();
    }
  }

  /** Nodes of the route the board's reported cell has reached become reached. */
  private followPosition(): void {
    const here = this.currentCell();
    if (!here) return;
    const index = this.route.findIndex((n) => n.released && n.cell.x === here.x && n.cell.y === here.y);
    // Only a cell within the current run counts (a route may pass the same cell twice).
    if (index < 0 || index > 0 && !this.isStraightReleasedRun(index)) return;
    for (let i = 0; i <= index; i++) this.reachNode(this.route[0]!);
  }

  private isStraightReleasedRun(upTo: number): boolean {
    for (let i = 0; i <= upTo; i++) {
      if (!this.route[i]!.released) return false;
      if (i < upTo && this.route[i]!.actions.length > 0) return false;
    }
    return true;
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
    if (message.actions.some((a) => a.actionType === EMERGENCY_STOP_ACTION_TYPE)) this.sendEmergencyStop();
    for (const action of message.actions) this.runInstantAction(action);
    this.markChanged();
  }

  private sendEmergencyStop(): void {
    this.eStopped = true;
    this.board.send({ kind: 'emergencyStop' });
  }

  private runInstantAction(action: Action): void {
    const state = actionState(action, 'RUNNING');
    this.actionStates.push(state);
    switch (action.actionType) {
      case 'startPause':
        this.paused = true;
        this.stopBoard();
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
        const sent = this.board.send({ kind: 'releaseEmergencyStop' }, (code) => {
          if (code !== RESULT_CODES.ok) return this.failAction(state, `the motor controller refused releaseEmergencyStop: ${resultName(code)}`);
          this.eStopped = false;
          this.clearErrors((e) => e.errorType === BRIDGE_ERROR_TYPES.emergencyStop);
          this.setActionStatus(state, 'FINISHED');
          this.step();
        });
        if (sent === undefined) this.failAction(state, 'the motor controller is not connected');
        return;
      }
      default:
        return this.failAction(state, `unknown instant action type '${action.actionType}'`);
    }
  }

  /** Controlled stop of what runs now (the board finishes the cell it is driving into). */
  private stopBoard(): void {
    if (this.inFlight) this.board.send({ kind: 'stop' });
  }

  private requestCancel(state: ActionState): void {
    if (!this.isExecutingOrder()) {
      this.addError({ errorType: BRIDGE_ERROR_TYPES.noOrderToCancel, errorLevel: 'WARNING', errorDescription: 'cancelOrder without an order to cancel' });
      return this.failAction(state, 'no order to cancel');
    }
    this.cancelState = state;
    this.stopBoard();
    this.step();
  }

  /** §Order cancellation: once the robot stands, the rest of the order goes and its actions fail. */
  private completeCancel(): void {
    if (this.inFlight) return;
    const state = this.cancelState!;
    this.cancelState = undefined;
    this.route = [];
    this.edges = [];
    this.actionQueue = [];
    if (this.running) {
      this.failAction(this.running.state, 'cancelled');
      this.running = undefined;
    }
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

function actionState(action: Action, status: ActionState['actionStatus']): ActionState {
  return {
    actionId: action.actionId,
    actionType: action.actionType,
    ...(action.actionDescription !== undefined ? { actionDescription: action.actionDescription } : {}),
    actionStatus: status,
  };
}

function roundMm(metres: number): number {
  return Math.round(metres * 1000) / 1000;
}
