/**
 * The vehicle side of VDA 5050 2.0.0, written once for every Gridline grid robot: it takes
 * orders and order updates, runs node actions and instant actions, pauses, cancels and stops,
 * keeps the errors, and publishes the state on every change and periodically. What moves is a
 * VehicleBody (vehicle-body.ts): the simulator's virtual robot, or the firmware bridge driving
 * a motor controller board. Everything is timed by the injected Clock.
 *
 * Section numbers refer to VDA 5050 2.0.0, §6 "Protocol specification" and §7 "Best practice".
 */
import type { Clock, TimerHandle } from '../../clock.ts';
import { buildFactsheet } from '../grid-factsheet.ts';
import { cellNodeId, EMERGENCY_STOP_ACTION_TYPE, RELEASE_EMERGENCY_STOP_ACTION_TYPE, START_CHARGING_ACTION_TYPE, STOP_CHARGING_ACTION_TYPE, type GridCell } from '../grid-nodes.ts';
import { planNodeAction, type GridRouteMap, type RouteNode } from '../grid-order-route.ts';
import type { Action, ActionState, FactsheetBody, InstantActions, Order, StateBody, VdaError } from '../types.ts';
import { GRIDLINE_VEHICLE_PROFILE, type VehicleProfile } from '../vehicle-profile.ts';
import { OrderBook } from './order-book.ts';
import { judgeOrder } from './order-intake.ts';
import type { ActionJob, VehicleBody, VehicleCoreContext } from './vehicle-body.ts';
import { actionFailure, CLEARED_BY_NEW_ORDER, invalidMessage, ORDER_REJECTION_TYPES, orderRejection, VEHICLE_ERROR_TYPES, VehicleErrors } from './vehicle-errors.ts';
import { actionState, composeState } from './vehicle-state.ts';

/** The part of a VehicleLink (links.ts) a vehicle uses; tests pass a fake. */
export interface VehicleLinkPort {
  onOrder(listener: (order: Order) => void): unknown;
  onInstantActions(listener: (instantActions: InstantActions) => void): unknown;
  onInvalidMessage(listener: (topic: string, errors: string[]) => void): unknown;
  publishState(body: StateBody): unknown;
  publishFactsheet(body: FactsheetBody): unknown;
}

export interface VehicleCoreOptions {
  body: VehicleBody;
  link: VehicleLinkPort;
  clock: Clock;
  /** Map id of agvPosition and node positions; one per grid. */
  mapId: string;
  /** Period of unconditional state messages, clock milliseconds. */
  statePeriodMs?: number;
  /** The stationType and loadType values this vehicle handles in pick and drop. */
  profile?: VehicleProfile;
  /** Hears each error the vehicle starts reporting (for a log). */
  onNewError?: (error: VdaError) => void;
}

export const DEFAULT_STATE_PERIOD_MS = 1_000; // 1 s

interface RunningJob {
  job: ActionJob;
  state: ActionState;
}

export class VehicleCore {
  private readonly body: VehicleBody;
  private readonly link: VehicleLinkPort;
  private readonly clock: Clock;
  private readonly mapId: string;
  readonly statePeriodMs: number;
  readonly profile: VehicleProfile;
  /** The body's grid with this vehicle's profile: what orders are checked against. */
  private readonly grid: GridRouteMap;
  private readonly book = new OrderBook();
  private readonly errors: VehicleErrors;
  private readonly context: VehicleCoreContext;

  /** The action the body runs (at most one at a time). */
  private running: RunningJob | undefined;
  /** The cancelOrder under way (§6.6.3). */
  private cancel: ActionState | undefined;
  /** startPause is in force: no new task is given. */
  private pauseRequested = false;
  /** startPause actions waiting for the vehicle to stand (§6.8.2). */
  private pausing: ActionState[] = [];
  private eStop = false;

  private started = false;
  private publishTimer: TimerHandle | undefined;
  private periodicTimer: TimerHandle | undefined;

