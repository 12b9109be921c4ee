/**
 * A simulated grid robot that speaks VDA 5050 2.0.0 as a vehicle: it takes orders and instant
 * actions from its link, drives cell by cell over the released base of its order, digs and
 * sets down bins in the GridWorld, and publishes its state on every change and periodically.
 * Everything is timed by the injected Clock, so a run with a SimulatedClock is deterministic.
 *
 * Section names below refer to VDA 5050 2.0.0, §6 "Protocol specification".
 */
import type { Clock, TimerHandle } from '../../protocol/clock.ts';
import { cellNodeId, EMERGENCY_STOP_ACTION_TYPE, RELEASE_EMERGENCY_STOP_ACTION_TYPE } from '../../protocol/vda5050/grid-nodes.ts';
import type { Action, ActionState, FactsheetBody, InstantActions, Order, StateBody, VdaError } from '../../protocol/vda5050/types.ts';
import {
  defaultKinematics,
  distanceAtTime,
  liftCycleSeconds,
  portCycleSeconds,
  timeAtDistance,
  type RobotKinematics,
} from '../kinematics/robot-kinematics.ts';
import type { GridCell, GridWorld } from '../world/grid-world.ts';
import { Battery, type PowerMode } from './battery.ts';
import { buildFactsheet } from '../../protocol/vda5050/grid-factsheet.ts';
import { checkOrderRoute, planNodeAction, type RouteEdge, type RouteNode } from '../../protocol/vda5050/grid-order-route.ts';
import { actionState, newWaitingActionStates, orderRejection, roundMm } from '../../protocol/vda5050/vehicle-state-parts.ts';

/** The part of a VehicleLink the robot uses; tests pass a fake. */
export interface VehicleLinkPort {
  onOrder(listener: (order: Order) => void): unknown;
  onInstantActions(listener: (instantActions: InstantActions) => void): unknown;
  onInvalidMessage(listener: (topic: string, errors: string[]) => void): unknown;
  publishState(body: StateBody): unknown;
  publishFactsheet(body: FactsheetBody): unknown;
}

export interface VirtualRobotOptions {
  serialNumber: string;
  startCell: GridCell;
  clock: Clock;
  world: GridWorld;
  kinematics?: RobotKinematics;
  link: VehicleLinkPort;
  /** Map id reported in agvPosition and node positions; one per grid. */
  mapId: string;
  /** Period of unconditional state messages, clock milliseconds. */
  statePeriodMs?: number;
  /** Battery state of charge at the start, percent. */
  initialChargePercent?: number;
}

/** errorType values this robot reports. */
export const ROBOT_ERROR_TYPES = {
  /** §Order rejection: an order the robot cannot execute (bad cells, unknown actions, busy). */
  orderError: 'orderError',
  /** §Order rejection: an order update that does not continue the current order. */
  orderUpdateError: 'orderUpdateError',
  /** An incoming message that failed validation. */
  validationError: 'validationError',
  /** §Order cancellation: cancelOrder without an order to cancel. */
  noOrderToCancel: 'noOrderToCancel',
  /** A node or instant action that failed (e.g. the bin is not on top of the column). */
  actionError: 'actionError',
  /** Emergency stop active, until releaseEmergencyStop. */
  emergencyStop: 'emergencyStop',
  /** The battery is empty: the robot no longer moves or lifts. */
  batteryEmpty: 'batteryEmpty',
} as const;

/** Warnings that describe a rejected command; cleared when the next order is accepted. */
const CLEARED_ON_ACCEPT: ReadonlySet<string> = new Set([
  ROBOT_ERROR_TYPES.orderError,
  ROBOT_ERROR_TYPES.orderUpdateError,
  ROBOT_ERROR_TYPES.validationError,
  ROBOT_ERROR_TYPES.noOrderToCancel,
  ROBOT_ERROR_TYPES.actionError,
]);

const DEFAULT_STATE_PERIOD_MS = 1000; // 1 s
const VIRTUAL_ROBOT_SERIES = { seriesName: 'gridline-virtual', seriesDescription: 'simulated cube-storage grid robot' };
/** Grid robots never turn: they change wheel sets instead. */
const THETA_RAD = 0;

type Axis = 'x' | 'y';

