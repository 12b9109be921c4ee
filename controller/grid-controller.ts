import { createActor, type Actor } from 'xstate';
import type { Clock, TimerHandle } from '../protocol/clock.ts';
import { fleetSerials, vehicleProfileOf, type GridLayout } from '../protocol/layout/index.ts';
import type { Action, Connection, State, VdaError } from '../protocol/vda5050/types.ts';
import { cellNodeId, parseCellNodeId, START_CHARGING_ACTION_TYPE } from '../protocol/vda5050/grid-nodes.ts';
import { binAction } from '../protocol/vda5050/vehicle-profile.ts';
import type { ControllerOptions } from './controller-options.ts';
import { GridMap } from './grid/grid-map.ts';
import type { Inventory } from './inventory/inventory.ts';
import type { BinLocation } from './inventory/types.ts';
import type { StoredInventory } from './store/stored-inventory.ts';
import { insertSorted, percentile, type KpiSnapshot } from './kpi.ts';
import { robotMachine } from './machines/robot-machine.ts';
import { taskMachine } from './machines/task-machine.ts';
import { PortStation } from './ports/port-station.ts';
import { settleVisit } from './ports/visit-settlement.ts';
import { ErrorBoundary } from './error-boundary.ts';
import type { RequestBook, Visit } from './requests/request-book.ts';
import { legOrder, type OrderGeometry } from './robots/order-builder.ts';
import { RobotEdge, type RobotCommandPort } from './robot-edge/robot-edge.ts';
import { judgeStatePosition } from './robot-edge/motion-check.ts';
import { BinQuarantine } from './robot-edge/bin-quarantine.ts';
import { droppedOrder, isBusyStatus, onItsNode, reachedRouteIndex, standsIdle } from './robot-edge/leg-progress.ts';
import { checkLoads } from './robot-edge/load-check.ts';
import { takes, type StopCommand, type StoppedVia } from './robot-edge/stop-plan.ts';
import type { StopOutcome } from './robot-edge/stop-verifier.ts';
import { describeStopOutcomes, sendStops } from './robot-edge/stop-commands.ts';
import type { SentOrder } from './robot-edge/order-tracker.ts';
import { TrafficControl } from './traffic/traffic-control.ts';
import { portLanes, portTrafficRules, type PortLane } from './traffic/port-lanes.ts';
import { TrafficPlanner, type TrafficRobot } from './traffic/traffic-planner.ts';
import { ColumnClaims } from './work/column-claims.ts';
import { chooseBlockerColumn, type ColumnChoiceContext } from './work/column-choice.ts';
import { Slotting } from './work/slotting.ts';
import type { DigJob, Job, Leg, RetrieveJob, ReturnJob } from './work/jobs.ts';

export type { RobotCommandPort } from './robot-edge/robot-edge.ts';

/** What happens to visits, told to observers: the WMS gateway (WMS events) and the port screens. */
export interface VisitObserver {
  visitStage?(visit: Visit, stage: 'digging' | 'binInTransit', details: { depth?: number }): void;
  visitPresented?(visit: Visit): void;
  /** The person at the port confirmed the visit: pieces picked (or put) per SKU. */
  visitConfirmed?(visit: Visit, quantities: { sku: string; quantity: number }[]): void;
  visitFailed?(visit: Visit, reason: string): void;
}

/**
 * Measures the control cycle in wall time for benchmarks. Injected by a composition root; the
 * core never reads a wall clock itself.
 */
export interface CycleProfiler {
  /** Wall time, ms (e.g. performance.now). */
  now(): number;
  /** One control cycle took `ms` of wall time. */
  record(ms: number): void;
}

export interface ControllerAlarm {
  atMs: number;
  source: string;
  message: string;
}

/**
 * The outcome of an operator's command: done (with what was done, in words), or refused with
 * a code and a reason a person understands; a refused command changes nothing.
 */
export type OperatorOutcome =
  | { ok: true; message: string; robots?: StopOutcome[] }
  | { ok: false; code: 'UNKNOWN_ROBOT' | 'UNKNOWN_PORT' | 'UNKNOWN_BIN' | 'OUTSIDE_GRID' | 'NOT_ALLOWED'; message: string };

/** Called once with a stop's or pause's outcome once every robot has confirmed it or its time ran out. */
export type OutcomeListener = (outcome: OperatorOutcome) => void;

/** One robot as the operator console shows it (see `robotViews`). */
export interface RobotView {
  readonly serial: string;
  /** State of the robot's state machine: offline, idle, working or fault. */
  readonly state: string;
  readonly job: Job | null;
  readonly online: boolean;
  readonly paused: boolean;
  readonly inService: boolean;
  readonly batteryPercent: number;
  readonly charging: boolean;
  /** Errors of its last VDA 5050 state. */
  readonly errors: readonly VdaError[];
  /** The actions its factsheet lists; null until a usable factsheet came. */
  readonly capabilities: readonly string[] | null;
  /** Why it is held in alarm, or null. */
  readonly hold: string | null;
}

interface ActiveLeg {
  readonly leg: Leg;
  readonly orderId: string;
  orderUpdateId: number;
  /** Last route index sent as released (the base end the robot knows about). */
  sentReleasedTo: number;
  /** The base end (route index) of each order update sent, by orderUpdateId. */
  readonly baseEnds: number[];
  readonly actionId: string | null;
  /** Clock ms when the leg started (its traffic priority grows from here). */
  readonly startedMs: number;
  /**
   * Set once the leg is withdrawn (its order refused, not shown taken, its robot lost, or the
   * order over on the robot's side before the leg's end), at clock ms `atMs`: no more cells are
   * released; the robot keeps the cells it holds until its state shows it standing on a node
   * with nothing released left to drive (see `followWithdrawnLeg`).
   */
  withdrawn: { readonly atMs: number } | null;
}

interface RobotRecord {
  readonly serial: string;
  readonly actor: Actor<typeof robotMachine>;
  online: boolean;
  placed: boolean;
  job: Job | null;
  leg: ActiveLeg | null;
  /** The robot reported no order in progress (so it will accept a new one). */
  ready: boolean;
  /** Clock ms when the current job began, for utilisation. */
  busySinceMs: number | null;
  busyMs: number;
  /** Digging and transit progress already reported for the current retrieval. */
  reportedDig: boolean;
  reportedTransit: boolean;
  /** Drops of the current job that failed; reset when a job starts. */
  failedDrops: number;
  /** Why the robot could not be placed on the grid, or routed to its goal, while it cannot. */
  placementProblem: string | undefined;
  routeProblem: string | undefined;
  /** Battery state of charge, percent, and whether it charges, as last reported. */
  batteryPercent: number;
  charging: boolean;
  /** Errors of its last state message. */
  errors: readonly VdaError[];
  /** Paused by an operator (startPause sent): no new legs, cells or jobs until resumed. */
  paused: boolean;
  /** Offline when an emergency stop was released: the release is sent again when it is back. */
  releaseOwed: boolean;
  /** How the emergency stop in force was asked of it (see stop-plan.ts), so the release undoes that. */
  stoppedVia: StoppedVia;
  /**
   * The emergency stop was released and its state has not yet shown it: no leg and no order
   * update goes to it meanwhile (a vehicle refuses orders while its emergency stop lasts).
   */
  awaitingRelease: boolean;
  /** Sent to service by an operator: puts its bin away, then takes no work until returned. */
  inService: boolean;
  /** The service cell it was sent to, while in service. */
  serviceCell: number | null;
  /**
   * Why the robot is held in alarm (a position it cannot have reached, a load that does not
   * match, an order it refused): it gets no leg, cell or job until an operator resumes it.
   * Null when not held.
   */
  hold: string | null;
  /** The cell it was last believed to stand on, and when (clock ms), for the motion check. */
  believed: { readonly cell: number; readonly atMs: number } | null;
  /** It reported a position it cannot have reached: none of its states is believed until an operator resumes it. */
  positionInDoubt: boolean;
}

/**
 * The controller's core: robots, jobs, ports and traffic, driven by robot reports, picker
 * confirmations and a periodic control cycle on the injected clock. It decides and records;
 * the links carry its commands out. Every bin move is applied to the inventory and the store
 * when the robot reports the pick or drop finished, before the next dependent command.
 */
export class GridController {
  readonly grid: GridMap;
  readonly traffic: TrafficControl;
  readonly planner: TrafficPlanner;
  readonly claims = new ColumnClaims();
  readonly ports = new Map<string, PortStation>();
  /** The most recent alarms, at most MAX_ALARMS_KEPT; `alarmCount` counts all ever raised. */
  readonly alarms: ControllerAlarm[] = [];
  alarmCount = 0;
  private readonly robots = new Map<string, RobotRecord>();
  /** Only these are ever queued; digs, charges and parking go straight to a robot. */
  private readonly queuedJobs: QueuedJob[] = [];
  /** Robots whose released cells may have grown since their last order, between cycles. */
  private readonly legsToUpdate = new Set<string>();
  /** Task machine of every job not yet ended, by job id. */
  private readonly tasks = new Map<string, Actor<typeof taskMachine>>();
  private readonly geometry: OrderGeometry;
  private readonly portByCell = new Map<number, PortStation>();
  private readonly chargerCells: number[];
  /** Cells next to a port, where robots come and go: no idle robot stays and none waits there for room. */
  private readonly portApproach = new Set<number>();
  /**
   * Cells next to a port, and within `PORT_ZONE_CELLS` of a port with a lane: no bin is
   * dropped there and no robot parks there, since a robot standing there for a lift would be
   * in the way of robots queueing for the port or leaving it.
   */
  private readonly portZone = new Set<number>();
  /** The cells within `PORT_ZONE_CELLS` of a port with a lane (part of `portZone`). */
  private readonly laneZone = new Set<number>();
  /**
   * Cells within `stagingDistanceCells` of a port with a lane, where robots bringing bins
   * queue and wait: idle robots do not stay there nor park there.
   */
  private readonly portArea = new Set<number>();
  /** Port cell → its one-way lane, for ports that have one (see port-lanes.ts). */
  private readonly laneOfPort = new Map<number, PortLane>();
  private readonly slotting: Slotting;
  /** Request times, seconds, kept sorted (the KPIs' percentiles read them often). */
  private readonly requestTimesS: number[] = [];
  /** Picks whose loads were checked: the robot named the bin, or only showed it held one. */
  private readonly loadChecks = { verified: 0, unverified: 0 };
  /** An operator's emergency stop of every robot is in force. */
  private emergencyStopOn = false;
  /** Cells blocked by an operator, in the order blocked. */
  private readonly operatorBlocked = new Set<number>();
  /** Ports an operator closed: no retrieval for them starts until opened again. */
  private readonly closedPorts = new Set<string>();
  private readonly serviceCells: number[];
  /** Bins lifted from or set on columns since start: a stack height changed when this did. */
  private columnMoves = 0;
  private completedRequests = 0;
  private nextId = 1;
  private timer: TimerHandle | null = null;
  private readonly startedAtMs: number;
  private readonly observers: VisitObserver[] = [];
  /** Where every internal error of the controller and of its message handlers ends (main.ts wires the links through it). */
  readonly boundary = new ErrorBoundary((source, message) => this.alarm(source, message));
  /**
   * Robots of the layout not yet placed while the controller waits for them at start, null
   * once it no longer waits (see `fleetKnown`).
   */
  private awaitedRobots: Set<string> | null;

  /** Read side of the inventory; every change goes through `stock`, which commits it. */
  readonly inventory: Inventory;
  /** What the controller believes of the robots, and how it talks to them. */
  readonly edge: RobotEdge;
  private readonly quarantine: BinQuarantine;