  constructor(options: VehicleCoreOptions) {
    this.body = options.body;
    this.link = options.link;
    this.clock = options.clock;
    this.mapId = options.mapId;
    this.statePeriodMs = options.statePeriodMs ?? DEFAULT_STATE_PERIOD_MS;
    if (!(this.statePeriodMs > 0)) throw new RangeError(`statePeriodMs must be > 0, got ${this.statePeriodMs}`);
    this.profile = options.profile ?? GRIDLINE_VEHICLE_PROFILE;
    const { grid } = this.body;
    this.grid = { depth: grid.depth, isDrivable: (x, y) => grid.isDrivable(x, y), cellKind: (x, y) => grid.cellKind(x, y), profile: this.profile };
    this.errors = new VehicleErrors(options.onNewError);
    this.context = this.makeContext();
    this.link.onOrder((order) => this.handleOrder(order));
    this.link.onInstantActions((message) => this.handleInstantActions(message));
    this.link.onInvalidMessage((topic, errors) => {
      this.errors.add(invalidMessage(topic, errors));
      this.markChanged();
    });
    this.adoptPosition();
  }

  /** Attaches the body, publishes the first state and starts the periodic state messages. */
  start(): void {
    if (this.started) return;
    this.body.attach(this.context);
    this.started = true;
    this.adoptPosition();
    this.markChanged();
    const tick = () => {
      this.publishNow();
      this.periodicTimer = this.clock.setTimeout(tick, this.statePeriodMs);
    };
    this.periodicTimer = this.clock.setTimeout(tick, this.statePeriodMs);
    this.step();
  }

  /** Stops publishing and detaches the body; the vehicle freezes where it is. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    for (const timer of [this.publishTimer, this.periodicTimer]) if (timer !== undefined) this.clock.clearTimeout(timer);
    this.publishTimer = undefined;
    this.periodicTimer = undefined;
    await this.body.detach();
  }

  /** The state message body as it would be published now. */
  snapshot(): StateBody {
    const { figures } = this.body;
    return composeState({
      book: this.book,
      report: this.body.report(),
      errors: this.errors.copies(),
      paused: this.pauseRequested && this.pausing.length === 0,
      eStop: this.eStop,
      cellSizeXM: figures.cellSizeXM,
      cellSizeYM: figures.cellSizeYM,
      mapId: this.mapId,
      loadType: this.profile.loadType,
    });
  }

  factsheet(): FactsheetBody {
    return buildFactsheet(this.body.figures, { depth: this.grid.depth, statePeriodMs: this.statePeriodMs }, this.body.series, this.profile);
  }

  // ---- orders (§6.6) -------------------------------------------------------------------------

  private handleOrder(order: Order): void {
    const verdict = judgeOrder(order, {
      orderId: this.book.orderId,
      orderUpdateId: this.book.orderUpdateId,
      cancelled: this.book.cancelled || this.cancel !== undefined,
      baseEnd: this.book.baseEnd(),
      busy: this.isExecutingOrder(),
      eStop: this.eStop,
      cell: this.body.cell(),
      grid: this.grid,
      mapId: this.mapId,
    });
    switch (verdict.kind) {
      case 'discard':
        return;
      case 'reject':
        // §6.6.4: the rejection is a warning in the state; the vehicle carries on as it was.
        this.errors.add(orderRejection(order, verdict.errorType, verdict.reason, verdict.nodeId));
        return this.markChanged();
      case 'start': {
        const bodyFaults = this.body.errorsClearedByNewOrder;
        // A new order is the controller's answer to earlier warnings, and its word that a robot held by a fault may try again.
        this.errors.clear((e) => CLEARED_BY_NEW_ORDER.includes(e.errorType) || bodyFaults.includes(e.errorType));
        this.book.start(order, verdict.nodes, verdict.edges);
        break;
      }
      case 'extend':
        this.errors.clear((e) => ORDER_REJECTION_TYPES.includes(e.errorType));
        this.book.extend(order, verdict.nodes, verdict.edges);
        break;
    }
    this.markChanged();
    this.step();
  }

  /**
   * Nodes left, node actions left or running, or a cancel under way. What the state shows, that
   * is: a body still finishing its last command (a board's done for a drive whose last node the
   * status shows reached) does not hold back the next order, which waits for the body anyway.
   */
  private isExecutingOrder(): boolean {
    return this.book.hasWork() || (this.running !== undefined && !this.running.job.instant) || this.cancel !== undefined;
  }

