import type { Clock } from '../../protocol/clock.ts';
import type { PortStation } from '../ports/port-station.ts';
import type { LegOrders } from '../robots/leg-orders.ts';
import type { Traffic, TrafficRobot } from '../traffic/traffic.ts';
import type { JobRunner } from '../work/job-runner.ts';
import type { Fleet } from './fleet.ts';
import type { RobotRecord } from './robot-record.ts';

/** The control cycle's part for robots that are not driving a leg: waiting jobs try again, and one traffic planning step moves everyone. */
export class FleetMotion {
  constructor(
    private readonly fleet: Fleet,
    private readonly traffic: Traffic,
    private readonly ports: ReadonlyMap<string, PortStation>,
    private readonly jobs: JobRunner,
    private readonly legs: LegOrders,
    private readonly clock: Clock,
  ) {}

  /**
   * Jobs waiting on something (port room, a free column, a charge) try again, each as one
   * event (`settled`: the composition allocates after it if it marked allocation due). Robots
   * carrying a bin to a port go nearest the port first, so port room goes to the robot that
   * needs least time to use it.
   */
  advanceWaitingJobs(settled: (handle: () => void) => void): void {
    const waiting: { robot: RobotRecord; distance: number }[] = [];
    for (const robot of this.fleet.all()) {
      if (!robot.job || robot.leg || !robot.online || robot.paused || robot.hold || robot.faulted) continue;
      const job = robot.job;
      const distance = job.kind === 'retrieve' ? this.traffic.distance(this.ports.get(job.portId)!.cell, this.traffic.positionOf(robot.serial)) : 0;
      waiting.push({ robot, distance });
    }
    waiting.sort((a, b) => a.distance - b.distance);
    for (const { robot } of waiting) settled(() => this.jobs.advance(robot));
  }

  /**
   * One planning step (see traffic-planner.ts) over the robots that may move: robots on a
   * leg, and standing robots (idle, or waiting with a job), which PIBT may push aside: they
   * get a one-cell leg without an action, after which their job, if any, goes on from there.
   */
  planTraffic(): void {
    const now = this.clock.now();
    const robots: TrafficRobot[] = [];
    for (const robot of this.fleet.all()) {
      if (!robot.placed || !robot.online || robot.paused || robot.hold || robot.awaitingRelease || robot.leg?.withdrawn || robot.faulted) continue;
      if (robot.leg) robots.push({ serial: robot.serial, role: 'leg', legStartedMs: robot.leg.startedMs });
      else if (this.canBePushed(robot)) robots.push({ serial: robot.serial, role: 'standing', legStartedMs: now });
    }
    const moves = this.traffic.step(robots, now);
    for (const move of moves) if (move.role === 'standing') this.legs.start(this.fleet.get(move.serial)!, { goal: move.cell });
    this.traffic.applyMoves(moves, now);
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
}