  constructor(
    readonly layout: GridLayout,
    readonly stock: StoredInventory,
    readonly requests: RequestBook,
    commands: RobotCommandPort,
    private readonly clock: Clock,
    readonly options: ControllerOptions,
    private readonly profiler?: CycleProfiler,
  ) {
    this.inventory = stock.inventory;
    this.edge = new RobotEdge(layout, commands, clock, options, (source, message) => this.alarm(source, message));
    this.edge.listen({
      orderRefused: (serial, order, reason) => this.orderRefused(serial, order, reason),
      robotSilent: (serial) => this.robotLost(serial),
    });
    this.grid = GridMap.fromLayout(layout);
    this.quarantine = new BinQuarantine(stock, this.grid, requests, (visit, reason) => this.observers.forEach((o) => o.visitFailed?.(visit, reason)), (source, message) => this.alarm(source, message));
    this.traffic = new TrafficControl(this.grid.cellCount);
    const portCells = layout.ports.map((p) => this.grid.index(p.x, p.y));
    for (const lane of portLanes(this.grid, portCells)) this.laneOfPort.set(lane.port, lane);
    this.planner = new TrafficPlanner(this.grid, this.traffic, {
      lookaheadCells: options.lookaheadCells,
      detourAfterMs: options.detourAfterMs,
      bookingTimeoutMs: options.bookingTimeoutMs,
      newMapsPerCycle: options.newDistanceMapsPerCycle,
      detoursPerCycle: options.detoursPerCycle,
      distanceMapBytes: options.distanceMapBytes,
    }, portTrafficRules(this.grid, [...this.laneOfPort.values()], options.portThroughCostMoves), new Set(this.laneOfPort.keys()));
    this.geometry = { grid: this.grid, mapId: options.mapId, cellSizeM: layout.cellSizeM };
    for (const spec of layout.ports) {
      const station = new PortStation(spec.id, this.grid.index(spec.x, spec.y), spec.mode, options.portCapacityBins);
      this.ports.set(spec.id, station);
      this.portByCell.set(station.cell, station);
    }
    for (const port of this.ports.values()) {
      for (const cell of this.grid.neighbours(port.cell)) {
        this.portApproach.add(cell);
        this.portZone.add(cell);
      }
      if (!this.laneOfPort.has(port.cell)) continue;
      const { x, y } = this.grid.cellOf(port.cell);
      const reach = options.stagingDistanceCells;
      for (let dy = -reach; dy <= reach; dy++) {
        for (let dx = -reach; dx <= reach; dx++) {
          const d = Math.abs(dx) + Math.abs(dy);
          if (d > reach || !this.grid.inside(x + dx, y + dy)) continue;
          const cell = this.grid.index(x + dx, y + dy);
          this.portArea.add(cell);
          if (d > PORT_ZONE_CELLS) continue;
          this.portZone.add(cell);
          this.laneZone.add(cell);
        }
      }
    }
    this.chargerCells = layout.chargers.map((c) => this.grid.index(c.x, c.y));
    this.serviceCells = layout.service.map((c) => this.grid.index(c.x, c.y));
    this.slotting = new Slotting(this.grid, [...this.ports.values()].map((p) => p.cell), options.popularSkuShare);
    // Bins the store has at ports (a restart) are taken back to storage; their visits, if
    // any, are planned again with their requests.
    for (const port of this.ports.values()) {
      for (const binId of this.inventory.binsAtPort(port.id)) {
        port.awaitingReturn.add(binId);
        this.enqueue({ kind: 'return', id: this.newId('return'), binId, queuedAtMs: clock.now() });
      }
    }
    this.startedAtMs = clock.now();
    const fleet = fleetSerials(layout);
    this.awaitedRobots = fleet.length > 0 && options.fleetWaitMs > 0 ? new Set(fleet) : null;
  }

  addObserver(observer: VisitObserver): void {
    this.observers.push(observer);
  }

  /** Starts the control cycle. */
  start(): void {
    if (this.timer !== null) return;
    const cycle = () => {
      this.timer = this.clock.setTimeout(cycle, this.options.tickMs);
      // Raised, not thrown: one bad decision must not stop the facility.
      this.boundary.run('control cycle', () => this.controlCycle());
    };
    this.timer = this.clock.setTimeout(cycle, this.options.tickMs);
  }

  stop(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    for (const robot of this.robots.values()) robot.actor.stop();
  }

  // ---------------------------------------------------------------- robot reports

  handleConnection(serial: string, connection: Connection): void {
    if (!this.edge.admits(serial)) return;
    const robot = this.robot(serial);
    const online = connection.connectionState === 'ONLINE';
    if (online === robot.online) return;
    robot.online = online;
    robot.actor.send({ type: online ? 'CONNECTED' : 'CONNECTION_LOST' });
    if (!online) this.alarm(serial, `connection ${connection.connectionState.toLowerCase()}`);
    else this.cameOnline(robot);
  }

  /** A robot (back) online hears of an emergency stop in force, and of its own pause. */
  private cameOnline(robot: RobotRecord): void {
    if (this.emergencyStopOn) this.sendStops('emergencyStop', [robot], () => {});
    // A robot that was offline when the emergency stop was released still holds it: release it
    // now (only a stop this controller sent; a robot's own stop is not the controller's to end).
    else if (robot.releaseOwed) {
      robot.releaseOwed = false;
      robot.awaitingRelease = true;
      this.sendStops('release', [robot], () => (robot.awaitingRelease = false));
    }
    if ((robot.paused || robot.hold) && takes(this.edge.capabilitiesOf(robot.serial), 'startPause')) this.sendInstantAction(robot.serial, 'startPause', 'pause');
  }

  /** A robot's state (read by the link; `dropped`: malformed optional parts it left out). */
  handleState(serial: string, state: State, dropped: readonly string[] = []): void {
    if (!this.edge.admits(serial)) return;
    const robot = this.robot(serial);
    this.edge.onState(serial, state, dropped);
    if (!robot.online) {
      // A state message proves the robot is connected even if its retained ONLINE was missed.
      robot.online = true;
      robot.actor.send({ type: 'CONNECTED' });
      this.cameOnline(robot);
    }
    robot.errors = state.errors;
    if (!robot.placed && !this.place(robot, state)) return;
    // A position it cannot have reached is not believed, nor anything else the state says.
    if (!this.believePosition(robot, state)) return;
    const fatal = state.errors.find((e) => e.errorLevel === 'FATAL');
    const snapshot = robot.actor.getSnapshot();
    if (fatal && !snapshot.matches('fault')) {
      robot.actor.send({ type: 'FAULT', reason: `${fatal.errorType}: ${fatal.errorDescription ?? ''}`.trim() });
      // The operator's emergency stop was raised once, not once per robot stopping.
      const stoppedByOperator = this.emergencyStopOn && state.safetyState.eStop !== 'NONE';
      if (!stoppedByOperator) this.alarm(serial, `fault ${fatal.errorType}${fatal.errorDescription ? `: ${fatal.errorDescription}` : ''}`);
    } else if (!fatal && snapshot.matches('fault')) {
      robot.actor.send({ type: 'FAULT_CLEARED' });
    }
    robot.batteryPercent = state.batteryState.batteryCharge;
    robot.charging = state.batteryState.charging;
    if (robot.awaitingRelease && state.safetyState.eStop === 'NONE' && state.paused !== true) robot.awaitingRelease = false;
    robot.ready = state.nodeStates.length === 0 && !state.actionStates.some((a) => isBusyStatus(a.actionStatus));
    const leg = robot.leg;
    if (leg) {
      const routeIndex = reachedRouteIndex(state, leg.orderId, (i) => this.routeNodeId(serial, i));
      if (routeIndex !== undefined && routeIndex > this.traffic.progressOf(serial)) this.advanceAlongLeg(robot, routeIndex);
      if (leg.withdrawn) this.followWithdrawnLeg(robot, leg, state);
      else if (state.orderId === leg.orderId) this.followLeg(robot, leg, state, routeIndex);
    }
    this.sendLegUpdates(this.legsToUpdate);
    this.legsToUpdate.clear();
  }

  /**
   * A leg the robot runs: its action's outcome, or, without one, arrival at the goal, ends it.
   * A move the robot dropped short of the base it was given (its order cancelled by someone
   * else, or by the robot itself) ends where it stands, and the job goes on from there.
   */
  private followLeg(robot: RobotRecord, leg: ActiveLeg, state: State, routeIndex: number | undefined): void {
    const route = this.traffic.routeOf(robot.serial);
    if (leg.actionId) {
      const actionState = state.actionStates.find((a) => a.actionId === leg.actionId);
      if (actionState?.actionStatus === 'FINISHED') this.completeLeg(robot, state);
      else if (actionState?.actionStatus === 'FAILED') this.failLeg(robot, actionState.resultDescription ?? 'action failed', state);
    } else if (route && routeIndex === route.length - 1 && route[routeIndex] === leg.leg.goal && state.nodeStates.length === 0) {
      this.completeLeg(robot, state);
    } else if (droppedOrder(state, leg.orderId, leg.actionId, leg.baseEnds[state.orderUpdateId])) {
      this.alarm(robot.serial, `dropped order ${leg.orderId}/${state.orderUpdateId} at ${state.lastNodeId}, before the end of its leg; its job goes on from there`);
      this.undoLegClaims(leg.leg);
      if (this.standsOnItsNode(state)) {
        this.endLeg(robot);
        this.advance(robot);
      } else {
        this.awaitStandingOnNode(robot, leg);
        this.followWithdrawnLeg(robot, leg, state);
      }
    }
  }

  /**
   * A withdrawn leg: the robot keeps its cells until its state shows it standing with nothing
   * left to drive, after its cancelOrder (the cancel's action state, or a state a whole order
   * acknowledgement time later: an order still on its way would have shown by then). A pick or
   * drop of the leg it finishes all the same is a load nobody expects: held and quarantined.
   */
  private followWithdrawnLeg(robot: RobotRecord, leg: ActiveLeg, state: State): void {
    const withdrawn = leg.withdrawn!;
    const action = leg.leg.action;
    const taken = state.orderId === leg.orderId;
    if (action && taken && state.actionStates.some((a) => a.actionId === leg.actionId && a.actionStatus === 'FINISHED')) {
      this.quarantine.put(action.binId, `robot ${robot.serial} finished ${action.type} of bin ${action.binId} after its leg was withdrawn`);
      if (!robot.hold) this.holdRobot(robot, `finished ${action.type} of bin ${action.binId} after its leg was withdrawn`);
    }
    if (!standsIdle(state, leg.actionId)) return;
    // An order its state has never shown may still be on its way (it may even be overtaken by
    // the cancel, on another topic): its cells are kept a while longer.
    if (!taken && this.clock.now() - withdrawn.atMs < UNTAKEN_ORDER_GRACE_ACKS * this.options.orderAckTimeoutMs) return;
    if (!this.standsOnItsNode(state)) {
      // Stopped between two cells: it keeps the cells it has, and a person brings it to a node.
      if (!robot.hold) this.holdRobot(robot, `stands between cells, off its last node ${state.lastNodeId}; it keeps its cells until it stands on a node`);
      return;
    }
    this.endLeg(robot);
    this.planner.setHeld(robot.serial, robot.paused || robot.hold !== null);
    if (!robot.hold) this.allocate();
  }

  /**
   * Checks the cell the state puts the robot on (its last node, and the cell nearest its
   * reported position) against the cells held for it and its top speed; a robot that cannot be
   * there is held, keeping its cells. Returns whether the position is believed.
   */
  private believePosition(robot: RobotRecord, state: State): boolean {
    // "" (§6.10.6: no last node known, e.g. a bridge restarted before its board reports): nothing to judge yet.
    if (robot.positionInDoubt || state.lastNodeId === '') return false;
    const now = this.clock.now();
    const verdict = judgeStatePosition({
      state,
      inside: (x, y) => this.grid.inside(x, y),
      mapId: this.options.mapId,
      heldCells: this.traffic.heldCells(robot.serial).map((c) => this.grid.cellOf(c)),
      previous: robot.believed ? { ...this.grid.cellOf(robot.believed.cell), atMs: robot.believed.atMs } : undefined,
      nowMs: now,
      maxSpeedMps: this.edge.capabilitiesOf(robot.serial)?.maxSpeedMps ?? this.options.assumedMaxSpeedMps,
      cellSizeM: this.layout.cellSizeM,
      slackMs: this.options.motionSlackMs,
    });
    if (!verdict.ok) return this.doubtPosition(robot, verdict.problem);
    robot.believed = { cell: this.grid.index(verdict.cell.x, verdict.cell.y), atMs: now };
    return true;
  }

  /** A position it cannot have reached: held, keeping its cells, and none of its states believed until resumed. */
  private doubtPosition(robot: RobotRecord, problem: string): false {
    robot.positionInDoubt = true;
    this.holdRobot(robot, problem);
    return false;
  }

  /**
   * The leg's order is over on the robot's side (failed or dropped), but the robot does not yet
   * stand on a node: the leg ends as a withdrawn one would, keeping its cells until it does.
   */
  private awaitStandingOnNode(robot: RobotRecord, leg: ActiveLeg): void {
    // The robot has the order (its state showed it), so it ends as soon as the state allows.
    leg.withdrawn = { atMs: this.clock.now() };
    this.edge.forgetOrders(robot.serial);
    this.planner.setHeld(robot.serial, true);
  }