  private nodeReached(node: RouteNode): void {
    if (this.book.route[0] !== node) return;
    this.book.reach(node);
    this.markChanged();
  }

  // ---- execution -----------------------------------------------------------------------------

  /** Gives the body its next task, if it is free and nothing holds the vehicle. Called after every change. */
  private step(): void {
    if (!this.started) return;
    this.settlePause();
    if (this.body.isBusy() || !this.body.canCommand()) return;
    // §6.6.3: a cancel completes once the vehicle stands and a running pick or drop is done.
    if (this.cancel && !this.running) this.completeCancel();
    if (this.pauseRequested || this.eStop) return;
    const running = this.running;
    if (!running && this.book.queue.length === 0 && !this.book.route[0]?.released) return;
    if (!this.body.mayProceed()) return;
    if (running) return this.body.continueAction(running.job);
    const next = this.book.queue.shift();
    if (next) return this.startJob(next.action, next.cell, false, this.book.stateOf(next.action.actionId)!);
    const from = this.body.cell();
    const run = from ? this.book.nextRun(from) : [];
    if (run.length > 0) this.body.traverse(run);
  }

  private startJob(action: Action, cell: GridCell, instant: boolean, state: ActionState): void {
    const planned = planNodeAction(action, cell, this.grid);
    if (!planned.ok) return this.failAction(state, planned.error);
    const job: ActionJob = { action, plan: planned.plan, cell, instant };
    this.running = { job, state };
    this.setStatus(state, 'RUNNING');
    this.body.executeAction(job);
  }

  private actionDone(job: ActionJob, failure: string | undefined): void {
    const running = this.running;
    if (running?.job !== job) return;
    this.running = undefined;
    if (failure !== undefined) return this.failAction(running.state, failure);
    this.setStatus(running.state, 'FINISHED');
    this.step();
  }

  private failAction(state: ActionState, reason: string): void {
    state.actionStatus = 'FAILED';
    state.resultDescription = reason;
    this.errors.add(actionFailure(state, reason));
    this.markChanged();
    this.step();
  }

  private setStatus(state: ActionState, status: ActionState['actionStatus']): void {
    state.actionStatus = status;
    this.markChanged();
  }

  // ---- instant actions (§6.9) ----------------------------------------------------------------

  private handleInstantActions(message: InstantActions): void {
    // Safety first: an emergency stop takes effect before any other action of the message is looked at.
    if (message.actions.some((a) => a.actionType === EMERGENCY_STOP_ACTION_TYPE)) {
      this.eStop = true;
      this.body.emergencyStop();
    }
    for (const action of message.actions) this.runInstantAction(action);
    this.markChanged();
  }

  private runInstantAction(action: Action): void {
    const state = actionState(action, 'RUNNING');
    this.book.actionStates.push(state);
    switch (action.actionType) {
      case 'startPause':
        return this.startPause(state);
      case 'stopPause':
        return this.stopPause(state);
      case 'cancelOrder':
        return this.requestCancel(state);
      case 'factsheetRequest':
        this.link.publishFactsheet(this.factsheet());
        return this.setStatus(state, 'FINISHED');
      case 'stateRequest':
        // The state goes out with this instant's publication.
        return this.setStatus(state, 'FINISHED');
      case EMERGENCY_STOP_ACTION_TYPE:
        this.errors.add({ errorType: VEHICLE_ERROR_TYPES.emergencyStop, errorLevel: 'FATAL', errorDescription: 'emergency stop: motion and actions held until releaseEmergencyStop' });
        return this.setStatus(state, 'FINISHED');
      case RELEASE_EMERGENCY_STOP_ACTION_TYPE:
        return this.body.releaseEmergencyStop((problem) => {
          if (problem !== undefined) return this.failAction(state, problem);
          this.eStop = false;
          this.errors.clear((e) => e.errorType === VEHICLE_ERROR_TYPES.emergencyStop);
          this.setStatus(state, 'FINISHED');
          this.step();
        });
      case START_CHARGING_ACTION_TYPE:
      case STOP_CHARGING_ACTION_TYPE: {
        const cell = this.body.cell();
        if (this.running || this.body.isBusy() || !this.body.canCommand() || !cell) {
          return this.failAction(state, 'the vehicle is busy (driving or running an action); charging is switched while it stands with nothing else to do');
        }
        return this.startJob(action, cell, true, state);
      }
      default:
        return this.failAction(state, `unknown instant action type '${action.actionType}'`);
    }
  }

