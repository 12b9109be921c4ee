/**
 * What a robot's job does next, decided on what the controller knows now and changing nothing:
 * each function returns an intent (a leg to drive, a wait, the job's end, or its abandonment)
 * that the job runner (job-runner.ts) carries out. Reads go through `WorkView`, so these run on
 * plain data in tests.
 */
import type { GridMap } from '../grid/grid-map.ts';
import type { BinLocation } from '../inventory/types.ts';
import type { PortLane } from '../traffic/port-lanes.ts';
import type { DigJob, Job, Leg, PrepareJob, RetrieveJob } from './jobs.ts';
import { nearPort } from './near-port.ts';

/** A port as the decisions see it. */
export interface PortFacts {
  readonly id: string;
  readonly cell: number;
  /** Open in the layout (an operator's closing does not stop bins already under way). */
  readonly open: boolean;
  readonly presented: { readonly binId: string } | null;
  readonly awaitingReturn: { readonly size: number };
  hasRoom(): boolean;
}

/** The robot whose job is decided. */
export interface RobotFacts {
  readonly serial: string;
  readonly inService: boolean;
  readonly charging: boolean;
  /** Percent. */
  readonly batteryPercent: number;
  /** Digging and transit progress already reported for its retrieval. */
  readonly reportedDig: boolean;
  readonly reportedTransit: boolean;
}

/** Everything a decision reads. Cells are grid indices; times clock ms. */
export interface WorkView {
  readonly grid: GridMap;
  readonly options: {
    readonly stagingDistanceCells: number;
    readonly stagingMinCells: number;
    readonly chargeUntilPercent: number;
    readonly prepareNearPortCells: number;
  };
  now(): number;
  location(binId: string): BinLocation;
  binOnRobot(serial: string): string | undefined;
  depthFromTop(binId: string): number | undefined;
  stack(x: number, y: number): readonly string[];
  height(x: number, y: number): number;
  port(portId: string): PortFacts;
  laneOf(portCell: number): PortLane | undefined;
  /** Whether the cell is a port's or right next to one (where robots come and go). */
  byPort(cell: number): boolean;
  positionOf(serial: string): number;
  /** Grid distance in moves from `cell` to `goal`. */
  distance(goal: number, cell: number): number;
  holderOf(cell: number): string | undefined;
  /** The cells where robots' legs end. */
  legGoals(): ReadonlySet<number>;
  /** Whether the column is claimed for digging (or blocked by an operator). */
  digLocked(cell: number): boolean;
  blockedByOperator(cell: number): boolean;
  /** Whether the visit's request still waits for it. */
  visitWaits(visitId: string): boolean;
  /** Why the retrieval cannot go on now and may not for long, or undefined. */
  retrievalBlocked(job: RetrieveJob): string | undefined;
  /** Robots bringing a bin to the port that are near it, or about to be. */
  deliverersNear(port: PortFacts): number;
  /** Bins still above the running retrieval's bin; 0 when it is gone. */
  blockersLeftFor(retrievalId: string): number;
  /** Where to set down a blocker lifted off `dugCell`, or undefined when nowhere. */
  blockerColumnFor(dugCell: number): number | undefined;
  /** Where to store a bin, for a robot at `from`, or undefined when nowhere. */
  returnColumnFor(binId: string, from: number): number | undefined;
  /** Where to set down a prepared bin near its port, for a robot at `from`, or undefined when nowhere. */
  preparedColumnFor(portId: string, from: number): number | undefined;
}

/** Progress of a retrieval the WMS hears of when the step is taken. */
export type StageReport = { readonly stage: 'digging'; readonly depth: number } | { readonly stage: 'binInTransit' };

export type NextStep =
  | { readonly kind: 'leg'; readonly leg: Leg; readonly report?: StageReport }
  | { readonly kind: 'wait' }
  | { readonly kind: 'done' }
  /** The retrieval cannot go on: its visit fails with `reason` (none: its request has ended), its column is let go. */
  | { readonly kind: 'abandon'; readonly reason: string };

const WAIT: NextStep = { kind: 'wait' };
const DONE: NextStep = { kind: 'done' };

