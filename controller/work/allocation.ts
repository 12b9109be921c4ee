import { compareUrgency } from './urgency.ts';
import { BinPreparation } from './bin-preparation.ts';
import { EmptyBinStaging } from './empty-bin-staging.ts';
import type { CoreServices } from '../core-services.ts';
import type { RobotRecord } from '../fleet/robot-record.ts';
import { digHelpers, type DigUnderway } from './job-decisions.ts';
import type { Job } from './jobs.ts';
import type { JobRunner } from './job-runner.ts';
import { jobRank, type QueuedJob, type WorkQueue } from './work-queue.ts';

/**
 * Gives free robots work: queued returns and retrievals (by rank, priority, age) to the nearest
 * free robot where the job can start, then dig help, bin preparation, empty bins staged for
 * putaway ports, charging, service, and parking away from the places where robots come and go.
 */
export class Allocation {
  private readonly chargerCells: number[];
  private readonly serviceCells: number[];
  private readonly preparation: BinPreparation;
  private readonly staging: EmptyBinStaging;

  constructor(
    private readonly core: CoreServices,
    private readonly queue: WorkQueue,
    private readonly jobs: JobRunner,
  ) {
    const { layout, grid } = core;
    this.chargerCells = layout.chargers.map((c) => grid.index(c.x, c.y));
    this.serviceCells = layout.service.map((c) => grid.index(c.x, c.y));
    this.preparation = new BinPreparation(core, queue, jobs);
    this.staging = new EmptyBinStaging(core, jobs);
  }

  get hasServiceCells(): boolean {
    return this.serviceCells.length > 0;
  }

  allocate(): void {
    const { fleet, inventory, options, edge, traffic, claims, zones } = this.core;
    this.jobs.failBlockedRetrievals();
    const idle: RobotRecord[] = [];
    const movers: RobotRecord[] = [];
    for (const robot of fleet.all()) {
      if (robot.inService) {
        if (fleet.isFree(robot)) this.goToService(robot);
        continue;
      }
      if (!fleet.canTakeJob(robot)) continue;
      // A robot holding a bin with no job (e.g. after a controller restart) stores it first.
      const carried = inventory.binOnRobot(robot.serial);
      const handlesBins = fleet.handlesBins(robot);
      if (!carried && robot.batteryPercent < options.chargeBelowPercent) {
        if (edge.capabilitiesOf(robot.serial)?.charging && this.sendToCharge(robot)) continue;
        // Every charger is taken: work on while the battery allows, then wait for one.
        if (robot.batteryPercent < options.chargeCriticalPercent) continue;
      }
      if (carried && handlesBins && !inventory.quarantineOf(carried)) {
        this.jobs.assign(robot, { kind: 'return', id: this.core.newId('return'), binId: carried, queuedAtMs: this.core.clock.now() });
      } else if (handlesBins) {
        idle.push(robot);
      } else {
        // No bin work for it, but it leaves the places where robots come and go.
        movers.push(robot);
      }
    }
    if (this.queue.size > 0) this.assignQueued(idle);
    this.assignDigHelpers(idle);
    if (idle.length > 0 && this.queue.size > 0) this.preparation.assign(idle);
    if (idle.length > 0) this.staging.assign(idle);
    // Idle robots never stay on or next to a port, nor where robots queue for one or converge on it, nor on a dug column.
    for (const robot of [...idle, ...movers]) {
      if (robot.job) continue;
      const position = traffic.positionOf(robot.serial);
      if (zones.portCells.has(position) || zones.approach.has(position) || zones.idleClear.has(position) || claims.digLockHolder(position) !== undefined) this.park(robot);
    }
  }

  /** Queued jobs, best first, each to the nearest idle robot where it can start now; `idle` loses the robots given one. */
  private assignQueued(idle: RobotRecord[]): void {
    const order = this.queue.jobs
      .map((job, index) => ({ job, index }))
      .sort((a, b) => jobRank(a.job) - jobRank(b.job) || (b.job.kind === 'retrieve' && a.job.kind === 'retrieve' ? compareUrgency(a.job, b.job) : 0) || a.job.queuedAtMs - b.job.queuedAtMs || a.index - b.index);
    const taken = new Set<Job>();
    const activeRobots = this.core.fleet.activeRobots();
    const preparers = this.preparers();
    for (const { job } of order) {
      // A retrieval whose bin is being prepared goes to the robot preparing it, once its port
      // takes it; not while that robot carries the bin to its column near the port: the bin
      // lands there first (a retrieval holds the dig lock of its bin's column from its start,
      // and a bin on its way to a column has none to hold).
      const preparer = job.kind === 'retrieve' ? preparers.get(job.id) : undefined;
      if (preparer) {
        if (job.kind === 'retrieve' && this.core.inventory.binOnRobot(preparer.serial) !== job.binId && this.portTakesRetrieval(job.portId, activeRobots)) {
          this.jobs.handOver(preparer, job);
          taken.add(job);
        }
        continue;
      }
      if (idle.length === 0) {
        if (preparers.size === 0) break;
        continue;
      }
      const target = this.startableAt(job, activeRobots);
      if (target === undefined) continue;
      const robot = idle.splice(this.core.fleet.nearestTo(target, idle), 1)[0]!;
      this.jobs.assign(robot, job);
      taken.add(job);
    }
    this.queue.removeAll(taken);
  }

