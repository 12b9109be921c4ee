import { AlarmBook, MAX_ALARMS_KEPT, type ControllerAlarm } from './alarms.ts';
import type { Urgency } from './work/urgency.ts';
import type { ConfirmedLine } from '../protocol/console/port-messages.ts';
import type { Clock, TimerHandle } from '../protocol/clock.ts';
import { fleetSerials, type GridLayout } from '../protocol/layout/index.ts';
import type { Connection, State } from '../protocol/vda5050/types.ts';
import type { ControllerOptions } from './controller-options.ts';
import type { AllocationMark, CoreServices } from './core-services.ts';
import { ErrorBoundary } from './error-boundary.ts';
import { Fleet, type RobotView } from './fleet/fleet.ts';
import { FleetMotion } from './fleet/fleet-motion.ts';
import { FleetWait } from './fleet/fleet-wait.ts';
import { RobotHolds, robotEffects } from './fleet/robot-holds.ts';
import { robotMachine } from './machines/robot-machine.ts';
import { RobotReports } from './fleet/robot-reports.ts';
import { GridMap } from './grid/grid-map.ts';
import type { Inventory } from './inventory/inventory.ts';
import { KpiRecorder, type KpiSnapshot } from './kpi.ts';
import { OperatorCommands, type OperatorOutcome, type OutcomeListener } from './operator/operator-commands.ts';
import { RobotStops } from './operator/robot-stops.ts';
import { applyOperatorState, OperatorStateKeeper, type OperatorStateStore } from './operator/operator-state.ts';
import { Facility } from './operator/facility.ts';
import { PortDesk } from './ports/port-desk.ts';
import { PortStation } from './ports/port-station.ts';
import { PortZones } from './ports/port-zones.ts';
import type { RequestBook, Visit } from './requests/request-book.ts';
import { RequestService } from './requests/request-service.ts';
import type { VisitObserver } from './requests/visit-observer.ts';
import { BinQuarantine } from './robot-edge/bin-quarantine.ts';
import { RobotEdge, type RobotCommandPort } from './robot-edge/robot-edge.ts';
import { LegOrders } from './robots/leg-orders.ts';
import type { StoredInventory } from './store/stored-inventory.ts';
import { Traffic } from './traffic/traffic.ts';
import { Allocation } from './work/allocation.ts';
import { ColumnClaims } from './work/column-claims.ts';
import { JobRunner } from './work/job-runner.ts';
import { Slotting } from './work/slotting.ts';
import { createWorkView } from './work/work-view.ts';
import { WorkQueue } from './work/work-queue.ts';

export type { RobotCommandPort } from './robot-edge/robot-edge.ts';
export type { VisitObserver } from './requests/visit-observer.ts';
export type { ControllerAlarm } from './alarms.ts';
export type { RobotView } from './fleet/fleet.ts';
export type { OperatorOutcome, OutcomeListener } from './operator/operator-commands.ts';

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



/**
 * The controller, composed of its rooms (see controller/README.md): robot reports, picker
 * confirmations, operators' commands and a periodic control cycle on the injected clock come
 * in here and go to the room that handles them; allocation, marked due by the rooms, runs once
 * each of these has been handled. It decides and records; the links carry its commands out.
 */