  /** Whether the state puts the robot on its last node (not stopped between two cells). */
  private standsOnItsNode(state: State): boolean {
    return onItsNode(state, this.options.mapId, (nodeId) => {
      const cell = parseCellNodeId(nodeId);
      return cell ? { x: cell.x * this.layout.cellSizeM.x, y: cell.y * this.layout.cellSizeM.y } : undefined;
    });
  }

  /** Node id of route index `i` of the robot's leg. */
  private routeNodeId(serial: string, i: number): string | undefined {
    const cell = this.traffic.routeOf(serial)?.[i];
    if (cell === undefined) return undefined;
    const { x, y } = this.grid.cellOf(cell);
    return cellNodeId(x, y);
  }

  /**
   * The robot reached `routeIndex` of its leg: the cells behind it are free, so it and the
   * robots waiting right next to those cells are released further at once (between cycles
   * only into free cells, so a convoy keeps moving without waiting for the next cycle).
   */
  private advanceAlongLeg(robot: RobotRecord, routeIndex: number): void {
    const before = this.traffic.heldCells(robot.serial);
    this.traffic.reached(robot.serial, routeIndex);
    const now = this.clock.now();
    if (this.planner.extend(robot.serial, now)) this.legsToUpdate.add(robot.serial);
    for (const follower of this.planner.cellsFreed(before, now)) this.legsToUpdate.add(follower);
    for (const freed of before) {
      if (this.traffic.holderOf(freed) !== undefined) continue;
      for (const cell of this.grid.neighbours(freed)) {
        const holder = this.traffic.holderOf(cell);
        if (holder !== undefined && holder !== robot.serial && this.traffic.frontierOf(holder) === cell && this.planner.extend(holder, now)) this.legsToUpdate.add(holder);
      }
    }
  }

  /** Puts a newly seen robot on the grid; a robot that cannot be placed is raised once, not per message. */
  private place(robot: RobotRecord, state: State): boolean {
    // §6.10.6: lastNodeId is "" while the robot knows no node yet (a bridge before its board's
    // first status): it is waited for, not raised.
    if (state.lastNodeId === '') return false;
    const cell = parseCellNodeId(state.lastNodeId);
    const problem = !cell || !this.grid.inside(cell.x, cell.y)
      ? `reports an unknown position "${state.lastNodeId}"; not commanded until it reports a grid cell`
      : !this.grid.drivable(this.grid.index(cell.x, cell.y))
        ? `reports standing on a blocked cell, ${state.lastNodeId}; not commanded until it reports a drivable cell`
        : this.traffic.place(robot.serial, this.grid.index(cell.x, cell.y));
    if (problem) {
      if (problem !== robot.placementProblem) this.alarm(robot.serial, cell ? `cannot be placed at ${state.lastNodeId}: ${problem}` : problem);
      robot.placementProblem = problem;
      return false;
    }
    robot.placed = true;
    robot.placementProblem = undefined;
    robot.believed = { cell: this.grid.index(cell!.x, cell!.y), atMs: this.clock.now() };
    this.awaitedRobots?.delete(robot.serial);
    // VDA 5050 §6.16: ask each robot once for its capabilities.
    this.edge.requestFactsheet(robot.serial, this.newId('factsheet'));
    return true;
  }

  // ---------------------------------------------------------------- picker confirmations

  /**
   * The person at a port confirmed the presented bin: `quantity` pieces picked (or put).
   * Returns a reason when the confirmation does not match what is presented. The stock change
   * and what it means to the request are kept in one batch; the port moves on only once that
   * is durable, so a confirmation that fails leaves the bin presented and nothing changed.
   */
  confirmAtPort(portId: string, visitId: string, binId: string, quantity: number): string | undefined {
    const port = this.ports.get(portId);
    if (!port) return `unknown port ${portId}`;
    if (!port.presented) return `port ${portId} presents no bin`;
    if (port.presented.visitId !== visitId || port.presented.binId !== binId) return `port ${portId} presents bin ${port.presented.binId} for task ${port.presented.visitId}, not ${binId} for ${visitId}`;
    const visit = this.requests.visit(visitId);
    if (visit) {
      this.stock.atomically(() => {
        const confirmed = settleVisit(this.stock, this.requests.get(visit.requestId), visit, quantity);
        if (visit.mode === 'pick') this.stock.afterCommit(() => visit.lines.forEach((line) => this.slotting.recordPick(line.sku)));
        this.observers.forEach((o) => o.visitConfirmed?.(visit, confirmed));
      });
    }
    this.moveOn(port, binId);
    return undefined;
  }

  /**
   * A confirmation at the port failed (an internal error): the presented bin goes back as it
   * is, and its visit, unless the confirmation was kept, fails with `reason` (its request ends).
   */
  abandonAtPort(portId: string, visitId: string, reason: string): void {
    const port = this.ports.get(portId);
    if (!port?.presented || port.presented.visitId !== visitId) return;
    const visit = this.requests.visit(visitId);
    // Failed first: the request's other bins then go back instead of being presented.
    if (visit && visit.state !== 'done') this.observers.forEach((o) => o.visitFailed?.(visit, reason));
    this.moveOn(port, port.presented.binId);
  }

  /**
   * The port is done with its presented bin: it is taken back, and the next one presented. The
   * bin's return is queued before anything that could fail, so it is never left at the port.
   */
  private moveOn(port: PortStation, binId: string): void {
    port.presented = null;
    port.actor.send({ type: 'CONFIRMED' });
    port.awaitingReturn.add(binId);
    this.enqueue({ kind: 'return', id: this.newId('return'), binId, queuedAtMs: this.clock.now() });
    this.presentNext(port);
    // A robot waiting on the port's cell for this bin is free now; allocation gives it the bin.
    const waiter = this.robots.get(this.traffic.holderOf(port.cell) ?? '');
    if (waiter?.job?.kind === 'takeBackWait' && !waiter.leg) this.finishJob(waiter);
    this.allocate();
  }

  /** Records a finished request for the KPIs. */
  noteRequestFinished(acceptedAtMs: number): void {
    this.completedRequests++;
    insertSorted(this.requestTimesS, (this.clock.now() - acceptedAtMs) / 1000);
  }

  // ---------------------------------------------------------------- work intake

  /** Queues the retrieval of a visit's bin. */
  queueVisit(visit: Visit, priority: number): void {
    const job: RetrieveJob = {
      kind: 'retrieve',
      id: visit.visitId,
      binId: visit.binId,
      portId: visit.portId,
      requestId: visit.requestId,
      priority,
      queuedAtMs: this.clock.now(),
    };
    this.enqueue(job);
  }

  private enqueue(job: QueuedJob): void {
    this.startTask(job);
    this.queuedJobs.push(job);
  }

  /** Starts a job's task machine (queued until assigned). */
  private startTask(job: Job): void {
    const actor = createActor(taskMachine);
    actor.start();
    this.tasks.set(job.id, actor);
  }

  /** Ends a job's task machine in a final state and forgets it. */
  private endTask(jobId: string, event: 'FINISH' | 'FAIL' | 'CANCEL'): void {
    const actor = this.tasks.get(jobId);
    if (!actor) return;
    actor.send({ type: event });
    actor.stop();
    this.tasks.delete(jobId);
  }

  /** Cancels a request's retrievals if none has started; returns false (changing nothing) otherwise. */
  cancelQueuedVisits(requestId: string): boolean {
    const request = this.requests.get(requestId);
    if (!request) return false;
    if (request.visits.some((v) => v.state !== 'queued' && v.state !== 'cancelled')) return false;
    this.dropQueuedVisits(requestId);
    return true;
  }

  /**
   * Drops the retrievals of a request that have not started and releases its reserved stock
   * (a cancelled or failed request); visits already under way run to the port and back.
   */
  dropQueuedVisits(requestId: string): void {
    for (let i = this.queuedJobs.length - 1; i >= 0; i--) {
      const job = this.queuedJobs[i]!;
      if (job.kind === 'retrieve' && job.requestId === requestId) {
        this.queuedJobs.splice(i, 1);
        this.endTask(job.id, 'CANCEL');
      }
    }
    for (const visit of this.requests.get(requestId)?.visits ?? []) if (visit.state === 'queued') visit.state = 'cancelled';
    this.stock.releaseRequest(requestId);
  }

  newId(prefix: string): string {
    return `${prefix}-${this.nextId++}`;
  }

  // ---------------------------------------------------------------- control cycle

  /** One control cycle: allocation, jobs waiting on something, one traffic planning step, order updates. */
  controlCycle(): void {
    // Time limits at the robot edge run whatever else happens (an unanswered stop included).
    this.edge.tick();
    // Under an emergency stop nothing is decided: robots keep their cells and jobs. Nor is
    // anything decided before the controller knows where every robot stands.
    if (this.emergencyStopOn || !this.fleetKnown()) return;
    const startedMs = this.profiler?.now();
    this.allocate();
    this.advanceWaitingJobs();
    this.planTraffic();
    this.sendLegUpdates(this.robots.keys());
    this.legsToUpdate.clear();
    if (startedMs !== undefined) this.profiler!.record(this.profiler!.now() - startedMs);
  }

  /**
   * Jobs waiting on something (port room, a free column, a charge) try again. Robots carrying
   * a bin to a port go nearest the port first, so port room goes to the robot that needs
   * least time to use it.
   */
  private advanceWaitingJobs(): void {
    const waiting: { robot: RobotRecord; distance: number }[] = [];
    for (const robot of this.robots.values()) {
      if (!robot.job || robot.leg || !robot.online || robot.paused || robot.hold || robot.actor.getSnapshot().matches('fault')) continue;
      const job = robot.job;
      const distance = job.kind === 'retrieve' ? this.planner.distance(this.ports.get(job.portId)!.cell, this.traffic.positionOf(robot.serial)) : 0;
      waiting.push({ robot, distance });
    }
    waiting.sort((a, b) => a.distance - b.distance);
    for (const { robot } of waiting) this.advance(robot);
  }

  /**
   * One planning step (see traffic-planner.ts) over the robots that may move: robots on a
   * leg, and standing robots (idle, or waiting with a job), which PIBT may push aside: they
   * get a one-cell leg without an action, after which their job, if any, goes on from there.
   */
  private planTraffic(): void {
    const now = this.clock.now();
    const robots: TrafficRobot[] = [];
    for (const robot of this.robots.values()) {
      if (!robot.placed || !robot.online || robot.paused || robot.hold || robot.awaitingRelease || robot.leg?.withdrawn || robot.actor.getSnapshot().matches('fault')) continue;
      if (robot.leg) robots.push({ serial: robot.serial, role: 'leg', legStartedMs: robot.leg.startedMs });
      else if (this.canBePushed(robot)) robots.push({ serial: robot.serial, role: 'standing', legStartedMs: now });
    }
    const moves = this.planner.step(robots, now);
    for (const move of moves) if (move.role === 'standing') this.startLeg(this.robots.get(move.serial)!, { goal: move.cell });
    this.planner.applyMoves(moves, now);
  }

  /**
   * Standing robots that may be moved aside: ready, and not charging or about to, nor waiting
   * on a port's cell to take a bin back (that wait is short and saves a visit to the cell).
   */
  private canBePushed(robot: RobotRecord): boolean {
    if (!robot.ready || robot.leg || robot.hold) return false;
    // A robot in service stays on its service cell.
    if (robot.inService && !robot.job && robot.serviceCell === this.traffic.positionOf(robot.serial)) return false;
    return !robot.job || (robot.job.kind !== 'charge' && robot.job.kind !== 'takeBackWait');
  }

  /** Tells each of these robots on a leg the cells released to it since its last order (update). */
  private sendLegUpdates(serials: Iterable<string>): void {
    for (const serial of serials) {
      const robot = this.robots.get(serial);
      const leg = robot?.leg;
      if (leg && !leg.withdrawn && !robot.awaitingRelease && this.traffic.releasedTo(serial) !== leg.sentReleasedTo) this.sendLegUpdate(robot, leg);
    }
  }