  /** The cell where a queued job starts, if it can start now (`activeRobots`: see Fleet.activeRobots). */
  private startableAt(job: QueuedJob, activeRobots: number): number | undefined {
    const { inventory, ports, fleet, traffic, options, grid, quarantine, claims } = this.core;
    const location = inventory.location(job.binId);
    if (job.kind === 'return') {
      if (location.kind !== 'port') return undefined;
      const port = ports.get(location.portId)!;
      // A robot delivering to the port is on (or entering) its cell: once its drop is done,
      // it takes this bin back itself (it is then the nearest idle robot), which saves a
      // drive in and out of the port cell per bin. Likewise a robot bringing a bin that is
      // near, for a while.
      const onCell = fleet.get(traffic.holderOf(port.cell) ?? '');
      if (onCell && fleet.canTakeJob(onCell)) return port.cell;
      if (fleet.deliveringTo(port) || onCell?.job?.kind === 'takeBackWait') return undefined;
      const waitedMs = this.core.clock.now() - job.queuedAtMs;
      if (waitedMs < options.takeBackWaitMs && fleet.deliverersNear(port, this.core.zones.hasLane(port.cell)) >= port.awaitingReturn.size) return undefined;
      return port.cell;
    }
    if (location.kind !== 'column' || quarantine.columnInDoubt(grid.index(location.x, location.y))) return undefined;
    if (!this.portTakesRetrieval(job.portId, activeRobots)) return undefined;
    const cell = grid.index(location.x, location.y);
    if (!claims.canDig(cell, job.id)) return undefined;
    return cell;
  }

  /**
   * Whether one more retrieval for the port may start now: the port takes visits and has a
   * retrieval place free. A robot with a bin for a full port waits for a robot to take a bin
   * away from it. No circular wait: a retrieval starts only if robots stay free for returns,
   * or if the port has room for its bin even when every retrieval under way has delivered (a
   * lone robot).
   */
  private portTakesRetrieval(portId: string, activeRobots: number): boolean {
    const { ports, fleet, options } = this.core;
    const port = ports.get(portId)!;
    if (!port.takesVisits || port.retrievalsUnderway >= options.retrievalsInFlightPerPort) return false;
    const returnsStayServed = fleet.retrievalsUnderway() < activeRobots - options.robotsKeptForReturns;
    const roomReserved = port.binsHeld + port.retrievalsUnderway < options.portCapacityBins;
    return returnsStayServed || roomReserved;
  }

  /** Robots preparing a queued retrieval's bin, by the retrieval's id. */
  private preparers(): Map<string, RobotRecord> {
    const preparers = new Map<string, RobotRecord>();
    for (const robot of this.core.fleet.all()) if (robot.job?.kind === 'prepare' && robot.job.retrievalId !== undefined && !robot.inService && !robot.hold && !robot.paused) preparers.set(robot.job.retrievalId, robot);
    return preparers;
  }

  /**
   * Robots with nothing else to do help retrievals that still have two or more bins to lift
   * off (see job-decisions.ts, digHelpers).
   */
  private assignDigHelpers(idle: RobotRecord[]): void {
    const { fleet, inventory, grid, options } = this.core;
    const free = idle.filter((r) => !r.job);
    if (free.length === 0) return;
    const digs: DigUnderway[] = [];
    for (const robot of fleet.all()) {
      const job = robot.job;
      if (job?.kind !== 'retrieve') continue;
      const location = inventory.location(job.binId);
      if (location.kind !== 'column') continue;
      const blockers = inventory.depthFromTop(job.binId) ?? 0;
      if (blockers >= 2) digs.push({ retrievalId: job.id, column: grid.index(location.x, location.y), blockers, helpers: 0 });
    }
    if (digs.length === 0) return;
    for (const robot of fleet.all()) {
      if (robot.job?.kind !== 'dig') continue;
      const retrievalId = robot.job.retrievalId;
      const dig = digs.find((d) => d.retrievalId === retrievalId);
      if (dig) dig.helpers++;
    }
    for (const { robot, dig } of digHelpers(digs, free, options.digHelpersPerRetrieval, (column, robots) => fleet.nearestTo(column, robots))) {
      this.jobs.assign(robot, { kind: 'dig', id: this.core.newId('dig'), retrievalId: dig.retrievalId, column: dig.column, queuedAtMs: this.core.clock.now() });
    }
  }

