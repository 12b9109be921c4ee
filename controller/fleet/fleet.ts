import type { ControllerOptions } from '../controller-options.ts';
import type { Inventory } from '../inventory/inventory.ts';
import type { PortStation } from '../ports/port-station.ts';
import type { RobotEdge } from '../robot-edge/robot-edge.ts';
import type { Traffic } from '../traffic/traffic.ts';
import type { Job } from '../work/jobs.ts';
import type { VdaError } from '../../protocol/vda5050/types.ts';
import { RobotRecord, type RobotLogic } from './robot-record.ts';
import type { RobotStateValue } from '../machines/robot-machine.ts';

/** One robot as the operator console shows it (see `Fleet.views`). */
export interface RobotView {
  readonly serial: string;
  /** State of the robot's state machine in one word: offline, idle, working or fault. */
  readonly state: string;
  /** Every region of its machine (robot-machine.ts). */
  readonly machine: RobotStateValue;
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

/**
 * The robots the controller has heard from, in the order first heard, and what can be asked
 * of them as a whole: who is free, who is nearest, who stands in the way. Queries only; the
 * rooms that decide change the records.
 */
export class Fleet {
  private readonly robots = new Map<string, RobotRecord>();

  constructor(
    private readonly edge: RobotEdge,
    private readonly traffic: Traffic,
    private readonly inventory: Inventory,
    private readonly ports: ReadonlyMap<string, PortStation>,
    private readonly options: ControllerOptions,
    private readonly logic: RobotLogic,
  ) {}

  /** The record of a robot, registered when it is first heard from on the wire. */
  register(serial: string): RobotRecord {
    let robot = this.robots.get(serial);
    if (!robot) {
      robot = new RobotRecord(serial, this.logic);
      this.robots.set(serial, robot);
    }
    return robot;
  }

  get(serial: string): RobotRecord | undefined {
    return this.robots.get(serial);
  }

  all(): IterableIterator<RobotRecord> {
    return this.robots.values();
  }

  serials(): IterableIterator<string> {
    return this.robots.keys();
  }

  get size(): number {
    return this.robots.size;
  }

  /** Online, on the grid, idle, without a job or leg, and neither paused nor held. */
  isFree(robot: RobotRecord): boolean {
    return robot.online && robot.placed && robot.ready && !robot.job && !robot.leg && !robot.paused && !robot.hold && !robot.awaitingRelease && robot.machineIdle;
  }

  /** Free and not in service. */
  canTakeJob(robot: RobotRecord): boolean {
    return this.isFree(robot) && !robot.inService;
  }

  /** Whether its factsheet lets it lift and set down bins (no bin work before the factsheet came). */
  handlesBins(robot: RobotRecord): boolean {
    return this.edge.capabilitiesOf(robot.serial)?.binHandling ?? false;
  }

  /** Robots that can do bin work now or soon: online, placed, not held nor faulted, handling bins. */
  activeRobots(): number {
    let n = 0;
    for (const robot of this.robots.values()) if (robot.online && robot.placed && !robot.hold && this.handlesBins(robot) && !robot.faulted) n++;
    return n;
  }

  /** Index in `robots` of the robot nearest `cell` by grid distance (the first on a tie). */
  nearestTo(cell: number, robots: readonly RobotRecord[]): number {
    let best = 0;
    let bestDistance = Infinity;
    for (let i = 0; i < robots.length; i++) {
      const d = this.traffic.distance(cell, this.traffic.positionOf(robots[i]!.serial));
      if (d < bestDistance) {
        bestDistance = d;
        best = i;
      }
    }
    return best;
  }

  /**
   * The robot that holds this cell and will not move off it by itself: held in alarm (until an
   * operator resumes it) or silent (until it reports again). Nothing needing the cell waits on it.
   */
  stuckRobotOn(cell: number): RobotRecord | undefined {
    const holder = this.robots.get(this.traffic.holderOf(cell) ?? '');
    return holder && (holder.hold || this.edge.isSilent(holder.serial)) ? holder : undefined;
  }

  /** Whether any robot is held in alarm or silent. */
  anyStuck(): boolean {
    for (const r of this.robots.values()) if (r.hold || this.edge.isSilent(r.serial)) return true;
    return false;
  }

  /** Bins still above a running retrieval's bin, or 0 when the retrieval is gone or done digging. */
  blockersLeftFor(retrievalId: string): number {
    const owner = [...this.robots.values()].find((r) => r.job?.kind === 'retrieve' && r.job.id === retrievalId);
    if (!owner || owner.job?.kind !== 'retrieve') return 0;
    return this.inventory.depthFromTop(owner.job.binId) ?? 0;
  }

  /** Robots bringing a bin to the port within `takeBackNearCells` of its cell, or about to. */
  deliverersNear(port: PortStation, hasLane: boolean): number {
    if (!hasLane) return 0;
    let inbound = 0;
    let waiting = 0;
    for (const robot of this.robots.values()) {
      const job = robot.job;
      if (job?.kind !== 'retrieve' || job.portId !== port.id || this.inventory.binOnRobot(robot.serial) !== job.binId) continue;
      if (this.traffic.distance(port.cell, this.traffic.positionOf(robot.serial)) > this.options.takeBackNearCells) continue;
      if (robot.leg?.leg.goal === port.cell) inbound++;
      else waiting++;
    }
    // Robots waiting for room come as soon as there is some.
    return inbound + Math.min(waiting, Math.max(0, this.options.portCapacityBins - port.load));
  }

  /** Whether the robot holding the port's cell is there to drop a bin at it. */
  deliveringTo(port: PortStation): boolean {
    const holder = this.traffic.holderOf(port.cell);
    const leg = holder === undefined ? null : this.robots.get(holder)?.leg;
    return leg?.leg.action?.type === 'drop' && leg.leg.action.portId === port.id;
  }

  /** The cells where robots' legs end. */
  legGoals(): Set<number> {
    const goals = new Set<number>();
    for (const r of this.robots.values()) if (r.leg) goals.add(r.leg.leg.goal);
    return goals;
  }

  /** Whether the robot's leg or job takes it to `cell`. */
  headsFor(robot: RobotRecord, cell: number): boolean {
    if (robot.leg?.leg.goal === cell) return true;
    const job = robot.job;
    if (!job) return false;
    return (job.kind === 'park' && job.cell === cell) || (job.kind === 'charge' && job.charger === cell) || ((job.kind === 'dig' || job.kind === 'prepare') && job.column === cell);
  }

  /** Retrievals started for all ports. */
  retrievalsUnderway(): number {
    let n = 0;
    for (const port of this.ports.values()) n += port.retrievalsUnderway;
    return n;
  }

  /** Every robot heard from, as the operator console shows it, in the order they first reported. */
  views(): RobotView[] {
    const views: RobotView[] = [];
    for (const r of this.robots.values()) {
      views.push({
        serial: r.serial,
        state: r.stateName,
        machine: r.state,
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

  /** Clock ms the robots have been busy with jobs, all told, up to `nowMs`. */
  busyMs(nowMs: number): number {
    let busyMs = 0;
    for (const robot of this.robots.values()) busyMs += robot.busyMs + (robot.busySinceMs !== null ? nowMs - robot.busySinceMs : 0);
    return busyMs;
  }
}