  /**
   * Whether the controller knows where the robots stand, so that it may give out jobs and
   * cells: once every robot of the layout has been placed, or `fleetWaitMs` after start (the
   * missing ones are then raised). Before that a cell nobody holds in the reservation table
   * may still have a robot on it that has not reported yet (robots come online one by one),
   * and releasing it to another robot would drive that one into it.
   */
  private fleetKnown(): boolean {
    const awaited = this.awaitedRobots;
    if (awaited === null) return true;
    if (awaited.size > 0) {
      if (this.clock.now() - this.startedAtMs < this.options.fleetWaitMs) return false;
      this.alarm('controller', `went on without robots ${[...awaited].join(', ')}, not heard from within ${this.options.fleetWaitMs / 1000} s of start: where they stand is not known, and one reporting a cell released to another robot is not commanded`);
    }
    this.awaitedRobots = null;
    return true;
  }

  /** Robots of the layout the controller still waits for before commanding any (see `fleetWaitMs`). */
  robotsAwaited(): string[] {
    return this.awaitedRobots ? [...this.awaitedRobots] : [];
  }

  private allocate(): void {
    if (this.emergencyStopOn || !this.fleetKnown()) return;
    this.failBlockedRetrievals();
    const idle: RobotRecord[] = [];
    const movers: RobotRecord[] = [];
    for (const robot of this.robots.values()) {
      if (robot.inService) {
        if (this.isFree(robot)) this.goToService(robot);
        continue;
      }
      if (!this.canTakeJob(robot)) continue;
      // A robot holding a bin with no job (e.g. after a controller restart) stores it first.
      const carried = this.inventory.binOnRobot(robot.serial);
      const handlesBins = this.handlesBins(robot);
      if (!carried && robot.batteryPercent < this.options.chargeBelowPercent) {
        if (this.edge.capabilitiesOf(robot.serial)?.charging && this.sendToCharge(robot)) continue;
        // Every charger is taken: work on while the battery allows, then wait for one.
        if (robot.batteryPercent < this.options.chargeCriticalPercent) continue;
      }
      if (carried && handlesBins && !this.inventory.quarantineOf(carried)) {
        this.assignNew(robot, { kind: 'return', id: this.newId('return'), binId: carried, queuedAtMs: this.clock.now() });
      } else if (handlesBins) {
        idle.push(robot);
      } else {
        // No bin work for it, but it leaves the places where robots come and go.
        movers.push(robot);
      }
    }
    if (idle.length > 0 && this.queuedJobs.length > 0) {
      const order = this.queuedJobs
        .map((job, index) => ({ job, index }))
        .sort((a, b) => jobRank(a.job) - jobRank(b.job) || (b.job.kind === 'retrieve' && a.job.kind === 'retrieve' ? b.job.priority - a.job.priority : 0) || a.job.queuedAtMs - b.job.queuedAtMs || a.index - b.index);
      const taken = new Set<Job>();
      const activeRobots = this.activeRobots();
      for (const { job } of order) {
        if (idle.length === 0) break;
        const target = this.startableAt(job, activeRobots);
        if (target === undefined) continue;
        const robot = idle.splice(this.nearestTo(target, idle), 1)[0]!;
        this.assign(robot, job);
        taken.add(job);
      }
      for (let i = this.queuedJobs.length - 1; i >= 0; i--) if (taken.has(this.queuedJobs[i]!)) this.queuedJobs.splice(i, 1);
    }
    this.assignDigHelpers(idle);
    // Idle robots never stay on or next to a port, nor where robots queue for one, nor on a dug column.
    for (const robot of [...idle, ...movers]) {
      if (robot.job) continue;
      const position = this.traffic.positionOf(robot.serial);
      if (this.portByCell.has(position) || this.portApproach.has(position) || this.portArea.has(position) || this.claims.digLockHolder(position) !== undefined) this.park(robot);
    }
  }

  /**
   * Robots with nothing else to do help retrievals that still have two or more bins to lift
   * off: the deepest first, the nearest robot, up to `digHelpersPerRetrieval` each.
   */
  private assignDigHelpers(idle: RobotRecord[]): void {
    const free = idle.filter((r) => !r.job);
    if (free.length === 0) return;
    const digs: { id: string; column: number; blockers: number; helpers: number }[] = [];
    for (const robot of this.robots.values()) {
      const job = robot.job;
      if (job?.kind !== 'retrieve') continue;
      const location = this.inventory.location(job.binId);
      if (location.kind !== 'column') continue;
      const blockers = this.inventory.depthFromTop(job.binId) ?? 0;
      if (blockers >= 2) digs.push({ id: job.id, column: this.grid.index(location.x, location.y), blockers, helpers: 0 });
    }
    if (digs.length === 0) return;
    for (const robot of this.robots.values()) {
      if (robot.job?.kind !== 'dig') continue;
      const dig = digs.find((d) => d.id === (robot.job as DigJob).retrievalId);
      if (dig) dig.helpers++;
    }
    digs.sort((a, b) => b.blockers - a.blockers || a.column - b.column);
    for (const dig of digs) {
      while (dig.helpers < this.options.digHelpersPerRetrieval && free.length > 0) {
        const helper = free.splice(this.nearestTo(dig.column, free), 1)[0]!;
        this.assignNew(helper, { kind: 'dig', id: this.newId('dig'), retrievalId: dig.id, column: dig.column, queuedAtMs: this.clock.now() });
        dig.helpers++;
      }
    }
  }

  /**
   * Sends a robot to the nearest charger that is free and not claimed by another charge; a
   * charger occupied by an idle, charged robot is freed by parking that robot (used next
   * cycle). Returns false when no charger can be had now.
   */
  private sendToCharge(robot: RobotRecord): boolean {
    const from = this.traffic.positionOf(robot.serial);
    const claimed = new Set<number>();
    for (const r of this.robots.values()) if (r.job?.kind === 'charge') claimed.add(r.job.charger);
    let best: number | undefined;
    for (const charger of this.chargerCells) {
      if (claimed.has(charger) || this.traffic.holderOf(charger) !== undefined || this.operatorBlocked.has(charger)) continue;
      if (best === undefined || this.planner.distance(charger, from) < this.planner.distance(best, from)) best = charger;
    }
    if (best === undefined) {
      for (const charger of this.chargerCells) {
        const occupant = this.robots.get(this.traffic.holderOf(charger) ?? '');
        if (occupant && occupant !== robot && !claimed.has(charger) && this.canTakeJob(occupant) && occupant.batteryPercent >= this.options.chargeUntilPercent) this.park(occupant);
      }
      return false;
    }
    this.assignNew(robot, { kind: 'charge', id: this.newId('charge'), charger: best, queuedAtMs: this.clock.now() });
    return true;
  }

  private canTakeJob(robot: RobotRecord): boolean {
    return this.isFree(robot) && !robot.inService;
  }

  /** Online, on the grid, idle, without a job or leg, and neither paused nor held. */
  private isFree(robot: RobotRecord): boolean {
    return robot.online && robot.placed && robot.ready && !robot.job && !robot.leg && !robot.paused && !robot.hold && !robot.awaitingRelease && robot.actor.getSnapshot().matches('idle');
  }

  /** Whether its factsheet lets it lift and set down bins (no bin work before the factsheet came). */
  private handlesBins(robot: RobotRecord): boolean {
    return this.edge.capabilitiesOf(robot.serial)?.binHandling ?? false;
  }

  /** Index in `robots` of the robot nearest `cell` by grid distance (the first on a tie). */
  private nearestTo(cell: number, robots: readonly RobotRecord[]): number {
    let best = 0;
    let bestDistance = Infinity;
    for (let i = 0; i < robots.length; i++) {
      const d = this.planner.distance(cell, this.traffic.positionOf(robots[i]!.serial));
      if (d < bestDistance) {
        bestDistance = d;
        best = i;
      }
    }
    return best;
  }

  /** The cell where a queued job starts, if it can start now (`activeRobots`: see activeRobots()). */
  private startableAt(job: QueuedJob, activeRobots: number): number | undefined {
    const location = this.inventory.location(job.binId);
    if (job.kind === 'return') {
      if (location.kind !== 'port') return undefined;
      const port = this.ports.get(location.portId)!;
      // A robot delivering to the port is on (or entering) its cell: once its drop is done,
      // it takes this bin back itself (it is then the nearest idle robot), which saves a
      // drive in and out of the port cell per bin. Likewise a robot bringing a bin that is
      // near, for a while.
      const onCell = this.robots.get(this.traffic.holderOf(port.cell) ?? '');
      if (onCell && this.canTakeJob(onCell)) return port.cell;
      if (this.deliveringTo(port) || onCell?.job?.kind === 'takeBackWait') return undefined;
      const waitedMs = this.clock.now() - job.queuedAtMs;
      if (waitedMs < this.options.takeBackWaitMs && this.deliverersNear(port) >= port.awaitingReturn.size) return undefined;
      return port.cell;
    }
    const port = this.ports.get(job.portId)!;
    if (location.kind !== 'column' || !port.open || this.closedPorts.has(port.id) || this.quarantine.columnInDoubt(this.grid.index(location.x, location.y))) return undefined;
    if (port.retrievalsUnderway >= this.options.retrievalsInFlightPerPort) return undefined;
    // A robot with a bin for a full port waits for a robot to take a bin away from it. No
    // circular wait: a retrieval starts only if robots stay free for returns, or if the port
    // has room for its bin even when every retrieval under way has delivered (a lone robot).
    const returnsStayServed = this.retrievalsUnderway() < activeRobots - this.options.robotsKeptForReturns;
    const roomReserved = port.binsHeld + port.retrievalsUnderway < this.options.portCapacityBins;
    if (!returnsStayServed && !roomReserved) return undefined;
    const cell = this.grid.index(location.x, location.y);
    if (!this.claims.canDig(cell, job.id)) return undefined;
    return cell;
  }

  /**
   * Whether a robot that has just dropped `droppedBinId` at the port, and stands on its cell,
   * should wait there for the bin being picked and take it back: yes for a bin that came
   * before its own; for its own bin only if no other robot bringing a bin is near (that one
   * will take it back). No if nothing is being picked or the port is closed.
   */
  private worthWaitingForTakeBack(robot: RobotRecord, port: PortStation, droppedBinId: string): boolean {
    if (robot.inService || !this.laneOfPort.has(port.cell) || !port.open || !port.presented || this.traffic.positionOf(robot.serial) !== port.cell) return false;
    return port.presented.binId !== droppedBinId || this.deliverersNear(port) === 0;
  }

  /** Robots bringing a bin to the port within `takeBackNearCells` of its cell, or about to. */
  private deliverersNear(port: PortStation): number {
    if (!this.laneOfPort.has(port.cell)) return 0;
    let inbound = 0;
    let waiting = 0;
    for (const robot of this.robots.values()) {
      const job = robot.job;
      if (job?.kind !== 'retrieve' || job.portId !== port.id || this.inventory.binOnRobot(robot.serial) !== job.binId) continue;
      if (this.planner.distance(port.cell, this.traffic.positionOf(robot.serial)) > this.options.takeBackNearCells) continue;
      if (robot.leg?.leg.goal === port.cell) inbound++;
      else waiting++;
    }
    // Robots waiting for room come as soon as there is some.
    return inbound + Math.min(waiting, Math.max(0, this.options.portCapacityBins - port.load));
  }

  /** Whether the robot holding the port's cell is there to drop a bin at it. */
  private deliveringTo(port: PortStation): boolean {
    const holder = this.traffic.holderOf(port.cell);
    const leg = holder === undefined ? null : this.robots.get(holder)?.leg;
    return leg?.leg.action?.type === 'drop' && leg.leg.action.portId === port.id;
  }

  private retrievalsUnderway(): number {
    let n = 0;
    for (const port of this.ports.values()) n += port.retrievalsUnderway;
    return n;
  }

  private activeRobots(): number {
    let n = 0;
    for (const robot of this.robots.values()) if (robot.online && robot.placed && !robot.hold && this.handlesBins(robot) && !robot.actor.getSnapshot().matches('fault')) n++;
    return n;
  }

  /** Gives a robot a job that was never queued (its task machine starts and is assigned at once). */
  private assignNew(robot: RobotRecord, job: Job): void {
    this.startTask(job);
    this.assign(robot, job);
  }

  private assign(robot: RobotRecord, job: Job): void {
    this.tasks.get(job.id)?.send({ type: 'ASSIGN' });
    robot.job = job;
    robot.busySinceMs = this.clock.now();
    robot.reportedDig = false;
    robot.reportedTransit = false;
    robot.failedDrops = 0;
    robot.actor.send({ type: 'JOB_ASSIGNED', jobId: job.id });
    if (job.kind === 'retrieve') {
      const location = this.inventory.location(job.binId);
      if (location.kind === 'column') this.claims.lockForDig(this.grid.index(location.x, location.y), job.id);
      this.ports.get(job.portId)!.retrievalsUnderway++;
      const visit = this.requests.visit(job.id);
      if (visit) visit.state = 'underway';
    }
    this.advance(robot);
  }

