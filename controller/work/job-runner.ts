import type { Urgency } from './urgency.ts';
import type { CoreServices } from '../core-services.ts';
import type { RobotRecord } from '../fleet/robot-record.ts';
import type { Visit } from '../requests/request-book.ts';
import type { LegOrders } from '../robots/leg-orders.ts';
import { nextStep, type StageReport } from './job-decisions.ts';
import type { Job, RetrieveJob } from './jobs.ts';
import type { ControllerWorkView } from './work-view.ts';
import type { QueuedJob, WorkQueue } from './work-queue.ts';

/**
 * Runs robots' jobs: gives a job to a robot, carries out what the job decisions
 * (job-decisions.ts) say it does next, and ends, gives back or fails jobs. Marks allocation due
 * whenever a robot may have become free; never allocates itself.
 */
export class JobRunner {
  constructor(
    private readonly core: CoreServices,
    private readonly queue: WorkQueue,
    private readonly legs: LegOrders,
    private readonly view: ControllerWorkView,
  ) {}

  /** Queues the retrieval of a visit's bin. */
  queueVisit(visit: Visit, urgency: Urgency): void {
    const job: RetrieveJob = { kind: 'retrieve', id: visit.visitId, binId: visit.binId, portId: visit.portId, requestId: visit.requestId, priority: urgency.priority, dueAtMs: urgency.dueAtMs, queuedAtMs: this.core.clock.now() };
    this.queue.enqueue(job);
  }

  /** Queues the return of a bin to storage. */
  queueReturn(binId: string): void {
    this.queue.enqueue({ kind: 'return', id: this.core.newId('return'), binId, queuedAtMs: this.core.clock.now() });
  }

  /** Takes the request's retrievals that have not started out of the queue (the request service drops its visits). */
  dropQueuedRetrievals(requestId: string): void {
    this.queue.dropRetrievalsOf(requestId);
  }

  /** Takes a visit's retrieval out of the queue: the visit joined its bin at the port (PortDesk). */
  dropQueuedRetrieval(visitId: string): void {
    this.queue.dropRetrieval(visitId);
  }

  /**
   * The robot preparing a retrieval's bin takes the retrieval itself (its port takes it now):
   * the preparation ends (its column let go) and the retrieval goes on from where the bin is,
   * once the robot's current leg is done.
   */
  handOver(robot: RobotRecord, retrieval: RetrieveJob): void {
    this.leaveJob(robot);
    this.assign(robot, retrieval);
  }

  /** Gives a robot a job (queued before or not) and starts it. */
  assign(robot: RobotRecord, job: Job): void {
    const { clock, inventory, claims, grid, ports, requests } = this.core;
    robot.job = job;
    robot.busySinceMs = clock.now();
    robot.reportedDig = false;
    robot.reportedTransit = false;
    robot.failedDrops = 0;
    robot.send({ type: 'JOB_ASSIGNED', jobId: job.id });
    if (job.kind === 'retrieve') {
      const location = inventory.location(job.binId);
      if (location.kind === 'column') claims.lockForDig(grid.index(location.x, location.y), job.id);
      ports.get(job.portId)!.retrievalsUnderway++;
      requests.started(requests.visit(job.id));
    }
    if (job.kind === 'prepare') claims.lockForDig(job.column, job.id);
    this.advance(robot);
  }

  finish(robot: RobotRecord): void {
    const job = robot.job;
    if (!job) return;
    if (job.kind === 'retrieve') this.core.ports.get(job.portId)!.retrievalsUnderway--;
    this.leaveJob(robot);
  }

  /** Starts the job's next leg, or finishes the job, or leaves it waiting. */
  advance(robot: RobotRecord): void {
    const job = robot.job;
    if (!job || robot.leg) return;
    // No new legs under an emergency stop (until its release shows), a pause or a hold; the job goes on afterwards.
    if (this.core.facility.emergencyStop || robot.awaitingRelease || robot.paused || robot.hold) return;
    // Sent to service: a robot with no bin gives its job back (a bin is put away first).
    if (robot.inService && !onServiceJob(robot) && !this.core.inventory.binOnRobot(robot.serial)) {
      this.core.allocation.due = true;
      this.giveBack(robot);
      return;
    }
    const step = nextStep(robot, job, this.view);
    switch (step.kind) {
      case 'wait':
        return;
      case 'abandon':
        // An abandoned retrieval is over for its robot, as a finished one is.
        this.core.allocation.due = true;
        this.abandonRetrieval(job as RetrieveJob, step.reason);
        this.finish(robot);
        return;
      case 'done':
        this.core.allocation.due = true;
        this.finish(robot);
        return;
      case 'leg':
        if (step.report) this.report(robot, job as RetrieveJob, step.report);
        this.legs.start(robot, step.leg);
    }
  }

  /**
   * Gives a robot's job back without finishing it: a retrieval or a return goes back in the
   * queue (its column unlocked, its visit queued again) for another robot; other jobs end.
   */
  giveBack(robot: RobotRecord): void {
    const job = robot.job;
    if (!job) return;
    const { requests } = this.core;
    // A retrieval whose request has ended meanwhile (its visit failed) is not queued again.
    const visit = job.kind === 'retrieve' ? requests.visit(job.id) : undefined;
    if (job.kind === 'retrieve') this.letGoOfRetrieval(job);
    if (job.kind === 'return' || (job.kind === 'retrieve' && visit)) {
      this.core.requests.requeued(visit);
      this.queue.enqueue(job);
    }
    this.leaveJob(robot);
  }

