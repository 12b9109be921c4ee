import type { CoreServices } from '../core-services.ts';
import type { RobotRecord } from '../fleet/robot-record.ts';
import { chooseBlockerColumn, chooseDropColumn, type ColumnChoiceContext } from './column-choice.ts';
import type { WorkView } from './job-decisions.ts';
import type { RetrieveJob } from './jobs.ts';
import type { Slotting } from './slotting.ts';
import { nearPort, preparedBinMayGo, stagedEmptyColumns } from './near-port.ts';
import type { WorkQueue } from './work-queue.ts';

/** The job decisions' view of the controller (job-decisions.ts), plus the checks the job runner shares with them. */
export interface ControllerWorkView extends WorkView {
  retrievalBlocked(job: RetrieveJob): string | undefined;
}

export function createWorkView(core: CoreServices, queue: WorkQueue, slotting: Slotting): ControllerWorkView {
  const { grid, inventory, traffic, fleet, claims, zones, ports, quarantine, facility } = core;
  const columnContext = (): ColumnChoiceContext => {
    const wanted = new Set<number>();
    for (const job of queue.jobs) {
      if (job.kind !== 'retrieve') continue;
      const location = inventory.location(job.binId);
      if (location.kind === 'column') wanted.add(grid.index(location.x, location.y));
    }
    // Empty bins staged for inbound (EmptyBinStaging) are wanted soon too: nothing is set on them.
    if (core.options.stagedEmptyBinsPerPutawayPort > 0) for (const port of ports.values()) if (port.mode === 'putaway') for (const cell of stagedEmptyColumns(core, port.cell)) wanted.add(cell);
    return {
      grid,
      stacks: inventory,
      claims,
      wantedSoon: (cell) => wanted.has(cell),
      occupied: (cell) => traffic.holderOf(cell) !== undefined || zones.zone.has(cell) || quarantine.columnInDoubt(cell),
    };
  };
  const view: ControllerWorkView = {
    grid,
    options: core.options,
    now: () => core.clock.now(),
    location: (binId) => inventory.location(binId),
    binOnRobot: (serial) => inventory.binOnRobot(serial),
    depthFromTop: (binId) => inventory.depthFromTop(binId),
    stack: (x, y) => inventory.stack(x, y),
    height: (x, y) => inventory.height(x, y),
    port: (portId) => ports.get(portId)!,
    laneOf: (portCell) => zones.laneOfPort.get(portCell),
    byPort: (cell) => zones.portCells.has(cell) || zones.approach.has(cell),
    positionOf: (serial) => traffic.positionOf(serial),
    distance: (goal, cell) => traffic.distance(goal, cell),
    holderOf: (cell) => traffic.holderOf(cell),
    legGoals: () => fleet.legGoals(),
    digLocked: (cell) => claims.digLockHolder(cell) !== undefined,
    blockedByOperator: (cell) => facility.blockedCells.has(cell),
    visitWaits: (visitId) => core.requests.visit(visitId) !== undefined,
    deliverersNear: (port) => fleet.deliverersNear(ports.get(port.id)!, zones.hasLane(port.cell)),
    blockersLeftFor: (retrievalId) => fleet.blockersLeftFor(retrievalId),
    blockerColumnFor: (dugCell) => chooseBlockerColumn(columnContext(), dugCell),
    returnColumnFor: (binId, from) => slotting.returnColumn(columnContext(), from, inventory.contents(binId)),
    // Near the port (within prepareNearPortCells, Manhattan, where there is room: BinPreparation
    // and EmptyBinStaging start only then), but not where robots queue for it or come and go
    // (no bin is dropped there), nor on an empty bin (one staged for inbound would be buried).
    preparedColumnFor: (portId, from) => {
      const portCell = ports.get(portId)!.cell;
      return chooseDropColumn(
        columnContext(),
        (cell) => 3 * grid.manhattan(cell, portCell) + grid.manhattan(cell, from) + (zones.area.has(cell) ? 20 : 0),
        (cell) => !preparedBinMayGo(inventory, grid, zones, cell) || !nearPort(grid, portCell, cell, core.options.prepareNearPortCells),
      ) ?? chooseDropColumn(columnContext(), (cell) => grid.manhattan(cell, portCell) + grid.manhattan(cell, from), (cell) => !preparedBinMayGo(inventory, grid, zones, cell));
    },
    /**
     * Why a retrieval cannot go on now and may not for long: its bin's column (or, with the bin on
     * its way, its port's cell) held by a stuck robot, or its column in doubt. Undefined if it can.
     */
    retrievalBlocked(job) {
      const location = inventory.location(job.binId);
      const cell = location.kind === 'column' ? grid.index(location.x, location.y) : location.kind === 'robot' ? ports.get(job.portId)!.cell : undefined;
      if (cell === undefined) return undefined;
      const stuck = fleet.stuckRobotOn(cell);
      if (stuck) return `robot ${stuck.serial} stands on ${location.kind === 'column' ? `the column of bin ${job.binId}` : `port ${job.portId}`}, ${whyStuck(stuck)}`;
      if (location.kind === 'column' && quarantine.columnInDoubt(cell)) return `column (${location.x}, ${location.y}) is in doubt: a bin of it is quarantined`;
      return undefined;
    },
  };
  return view;
}

function whyStuck(robot: RobotRecord): string {
  return robot.hold ? `held in alarm (${robot.hold})` : 'silent';
}