  private finishJob(robot: RobotRecord, outcome: 'FINISH' | 'FAIL' = 'FINISH'): void {
    const job = robot.job;
    if (!job) return;
    this.endTask(job.id, outcome);
    if (job.kind === 'retrieve') this.ports.get(job.portId)!.retrievalsUnderway--;
    if (robot.busySinceMs !== null) robot.busyMs += this.clock.now() - robot.busySinceMs;
    robot.busySinceMs = null;
    robot.job = null;
    robot.actor.send({ type: 'JOB_FINISHED' });
  }

  /** Starts the job's next leg, or finishes the job, or leaves it waiting. */
  private advance(robot: RobotRecord): void {
    const job = robot.job;
    if (!job || robot.leg) return;
    // No new legs under an emergency stop (until its release shows), a pause or a hold; the job goes on afterwards.
    if (this.emergencyStopOn || robot.awaitingRelease || robot.paused || robot.hold) return;
    // Sent to service: a robot with no bin gives its job back (a bin is put away first).
    if (robot.inService && !this.onServiceJob(robot) && !this.inventory.binOnRobot(robot.serial)) {
      this.giveBackJob(robot);
      this.allocate();
      return;
    }
    const next = this.nextLeg(robot, job);
    if (next === 'done') {
      this.finishJob(robot);
      this.allocate();
      return;
    }
    if (next === 'wait') return;
    this.startLeg(robot, next);
  }

  private nextLeg(robot: RobotRecord, job: Job): Leg | 'wait' | 'done' {
    if (job.kind === 'park') return this.traffic.positionOf(robot.serial) === job.cell ? 'done' : { goal: job.cell };
    if (job.kind === 'takeBackWait') {
      const port = this.ports.get(job.portId)!;
      const waits = this.clock.now() < job.untilMs && port.awaitingReturn.size === 0 && this.worthWaitingForTakeBack(robot, port, job.droppedBinId);
      return waits ? 'wait' : 'done';
    }
    if (job.kind === 'dig') return this.nextDigLeg(robot, job);
    if (job.kind === 'charge') {
      if (this.traffic.positionOf(robot.serial) !== job.charger) return { goal: job.charger, startCharging: true };
      return robot.charging && robot.batteryPercent < this.options.chargeUntilPercent ? 'wait' : 'done';
    }
    const location = this.inventory.location(job.binId);
    const carried = this.inventory.binOnRobot(robot.serial);
    if (job.kind === 'return') {
      if (location.kind === 'port') {
        const port = this.ports.get(location.portId)!;
        const cell = this.grid.cellOf(port.cell);
        return { goal: port.cell, action: { type: 'pick', binId: job.binId, x: cell.x, y: cell.y, level: 0, portId: port.id } };
      }
      if (location.kind === 'robot') return this.dropLeg(job.binId, this.chooseReturnColumnFor(job.binId, robot));
      return 'done';
    }
    // Retrieval.
    if (location.kind === 'robot' && location.serial !== robot.serial) return this.abandonRetrieval(job, `bin ${job.binId} is on robot ${location.serial}`);
    if (location.kind === 'robot') {
      const portBlocked = this.retrievalBlocked(job);
      if (portBlocked) return this.abandonRetrieval(job, portBlocked);
      const port = this.ports.get(job.portId)!;
      // Room at a port with a lane goes to robots already near it, so that it is used soon.
      const near = !this.laneOfPort.has(port.cell) || this.planner.distance(port.cell, this.traffic.positionOf(robot.serial)) <= this.options.stagingDistanceCells;
      if (!port.hasRoom() || !near) return this.stagingLeg(robot, port);
      port.inbound++;
      const visit = this.requests.visit(job.id);
      if (visit && !robot.reportedTransit) this.observers.forEach((o) => o.visitStage?.(visit, 'binInTransit', {}));
      robot.reportedTransit = true;
      const cell = this.grid.cellOf(port.cell);
      return { goal: port.cell, action: { type: 'drop', binId: job.binId, x: cell.x, y: cell.y, level: 0, portId: port.id } };
    }
    if (location.kind === 'port') return 'done';
    const columnCell = this.grid.index(location.x, location.y);
    if (carried) return this.dropLeg(carried, this.chooseBlockerColumnFor(columnCell));
    // Its request has ended (a visit failed), or its column is in doubt: the bin stays.
    if (!this.requests.visit(job.id)) return this.abandonRetrieval(job, '');
    const blocked = this.retrievalBlocked(job);
    if (blocked) return this.abandonRetrieval(job, blocked);
    const depth = this.inventory.depthFromTop(job.binId) ?? 0;
    if (depth > 0 && !robot.reportedDig) {
      robot.reportedDig = true;
      const visit = this.requests.visit(job.id);
      if (visit) this.observers.forEach((o) => o.visitStage?.(visit, 'digging', { depth }));
    }
    return this.pickTopLeg(robot, columnCell);
  }

  /**
   * A robot with a bin for a full port waits near it, within `stagingDistanceCells`, so that
   * it uses room the moment the port has some; the waiting cell is a free one nearest the
   * port but at least `stagingMinCells` away (the cells right by the port are for robots
   * coming and going), not the goal of another leg. Waits where it is when none is free.
   */
  private stagingLeg(robot: RobotRecord, port: PortStation): Leg | 'wait' {
    const from = this.traffic.positionOf(robot.serial);
    const range = this.options.stagingDistanceCells;
    // Near enough already, but not on the port's cell or right by it, where robots come and go.
    if (this.planner.distance(port.cell, from) <= range && this.stagingCellFor(port, from)) return 'wait';
    const goals = new Set<number>();
    for (const r of this.robots.values()) if (r.leg) goals.add(r.leg.leg.goal);
    const distance = new Map<number, number>([[port.cell, 0]]);
    const queue = [port.cell];
    for (let head = 0; head < queue.length; head++) {
      const cell = queue[head]!;
      const d = distance.get(cell)!;
      if (d >= this.options.stagingMinCells && this.stagingCellFor(port, cell) && this.traffic.holderOf(cell) === undefined && !goals.has(cell) && this.claims.digLockHolder(cell) === undefined && !this.operatorBlocked.has(cell)) return { goal: cell };
      if (d >= range) continue;
      for (const next of this.grid.neighbours(cell)) {
        if (distance.has(next)) continue;
        distance.set(next, d + 1);
        queue.push(next);
      }
    }
    return 'wait';
  }

  /**
   * Whether a robot may wait for the port's room on this cell: not on or right by a port, and
   * for a port with a lane, nearer its entry than its exit (robots leaving go the other way).
   */
  private stagingCellFor(port: PortStation, cell: number): boolean {
    if (this.portByCell.has(cell) || this.portApproach.has(cell)) return false;
    const lane = this.laneOfPort.get(port.cell);
    return !lane || this.grid.manhattan(cell, lane.entry) < this.grid.manhattan(cell, lane.exit);
  }

  /** A dig helper's next leg: set its blocker aside, or lift the next one, or stop. */
  private nextDigLeg(robot: RobotRecord, job: DigJob): Leg | 'wait' | 'done' {
    const carried = this.inventory.binOnRobot(robot.serial);
    if (carried) return this.dropLeg(carried, this.chooseBlockerColumnFor(job.column));
    if (this.blockersLeftFor(job.retrievalId) < 2) return 'done';
    return this.pickTopLeg(robot, job.column);
  }

  /**
   * Drive to the column; once standing on it (so no other robot can change the stack), lift
   * whatever is on top. Deciding the bin and level on arrival lets several robots dig one
   * column in turn.
   */
  private pickTopLeg(robot: RobotRecord, columnCell: number): Leg {
    if (this.traffic.positionOf(robot.serial) !== columnCell) return { goal: columnCell };
    const { x, y } = this.grid.cellOf(columnCell);
    const stack = this.inventory.stack(x, y);
    return { goal: columnCell, action: { type: 'pick', binId: stack[stack.length - 1]!, x, y, level: stack.length - 1 } };
  }

  /** Bins still above a running retrieval's bin, or 0 when the retrieval is gone or done digging. */
  private blockersLeftFor(retrievalId: string): number {
    const owner = [...this.robots.values()].find((r) => r.job?.kind === 'retrieve' && r.job.id === retrievalId);
    if (!owner || owner.job?.kind !== 'retrieve') return 0;
    return this.inventory.depthFromTop(owner.job.binId) ?? 0;
  }

  private dropLeg(binId: string, column: number | undefined): Leg | 'wait' {
    if (column === undefined) return 'wait';
    this.claims.addIncoming(column);
    const cell = this.grid.cellOf(column);
    return { goal: column, action: { type: 'drop', binId, x: cell.x, y: cell.y, level: this.inventory.height(cell.x, cell.y) } };
  }

  private columnContext(): ColumnChoiceContext {
    const wanted = new Set<number>();
    for (const job of this.queuedJobs) {
      if (job.kind !== 'retrieve') continue;
      const location = this.inventory.location(job.binId);
      if (location.kind === 'column') wanted.add(this.grid.index(location.x, location.y));
    }
    return {
      grid: this.grid,
      stacks: this.inventory,
      claims: this.claims,
      wantedSoon: (cell) => wanted.has(cell),
      occupied: (cell) => this.traffic.holderOf(cell) !== undefined || this.portZone.has(cell) || this.quarantine.columnInDoubt(cell),
    };
  }

  private chooseBlockerColumnFor(dugCell: number): number | undefined {
    return chooseBlockerColumn(this.columnContext(), dugCell);
  }

  private chooseReturnColumnFor(binId: string, robot: RobotRecord): number | undefined {
    return this.slotting.returnColumn(this.columnContext(), this.traffic.positionOf(robot.serial), this.inventory.contents(binId));
  }

  // ---------------------------------------------------------------- legs and orders

  private startLeg(robot: RobotRecord, leg: Leg): void {
    const from = this.traffic.positionOf(robot.serial);
    if (this.planner.distance(leg.goal, from) === Infinity) {
      // Tried again every cycle; raised once per goal.
      const problem = `no route from ${from} to ${leg.goal}`;
      if (robot.routeProblem !== problem) this.alarm(robot.serial, problem);
      robot.routeProblem = problem;
      this.undoLegClaims(leg);
      return;
    }
    robot.routeProblem = undefined;
    const now = this.clock.now();
    this.traffic.startLeg(robot.serial, leg.goal);
    this.planner.legChanged(robot.serial, now);
    this.planner.extend(robot.serial, now);
    const actionId = leg.action ? this.newId(leg.action.type) : leg.startCharging ? this.newId('charge') : null;
    const releasedTo = this.traffic.releasedTo(robot.serial);
    robot.leg = { leg, orderId: this.newId(`${robot.serial}-order`), orderUpdateId: 0, sentReleasedTo: releasedTo, baseEnds: [releasedTo], actionId, startedMs: now, withdrawn: null };
    robot.ready = false;
    this.sendLegOrder(robot, robot.leg, 0);
  }

  /**
   * Sends the leg's order (update) from route index `fromIndex`: the released cells as base,
   * then the planner's expected way on to the goal as horizon. The leg's action goes on the
   * goal node, so only once the route reaches it (a horizon can be cut off while every way to
   * the goal is held).
   */
  private sendLegOrder(robot: RobotRecord, active: ActiveLeg, fromIndex: number): void {
    const route = [...this.traffic.routeOf(robot.serial)!, ...this.planner.horizon(robot.serial)];
    const actions = route[route.length - 1] === active.leg.goal ? this.legActions(robot, active) : [];
    this.edge.sendOrder(robot.serial, legOrder(this.geometry, active.orderId, active.orderUpdateId, route, fromIndex, active.sentReleasedTo, actions));
  }

  private legActions(robot: RobotRecord, active: ActiveLeg): Action[] {
    if (!active.actionId) return [];
    if (active.leg.startCharging) return [{ actionType: START_CHARGING_ACTION_TYPE, actionId: active.actionId, blockingType: 'HARD' }];
    const action = active.leg.action;
    if (!action) return [];
    const handling = { loadId: action.binId, x: action.x, y: action.y, level: action.level, ...(action.portId !== undefined ? { portId: action.portId } : {}) };
    return [binAction(action.type, active.actionId, handling, vehicleProfileOf(this.layout, robot.serial), this.layout.binHeightM)];
  }

