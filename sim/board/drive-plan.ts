/**
 * The timing of one `drive` command: a rest-to-rest trapezoidal run along one axis, timed by
 * the same kinematics functions as the simulator's VirtualRobot (so a board and a virtual robot
 * reach the same cells at the same clock milliseconds), but with the speed and acceleration the
 * host sent and starting from wherever an emergency stop left the robot.
 */
import { distanceAtTime, timeAtDistance, type RobotKinematics } from '../kinematics/robot-kinematics.ts';

export interface DriveRequest {
  /** +1 toward increasing coordinate, -1 toward decreasing. */
  direction: 1 | -1;
  /** Cells to move, counted from the last cell reached (>= 1). */
  cells: number;
  /** Signed distance of the robot from the last cell's centre at the start, mm (|offset| < pitch). */
  startOffsetMm: number;
  /** Centre-to-centre distance of cells along the axis, mm. */
  pitchMm: number;
  maxSpeedMmps: number;
  accelerationMmps2: number;
}

/** A cell centre the run passes or ends at. */
export interface Crossing {
  /** The cell, counted from the last cell reached at the start (signed: -1 is one cell back). */
  cellsFromStart: number;
  /** Distance driven when its centre is reached, mm. */
  distanceMm: number;
  /** When its centre is reached, ms after the start (whole ms, rounded as the simulator does). */
  atMs: number;
}

export interface DrivePlan {
  request: DriveRequest;
  /** Length of the run, mm: cells·pitch − startOffset·direction. */
  totalMm: number;
  /** The run's kinematics: the board's figures with the host's speed and acceleration. */
  profile: RobotKinematics;
  /** Cell centres in the order reached; the last is the target. */
  crossings: Crossing[];
}

export function planDrive(request: DriveRequest, k: RobotKinematics): DrivePlan {
  const { direction, cells, startOffsetMm, pitchMm } = request;
  if (!(cells >= 1) || !(request.maxSpeedMmps > 0) || !(request.accelerationMmps2 > 0)) {
    throw new RangeError(`a drive needs cells >= 1 and positive speed and acceleration, got ${cells}, ${request.maxSpeedMmps}, ${request.accelerationMmps2}`);
  }
  if (!(Math.abs(startOffsetMm) < pitchMm)) throw new RangeError(`|startOffsetMm| must be below the pitch ${pitchMm}, got ${startOffsetMm}`);
  const profile: RobotKinematics = { ...k, maxSpeedMps: request.maxSpeedMmps / 1000, accelerationMps2: request.accelerationMmps2 / 1000 };
  const totalMm = cells * pitchMm - startOffsetMm * direction;
  // Driving back toward the last cell's centre passes it first; otherwise the next centre ahead comes first.
  const first = startOffsetMm * direction < 0 ? 0 : direction;
  const last = direction * cells;
  const crossings: Crossing[] = [];
  for (let j = first; direction > 0 ? j <= last : j >= last; j += direction) {
    const distanceMm = Math.min(totalMm, (j * pitchMm - startOffsetMm) * direction);
    crossings.push({ cellsFromStart: j, distanceMm, atMs: Math.round(timeAtDistance(distanceMm / 1000, totalMm / 1000, profile) * 1000) });
  }
  return { request, totalMm, profile, crossings };
}

/**
 * Distance driven `elapsedMs` after the start, mm, kept between the centres around crossing
 * `next` (the first crossing not yet reached), so the reported position never runs ahead of
 * the cell the board has announced.
 */
export function distanceDrivenMm(plan: DrivePlan, elapsedMs: number, next: number): number {
  const previous = plan.crossings[next - 1];
  // At the (whole) millisecond a centre is reached the robot is over it, rounding aside.
  if (previous && elapsedMs <= previous.atMs) return previous.distanceMm;
  const lower = previous?.distanceMm ?? 0;
  const upper = plan.crossings[next]?.distanceMm ?? plan.totalMm;
  const s = distanceAtTime(elapsedMs / 1000, plan.totalMm / 1000, plan.profile) * 1000;
  return Math.min(upper, Math.max(lower, s));
}