/** The job's next step for the robot. */
export function nextStep(robot: RobotFacts, job: Job, view: WorkView): NextStep {
  const position = view.positionOf(robot.serial);
  if (job.kind === 'park') return position === job.cell ? DONE : leg({ goal: job.cell });
  if (job.kind === 'takeBackWait') {
    const port = view.port(job.portId);
    const waits = view.now() < job.untilMs && port.awaitingReturn.size === 0 && worthWaitingForTakeBack(robot, port, job.droppedBinId, view);
    return waits ? WAIT : DONE;
  }
  if (job.kind === 'dig') return nextDigStep(robot, job, view);
  if (job.kind === 'prepare') return nextPrepareStep(robot, job, view);
  if (job.kind === 'charge') {
    if (position !== job.charger) return leg({ goal: job.charger, startCharging: true });
    return robot.charging && robot.batteryPercent < view.options.chargeUntilPercent ? WAIT : DONE;
  }
  const location = view.location(job.binId);
  const carried = view.binOnRobot(robot.serial);
  if (job.kind === 'return') {
    if (location.kind === 'port') {
      const port = view.port(location.portId);
      const cell = view.grid.cellOf(port.cell);
      return leg({ goal: port.cell, action: { type: 'pick', binId: job.binId, x: cell.x, y: cell.y, level: 0, portId: port.id } });
    }
    if (location.kind === 'robot') return dropStep(job.binId, view.returnColumnFor(job.binId, position), view);
    return DONE;
  }
  return nextRetrievalStep(robot, job, location, carried, view);
}

function nextRetrievalStep(robot: RobotFacts, job: RetrieveJob, location: BinLocation, carried: string | undefined, view: WorkView): NextStep {
  if (location.kind === 'robot' && location.serial !== robot.serial) return { kind: 'abandon', reason: `bin ${job.binId} is on robot ${location.serial}` };
  if (location.kind === 'robot') {
    const portBlocked = view.retrievalBlocked(job);
    if (portBlocked) return { kind: 'abandon', reason: portBlocked };
    const port = view.port(job.portId);
    // Room at a port with a lane goes to robots already near it, so that it is used soon.
    const near = !view.laneOf(port.cell) || view.distance(port.cell, view.positionOf(robot.serial)) <= view.options.stagingDistanceCells;
    if (!port.hasRoom() || !near) return stagingStep(robot.serial, port, view);
    const cell = view.grid.cellOf(port.cell);
    const drop: Leg = { goal: port.cell, action: { type: 'drop', binId: job.binId, x: cell.x, y: cell.y, level: 0, portId: port.id } };
    return robot.reportedTransit ? leg(drop) : { kind: 'leg', leg: drop, report: { stage: 'binInTransit' } };
  }
  if (location.kind === 'port') return DONE;
  const columnCell = view.grid.index(location.x, location.y);
  if (carried) return dropStep(carried, view.blockerColumnFor(columnCell), view);
  // Its request has ended (a visit failed), or its column is in doubt: the bin stays.
  if (!view.visitWaits(job.id)) return { kind: 'abandon', reason: '' };
  const blocked = view.retrievalBlocked(job);
  if (blocked) return { kind: 'abandon', reason: blocked };
  const depth = view.depthFromTop(job.binId) ?? 0;
  const pick = pickTopLeg(robot.serial, columnCell, view);
  return depth > 0 && !robot.reportedDig ? { kind: 'leg', leg: pick, report: { stage: 'digging', depth } } : leg(pick);
}

/** A dig helper's next step: set its blocker aside, or lift the next one, or stop. */
function nextDigStep(robot: RobotFacts, job: DigJob, view: WorkView): NextStep {
  const carried = view.binOnRobot(robot.serial);
  if (carried) return dropStep(carried, view.blockerColumnFor(job.column), view);
  if (view.blockersLeftFor(job.retrievalId) < 2) return DONE;
  return leg(pickTopLeg(robot.serial, job.column, view));
}

/**
 * Bin preparation (see PrepareJob): blockers go to a nearby column, the bin itself to a
 * column near its port; done once the bin is on top of its column within
 * `prepareNearPortCells` of the port or set down elsewhere, or when its request no longer
 * waits for it (an empty bin staged for a putaway port has no request yet).
 */
function nextPrepareStep(robot: RobotFacts, job: PrepareJob, view: WorkView): NextStep {
  const carried = view.binOnRobot(robot.serial);
  if (carried === job.binId) return dropStep(job.binId, view.preparedColumnFor(job.portId, view.positionOf(robot.serial)), view);
  if (carried) return dropStep(carried, view.blockerColumnFor(job.column), view);
  const location = view.location(job.binId);
  if (location.kind !== 'column' || (job.retrievalId !== undefined && !view.visitWaits(job.retrievalId))) return DONE;
  // Moved off its column already (set down near the port): prepared. Only the column the job
  // holds is ever dug; the retrieval may take the bin from where it was set down.
  const column = view.grid.index(location.x, location.y);
  if (column !== job.column) return DONE;
  const near = nearPort(view.grid, view.port(job.portId).cell, column, view.options.prepareNearPortCells);
  if (view.depthFromTop(job.binId) === 0 && near) return DONE;
  return leg(pickTopLeg(robot.serial, column, view));
}

/**
 * Drive to the column; once standing on it (so no other robot can change the stack), lift
 * whatever is on top. Deciding the bin and level on arrival lets several robots dig one
 * column in turn.
 */