  private sendLegUpdate(robot: RobotRecord, leg: ActiveLeg): void {
    if (!this.traffic.routeOf(robot.serial)) return;
    const from = leg.sentReleasedTo;
    leg.orderUpdateId++;
    leg.sentReleasedTo = this.traffic.releasedTo(robot.serial);
    leg.baseEnds[leg.orderUpdateId] = leg.sentReleasedTo;
    this.sendLegOrder(robot, leg, from);
  }

  /** The leg ends: the robot keeps only the cell it stands on. */
  private endLeg(robot: RobotRecord): void {
    const held = this.traffic.heldCells(robot.serial);
    const now = this.clock.now();
    this.traffic.finishRoute(robot.serial);
    this.planner.legChanged(robot.serial, now);
    robot.leg = null;
    robot.ready = true;
    // Updates of the leg still on their way no longer matter, nor does their fate.
    this.edge.forgetOrders(robot.serial);
    for (const follower of this.planner.cellsFreed(held, now)) this.legsToUpdate.add(follower);
  }

  /**
   * The leg's action finished (or it had none and the robot arrived). A pick or drop counts
   * only if the robot's loads then show it (load-check.ts); otherwise nothing moves in the
   * inventory, the bin is quarantined and the robot held.
   */
  private completeLeg(robot: RobotRecord, state: State): void {
    const active = robot.leg;
    if (!active) return;
    const action = active.leg.action;
    if (action) {
      const identifies = this.edge.profileOf(robot.serial).identifiesLoads;
      const check = checkLoads(action.type, action.binId, state.loads, identifies);
      if (!check.ok) {
        this.quarantine.put(action.binId, `robot ${robot.serial} ${check.problem}`);
        this.holdRobot(robot, check.problem);
        return;
      }
      if (action.type === 'pick') {
        if (check.identityVerified) this.loadChecks.verified++;
        else this.loadChecks.unverified++;
      }
      this.applyAction(robot, action);
    }
    this.endLeg(robot);
    const job = robot.job;
    if (job?.kind === 'retrieve' && action?.type === 'drop' && action.portId !== undefined) {
      this.finishJob(robot);
      const port = this.ports.get(action.portId)!;
      if (port.awaitingReturn.size === 0 && this.worthWaitingForTakeBack(robot, port, action.binId)) {
        this.assignNew(robot, { kind: 'takeBackWait', id: this.newId('take-back-wait'), portId: port.id, droppedBinId: action.binId, untilMs: this.clock.now() + this.options.takeBackWaitMs, queuedAtMs: this.clock.now() });
        return;
      }
      this.allocate();
    }
    this.advance(robot);
  }

  /** Applies a finished pick or drop to the inventory; `stock` commits it to the store. */
  private applyAction(robot: RobotRecord, action: NonNullable<Leg['action']>): void {
    const { binId, x, y } = action;
    if (action.type === 'pick') {
      if (action.portId !== undefined) {
        this.stock.liftFromPort(binId, action.portId, robot.serial);
        this.ports.get(action.portId)!.awaitingReturn.delete(binId);
      } else {
        this.stock.liftFromColumn(binId, x, y, robot.serial);
        this.columnMoves++;
        const job = robot.job;
        if (job?.kind === 'retrieve' && job.binId === binId) this.claims.unlockDig(this.grid.index(x, y), job.id);
      }
    } else if (action.portId !== undefined) {
      this.stock.placeAtPort(binId, action.portId, robot.serial);
      const port = this.ports.get(action.portId)!;
      port.inbound--;
      port.queue.push(binId);
      const visit = robot.job?.kind === 'retrieve' ? this.requests.visit(robot.job.id) : undefined;
      if (visit) visit.state = 'atPort';
      this.presentNext(port);
    } else {
      this.stock.placeOnColumn(binId, x, y, robot.serial);
      this.columnMoves++;
      this.claims.removeIncoming(this.grid.index(x, y));
    }
  }

  private presentNext(port: PortStation): void {
    if (port.presented || port.queue.length === 0 || !port.open) return;
    const binId = port.queue.shift()!;
    const visit = this.visitAtPort(port.id, binId);
    if (!visit) {
      // A bin with no visit (its request was cancelled or failed) goes straight back.
      port.awaitingReturn.add(binId);
      this.enqueue({ kind: 'return', id: this.newId('return'), binId, queuedAtMs: this.clock.now() });
      this.presentNext(port);
      return;
    }
    port.presented = { binId, visitId: visit.visitId };
    port.presentations++;
    port.actor.send({ type: 'PRESENT' });
    visit.state = 'presented';
    this.observers.forEach((o) => o.visitPresented?.(visit));
  }

  private visitAtPort(portId: string, binId: string): Visit | undefined {
    for (const request of this.requests.all()) {
      for (const visit of request.visits) if (visit.portId === portId && visit.binId === binId && visit.state === 'atPort') return visit;
    }
    return undefined;
  }

  /**
   * A pick or drop the robot reports FAILED: nothing moved (the inventory changes only on
   * FINISHED). A failed drop is tried again elsewhere, up to `maxDropAttempts`; a failed pick
   * means the controller's picture of that stack is wrong, so the visit fails and an alarm
   * asks for a person to look.
   */
  private failLeg(robot: RobotRecord, reason: string, state: State): void {
    const active = robot.leg!;
    const action = active.leg.action;
    this.alarm(robot.serial, `${action?.type ?? (active.leg.startCharging ? START_CHARGING_ACTION_TYPE : 'move')} failed: ${reason}`);
    this.undoLegClaims(active.leg);
    // A robot still driving (its order was cancelled under way) keeps its cells until it stands on a node.
    if (standsIdle(state, active.actionId) && this.standsOnItsNode(state)) this.endLeg(robot);
    else this.awaitStandingOnNode(robot, active);
    if (action?.type === 'drop' && ++robot.failedDrops < this.options.maxDropAttempts) {
      this.advance(robot);
      return;
    }
    const job = robot.job;
    if (job?.kind === 'retrieve') {
      const visit = this.requests.visit(job.id);
      const location = this.inventory.location(job.binId);
      if (location.kind === 'column') this.claims.unlockDig(this.grid.index(location.x, location.y), job.id);
      if (visit) this.observers.forEach((o) => o.visitFailed?.(visit, `robot ${robot.serial}: ${reason}`));
    }
    this.finishJob(robot, 'FAIL');
  }

  private undoLegClaims(leg: Leg): void {
    const action = leg.action;
    if (action?.type !== 'drop') return;
    if (action.portId !== undefined) this.ports.get(action.portId)!.inbound--;
    else this.claims.removeIncoming(this.grid.index(action.x, action.y));
  }

  // ---------------------------------------------------------------- robots that cannot be trusted

  /** An order of the robot was refused or not shown taken (robot-edge.ts): its leg is withdrawn and the robot held. */
  private orderRefused(serial: string, order: SentOrder, reason: string): void {
    const robot = this.robots.get(serial);
    if (!robot || robot.leg?.orderId !== order.orderId || robot.leg.withdrawn) {
      this.alarm(serial, `${reason} (no leg of it was waiting on that order)`);
      return;
    }
    this.holdRobot(robot, reason);
  }

  /**
   * A robot sent no state for too long: it may be anywhere on the cells it holds, which it
   * keeps; its leg is withdrawn and its job goes to another robot (or fails, if it carries the
   * job's bin). It is treated as offline until it reports again.
   */
  private robotLost(serial: string): void {
    const robot = this.robots.get(serial);
    if (!robot?.placed) return;
    const reason = `robot ${serial} went silent`;
    this.withdrawLeg(robot);
    this.releaseJob(robot, reason);
    this.clearWayOf(robot);
    if (robot.online) {
      robot.online = false;
      robot.actor.send({ type: 'CONNECTION_LOST' });
    }
    this.allocate();
  }

  /** Handling a robot's report failed half-way (`reason`): what was decided for it is in doubt, so it is held. */
  holdAfterInternalError(serial: string, reason: string): void {
    const robot = this.robots.get(serial);
    if (robot) this.holdRobot(robot, reason);
  }

  /**
   * Holds a robot in alarm: no leg, cell or job until an operator resumes it. Its leg is
   * withdrawn (it keeps its cells until its state shows it standing), it is asked to pause, and
   * its job goes to another robot or fails to the WMS. Returns nothing the caller may act on.
   */
  private holdRobot(robot: RobotRecord, reason: string): void {
    if (robot.hold) return;
    robot.hold = reason;
    this.alarm(robot.serial, `${reason}; held until an operator resumes it`);
    this.planner.setHeld(robot.serial, true);
    if (this.edge.capabilitiesOf(robot.serial)?.instantActions.has('startPause') ?? true) this.sendInstantAction(robot.serial, 'startPause', 'hold');
    this.withdrawLeg(robot);
    this.releaseJob(robot, `robot ${robot.serial} ${reason}`);
    this.clearWayOf(robot);
    this.allocate();
  }

  /**
   * Nobody waits on the cells of a robot held in alarm: legs ending on them are withdrawn, and
   * jobs needing them end (a retrieval of a bin under it fails to the WMS; others are given back).
   */
  private clearWayOf(stuck: RobotRecord): void {
    const cells = new Set(this.traffic.heldCells(stuck.serial));
    for (const robot of this.robots.values()) {
      if (robot === stuck) continue;
      if (robot.leg && !robot.leg.withdrawn && cells.has(robot.leg.leg.goal)) this.withdrawLeg(robot);
      const job = robot.job;
      if (!job) continue;
      if (job.kind === 'retrieve') {
        const reason = this.retrievalBlocked(job);
        if (!reason) continue;
        this.abandonRetrieval(job, reason);
        this.finishJob(robot, 'FAIL');
        continue;
      }
      const needed = job.kind === 'dig' ? job.column : job.kind === 'park' ? job.cell : job.kind === 'charge' ? job.charger : undefined;
      if (needed !== undefined && cells.has(needed)) this.giveBackJob(robot);
    }
  }


  /** Stops releasing cells to the robot's leg and asks it to cancel the leg's order (see ActiveLeg.withdrawn). */
  private withdrawLeg(robot: RobotRecord): void {
    const leg = robot.leg;
    if (!leg || leg.withdrawn) return;
    this.edge.forgetOrders(robot.serial);
    leg.withdrawn = { atMs: this.clock.now() };
    this.undoLegClaims(leg.leg);
    this.planner.setHeld(robot.serial, true);
    if (takes(this.edge.capabilitiesOf(robot.serial), 'cancelOrder')) this.sendInstantAction(robot.serial, 'cancelOrder', 'cancel');
  }

  /**
   * The robot's job leaves it: a retrieval or return goes back to the queue for another robot,
   * unless this robot carries the job's bin, when the visit fails to the WMS with `reason`;
   * other jobs end.
   */
  private releaseJob(robot: RobotRecord, reason: string): void {
    const job = robot.job;
    if (!job) return;
    const carried = this.inventory.binOnRobot(robot.serial);
    if (job.kind === 'retrieve' && carried === job.binId) {
      const visit = this.requests.visit(job.id);
      if (visit) this.observers.forEach((o) => o.visitFailed?.(visit, `${reason} while carrying bin ${job.binId}`));
      this.finishJob(robot, 'FAIL');
    } else if (job.kind === 'return' && carried === job.binId) {
      this.finishJob(robot, 'FAIL');
    } else {
      this.giveBackJob(robot);
    }
  }

  /**
   * The robot that holds this cell and will not move off it by itself: held in alarm (until an
   * operator resumes it) or silent (until it reports again). Nothing needing the cell waits on it.
   */
  private stuckRobotOn(cell: number): RobotRecord | undefined {
    const holder = this.robots.get(this.traffic.holderOf(cell) ?? '');
    return holder && (holder.hold || this.edge.isSilent(holder.serial)) ? holder : undefined;
  }

  private static whyStuck(robot: RobotRecord): string {
    return robot.hold ? `held in alarm (${robot.hold})` : 'silent';
  }

