/**
 * Everything the bridge needs to know about its robot and grid, with every default in one
 * place. Lengths in metres, times in seconds or milliseconds as named. The defaults describe
 * the same robot as the simulator's default kinematics, so a bridge and a virtual robot drive
 * alike.
 */
import { DEFAULT_BIN_HEIGHT_M, DEFAULT_CELL_SIZE_M } from '../protocol/layout/grid-layout.ts';

export interface BridgeOptions {
  serialNumber: string;
  manufacturer: string;
  /** VDA 5050 map id of the grid's node positions. */
  mapId: string;
  /** Cell pitch along x and y, metres. */
  cellSizeXM: number;
  cellSizeYM: number;
  /** Height of one bin, metres: one level of lift travel. */
  binHeightM: number;
  /** Driving limits sent with every drive command. */
  maxSpeedMps: number;
  accelerationMps2: number;
  /** Gripper speed, metres per second; used to turn the port's extra lowering time into depth. */
  liftSpeedMps: number;
  /** Extra time to lower a bin into (or raise it out of) a port, seconds (split over down and up). */
  portDropSeconds: number;
  /** Period of unconditional state messages, ms. */
  statePeriodMs: number;
  /** A command the board refused as busy is tried again after this long, ms. */
  busyRetryMs: number;
}

export function defaultBridgeOptions(overrides: Partial<BridgeOptions> & Pick<BridgeOptions, 'serialNumber'>): BridgeOptions {
  return {
    manufacturer: 'gridline',
    mapId: 'grid',
    cellSizeXM: DEFAULT_CELL_SIZE_M.x, // m
    cellSizeYM: DEFAULT_CELL_SIZE_M.y, // m
    binHeightM: DEFAULT_BIN_HEIGHT_M, // m
    maxSpeedMps: 3.1, // m/s
    accelerationMps2: 2.0, // m/s²
    liftSpeedMps: 1.6, // m/s
    portDropSeconds: 1.5, // s
    statePeriodMs: 1_000, // 1 s
    busyRetryMs: 50, // ms
    ...overrides,
  };
}