function pickTopLeg(serial: string, columnCell: number, view: WorkView): Leg {
  if (view.positionOf(serial) !== columnCell) return { goal: columnCell };
  const { x, y } = view.grid.cellOf(columnCell);
  const stack = view.stack(x, y);
  return { goal: columnCell, action: { type: 'pick', binId: stack[stack.length - 1]!, x, y, level: stack.length - 1 } };
}

/** Set the bin down on the column (its top), or wait when there is no column for it. */
function dropStep(binId: string, column: number | undefined, view: WorkView): NextStep {
  if (column === undefined) return WAIT;
  const cell = view.grid.cellOf(column);
  return leg({ goal: column, action: { type: 'drop', binId, x: cell.x, y: cell.y, level: view.height(cell.x, cell.y) } });
}

function leg(l: Leg): NextStep {
  return { kind: 'leg', leg: l };
}

/**
 * A robot with a bin for a full port waits near it, within `stagingDistanceCells`, so that
 * it uses room the moment the port has some; the waiting cell is a free one nearest the
 * port but at least `stagingMinCells` away (the cells right by the port are for robots
 * coming and going), not the goal of another leg. Waits where it is when none is free.
 */
export function stagingStep(serial: string, port: PortFacts, view: WorkView): NextStep {
  const from = view.positionOf(serial);
  const range = view.options.stagingDistanceCells;
  // Near enough already, but not on the port's cell or right by it, where robots come and go.
  if (view.distance(port.cell, from) <= range && isStagingCell(port, from, view)) return WAIT;
  const goals = view.legGoals();
  const distance = new Map<number, number>([[port.cell, 0]]);
  const queue = [port.cell];
  for (let head = 0; head < queue.length; head++) {
    const cell = queue[head]!;
    const d = distance.get(cell)!;
    if (d >= view.options.stagingMinCells && isStagingCell(port, cell, view) && view.holderOf(cell) === undefined && !goals.has(cell) && !view.digLocked(cell) && !view.blockedByOperator(cell)) return leg({ goal: cell });
    if (d >= range) continue;
    for (const next of view.grid.neighbours(cell)) {
      if (distance.has(next)) continue;
      distance.set(next, d + 1);
      queue.push(next);
    }
  }
  return WAIT;
}

/**
 * Whether a robot may wait for the port's room on this cell: not on or right by a port, and
 * for a port with a lane, nearer its entry than its exit (robots leaving go the other way).
 */
function isStagingCell(port: PortFacts, cell: number, view: WorkView): boolean {
  if (view.byPort(cell)) return false;
  const lane = view.laneOf(port.cell);
  return !lane || view.grid.manhattan(cell, lane.entry) < view.grid.manhattan(cell, lane.exit);
}

/**
 * Whether a robot that has just dropped `droppedBinId` at the port, and stands on its cell,
 * should wait there for the bin being picked and take it back: yes for a bin that came
 * before its own; for its own bin only if no other robot bringing a bin is near (that one
 * will take it back). No if nothing is being picked or the port is closed.
 */
export function worthWaitingForTakeBack(robot: RobotFacts, port: PortFacts, droppedBinId: string, view: WorkView): boolean {
  if (robot.inService || !view.laneOf(port.cell) || !port.open || !port.presented || view.positionOf(robot.serial) !== port.cell) return false;
  return port.presented.binId !== droppedBinId || view.deliverersNear(port) === 0;
}

/** What becomes of a job whose leg's pick or drop failed: a drop is tried again, up to `maxDropAttempts` drops in all. */
export function afterFailedAction(action: 'pick' | 'drop' | undefined, failedDropsBefore: number, maxDropAttempts: number): 'tryAgain' | 'fail' {
  return action === 'drop' && failedDropsBefore + 1 < maxDropAttempts ? 'tryAgain' : 'fail';
}

/** A retrieval still digging: its column, the bins above its bin, and the dig helpers it has. */
export interface DigUnderway {
  readonly retrievalId: string;
  readonly column: number;
  readonly blockers: number;
  helpers: number;
}

/**
 * Which free robots help which retrievals dig: retrievals with two or more bins to lift off,
 * the deepest first (then the lower column), each the nearest free robot (`nearest` gives its
 * index in `free`), up to `maxHelpers` each. Yields one helper at a time, so that the caller
 * assigns it before the next is chosen; `free` loses each robot chosen.
 */
export function* digHelpers<R>(digs: DigUnderway[], free: R[], maxHelpers: number, nearest: (column: number, free: readonly R[]) => number): Generator<{ robot: R; dig: DigUnderway }> {
  const wanted = digs.filter((d) => d.blockers >= 2).sort((a, b) => b.blockers - a.blockers || a.column - b.column);
  for (const dig of wanted) {
    while (dig.helpers < maxHelpers && free.length > 0) {
      const robot = free.splice(nearest(dig.column, free), 1)[0]!;
      yield { robot, dig };
      dig.helpers++;
    }
  }
}