  /**
   * Why a retrieval cannot go on now and may not for long: its bin's column (or, with the bin on
   * its way, its port's cell) held by a stuck robot, or its column in doubt. Undefined if it can.
   */
  private retrievalBlocked(job: RetrieveJob): string | undefined {
    const location = this.inventory.location(job.binId);
    const cell = location.kind === 'column' ? this.grid.index(location.x, location.y) : location.kind === 'robot' ? this.ports.get(job.portId)!.cell : undefined;
    if (cell === undefined) return undefined;
    const stuck = this.stuckRobotOn(cell);
    if (stuck) return `robot ${stuck.serial} stands on ${location.kind === 'column' ? `the column of bin ${job.binId}` : `port ${job.portId}`}, ${GridController.whyStuck(stuck)}`;
    if (location.kind === 'column' && this.quarantine.columnInDoubt(cell)) return `column (${location.x}, ${location.y}) is in doubt: a bin of it is quarantined`;
    return undefined;
  }

  /**
   * Queued retrievals that are blocked (retrievalBlocked) fail to the WMS with the reason, rather
   * than wait for an operator who may be long in coming.
   */
  private failBlockedRetrievals(): void {
    if (![...this.robots.values()].some((r) => r.hold || this.edge.isSilent(r.serial)) && this.inventory.quarantinedBins().length === 0) return;
    const blocked: { job: RetrieveJob; reason: string }[] = [];
    for (const job of this.queuedJobs) {
      const reason = job.kind === 'retrieve' ? this.retrievalBlocked(job) : undefined;
      if (reason) blocked.push({ job: job as RetrieveJob, reason });
    }
    // A failed visit drops its request's queued jobs (dropQueuedVisits), so they are looked up again.
    for (const { job, reason } of blocked) {
      const index = this.queuedJobs.indexOf(job);
      if (index < 0) continue;
      this.queuedJobs.splice(index, 1);
      this.endTask(job.id, 'FAIL');
      const visit = this.requests.visit(job.id);
      if (visit) this.observers.forEach((o) => o.visitFailed?.(visit, reason));
    }
  }

  /** A retrieval that cannot go on: its visit (if its request still waits) fails with `reason`; its column is let go. */
  private abandonRetrieval(job: RetrieveJob, reason: string): 'done' {
    const location = this.inventory.location(job.binId);
    if (location.kind === 'column') this.claims.unlockDig(this.grid.index(location.x, location.y), job.id);
    const visit = this.requests.visit(job.id);
    if (visit && reason) this.observers.forEach((o) => o.visitFailed?.(visit, reason));
    return 'done';
  }

  // ---------------------------------------------------------------- parking

  /** Sends an idle robot to the nearest free storage cell away from ports. */
  private park(robot: RobotRecord): void {
    const from = this.traffic.positionOf(robot.serial);
    const seen = new Uint8Array(this.grid.cellCount);
    const queue = [from];
    seen[from] = 1;
    for (let head = 0; head < queue.length; head++) {
      const cell = queue[head]!;
      if (cell !== from && this.grid.isStorage(cell) && !this.portZone.has(cell) && !this.portArea.has(cell) && this.traffic.holderOf(cell) === undefined && this.claims.digLockHolder(cell) === undefined && this.claims.incomingDrops(cell) === 0) {
        this.assignNew(robot, { kind: 'park', id: this.newId('park'), cell, queuedAtMs: this.clock.now() });
        return;
      }
      for (const next of this.grid.neighbours(cell)) {
        if (seen[next]) continue;
        seen[next] = 1;
        queue.push(next);
      }
    }
  }

  // ---------------------------------------------------------------- operator commands

  /** An operator's emergency stop is in force (from `emergencyStopAll` until `resumeAll`). */
  get emergencyStop(): boolean {
    return this.emergencyStopOn;
  }

  /**
   * Emergency stop of every robot: each is asked the way it takes (stop-plan.ts: Gridline's
   * `emergencyStop`, or the standard startPause), and so are robots coming online while it
   * lasts. The controller keeps every reservation and job and releases nothing new until
   * `resumeAll`. Returns what was sent; `done` gets each robot's confirmed outcome (see
   * `sendStops`).
   */
  emergencyStopAll(done?: OutcomeListener): OperatorOutcome {
    const already = this.emergencyStopOn;
    this.emergencyStopOn = true;
    this.planner.setFrozen(true);
    // Every robot of the fleet, heard from or not: one whose messages were all refused still gets it.
    const robots = fleetSerials(this.layout).map((serial) => this.robot(serial));
    if (!already) this.alarm('operator', `emergency stop of every robot (${robots.length})`);
    this.sendStops('emergencyStop', robots, (outcomes) => done?.(describeStopOutcomes(`emergency stop${already ? ' (it was already in force)' : ''}`, outcomes)));
    return { ok: true, message: `emergency stop sent to ${robots.length} robots${already ? ' (it was already in force)' : ''}; they keep their cells and jobs until resumed` };
  }

  /** Ends an emergency stop: each robot gets the release of how it was stopped, and normal operation. */
  resumeAll(done?: OutcomeListener): OperatorOutcome {
    const was = this.emergencyStopOn;
    this.emergencyStopOn = false;
    this.planner.setFrozen(false);
    const released: RobotRecord[] = [];
    const kept: string[] = [];
    for (const robot of this.robots.values()) {
      // A robot paused or held for itself stays so: its own stopPause is an operator's to send.
      if (robot.stoppedVia === 'startPause' && (robot.paused || robot.hold)) {
        robot.stoppedVia = null;
        kept.push(robot.serial);
        continue;
      }
      // Sent again when it comes back online, if it is offline now (a lost release would leave it stopped).
      robot.releaseOwed = !robot.online;
      robot.awaitingRelease = true;
      this.edge.stopNoLongerOwed(robot.serial);
      released.push(robot);
    }
    if (was) this.alarm('operator', 'emergency stop released');
    const staying = kept.length > 0 ? `; ${kept.join(', ')} stay paused or held` : '';
    this.sendStops('release', released, (outcomes) => {
      // A robot may take orders again once its state showed the release, or its time ran out.
      for (const o of outcomes) {
        const robot = this.robots.get(o.serial);
        if (robot) robot.awaitingRelease = false;
      }
      done?.(describeStopOutcomes(`emergency stop released${was ? '' : ' (none was in force)'}${staying}`, outcomes));
    });
    return { ok: true, message: `emergency stop released for ${released.length} robots${was ? '' : ' (none was in force)'}${staying}` };
  }

  /**
   * Pauses a robot (`startPause`): it stops where it is, keeps its cells and job, is released
   * no further cells, given no new leg nor job, and moved by nobody until resumed.
   */
  pauseRobot(serial: string, done?: OutcomeListener): OperatorOutcome {
    const robot = this.robots.get(serial);
    if (!robot) return unknownRobot(serial);
    const was = robot.paused;
    robot.paused = true;
    this.planner.setHeld(serial, true);
    const message = `robot ${serial} ${was ? 'was already paused' : 'paused'}; it keeps its cells${robot.job ? ' and its job' : ''}`;
    this.sendStops('pause', [robot], (outcomes) => done?.(describeStopOutcomes(`pause of ${serial}`, outcomes)));
    return { ok: true, message };
  }

  /** Ends a robot's pause (`stopPause`), or its hold in alarm: it goes on with its job. */
  resumeRobot(serial: string, done?: OutcomeListener): OperatorOutcome {
    const robot = this.robots.get(serial);
    if (!robot) return unknownRobot(serial);
    const was = robot.paused || robot.hold !== null;
    const hold = robot.hold;
    robot.paused = false;
    robot.hold = null;
    robot.positionInDoubt = false;
    robot.believed = null;
    this.edge.stopNoLongerOwed(serial);
    this.planner.setHeld(serial, !!robot.leg?.withdrawn);
    if (hold) this.alarm('operator', `robot ${serial} resumed from its hold (${hold})`);
    if (was) this.legsToUpdate.add(serial);
    // Paused by the emergency stop in force, it stays paused until that is released.
    if (this.emergencyStopOn && robot.stoppedVia === 'startPause') {
      done?.({ ok: true, message: `robot ${serial}: its pause or hold is lifted, but the emergency stop in force keeps it stopped until released`, robots: [] });
      return { ok: true, message: `robot ${serial} stays stopped by the emergency stop in force` };
    }
    this.sendStops('resume', [robot], (outcomes) => done?.(describeStopOutcomes(`resume of ${serial}`, outcomes)));
    return { ok: true, message: `robot ${serial} ${was ? 'resumed' : 'was not paused'}` };
  }

  /** See stop-commands.ts. */
  private sendStops(command: StopCommand, robots: readonly RobotRecord[], onDone: (outcomes: StopOutcome[]) => void): void {
    sendStops(
      {
        edge: this.edge,
        newId: (prefix) => this.newId(prefix),
        stillWanted: (serial, what) => (what === 'emergencyStop' ? this.emergencyStopOn : !!this.robots.get(serial)?.paused),
      },
      command,
      robots,
      onDone,
    );
  }

  /**
   * Takes a robot out of service: a robot carrying a bin finishes its job (the bin is put away
   * or delivered); one carrying none gives its job back, to be done by another robot, once
   * its current move ends. Then it drives to the nearest free service cell and takes no work
   * until `returnFromService`.
   */
  sendToService(serial: string): OperatorOutcome {
    const robot = this.robots.get(serial);
    if (!robot) return unknownRobot(serial);
    if (this.serviceCells.length === 0) return { ok: false, code: 'NOT_ALLOWED', message: 'the layout has no service cell to send a robot to' };
    if (robot.inService) return { ok: true, message: `robot ${serial} is already in service` };
    robot.inService = true;
    robot.serviceCell = null;
    const carried = this.inventory.binOnRobot(serial);
    let message: string;
    if (carried) message = `robot ${serial} puts away bin ${carried} (finishing its job), then drives to a service cell`;
    else if (robot.job && robot.leg) message = `robot ${serial} ends its current move, gives its job back, then drives to a service cell`;
    else message = `robot ${serial} ${robot.job ? 'gives its job back and ' : ''}drives to a service cell`;
    if (robot.job && !robot.leg) this.advance(robot);
    else this.allocate();
    return { ok: true, message };
  }

  /** Puts a robot back into service: it takes work again. */
  returnFromService(serial: string): OperatorOutcome {
    const robot = this.robots.get(serial);
    if (!robot) return unknownRobot(serial);
    if (!robot.inService) return { ok: true, message: `robot ${serial} was not in service` };
    const onWay = this.onServiceJob(robot);
    robot.inService = false;
    robot.serviceCell = null;
    if (onWay && !robot.leg) this.finishJob(robot);
    this.allocate();
    return { ok: true, message: `robot ${serial} takes work again` };
  }

  /**
   * Closes a port (no new retrieval for it starts; bins at it or on their way finish, and its
   * queued retrievals wait) or opens it again.
   */
  setPortOpen(portId: string, open: boolean): OperatorOutcome {
    const port = this.ports.get(portId);
    if (!port) return { ok: false, code: 'UNKNOWN_PORT', message: `port "${portId}" does not exist; ports are ${[...this.ports.keys()].join(', ')}` };
    if (!port.open) return { ok: false, code: 'NOT_ALLOWED', message: `port ${portId} is closed in the layout (mode closed); it cannot be opened or closed here` };
    const was = !this.closedPorts.has(portId);
    if (open) {
      this.closedPorts.delete(portId);
      this.allocate();
      return { ok: true, message: `port ${portId} ${was ? 'was already open' : 'open again'}` };
    }
    this.closedPorts.add(portId);
    const atPort = port.queue.length + (port.presented ? 1 : 0);
    return { ok: true, message: `port ${portId} ${was ? 'closed' : 'was already closed'}: the ${atPort} bins at it and ${port.retrievalsUnderway} on their way finish; no new retrieval for it starts` };
  }

  /** Whether a port takes new retrievals: open in the layout and not closed by an operator. */
  portTakesVisits(portId: string): boolean {
    const port = this.ports.get(portId);
    return !!port && port.open && !this.closedPorts.has(portId);
  }