/** One timed thing the robot is doing; the robot does one at a time. Pausing holds it. */
interface Activity {
  kind: 'edge' | 'wheelChange' | 'action';
  durationMs: number;
  /** Time spent on it before `activeSinceMs`, clock milliseconds. */
  doneMs: number;
  /** Set while the timer runs; undefined while held. */
  activeSinceMs: number | undefined;
  timer: TimerHandle | undefined;
  onDone: () => void;
}

/** A straight run over consecutive released nodes along one axis, rest to rest. */
interface Run {
  axis: Axis;
  /** +1 or -1 along the axis. */
  sign: number;
  pitchM: number;
  targets: RouteNode[];
  /** Arrival at targets[i], clock milliseconds after the run starts (rounded). */
  arrivalMs: number[];
  /** Targets reached so far. */
  passed: number;
}

export class VirtualRobot {
  readonly serialNumber: string;
  private readonly clock: Clock;
  private readonly world: GridWorld;
  private readonly k: RobotKinematics;
  private readonly link: VehicleLinkPort;
  private readonly mapId: string;
  private readonly statePeriodMs: number;
  private readonly battery: Battery;

  private orderId = '';
  private orderUpdateId = 0;
  private orderCancelled = false;
  private lastNodeId: string;
  private lastNodeSequenceId = 0;
  private cell: GridCell;
  /** Nodes and edges of the order not yet reached, base first (these are nodeStates/edgeStates). */
  private route: RouteNode[] = [];
  private edges: RouteEdge[] = [];
  /** Actions of the node the robot stands on, still to run in order. */
  private actionQueue: { action: Action; cell: GridCell }[] = [];
  private actionStates: ActionState[] = [];
  private readonly orderActionIds = new Set<string>();
  private errors: VdaError[] = [];
  private paused = false;
  private eStopped = false;
  private cancelActionId: string | undefined;
  private wheelAxis: Axis = 'x';
  private activity: Activity | undefined;
  private run: Run | undefined;

  private started = false;
  private publishTimer: TimerHandle | undefined;
  private periodicTimer: TimerHandle | undefined;

  constructor(options: VirtualRobotOptions) {
    this.serialNumber = options.serialNumber;
    this.clock = options.clock;
    this.world = options.world;
    this.k = options.kinematics ?? defaultKinematics();
    this.link = options.link;
    this.mapId = options.mapId;
    this.statePeriodMs = options.statePeriodMs ?? DEFAULT_STATE_PERIOD_MS;
    if (!(this.statePeriodMs > 0)) throw new RangeError(`statePeriodMs must be > 0, got ${this.statePeriodMs}`);
    this.cell = { x: options.startCell.x, y: options.startCell.y };
    // §Topic "state": lastNodeId is the node the vehicle stands on when it has no order.
    this.lastNodeId = cellNodeId(this.cell.x, this.cell.y);
    this.battery = new Battery(this.k, this.clock.now(), options.initialChargePercent);
    this.world.addRobot(this.serialNumber, this.cell);
    this.link.onOrder((order) => this.handleOrder(order));
    this.link.onInstantActions((message) => this.handleInstantActions(message));
    this.link.onInvalidMessage((topic, errors) => this.handleInvalidMessage(topic, errors));
  }

  /** Publishes the first state and starts the periodic state messages. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.markChanged();
    const tick = () => {
      this.publishNow();
      this.periodicTimer = this.clock.setTimeout(tick, this.statePeriodMs);
    };
    this.periodicTimer = this.clock.setTimeout(tick, this.statePeriodMs);
  }

  /** Stops publishing and cancels every timer; the robot freezes where it is. */
  stop(): void {
    this.started = false;
    for (const timer of [this.publishTimer, this.periodicTimer, this.activity?.timer]) if (timer !== undefined) this.clock.clearTimeout(timer);
    this.publishTimer = undefined;
    this.periodicTimer = undefined;
    if (this.activity) this.activity.timer = undefined;
  }