  /**
   * The robot's job leaves it: a retrieval or return goes back to the queue for another robot,
   * unless this robot carries the job's bin, when the visit fails to the WMS with `reason`;
   * other jobs end.
   */
  release(robot: RobotRecord, reason: string): void {
    const job = robot.job;
    if (!job) return;
    const carried = this.core.inventory.binOnRobot(robot.serial);
    if (job.kind === 'retrieve' && carried === job.binId) {
      const visit = this.core.requests.visit(job.id);
      if (visit) this.core.requests.failed(visit, `${reason} while carrying bin ${job.binId}`);
      this.finish(robot);
    } else if (job.kind === 'return' && carried === job.binId) {
      this.finish(robot);
    } else {
      this.giveBack(robot);
    }
  }

  /** A retrieval that cannot go on: its visit (if its request still waits) fails with `reason`; its column is let go. */
  abandonRetrieval(job: RetrieveJob, reason: string): void {
    this.unlockColumnOf(job);
    const visit = this.core.requests.visit(job.id);
    if (visit && reason) this.core.requests.failed(visit, reason);
  }

  /**
   * Nobody waits on the cells of a robot held in alarm: legs ending on them are withdrawn, and
   * jobs needing them end (a retrieval of a bin under it fails to the WMS; others are given back).
   */
  clearWayOf(stuck: RobotRecord): void {
    const cells = new Set(this.core.traffic.heldCells(stuck.serial));
    for (const robot of this.core.fleet.all()) {
      if (robot === stuck) continue;
      if (robot.leg && !robot.leg.withdrawn && cells.has(robot.leg.leg.goal)) this.legs.withdraw(robot);
      const job = robot.job;
      if (!job) continue;
      if (job.kind === 'retrieve') {
        const reason = this.view.retrievalBlocked(job);
        if (!reason) continue;
        this.abandonRetrieval(job, reason);
        this.finish(robot);
        continue;
      }
      const needed = job.kind === 'dig' || job.kind === 'prepare' ? job.column : job.kind === 'park' ? job.cell : job.kind === 'charge' ? job.charger : undefined;
      if (needed !== undefined && cells.has(needed)) this.giveBack(robot);
    }
  }

  /**
   * Queued retrievals that are blocked (retrievalBlocked) fail to the WMS with the reason, rather
   * than wait for an operator who may be long in coming.
   */
  failBlockedRetrievals(): void {
    if (!this.core.fleet.anyStuck() && this.core.inventory.quarantinedBins().length === 0) return;
    const blocked: { job: RetrieveJob; reason: string }[] = [];
    for (const job of this.queue.jobs) {
      const reason = job.kind === 'retrieve' ? this.view.retrievalBlocked(job) : undefined;
      if (reason) blocked.push({ job: job as RetrieveJob, reason });
    }
    // A failed visit drops its request's queued jobs (RequestService.dropQueued), so they are looked up again.
    for (const { job, reason } of blocked) {
      const index = this.queue.jobs.indexOf(job as QueuedJob);
      if (index < 0) continue;
      this.queue.jobs.splice(index, 1);
      const visit = this.core.requests.visit(job.id);
      if (visit) this.core.requests.failed(visit, reason);
    }
  }

  /** A retrieval's progress the WMS hears of, once per job and stage. */
  private report(robot: RobotRecord, job: RetrieveJob, report: StageReport): void {
    if (report.stage === 'digging') robot.reportedDig = true;
    else robot.reportedTransit = true;
    const visit = this.core.requests.visit(job.id);
    if (visit) this.core.requests.stage(visit, report.stage, report.stage === 'digging' ? { depth: report.depth } : {});
  }

  /** A retrieval leaves its robot unfinished: its column is unlocked and its port counts it no longer. */
  private letGoOfRetrieval(job: RetrieveJob): void {
    this.unlockColumnOf(job);
    this.core.ports.get(job.portId)!.retrievalsUnderway--;
  }

  private unlockColumnOf(job: RetrieveJob): void {
    const location = this.core.inventory.location(job.binId);
    if (location.kind === 'column') this.core.claims.unlockDig(this.core.grid.index(location.x, location.y), job.id);
  }

  /** The robot has no job any more: its busy time is counted and its machine told. */
  private leaveJob(robot: RobotRecord): void {
    if (robot.job?.kind === 'prepare') this.core.claims.unlockDig(robot.job.column, robot.job.id);
    const now = this.core.clock.now();
    if (robot.busySinceMs !== null) robot.busyMs += now - robot.busySinceMs;
    robot.busySinceMs = null;
    robot.job = null;
    robot.send({ type: 'JOB_FINISHED' });
  }
}

/** A robot in service on its way to its service cell (a parking move there). */
export function onServiceJob(robot: RobotRecord): boolean {
  return robot.inService && robot.job?.kind === 'park' && robot.job.cell === robot.serviceCell;
}