  /**
   * Sends a robot to the nearest charger that is free and not claimed by another charge; a
   * charger occupied by an idle, charged robot is freed by parking that robot (used next
   * cycle). Returns false when no charger can be had now.
   */
  private sendToCharge(robot: RobotRecord): boolean {
    const { traffic, fleet, facility, options } = this.core;
    const from = traffic.positionOf(robot.serial);
    const claimed = new Set<number>();
    for (const r of fleet.all()) if (r.job?.kind === 'charge') claimed.add(r.job.charger);
    let best: number | undefined;
    for (const charger of this.chargerCells) {
      if (claimed.has(charger) || traffic.holderOf(charger) !== undefined || facility.blockedCells.has(charger)) continue;
      if (best === undefined || traffic.distance(charger, from) < traffic.distance(best, from)) best = charger;
    }
    if (best === undefined) {
      for (const charger of this.chargerCells) {
        const occupant = fleet.get(traffic.holderOf(charger) ?? '');
        if (occupant && occupant !== robot && !claimed.has(charger) && fleet.canTakeJob(occupant) && occupant.batteryPercent >= options.chargeUntilPercent) this.park(occupant);
      }
      return false;
    }
    this.jobs.assign(robot, { kind: 'charge', id: this.core.newId('charge'), charger: best, queuedAtMs: this.core.clock.now() });
    return true;
  }

  /** Sends an idle robot to the nearest free storage cell away from ports. */
  private park(robot: RobotRecord): void {
    const { traffic, grid, zones, claims } = this.core;
    const from = traffic.positionOf(robot.serial);
    const seen = new Uint8Array(grid.cellCount);
    const queue = [from];
    seen[from] = 1;
    for (let head = 0; head < queue.length; head++) {
      const cell = queue[head]!;
      if (cell !== from && grid.isStorage(cell) && !zones.zone.has(cell) && !zones.idleClear.has(cell) && traffic.holderOf(cell) === undefined && claims.digLockHolder(cell) === undefined && claims.incomingDrops(cell) === 0) {
        this.jobs.assign(robot, { kind: 'park', id: this.core.newId('park'), cell, queuedAtMs: this.core.clock.now() });
        return;
      }
      for (const next of grid.neighbours(cell)) {
        if (seen[next]) continue;
        seen[next] = 1;
        queue.push(next);
      }
    }
  }

  /**
   * A free robot in service: a bin it holds is put away first; then it drives to the nearest
   * service cell nobody holds, blocks, or is sent to, or waits for one.
   */
  private goToService(robot: RobotRecord): void {
    const { inventory, traffic, fleet, facility } = this.core;
    const carried = inventory.binOnRobot(robot.serial);
    if (carried) {
      this.jobs.assign(robot, { kind: 'return', id: this.core.newId('return'), binId: carried, queuedAtMs: this.core.clock.now() });
      return;
    }
    const from = traffic.positionOf(robot.serial);
    if (robot.serviceCell === from) return;
    if (this.serviceCells.includes(from) && !facility.blockedCells.has(from)) {
      robot.serviceCell = from;
      return;
    }
    const taken = new Set<number>();
    for (const r of fleet.all()) if (r !== robot && r.serviceCell !== null) taken.add(r.serviceCell);
    let best: number | undefined;
    let bestDistance = Infinity;
    for (const cell of this.serviceCells) {
      if (taken.has(cell) || facility.blockedCells.has(cell) || traffic.holderOf(cell) !== undefined) continue;
      const d = traffic.distance(cell, from);
      if (d < bestDistance) {
        bestDistance = d;
        best = cell;
      }
    }
    if (best === undefined) return;
    robot.serviceCell = best;
    this.jobs.assign(robot, { kind: 'park', id: this.core.newId('service'), cell: best, queuedAtMs: this.core.clock.now() });
  }
}