  /** The state message body as it would be published now. */
  snapshot(): StateBody {
    const now = this.clock.now();
    const heldBinId = this.world.heldBin(this.serialNumber);
    const { x, y, sinceNodeM } = this.position();
    const driving = this.isDriving();
    return {
      orderId: this.orderId,
      orderUpdateId: this.orderUpdateId,
      lastNodeId: this.lastNodeId,
      lastNodeSequenceId: this.lastNodeSequenceId,
      nodeStates: this.route.map((n) => ({
        nodeId: n.nodeId,
        sequenceId: n.sequenceId,
        released: n.released,
        nodePosition: { x: this.metresX(n.cell.x), y: this.metresY(n.cell.y), theta: THETA_RAD, mapId: this.mapId },
      })),
      edgeStates: this.edges.map((e) => ({ edgeId: e.edgeId, sequenceId: e.sequenceId, released: e.released })),
      agvPosition: { x: roundMm(x), y: roundMm(y), theta: THETA_RAD, mapId: this.mapId, positionInitialized: true },
      loads: heldBinId === undefined ? [] : [{ loadId: heldBinId, loadType: 'bin' }],
      driving,
      paused: this.paused,
      ...(driving ? { distanceSinceLastNode: roundMm(sinceNodeM) } : {}),
      actionStates: this.actionStates.map((a) => ({ ...a })),
      batteryState: { batteryCharge: Math.round(this.battery.chargePercent(now) * 100) / 100, charging: this.battery.charging },
      operatingMode: 'AUTOMATIC',
      errors: this.errors.map((e) => ({ ...e, ...(e.errorReferences ? { errorReferences: e.errorReferences.map((r) => ({ ...r })) } : {}) })),
      safetyState: { eStop: this.eStopped ? 'REMOTE' : 'NONE', fieldViolation: false },
    };
  }

  factsheet(): FactsheetBody {
    return buildFactsheet(this.k, { depth: this.world.depth, statePeriodMs: this.statePeriodMs }, VIRTUAL_ROBOT_SERIES);
  }

  // ---- orders (§Topic "order") -------------------------------------------------------------

  private handleOrder(order: Order): void {
    if (this.orderId !== '' && order.orderId === this.orderId) this.handleOrderUpdate(order);
    else this.handleNewOrder(order);
  }