export class GridController {
  readonly grid: GridMap;
  readonly traffic: Traffic;
  readonly ports = new Map<string, PortStation>();
  /** Alarms: the latest in memory, every one in the store once `keepAlarmsIn` gave it one. */
  readonly alarmBook = new AlarmBook();
  /** Where every internal error of the controller and of its message handlers ends (main.ts wires the links through it). */
  readonly boundary = new ErrorBoundary((source, message) => this.alarm(source, message));
  /** Read side of the inventory; every change goes through `stock`, which commits it. */
  readonly inventory: Inventory;
  /** What the controller believes of the robots, and how it talks to them. */
  readonly edge: RobotEdge;
  /** The one owner of the WMS's requests, from acceptance to their end (the WMS gateway talks to it). */
  readonly requestService: RequestService;
  private readonly facility: Facility;
  private readonly allocationDue: AllocationMark = { due: false };
  private readonly fleet: Fleet;
  private readonly queue = new WorkQueue();
  private readonly legs: LegOrders;
  private readonly jobs: JobRunner;
  private readonly allocation: Allocation;
  private readonly reports: RobotReports;
  private readonly holds: RobotHolds;
  private readonly desk: PortDesk;
  private readonly operator: OperatorCommands;
  /** Keeps what operators set in the store, once `keepOperatorStateIn` gave it one. */
  private operatorKeeper: OperatorStateKeeper | null = null;
  /** What the rooms share. */
  private readonly core: CoreServices;
  /** What the KPIs are computed from (kpi.ts). */
  readonly kpiRecorder: KpiRecorder;
  private readonly zones: PortZones;
  private nextId = 1;
  private timer: TimerHandle | null = null;
  private readonly motion: FleetMotion;
  /** The wait for every robot of the layout to be placed, at start. */
  private readonly fleetWait: FleetWait;

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
    const alarm = (source: string, message: string) => this.alarm(source, message);
    this.edge = new RobotEdge(layout, commands, clock, options, alarm);
    this.grid = GridMap.fromLayout(layout);
    for (const spec of layout.ports) this.ports.set(spec.id, new PortStation(spec.id, this.grid.index(spec.x, spec.y), spec.mode, options.portCapacityBins));
    const portCells = [...this.ports.values()].map((p) => p.cell);
    this.zones = new PortZones(this.grid, portCells, options.stagingDistanceCells, options.idleClearDistanceCells);
    this.traffic = new Traffic(this.grid, options, this.zones);
    this.facility = new Facility((frozen) => this.traffic.setFrozen(frozen));
    const robotLogic = robotMachine.provide({ actions: robotEffects({ alarm, traffic: this.traffic, edge: this.edge }, () => this.legs) });
    this.fleet = new Fleet(this.edge, this.traffic, this.inventory, this.ports, options, robotLogic);
    this.kpiRecorder = new KpiRecorder(clock.now());
    this.requestService = new RequestService({
      book: requests, stock, inventory: this.inventory, ports: this.ports, clock, bins: this, maxUnitsPerBin: options.maxUnitsPerBin,
      newId: (prefix) => this.newId(prefix),
      queueVisit: (visit, urgency) => this.queueVisit(visit, urgency),
      dropQueuedRetrievals: (requestId) => this.jobs.dropQueuedRetrievals(requestId),
      requestFinished: (request, completed) => this.kpiRecorder.requestFinished(request, completed, clock.now()),
      typicalRequestMs: () => this.kpiRecorder.typicalRequestMs(),
    });
    const core: CoreServices = {
      layout, options, clock, grid: this.grid, stock, inventory: this.inventory, requests: this.requestService, edge: this.edge, ports: this.ports, zones: this.zones,
      claims: new ColumnClaims(), traffic: this.traffic, fleet: this.fleet,
      quarantine: new BinQuarantine(stock, this.grid, requests, (visit, reason) => this.requestService.failed(visit, reason), alarm),
      facility: this.facility, allocation: this.allocationDue,
      newId: (prefix) => this.newId(prefix), alarm,
    };
    this.core = core;
    const slotting = new Slotting(this.grid, portCells, options.popularSkuShare);
    const view = createWorkView(core, this.queue, slotting);
    const stops = new RobotStops(core);
    this.legs = new LegOrders({ ...core, mapId: options.mapId });
    this.jobs = new JobRunner(core, this.queue, this.legs, view);
    this.allocation = new Allocation(core, this.queue, this.jobs);
    this.desk = new PortDesk(core, this.jobs, slotting);
    this.holds = new RobotHolds(core, this.legs, this.jobs);
    this.fleetWait = new FleetWait(fleetSerials(layout), options.fleetWaitMs, clock, alarm);
    this.reports = new RobotReports(core, this.legs, this.jobs, this.holds, this.desk, stops, this.kpiRecorder, view, (serial) => this.fleetWait.placed(serial));
    this.motion = new FleetMotion(this.fleet, this.traffic, this.ports, this.jobs, this.legs, clock);
    this.operator = new OperatorCommands(core, stops, this.jobs, this.legs, this.allocation, (serial) => this.fleet.register(serial));
    this.edge.listen({
      orderRefused: (serial, order, reason) => this.settled(() => this.holds.orderRefused(serial, order, reason)),
      robotSilent: (serial) => this.settled(() => this.holds.lost(serial)),
    });
    // Bins the store has at ports (a restart) are taken back; their visits are planned again with their requests.
    this.desk.returnBinsLeftAtPorts();
  }

  /** Observes visits (port screens, progress output), after the request service has served them. */
  addObserver(observer: VisitObserver): void {
    this.requestService.addObserver(observer);
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
  }

  // ---------------------------------------------------------------- events in

  handleConnection(serial: string, connection: Connection): void {
    if (!this.edge.admits(serial)) return;
    this.reports.connection(this.fleet.register(serial), connection);
  }

  /** A robot's state (read by the link; `dropped`: malformed optional parts it left out). */
  handleState(serial: string, state: State, dropped: readonly string[] = []): void {
    if (!this.edge.admits(serial)) return;
    const readThrough = this.settled(() => this.reports.state(this.fleet.register(serial), state, dropped));
    if (!readThrough) return;
    this.legs.sendPendingUpdates((serial) => this.fleet.get(serial));
  }

  /** The person at a port confirmed the presented bin (see PortDesk.confirm); returns why not, if refused. */
  confirmAtPort(portId: string, taskId: string, binId: string, lines: readonly ConfirmedLine[]): string | undefined {
    return this.settled(() => this.desk.confirm(portId, taskId, binId, lines));
  }

  /** A confirmation at the port failed (an internal error): see PortDesk.abandon. */
  abandonAtPort(portId: string, taskId: string, reason: string): void {
    this.settled(() => this.desk.abandon(portId, taskId, reason));
  }

  /** Handling a robot's report failed half-way (`reason`): what was decided for it is in doubt, so it is held. */
  holdAfterInternalError(serial: string, reason: string): void {
    const robot = this.fleet.get(serial);
    if (robot) this.settled(() => this.holds.hold(robot, reason));
  }

  /** One control cycle: allocation, jobs waiting on something, one traffic planning step, order updates. */
  controlCycle(): void {
    // Time limits at the robot edge run whatever else happens (an unanswered stop included).
    this.edge.tick();
    // A request late for its cut-off is late whatever else happens.
    this.requestService.watchCutoffs();
    // Under an emergency stop nothing is decided: robots keep their cells and jobs. Nor is
    // anything decided before the controller knows where every robot stands.
    if (this.facility.emergencyStop || !this.fleetWait.fleetKnown()) return;
    const startedMs = this.profiler?.now();
    this.allocate();
    this.motion.advanceWaitingJobs((handle) => this.settled(handle));
    this.motion.planTraffic();
    this.legs.sendUpdates(this.fleet.all());
    if (startedMs !== undefined) this.profiler!.record(this.profiler!.now() - startedMs);
  }

  // ---------------------------------------------------------------- work intake (the request service)

  /** Queues the retrieval of a visit's bin. */
  queueVisit(visit: Visit, urgency: Urgency): void {
    this.jobs.queueVisit(visit, urgency);
  }

  newId(prefix: string): string {
    return `${prefix}-${this.nextId++}`;
  }

  // ---------------------------------------------------------------- operators' commands (operator-commands.ts)

  /** An operator's emergency stop is in force (from `emergencyStopAll` until `resumeAll`). */
  get emergencyStop(): boolean {
    return this.facility.emergencyStop;
  }

  emergencyStopAll(done?: OutcomeListener): OperatorOutcome {
    return this.operatorCommand(() => this.operator.emergencyStopAll(done));
  }

  resumeAll(done?: OutcomeListener): OperatorOutcome {
    return this.operatorCommand(() => this.operator.resumeAll(done));
  }

  pauseRobot(serial: string, done?: OutcomeListener): OperatorOutcome {
    return this.operatorCommand(() => this.operator.pauseRobot(serial, done));
  }

  resumeRobot(serial: string, done?: OutcomeListener): OperatorOutcome {
    return this.operatorCommand(() => this.operator.resumeRobot(serial, done));
  }

  sendToService(serial: string): OperatorOutcome {
    return this.operatorCommand(() => this.settled(() => this.operator.sendToService(serial)));
  }

  returnFromService(serial: string): OperatorOutcome {
    return this.operatorCommand(() => this.settled(() => this.operator.returnFromService(serial)));
  }

  setPortOpen(portId: string, open: boolean): OperatorOutcome {
    return this.operatorCommand(() => this.settled(() => this.operator.setPortOpen(portId, open)));
  }

  portTakesVisits(portId: string): boolean {
    return this.operator.portTakesVisits(portId);
  }

  blockCell(x: number, y: number): OperatorOutcome {
    return this.operatorCommand(() => this.operator.blockCell(x, y));
  }

  unblockCell(x: number, y: number): OperatorOutcome {
    return this.operatorCommand(() => this.operator.unblockCell(x, y));
  }

  /**
   * Keeps what operators set in `store` from now on, after setting again what it kept last
   * (a restart: see operator-state.ts); what cannot be set again is raised as an alarm.
   */
  keepOperatorStateIn(store: OperatorStateStore): void {
    let kept = null;
    try {
      kept = store.loadOperatorState();
    } catch (error) {
      this.alarm('operator', `operator state not restored: ${(error as Error).message}`);
    }
    if (kept) {
      const problems = applyOperatorState(kept, this, new Set(fleetSerials(this.layout)), (serial) => this.fleet.register(serial));
      for (const problem of problems) this.alarm('operator', `operator state not restored: ${problem}`);
    }
    this.operatorKeeper = new OperatorStateKeeper(this.core, store);
    this.operatorKeeper.keep();
  }

  /** Runs an operator's command, then keeps the operator state if it changed. */
  private operatorCommand(command: () => OperatorOutcome): OperatorOutcome {
    const outcome = command();
    this.operatorKeeper?.keep();
    return outcome;
  }

  clearQuarantine(binId: string): OperatorOutcome {
    return this.settled(() => this.operator.clearQuarantine(binId));
  }

  // ---------------------------------------------------------------- views

  /** Cells blocked by operators, in the order blocked. */
  blockedCells(): number[] {
    return [...this.facility.blockedCells];
  }

  /** Robots of the layout the controller still waits for before commanding any (see `fleetWaitMs`). */
  robotsAwaited(): string[] {
    return this.fleetWait.robotsAwaited();
  }

  /** Whether the cell is within PORT_ZONE_CELLS of a port with a lane: where robots queue for the port, enter and leave it (no bin is dropped there). */
  inLaneZone(cell: number): boolean {
    return this.zones.laneZone.has(cell);
  }

  robotSerials(): string[] {
    return [...this.fleet.serials()];
  }

  /** Cells a robot holds: its cell and those released (VDA 5050 base) ahead; none if unknown. */
  heldCells(serial: string): number[] {
    return this.traffic.has(serial) ? this.traffic.heldCells(serial) : [];
  }

  robotStatus(serial: string): { state: string; job: string | null; online: boolean } | undefined {
    const robot = this.fleet.get(serial);
    if (!robot) return undefined;
    return { state: robot.stateName, job: robot.job?.id ?? null, online: robot.online };
  }

  /** Every robot heard from, as the operator console shows it, in the order they first reported. */
  robotViews(): RobotView[] {
    return this.fleet.views();
  }

  /** Counts bins lifted from or set on columns: when it changes, a stack's height did. */
  get stackVersion(): number {
    return this.reports.columnMoves;
  }

  get queuedJobCount(): number {
    return this.queue.size;
  }

  kpis(): KpiSnapshot {
    const now = this.clock.now();
    return this.kpiRecorder.snapshot({ nowMs: now, ports: [...this.ports.values()], robotCount: this.fleet.size, busyMs: this.fleet.busyMs(now), openRequests: this.requests.size });
  }

  alarm(source: string, message: string): void {
    this.alarmBook.raise(this.clock.now(), source, message);
  }

  /** The most recent alarms, oldest first, at most MAX_ALARMS_KEPT (alarms.ts). */
  get alarms(): readonly ControllerAlarm[] {
    return this.alarmBook.latest;
  }

  /** Alarms raised since start, all told. */
  get alarmCount(): number {
    return this.alarmBook.count;
  }

  /** An operator (`by`) acknowledged an alarm. */
  acknowledgeAlarm(id: number, by: string): OperatorOutcome {
    const result = this.alarmBook.acknowledge(id, this.clock.now(), by);
    if (!result.ok) return { ok: false, code: 'UNKNOWN_ALARM', message: `alarm ${id} is not among the latest ${MAX_ALARMS_KEPT}` };
    return { ok: true, message: result.alreadyBy ? `alarm ${id} was already acknowledged by ${result.alreadyBy}` : `alarm ${id} acknowledged` };
  }

  // ---------------------------------------------------------------- composition

  /** Runs one event's handling, then the allocation it marked due (once, however often marked). */
  private settled<T>(handle: () => T): T {
    const result = handle();
    if (this.allocationDue.due) this.allocate();
    return result;
  }

  /** Allocates (allocation.ts) until no job given out has marked it due again. */
  private allocate(): void {
    do {
      this.allocationDue.due = false;
      if (this.facility.emergencyStop || !this.fleetWait.fleetKnown()) return;
      this.allocation.allocate();
    } while (this.allocationDue.due);
  }
}
