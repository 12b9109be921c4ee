import type { CoreServices } from '../core-services.ts';
import type { RobotRecord } from '../fleet/robot-record.ts';
import type { JobRunner } from './job-runner.ts';
import { nearPort, roomNearPort } from './near-port.ts';
import type { RetrieveJob } from './jobs.ts';
import { compareUrgency } from './urgency.ts';
import type { WorkQueue } from './work-queue.ts';

/**
 * Bin preparation: robots left free once every queued job that can start has a robot dig
 * the bins of the next queued retrievals up to the surface, near their ports (PrepareJob), so
 * that a port with room gets its next bin in a short lift and drive. Only the first
 * `prepareLookAhead` queued retrievals of each port (most urgent first) are prepared, and
 * `robotsKeptForReturns` robots stay free for the returns that free port room.
 */
export class BinPreparation {
  constructor(
    private readonly core: CoreServices,
    private readonly queue: WorkQueue,
    private readonly jobs: JobRunner,
  ) {}

  /** Gives robots of `free` (idle, no job) preparation work; those given work are taken out of it. */
  assign(free: RobotRecord[]): void {
    const { options, fleet, inventory, grid, claims, quarantine, ports, clock } = this.core;
    if (options.prepareLookAhead <= 0) return;
    const diggers = free.filter((robot) => !robot.job && fleet.handlesBins(robot) && !inventory.binOnRobot(robot.serial));
    let spare = diggers.length - options.robotsKeptForReturns;
    if (spare <= 0) return;
    const underway = new Set<string>();
    for (const robot of fleet.all()) if (robot.job?.kind === 'prepare' && robot.job.retrievalId !== undefined) underway.add(robot.job.retrievalId);
    const next = (this.queue.jobs.filter((job) => job.kind === 'retrieve') as RetrieveJob[]).sort((a, b) => compareUrgency(a, b) || a.queuedAtMs - b.queuedAtMs);
    const considered = new Map<string, number>();
    for (const job of next) {
      const seen = considered.get(job.portId) ?? 0;
      if (seen >= options.prepareLookAhead) continue;
      considered.set(job.portId, seen + 1);
      if (underway.has(job.id)) continue;
      const location = inventory.location(job.binId);
      if (location.kind !== 'column') continue;
      const column = grid.index(location.x, location.y);
      if (quarantine.columnInDoubt(column) || claims.digLockHolder(column) !== undefined || claims.incomingDrops(column) > 0) continue;
      const portCell = ports.get(job.portId)!.cell;
      if (nearPort(grid, portCell, column, options.prepareNearPortCells) && inventory.depthFromTop(job.binId) === 0) continue;
      // With no room near the port the bin would be set down farther, and prepared again and again.
      if (!nearPort(grid, portCell, column, options.prepareNearPortCells) && roomNearPort(this.core, portCell, options.prepareNearPortCells) === 0) continue;
      const robot = diggers.splice(fleet.nearestTo(column, diggers), 1)[0]!;
      free.splice(free.indexOf(robot), 1);
      this.jobs.assign(robot, { kind: 'prepare', id: this.core.newId('prepare'), retrievalId: job.id, binId: job.binId, portId: job.portId, column, queuedAtMs: clock.now() });
      if (--spare <= 0) return;
    }
  }
}
