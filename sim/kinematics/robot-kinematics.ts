import { DEFAULT_BIN_HEIGHT_M, DEFAULT_CELL_SIZE_M, type GridLayout } from '../../protocol/layout/grid-layout.ts';

/**
 * The physical figures of one grid robot, all in one options object with every default in
 * `defaultKinematics()`. Units are in the names (metres, seconds, watts, watt-hours).
 * Defaults are orders of magnitude from public figures for cube-storage robots (DESIGN §2).
 */
export interface RobotKinematics {
  /** Cell pitch along x, metres (centre of one column to the next). */
  cellSizeXM: number;
  /** Cell pitch along y, metres. */
  cellSizeYM: number;
  /** Top driving speed, metres per second. */
  maxSpeedMps: number;
  /** Acceleration, metres per second squared; deceleration uses the same figure. */
  accelerationMps2: number;
  /** Time to change between driving along x and along y (wheel set change), seconds. */
  wheelChangeSeconds: number;
  /** Height of one bin in a stack, metres: one level of lift travel. */
  binHeightM: number;
  /** Gripper lift speed (down and up alike), metres per second. */
  liftSpeedMps: number;
  /** Time to close or open the gripper on a bin, seconds (once per lift cycle). */
  gripSeconds: number;
  /** Extra time to lower a bin into (or raise it out of) a port, seconds. */
  portDropSeconds: number;
  /** Usable battery energy when full, watt-hours. */
  batteryCapacityWh: number;
  /** Power drawn while driving (on top of idle), watts. */
  drivePowerW: number;
  /** Power drawn at all times while switched on, watts. */
  idlePowerW: number;
  /** Power drawn while the lift runs (on top of idle), watts. */
  liftPowerW: number;
  /** Power delivered into the battery while charging, watts. */
  chargingPowerW: number;
}

export function defaultKinematics(): RobotKinematics {
  return {
    cellSizeXM: DEFAULT_CELL_SIZE_M.x, // metres
    cellSizeYM: DEFAULT_CELL_SIZE_M.y, // metres
    maxSpeedMps: 3.1, // m/s
    accelerationMps2: 2.0, // m/s², also deceleration
    wheelChangeSeconds: 1.2, // s
    binHeightM: DEFAULT_BIN_HEIGHT_M, // metres per level
    liftSpeedMps: 1.6, // m/s
    gripSeconds: 1.0, // s per lift cycle
    portDropSeconds: 1.5, // s extra at a port
    batteryCapacityWh: 1000, // Wh
    drivePowerW: 400, // W
    idlePowerW: 40, // W
    liftPowerW: 300, // W
    chargingPowerW: 2000, // W
  };
}

/** The default robot on a layout's grid: its cell pitch and bin height come from the layout. */
export function layoutKinematics(layout: Pick<GridLayout, 'cellSizeM' | 'binHeightM'>): RobotKinematics {
  return { ...defaultKinematics(), cellSizeXM: layout.cellSizeM.x, cellSizeYM: layout.cellSizeM.y, binHeightM: layout.binHeightM };
}

/** Distance covered while accelerating from rest to top speed, metres. */
function rampDistanceM(k: RobotKinematics): number {
  return (k.maxSpeedMps * k.maxSpeedMps) / (2 * k.accelerationMps2);
}

/**
 * Time for a straight run of `distanceM` metres from rest to rest, seconds. Trapezoidal speed
 * profile (accelerate, cruise at top speed, decelerate); triangular when the run is too short
 * to reach top speed.
 */
export function runDurationSeconds(distanceM: number, k: RobotKinematics): number {
  if (distanceM < 0) throw new RangeError(`distanceM must be >= 0, got ${distanceM}`);
  const ramp = rampDistanceM(k);
  if (distanceM >= 2 * ramp) return distanceM / k.maxSpeedMps + k.maxSpeedMps / k.accelerationMps2;
  return 2 * Math.sqrt(distanceM / k.accelerationMps2);
}

/**
 * Time after the start of a straight run of `totalM` metres at which the robot has covered
 * `distanceM` metres, seconds. Used to time passing the intermediate nodes of a run.
 */
export function timeAtDistance(distanceM: number, totalM: number, k: RobotKinematics): number {
  if (distanceM < 0 || distanceM > totalM) throw new RangeError(`distanceM must be in [0, ${totalM}], got ${distanceM}`);
  const total = runDurationSeconds(totalM, k);
  const accelEndM = Math.min(rampDistanceM(k), totalM / 2);
  const decelStartM = totalM - accelEndM;
  if (distanceM <= accelEndM) return Math.sqrt((2 * distanceM) / k.accelerationMps2);
  if (distanceM >= decelStartM) return total - Math.sqrt((2 * (totalM - distanceM)) / k.accelerationMps2);
  // Cruising at top speed between the two ramps.
  return k.maxSpeedMps / k.accelerationMps2 + (distanceM - accelEndM) / k.maxSpeedMps;
}

/**
 * Distance covered `elapsedSeconds` after the start of a straight run of `totalM` metres,
 * metres (the inverse of `timeAtDistance`); clamped to [0, totalM]. Used to report the pose
 * of a robot between nodes.
 */
export function distanceAtTime(elapsedSeconds: number, totalM: number, k: RobotKinematics): number {
  const total = runDurationSeconds(totalM, k);
  if (elapsedSeconds <= 0) return 0;
  if (elapsedSeconds >= total) return totalM;
  const peakSpeedMps = Math.min(k.maxSpeedMps, Math.sqrt(k.accelerationMps2 * totalM));
  const rampSeconds = peakSpeedMps / k.accelerationMps2;
  if (elapsedSeconds <= rampSeconds) return 0.5 * k.accelerationMps2 * elapsedSeconds * elapsedSeconds;
  const left = total - elapsedSeconds;
  if (left <= rampSeconds) return totalM - 0.5 * k.accelerationMps2 * left * left;
  return (peakSpeedMps * peakSpeedMps) / (2 * k.accelerationMps2) + peakSpeedMps * (elapsedSeconds - rampSeconds);
}

/**
 * One lift cycle: lower the gripper `levelsDown` bin heights, grip (or release), raise it
 * again, seconds. A pick or drop at level `level` of a grid `depth` deep is `depth - level`
 * levels down (the top of the grid is level `depth`).
 */
export function liftCycleSeconds(levelsDown: number, k: RobotKinematics): number {
  if (levelsDown < 0) throw new RangeError(`levelsDown must be >= 0, got ${levelsDown}`);
  return (2 * levelsDown * k.binHeightM) / k.liftSpeedMps + k.gripSeconds;
}

/** A lift cycle into or out of a port: one level down plus the extra port lowering, seconds. */
export function portCycleSeconds(k: RobotKinematics): number {
  return liftCycleSeconds(1, k) + k.portDropSeconds;
}