  /** §6.8.2 startPause: no new motion; FINISHED (and the state's paused true) once the vehicle stands. */
  private startPause(state: ActionState): void {
    this.pauseRequested = true;
    this.pausing.push(state);
    this.body.setPaused(true);
    this.settlePause();
  }

  /** The pause takes effect once the body stands: a running action is held, and reported PAUSED (§6.11 Table 1). */
  private settlePause(): void {
    if (this.pausing.length === 0 || !this.body.isStanding()) return;
    for (const state of this.pausing) state.actionStatus = 'FINISHED';
    this.pausing = [];
    if (this.running?.state.actionStatus === 'RUNNING') this.running.state.actionStatus = 'PAUSED';
    this.markChanged();
  }

  private stopPause(state: ActionState): void {
    this.pauseRequested = false;
    for (const pausing of this.pausing) {
      pausing.actionStatus = 'FAILED';
      pausing.resultDescription = 'stopPause came before the vehicle stood still';
    }
    this.pausing = [];
    if (this.running?.state.actionStatus === 'PAUSED') this.running.state.actionStatus = 'RUNNING';
    this.body.setPaused(false);
    this.setStatus(state, 'FINISHED');
    this.step();
  }

  /**
   * §6.6.3 Order cancellation: the vehicle stops at the next node (a grid robot cannot stop
   * between cells), actions not yet started become FAILED, a running pick or drop completes
   * (it cannot be interrupted), then nodeStates and edgeStates are emptied and cancelOrder is
   * FINISHED. orderId and orderUpdateId stay.
   */
  private requestCancel(state: ActionState): void {
    if (this.cancel || !this.isExecutingOrder()) {
      const reason = this.cancel ? `order '${this.book.orderId}' is already being cancelled` : 'there is no order to cancel';
      this.errors.add({
        errorType: VEHICLE_ERROR_TYPES.noOrderToCancel,
        errorLevel: 'WARNING',
        errorDescription: reason,
        errorReferences: [{ referenceKey: 'actionId', referenceValue: state.actionId }],
      });
      state.actionStatus = 'FAILED';
      state.resultDescription = reason;
      return;
    }
    this.cancel = state;
    this.book.failWaiting('order cancelled');
    this.body.stopTraverse();
    this.step();
  }

  private completeCancel(): void {
    const state = this.cancel!;
    this.cancel = undefined;
    this.book.dropRest();
    this.setStatus(state, 'FINISHED');
  }

  // ---- the body's reports ----------------------------------------------------------------------

  private makeContext(): VehicleCoreContext {
    return {
      clock: this.clock,
      mode: () => ({ paused: this.pauseRequested, cancelling: this.cancel !== undefined, eStop: this.eStop }),
      changed: () => {
        this.adoptPosition();
        this.markChanged();
      },
      proceed: () => this.step(),
      nodeReached: (node) => this.nodeReached(node),
      actionDone: (job, failure) => this.actionDone(job, failure),
      addError: (error) => {
        this.errors.add(error);
        this.markChanged();
      },
      clearErrors: (predicate) => {
        if (this.errors.clear(predicate)) this.markChanged();
      },
      hasError: (predicate) => this.errors.some(predicate),
      emergencyStopHeld: (description) => {
        this.eStop = true;
        this.errors.add({ errorType: VEHICLE_ERROR_TYPES.emergencyStop, errorLevel: 'FATAL', errorDescription: description });
        this.markChanged();
      },
    };
  }

  /** §6.10: before any order, lastNodeId is the node the vehicle stands on, once it knows. */
  private adoptPosition(): void {
    if (this.book.lastNodeId !== '') return;
    const cell = this.body.cell();
    if (cell) this.book.lastNodeId = cellNodeId(cell.x, cell.y);
  }

  // ---- publishing (§6.10.1: on every change and periodically) --------------------------------

  /** Changes in the same instant merge into one message. */
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
