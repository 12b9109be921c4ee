import type { CoreServices } from '../core-services.ts';
import type { RobotRecord } from '../fleet/robot-record.ts';
import type { JobRunner } from './job-runner.ts';
import { nearPort, roomNearPort } from './near-port.ts';

/** Clock ms between looks at the putaway ports' staged bins: the look goes over every empty bin. */
const STAGING_CHECK_MS = 5_000;

/**
 * Empty bins staged for inbound: robots left free once every other job has one keep
 * `stagedEmptyBinsPerPutawayPort` empty bins on top of columns within `prepareNearPortCells`
 * of each putaway port that takes visits, moving the nearest-to-dig empty bins there
 * (PrepareJob with no retrieval). A putaway then picks such a bin (bin-selection.ts prefers
 * bins on top and near the port), and its retrieval is a short lift and drive.
 * `robotsKeptForReturns` robots stay free, as for bin preparation.
 */
export class EmptyBinStaging {
  /** Clock ms of the next look. */
  private nextCheckMs = 0;

  constructor(
    private readonly core: CoreServices,
    private readonly jobs: JobRunner,
  ) {}

  /** Gives robots of `free` (idle, no job) staging work; those given work are taken out of it. */
  assign(free: RobotRecord[]): void {
    const { options, fleet, inventory, grid, claims, quarantine, ports, clock, requests } = this.core;
    if (options.stagedEmptyBinsPerPutawayPort <= 0 || clock.now() < this.nextCheckMs) return;
    this.nextCheckMs = clock.now() + STAGING_CHECK_MS;
    const putawayPorts = [...ports.values()].filter((port) => port.mode === 'putaway' && port.takesVisits);
    if (putawayPorts.length === 0) return;
    const diggers = free.filter((robot) => !robot.job && fleet.handlesBins(robot) && !inventory.binOnRobot(robot.serial));
    let spare = diggers.length - options.robotsKeptForReturns;
    if (spare <= 0) return;
    // Bins being staged, by port; and every bin some job is moving there.
    const underway = new Map<string, number>();
    const moving = new Set<string>();
    for (const robot of fleet.all()) {
      if (robot.job?.kind !== 'prepare') continue;
      moving.add(robot.job.binId);
      if (robot.job.retrievalId === undefined) underway.set(robot.job.portId, (underway.get(robot.job.portId) ?? 0) + 1);
    }
    const empty: { binId: string; column: number; depth: number }[] = [];
    // Unordered: the candidates are sorted below, ties by id.
    for (const binId of inventory.emptyBinsUnordered()) {
      const location = inventory.location(binId);
      if (location.kind !== 'column' || moving.has(binId) || requests.binHasOpenVisit(binId)) continue;
      empty.push({ binId, column: grid.index(location.x, location.y), depth: inventory.depthFromTop(binId) ?? 0 });
    }
    // Bins near a putaway port stay where they are (one buried there is not dug out: its digging would bury another).
    const nearAPort = (column: number) => putawayPorts.some((port) => nearPort(grid, port.cell, column, options.prepareNearPortCells));
    const taken = new Set<string>();
    for (const port of putawayPorts) {
      const staged = empty.filter((bin) => bin.depth === 0 && nearPort(grid, port.cell, bin.column, options.prepareNearPortCells)).length + (underway.get(port.id) ?? 0);
      // Only as many as there is room for near the port: a bin set down farther is not staged, and would be moved again and again.
      let missing = Math.min(options.stagedEmptyBinsPerPutawayPort - staged, roomNearPort(this.core, port.cell, options.prepareNearPortCells));
      if (missing <= 0) continue;
      const candidates = empty
        .filter((bin) => !taken.has(bin.binId) && !nearAPort(bin.column) && !quarantine.columnInDoubt(bin.column) && claims.digLockHolder(bin.column) === undefined && claims.incomingDrops(bin.column) === 0)
        .map((bin) => ({ ...bin, cost: bin.depth * options.depthWeightCells + grid.manhattan(bin.column, port.cell) }))
        .sort((a, b) => a.cost - b.cost || (a.binId < b.binId ? -1 : 1));
      for (const bin of candidates) {
        // One job per column at a time (its dig lock).
        if (claims.digLockHolder(bin.column) !== undefined) continue;
        const robot = diggers.splice(fleet.nearestTo(bin.column, diggers), 1)[0]!;
        free.splice(free.indexOf(robot), 1);
        taken.add(bin.binId);
        this.jobs.assign(robot, { kind: 'prepare', id: this.core.newId('stage'), binId: bin.binId, portId: port.id, column: bin.column, queuedAtMs: clock.now() });
        if (--spare <= 0) return;
        if (--missing <= 0) break;
      }
    }
  }
}