  private handleNewOrder(order: Order): void {
    // §Orders and order update: a new order is accepted only once the previous one is done
    // (no nodes left, base or horizon, and no actions still to run) or cancelled.
    if (this.isExecutingOrder()) {
      return this.rejectOrder(order, ROBOT_ERROR_TYPES.orderError, `still executing order '${this.orderId}'; send an update or cancel it first`);
    }
    if (this.eStopped) return this.rejectOrder(order, ROBOT_ERROR_TYPES.orderError, 'emergency stop is active');
    const checked = checkOrderRoute(order, this.world, this.mapId);
    if (!checked.ok) return this.rejectOrder(order, ROBOT_ERROR_TYPES.orderError, checked.errors.join('; '));
    const [first, ...rest] = checked.nodes;
    if (!first || first.cell.x !== this.cell.x || first.cell.y !== this.cell.y) {
      return this.rejectOrder(order, ROBOT_ERROR_TYPES.orderError, `first node '${first?.nodeId}' is not the robot's cell '${cellNodeId(this.cell.x, this.cell.y)}'`);
    }
    if (!first.released) return this.rejectOrder(order, ROBOT_ERROR_TYPES.orderError, `first node '${first.nodeId}' must be released`);
    this.orderId = order.orderId;
    this.orderUpdateId = order.orderUpdateId;
    this.orderCancelled = false;
    this.clearErrors((e) => CLEARED_ON_ACCEPT.has(e.errorType));
    // Action states of the previous order and earlier instant actions are dropped with it.
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
    // §Orders and order update: a lower orderUpdateId is an error; the same one is a repeat
    // (e.g. a QoS 1 redelivery) and is discarded.
    if (order.orderUpdateId < this.orderUpdateId) {
      return this.rejectOrder(order, ROBOT_ERROR_TYPES.orderUpdateError, `orderUpdateId ${order.orderUpdateId} is lower than the current ${this.orderUpdateId}`);
    }
    if (order.orderUpdateId === this.orderUpdateId) return;
    if (this.orderCancelled || this.cancelActionId !== undefined) {
      return this.rejectOrder(order, ROBOT_ERROR_TYPES.orderUpdateError, `order '${this.orderId}' was cancelled; send a new order`);
    }
    const checked = checkOrderRoute(order, this.world, this.mapId);
    if (!checked.ok) return this.rejectOrder(order, ROBOT_ERROR_TYPES.orderError, checked.errors.join('; '));
    // The update's first node must be the last node of the current base (same nodeId and sequenceId).
    const baseEnd = this.lastBaseNode();
    const [first, ...rest] = checked.nodes;
    if (!first || first.nodeId !== baseEnd.nodeId || first.sequenceId !== baseEnd.sequenceId) {
      return this.rejectOrder(
        order,
        ROBOT_ERROR_TYPES.orderUpdateError,
        `first node '${first?.nodeId}' (sequenceId ${first?.sequenceId}) is not the last base node '${baseEnd.nodeId}' (sequenceId ${baseEnd.sequenceId})`,
      );
    }
    this.orderUpdateId = order.orderUpdateId;
    this.clearErrors((e) => e.errorType === ROBOT_ERROR_TYPES.orderError || e.errorType === ROBOT_ERROR_TYPES.orderUpdateError);
    // The old horizon is replaced; the base is kept and extended. Actions on the stitching
    // node were given with the previous order and are not run again.
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


  /** Released node actions get a WAITING state; horizon actions only once released. */
  private addWaitingActions(nodes: RouteNode[]): void {
    this.actionStates.push(...newWaitingActionStates(nodes, this.orderActionIds));
  }


  private lastBaseNode(): { nodeId: string; sequenceId: number } {
    const released = this.route.filter((n) => n.released);
    const last = released[released.length - 1];
    return last ?? { nodeId: this.lastNodeId, sequenceId: this.lastNodeSequenceId };
  }

  private isExecutingOrder(): boolean {
    return this.route.length > 0 || this.actionQueue.length > 0 || this.activity !== undefined;
  }

  // ---- execution ---------------------------------------------------------------------------

  /** Starts the next thing to do, if the robot is free to. Called after every change. */
  private step(): void {
    if (this.activity) return;
    if (this.cancelActionId !== undefined) this.completeCancel();
    if (this.paused || this.eStopped) return;
    if (this.actionQueue.length === 0 && !this.route[0]?.released) return;
    if (this.battery.isEmpty(this.clock.now())) {
      if (!this.errors.some((e) => e.errorType === ROBOT_ERROR_TYPES.batteryEmpty)) {
        this.addError({ errorType: ROBOT_ERROR_TYPES.batteryEmpty, errorLevel: 'FATAL', errorDescription: 'battery is empty; the robot cannot move or lift' });
        this.markChanged();
      }
      return;
    }
    const next = this.actionQueue.shift();
    if (next) return this.startNodeAction(next.action, next.cell);
    this.startRun();
  }

  /** Reaching a node: it becomes lastNode, leaves nodeStates with its edge, and its actions queue up. */
  private reachNode(node: RouteNode): void {
    this.lastNodeId = node.nodeId;
    this.lastNodeSequenceId = node.sequenceId;
    if (this.route[0] === node) this.route.shift();
    if (this.edges[0] && this.edges[0].sequenceId < node.sequenceId) this.edges.shift();
    for (const action of node.actions) {
      const state = this.actionStates.find((a) => a.actionId === action.actionId);
      if (state?.actionStatus === 'WAITING') this.actionQueue.push({ action, cell: node.cell });
    }
    this.markChanged();
  }

  private startRun(): void {
    const first = this.route[0]!;
    const dx = first.cell.x - this.cell.x;
    const dy = first.cell.y - this.cell.y;
    const axis: Axis = dx !== 0 ? 'x' : 'y';
    if (axis !== this.wheelAxis) {
      // Changing between x and y driving costs a wheel change before the run starts.
      this.startActivity('wheelChange', this.k.wheelChangeSeconds * 1000, () => {
        this.wheelAxis = axis;
      });
      return;
    }
    const targets = [first];
    // Extend the run while the next node is released, straight ahead, and the last one has no
    // actions (the robot stops at every node with actions).
    for (;;) {
      const last = targets[targets.length - 1]!;
      const candidate = this.route[targets.length];
      if (!candidate?.released || last.actions.length > 0) break;
      if (candidate.cell.x - last.cell.x !== dx || candidate.cell.y - last.cell.y !== dy) break;
      targets.push(candidate);
    }
    const pitchM = axis === 'x' ? this.k.cellSizeXM : this.k.cellSizeYM;
    const totalM = targets.length * pitchM;
    const arrivalMs = targets.map((_, i) => Math.round(timeAtDistance((i + 1) * pitchM, totalM, this.k) * 1000));
    // Driving off a charger ends charging.
    if (this.battery.charging) this.battery.setCharging(this.clock.now(), false);
    this.run = { axis, sign: dx + dy, pitchM, targets, arrivalMs, passed: 0 };
    this.startEdge();
  }

  private startEdge(): void {
    const run = this.run!;
    const target = run.targets[run.passed]!;
    const moved = this.world.beginMove(this.serialNumber, target.cell);
    if (!moved.ok) throw new Error(`robot ${this.serialNumber}: ${moved.reason}`); // cells were checked when the order was accepted
    const startMs = run.passed === 0 ? 0 : run.arrivalMs[run.passed - 1]!;
    this.startActivity('edge', run.arrivalMs[run.passed]! - startMs, () => this.arriveAtNode());
  }

  private arriveAtNode(): void {
    const run = this.run!;
    const target = run.targets[run.passed]!;
    this.world.endMove(this.serialNumber);
    this.cell = { ...target.cell };
    run.passed++;
    this.reachNode(target);
    // A cancel or an emergency stop ends the run at this node.
    if (run.passed < run.targets.length && this.cancelActionId === undefined && !this.eStopped) this.startEdge();
    else this.run = undefined;
  }

  private startNodeAction(action: Action, cell: GridCell): void {
    const state = this.actionStates.find((a) => a.actionId === action.actionId)!;
    const planned = planNodeAction(action, cell, this.world);
    if (!planned.ok) return this.failAction(state, planned.error);
    const plan = planned.plan;
    switch (plan.kind) {
      case 'startCharging':
      case 'stopCharging': {
        const problem = this.switchCharging(plan.kind);
        return problem ? this.failAction(state, problem) : this.finishAction(state);
      }
      case 'pick':
      case 'drop': {
        const p = { binId: plan.params.loadId, x: plan.params.x, y: plan.params.y, level: plan.params.level };
        const check = plan.kind === 'pick' ? this.world.checkPick(this.serialNumber, p) : this.world.checkDrop(this.serialNumber, p);
        if (!check.ok) return this.failAction(state, check.reason);
        const atPort = this.world.cellKind(p.x, p.y) === 'port';
        const seconds = atPort ? portCycleSeconds(this.k) : liftCycleSeconds(this.world.depth - p.level, this.k);
        this.setActionStatus(state, 'RUNNING');
        this.startActivity('action', seconds * 1000, () => {
          const done = plan.kind === 'pick' ? this.world.pickBin(this.serialNumber, p) : this.world.dropBin(this.serialNumber, p);
          if (done.ok) this.finishAction(state);
          else this.failAction(state, done.reason);
        });
        return;
      }
    }
  }

  /** Runs a startCharging or stopCharging action; returns why charging cannot start, or undefined once done. */
  private switchCharging(actionType: 'startCharging' | 'stopCharging'): string | undefined {
    if (actionType === 'stopCharging') {
      this.battery.setCharging(this.clock.now(), false);
      return undefined;
    }
    if (this.world.cellKind(this.cell.x, this.cell.y) !== 'charger') return `cell (${this.cell.x}, ${this.cell.y}) is not a charger`;
    if (this.activity?.kind === 'edge') return 'the robot is driving';
    this.battery.setCharging(this.clock.now(), true);
    return undefined;
  }

  private finishAction(state: ActionState): void {
    this.setActionStatus(state, 'FINISHED');
    this.step();
  }

  private failAction(state: ActionState, reason: string): void {
    state.actionStatus = 'FAILED';
    state.resultDescription = reason;
    this.addError(
      {
        errorType: ROBOT_ERROR_TYPES.actionError,
        errorLevel: 'WARNING',
        errorDescription: `${state.actionType ?? 'action'} ${state.actionId} failed: ${reason}`,
        errorReferences: [
          { referenceKey: 'actionId', referenceValue: state.actionId },
          ...(state.actionType ? [{ referenceKey: 'actionType', referenceValue: state.actionType }] : []),
        ],
      },
      state.actionId,
    );
    this.markChanged();
    this.step();
  }

  private setActionStatus(state: ActionState, status: ActionState['actionStatus']): void {
    state.actionStatus = status;
    this.markChanged();
  }

  // ---- activities and holds ------------------------------------------------------------------

  private startActivity(kind: Activity['kind'], durationMs: number, onDone: () => void): void {
    this.activity = { kind, durationMs: Math.max(0, Math.round(durationMs)), doneMs: 0, activeSinceMs: undefined, timer: undefined, onDone };
    this.applyHolds();
    this.markChanged();
  }

  /** Pausing holds every activity; an emergency stop holds all but the edge being driven. */
  private isHeld(kind: Activity['kind']): boolean {
    return this.paused || (this.eStopped && kind !== 'edge');
  }

  /** Holds or resumes the current activity to match pause and emergency stop, and sets power. */
  private applyHolds(): void {
    const now = this.clock.now();
    const a = this.activity;
    if (a) {
      const held = this.isHeld(a.kind);
      if (held && a.activeSinceMs !== undefined) {
        this.clock.clearTimeout(a.timer);
        a.doneMs += now - a.activeSinceMs;
        a.activeSinceMs = undefined;
        a.timer = undefined;
      } else if (!held && a.activeSinceMs === undefined) {
        a.activeSinceMs = now;
        a.timer = this.clock.setTimeout(() => this.completeActivity(a), a.durationMs - a.doneMs);
      }
    }
    this.battery.setMode(now, this.powerMode());
  }

  private completeActivity(a: Activity): void {
    if (this.activity !== a) return;
    this.activity = undefined;
    a.onDone();
    this.battery.setMode(this.clock.now(), this.powerMode());
    this.markChanged();
    this.step();
  }

  private powerMode(): PowerMode {
    const a = this.activity;
    if (!a || a.activeSinceMs === undefined) return 'idle';
    if (a.kind === 'edge') return 'driving';
    if (a.kind === 'action') return 'lifting';
    return 'idle';
  }

  private isDriving(): boolean {
    return this.activity?.kind === 'edge' && this.activity.activeSinceMs !== undefined;
  }

  /** Pose in metres; between nodes it follows the run's speed profile. */
  private position(): { x: number; y: number; sinceNodeM: number } {
    const here = { x: this.metresX(this.cell.x), y: this.metresY(this.cell.y), sinceNodeM: 0 };
    const run = this.run;
    const a = this.activity;
    if (!run || !a || a.kind !== 'edge') return here;
    const segmentStartMs = run.passed === 0 ? 0 : run.arrivalMs[run.passed - 1]!;
    const elapsedMs = segmentStartMs + a.doneMs + (a.activeSinceMs === undefined ? 0 : this.clock.now() - a.activeSinceMs);
    const totalM = run.targets.length * run.pitchM;
    const fromStartM = distanceAtTime(elapsedMs / 1000, totalM, this.k);
    const sinceNodeM = Math.min(run.pitchM, Math.max(0, fromStartM - run.passed * run.pitchM));
    const offset = run.sign * sinceNodeM;
    return run.axis === 'x' ? { ...here, x: here.x + offset, sinceNodeM } : { ...here, y: here.y + offset, sinceNodeM };
  }

  // ---- instant actions (§Topic "instantActions") ------------------------------------------------

  private handleInstantActions(message: InstantActions): void {
    for (const action of message.actions) this.runInstantAction(action);
    this.markChanged();
  }

  private runInstantAction(action: Action): void {
    const state = actionState(action, 'RUNNING');
    this.actionStates.push(state);
    switch (action.actionType) {
      case 'startPause':
        // §Predefined actions: pause holds driving and running actions; resumable with stopPause.
        this.paused = true;
        this.applyHolds();
        return this.setActionStatus(state, 'FINISHED');
      case 'stopPause':
        this.paused = false;
        this.applyHolds();
        this.setActionStatus(state, 'FINISHED');
        return this.step();
      case 'cancelOrder':
        return this.requestCancel(state);
      case 'factsheetRequest':
        this.link.publishFactsheet(this.factsheet());
        return this.setActionStatus(state, 'FINISHED');
      case 'stateRequest':
        // The state goes out with the next (0 ms) publication.
        return this.setActionStatus(state, 'FINISHED');
      case EMERGENCY_STOP_ACTION_TYPE:
        this.eStopped = true;
        this.addError({ errorType: ROBOT_ERROR_TYPES.emergencyStop, errorLevel: 'FATAL', errorDescription: 'emergency stop: motion stops at the next node until releaseEmergencyStop' });
        this.applyHolds();
        return this.setActionStatus(state, 'FINISHED');
      case RELEASE_EMERGENCY_STOP_ACTION_TYPE:
        this.eStopped = false;
        this.clearErrors((e) => e.errorType === ROBOT_ERROR_TYPES.emergencyStop);
        this.applyHolds();
        this.setActionStatus(state, 'FINISHED');
        return this.step();
      case 'startCharging':
      case 'stopCharging': {
        const problem = this.switchCharging(action.actionType);
        return problem ? this.failAction(state, problem) : this.setActionStatus(state, 'FINISHED');
      }
      default:
        return this.failAction(state, `unknown instant action type '${action.actionType}'`);
    }
  }

  /**
   * §Order cancellation: the robot stops at the next node, actions not yet started become
   * FAILED, a running pick or drop completes (it cannot be interrupted), then nodeStates and
   * edgeStates are emptied and cancelOrder is FINISHED. orderId and orderUpdateId stay.
   */
  private requestCancel(state: ActionState): void {
    if (!this.isExecutingOrder() || this.cancelActionId !== undefined) {
      this.addError({
        errorType: ROBOT_ERROR_TYPES.noOrderToCancel,
        errorLevel: 'WARNING',
        errorDescription: this.cancelActionId !== undefined ? `order '${this.orderId}' is already being cancelled` : 'there is no order to cancel',
        errorReferences: [{ referenceKey: 'actionId', referenceValue: state.actionId }],
      });
      state.actionStatus = 'FAILED';
      state.resultDescription = 'no order to cancel';
      return;
    }
    this.cancelActionId = state.actionId;
    this.actionQueue = [];
    for (const a of this.actionStates) {
      if (this.orderActionIds.has(a.actionId) && a.actionStatus === 'WAITING') {
        a.actionStatus = 'FAILED';
        a.resultDescription = 'order cancelled';
      }
    }
    this.step();
  }

  private completeCancel(): void {
    const state = this.actionStates.find((a) => a.actionId === this.cancelActionId);
    this.cancelActionId = undefined;
    this.orderCancelled = true;
    this.route = [];
    this.edges = [];
    this.actionQueue = [];
    if (state) state.actionStatus = 'FINISHED';
    this.markChanged();
  }

  private handleInvalidMessage(topic: string, errors: string[]): void {
    this.addError({
      errorType: ROBOT_ERROR_TYPES.validationError,
      errorLevel: 'WARNING',
      errorDescription: `${topic}: ${errors.join('; ')}`,
      errorReferences: [{ referenceKey: 'topic', referenceValue: topic }],
    });
    this.markChanged();
  }

  // ---- errors and publishing -------------------------------------------------------------------

  /** Adds an error, replacing an earlier one of the same type (and key), so the list stays short. */
  private addError(error: VdaError, key?: string): void {
    const sameKey = (e: VdaError) =>
      e.errorType === error.errorType && (key === undefined || e.errorReferences?.some((r) => r.referenceKey === 'actionId' && r.referenceValue === key));
    this.errors = [...this.errors.filter((e) => !sameKey(e)), error];
  }

  private clearErrors(predicate: (e: VdaError) => boolean): void {
    this.errors = this.errors.filter((e) => !predicate(e));
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
    if (!this.started) return;
    this.link.publishState(this.snapshot());
  }

  private metresX(x: number): number {
    return roundMm(x * this.k.cellSizeXM);
  }

  private metresY(y: number): number {
    return roundMm(y * this.k.cellSizeYM);
  }
}