  /**
   * Blocks a cell: no robot is planned through or onto it, and no bin is dug from or set on
   * it. Refused for a cell a robot stands on, holds, or is on its way to, a column being dug or
   * with a bin on its way, a port's cell, and a cell blocked in the layout.
   */
  blockCell(x: number, y: number): OperatorOutcome {
    if (!this.grid.inside(x, y)) return outsideGrid(x, y, this.grid);
    const cell = this.grid.index(x, y);
    const here = `cell (${x}, ${y})`;
    if (!this.grid.drivable(cell)) return { ok: false, code: 'NOT_ALLOWED', message: `${here} is blocked in the layout (a pillar or void)` };
    const port = this.portByCell.get(cell);
    if (port) return { ok: false, code: 'NOT_ALLOWED', message: `${here} is port ${port.id}'s cell; close the port instead` };
    if (this.operatorBlocked.has(cell)) return { ok: true, message: `${here} was already blocked` };
    const holder = this.traffic.holderOf(cell);
    if (holder !== undefined) {
      const stands = this.traffic.positionOf(holder) === cell;
      return { ok: false, code: 'NOT_ALLOWED', message: `robot ${holder} ${stands ? 'stands on' : 'holds'} ${here}${stands ? '' : ' reserved'}` };
    }
    for (const robot of this.robots.values()) {
      if (this.robotHeadsFor(robot, cell)) return { ok: false, code: 'NOT_ALLOWED', message: `robot ${robot.serial} is on its way to ${here}` };
    }
    const digger = this.claims.digLockHolder(cell);
    if (digger !== undefined) return { ok: false, code: 'NOT_ALLOWED', message: `${here} is being dug (job ${digger})` };
    if (this.claims.incomingDrops(cell) > 0) return { ok: false, code: 'NOT_ALLOWED', message: `a bin is on its way to ${here}` };
    this.operatorBlocked.add(cell);
    this.planner.setCellClosed(cell, true);
    // A column claimed for good: no job digs it, drops on it, parks or waits on it.
    this.claims.lockForDig(cell, OPERATOR_BLOCK_CLAIM);
    return { ok: true, message: `${here} blocked: robots plan around it, and no bin is dug from or set on it` };
  }

  /** Unblocks a cell an operator blocked. */
  unblockCell(x: number, y: number): OperatorOutcome {
    if (!this.grid.inside(x, y)) return outsideGrid(x, y, this.grid);
    const cell = this.grid.index(x, y);
    const here = `cell (${x}, ${y})`;
    if (!this.grid.drivable(cell)) return { ok: false, code: 'NOT_ALLOWED', message: `${here} is blocked in the layout (a pillar or void); only cells an operator blocked can be unblocked` };
    if (!this.operatorBlocked.delete(cell)) return { ok: true, message: `${here} was not blocked` };
    this.planner.setCellClosed(cell, false);
    this.claims.unlockDig(cell, OPERATOR_BLOCK_CLAIM);
    return { ok: true, message: `${here} unblocked` };
  }

  /** Ends a bin's quarantine: an operator has found it where the controller has it, and it is offered to requests again. */
  clearQuarantine(binId: string): OperatorOutcome {
    if (!this.inventory.has(binId)) return { ok: false, code: 'UNKNOWN_BIN', message: `bin "${binId}" does not exist` };
    const reason = this.inventory.quarantineOf(binId);
    if (reason === undefined) return { ok: true, message: `bin ${binId} was not in quarantine` };
    this.stock.clearQuarantine(binId);
    this.alarm('operator', `bin ${binId} cleared from quarantine (${reason})`);
    this.allocate();
    return { ok: true, message: `bin ${binId} cleared from quarantine: it is offered to requests again where the controller has it (${describeLocation(this.inventory.location(binId))})` };
  }

  /** Cells blocked by operators, in the order blocked. */
  blockedCells(): number[] {
    return [...this.operatorBlocked];
  }

  /** Whether the robot's leg or job takes it to `cell`. */
  private robotHeadsFor(robot: RobotRecord, cell: number): boolean {
    if (robot.leg?.leg.goal === cell) return true;
    const job = robot.job;
    if (!job) return false;
    return (job.kind === 'park' && job.cell === cell) || (job.kind === 'charge' && job.charger === cell) || (job.kind === 'dig' && job.column === cell);
  }

  private sendInstantAction(serial: string, actionType: string, idPrefix: string): void {
    this.edge.sendInstantActions(serial, [{ actionType, actionId: this.newId(idPrefix), blockingType: 'HARD' }]);
  }

  /** A robot in service on its way to its service cell (a parking move there). */
  private onServiceJob(robot: RobotRecord): boolean {
    return robot.inService && robot.job?.kind === 'park' && robot.job.cell === robot.serviceCell;
  }

  /**
   * A free robot in service: a bin it holds is put away first; then it drives to the nearest
   * service cell nobody holds, blocks, or is sent to, or waits for one.
   */
  private goToService(robot: RobotRecord): void {
    const carried = this.inventory.binOnRobot(robot.serial);
    if (carried) {
      this.assignNew(robot, { kind: 'return', id: this.newId('return'), binId: carried, queuedAtMs: this.clock.now() });
      return;
    }
    const from = this.traffic.positionOf(robot.serial);
    if (robot.serviceCell === from) return;
    if (this.serviceCells.includes(from) && !this.operatorBlocked.has(from)) {
      robot.serviceCell = from;
      return;
    }
    const taken = new Set<number>();
    for (const r of this.robots.values()) if (r !== robot && r.serviceCell !== null) taken.add(r.serviceCell);
    let best: number | undefined;
    let bestDistance = Infinity;
    for (const cell of this.serviceCells) {
      if (taken.has(cell) || this.operatorBlocked.has(cell) || this.traffic.holderOf(cell) !== undefined) continue;
      const d = this.planner.distance(cell, from);
      if (d < bestDistance) {
        bestDistance = d;
        best = cell;
      }
    }
    if (best === undefined) return;
    robot.serviceCell = best;
    this.assignNew(robot, { kind: 'park', id: this.newId('service'), cell: best, queuedAtMs: this.clock.now() });
  }

  /**
   * Gives a robot's job back without finishing it: a retrieval or a return goes back in the
   * queue (its column unlocked, its visit queued again) for another robot; other jobs end.
   */
  private giveBackJob(robot: RobotRecord): void {
    const job = robot.job;
    if (!job) return;
    const task = this.tasks.get(job.id);
    task?.send({ type: 'UNASSIGN' });
    // A retrieval whose request has ended meanwhile (its visit failed) is not queued again.
    const visit = job.kind === 'retrieve' ? this.requests.visit(job.id) : undefined;
    if (job.kind === 'return' || (job.kind === 'retrieve' && visit)) {
      if (job.kind === 'retrieve') {
        const location = this.inventory.location(job.binId);
        if (location.kind === 'column') this.claims.unlockDig(this.grid.index(location.x, location.y), job.id);
        this.ports.get(job.portId)!.retrievalsUnderway--;
        visit!.state = 'queued';
      }
      this.queuedJobs.push(job);
    } else {
      if (job.kind === 'retrieve') {
        const location = this.inventory.location(job.binId);
        if (location.kind === 'column') this.claims.unlockDig(this.grid.index(location.x, location.y), job.id);
        this.ports.get(job.portId)!.retrievalsUnderway--;
      }
      this.endTask(job.id, 'CANCEL');
    }
    if (robot.busySinceMs !== null) robot.busyMs += this.clock.now() - robot.busySinceMs;
    robot.busySinceMs = null;
    robot.job = null;
    robot.actor.send({ type: 'JOB_FINISHED' });
  }

  // ---------------------------------------------------------------- views

  /** The record of a robot, registered when it is first heard from on the wire. */
  private robot(serial: string): RobotRecord {
    let robot = this.robots.get(serial);
    if (!robot) {
      const actor = createActor(robotMachine, { input: { serial } });
      actor.start();
      robot = {
        serial,
        actor,
        online: false,
        placed: false,
        job: null,
        leg: null,
        ready: false,
        busySinceMs: null,
        busyMs: 0,
        reportedDig: false,
        reportedTransit: false,
        failedDrops: 0,
        placementProblem: undefined,
        routeProblem: undefined,
        batteryPercent: 100,
        charging: false,
        errors: [],
        paused: false,
        releaseOwed: false,
        stoppedVia: null,
        awaitingRelease: false,
        inService: false,
        serviceCell: null,
        hold: null,
        believed: null,
        positionInDoubt: false,
      };
      this.robots.set(serial, robot);
    }
    return robot;
  }

  /**
   * Whether the cell is within PORT_ZONE_CELLS of a port with a lane: where robots queue for
   * the port, enter and leave it (no bin is dropped there).
   */
  inLaneZone(cell: number): boolean {
    return this.laneZone.has(cell);
  }

  robotSerials(): string[] {
    return [...this.robots.keys()];
  }

  /** Cells a robot holds: its cell and those released (VDA 5050 base) ahead; none if unknown. */
  heldCells(serial: string): number[] {
    return this.traffic.has(serial) ? this.traffic.heldCells(serial) : [];
  }

  robotStatus(serial: string): { state: string; job: string | null; online: boolean } | undefined {
    const robot = this.robots.get(serial);
    if (!robot) return undefined;
    return { state: String(robot.actor.getSnapshot().value), job: robot.job?.id ?? null, online: robot.online };
  }

  /** Every robot heard from, as the operator console shows it, in the order they first reported. */
  robotViews(): RobotView[] {
    const views: RobotView[] = [];
    for (const r of this.robots.values()) {
      views.push({
        serial: r.serial,
        state: String(r.actor.getSnapshot().value),
        job: r.job,
        online: r.online,
        paused: r.paused,
        inService: r.inService,
        batteryPercent: r.batteryPercent,
        charging: r.charging,
        errors: r.errors,
        capabilities: this.edge.capabilitiesOf(r.serial)?.actions ?? null,
        hold: r.hold,
      });
    }
    return views;
  }

  /** Counts bins lifted from or set on columns: when it changes, a stack's height did. */
  get stackVersion(): number {
    return this.columnMoves;
  }

  get queuedJobCount(): number {
    return this.queuedJobs.length;
  }

  kpis(): KpiSnapshot {
    const now = this.clock.now();
    const elapsedMs = Math.max(1, now - this.startedAtMs);
    let presented = 0;
    let openPorts = 0;
    for (const port of this.ports.values()) {
      presented += port.presentations;
      if (port.open) openPorts++;
    }
    let busyMs = 0;
    for (const robot of this.robots.values()) busyMs += robot.busyMs + (robot.busySinceMs !== null ? now - robot.busySinceMs : 0);
    const times = this.requestTimesS;
    return {
      elapsedMs,
      binsPresented: presented,
      ports: [...this.ports.values()].map((p) => ({ portId: p.id, mode: p.mode, presented: p.presentations })),
      binsPerPortHour: presented / Math.max(1, openPorts) / (elapsedMs / 3_600_000),
      robotUtilisation: this.robots.size ? busyMs / (this.robots.size * elapsedMs) : 0,
      openRequests: this.requests.size,
      completedRequests: this.completedRequests,
      requestTimeP50S: percentile(times, 50),
      requestTimeP95S: percentile(times, 95),
      loadsVerified: this.loadChecks.verified,
      loadsUnverified: this.loadChecks.unverified,
    };
  }

  alarm(source: string, message: string): void {
    this.alarmCount++;
    this.alarms.push({ atMs: this.clock.now(), source, message });
    if (this.alarms.length > MAX_ALARMS_KEPT) this.alarms.shift();
  }
}

const MAX_ALARMS_KEPT = 1000;
/** The column claim an operator's blocked cell holds (see ColumnClaims). */
const OPERATOR_BLOCK_CLAIM = 'operator-block';

function describeLocation(location: BinLocation): string {
  if (location.kind === 'column') return `column (${location.x}, ${location.y}), level ${location.level}`;
  return location.kind === 'robot' ? `on robot ${location.serial}` : `at port ${location.portId}`;
}

function unknownRobot(serial: string): OperatorOutcome {
  return { ok: false, code: 'UNKNOWN_ROBOT', message: `robot "${serial}" has not reported to the controller` };
}

function outsideGrid(x: number, y: number, grid: GridMap): OperatorOutcome {
  return { ok: false, code: 'OUTSIDE_GRID', message: `cell (${x}, ${y}) is outside the ${grid.width} x ${grid.height} grid` };
}
/**
 * A withdrawn leg whose order the robot's state never showed keeps its cells this many order
 * acknowledgement times after the withdrawal: long past any order still on its way.
 */
const UNTAKEN_ORDER_GRACE_ACKS = 5;
/** Manhattan radius of the zone round each port with a lane kept free of drops, cells. */
const PORT_ZONE_CELLS = 3;

type QueuedJob = RetrieveJob | ReturnJob;

/** Returns before retrievals: they free port room. */
function jobRank(job: QueuedJob): number {
  return job.kind === 'return' ? 0 : 1;
}
