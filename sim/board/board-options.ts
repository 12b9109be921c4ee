/**
 * Options of the motor-controller board emulator, with every default in
 * `resolveBoardOptions`. Units are in the names (milliseconds, millimetres, permille).
 */
import type { Clock } from '../../protocol/clock.ts';
import { PROTOCOL_VERSION } from '../../protocol/serial/frame.ts';
import { defaultKinematics, type RobotKinematics } from '../kinematics/robot-kinematics.ts';
import type { BoardBody, GridCell } from './board-body.ts';
import { checkFaultOptions, type BoardFaultOptions } from './board-faults.ts';

export interface BoardEmulatorOptions {
  clock: Clock;
  /** Sends bytes to the host (the serial line); must not throw. */
  write(bytes: Uint8Array): void;
  /** Cell pitch per axis, lift speed, grip, wheel-change and power figures. */
  kinematics?: RobotKinematics;
  /** Levels of the grid: the lift travels gridDepth·binHeight plus the port drop (see maxLiftDepthMm). */
  gridDepth?: number;
  /** Cell the board believes it stands on at power-up (until setPosition). */
  startCell?: GridCell;
  /** Wheels down for driving along y at power-up (else x). */
  wheelsY?: boolean;
  /** Battery at power-up, permille (0..1000). */
  initialBatteryPermille?: number;
  /** Noise on the serial line (see board-faults.ts); none by default. */
  faults?: Partial<BoardFaultOptions>;
  /** Seed of the line faults' random draws. */
  seed?: number | string;
  /** The world the emulated robot moves in (hardware-in-the-loop runs); none by default. */
  body?: BoardBody;
  /** Period of heartbeat frames, clock ms. */
  heartbeatPeriodMs?: number;
  /** Period of unconditional status frames, clock ms. */
  statusPeriodMs?: number;
  /** Silence from the host after which the watchdog stops the motors, clock ms. */
  watchdogTimeoutMs?: number;
}

export interface ResolvedBoardOptions extends Required<Omit<BoardEmulatorOptions, 'body' | 'faults'>> {
  body: BoardBody | undefined;
  faults: Partial<BoardFaultOptions>;
}

export const DEFAULT_GRID_DEPTH = 16; // levels
export const DEFAULT_HEARTBEAT_PERIOD_MS = 100;
export const DEFAULT_STATUS_PERIOD_MS = 100;
export const DEFAULT_WATCHDOG_TIMEOUT_MS = 500;
/** Protocol versions the emulated firmware speaks (negotiated by hello). */
export const SUPPORTED_VERSIONS: readonly number[] = [PROTOCOL_VERSION];
export const FIRMWARE_VERSION = { major: 1, minor: 0 } as const;
/** Battery level below which the board sends fault{lowBattery} (once per fall), permille. */
export const LOW_BATTERY_PERMILLE = 100;

export function resolveBoardOptions(options: BoardEmulatorOptions): ResolvedBoardOptions {
  const resolved: ResolvedBoardOptions = {
    clock: options.clock,
    write: options.write,
    kinematics: options.kinematics ?? defaultKinematics(),
    gridDepth: options.gridDepth ?? DEFAULT_GRID_DEPTH,
    startCell: { x: options.startCell?.x ?? 0, y: options.startCell?.y ?? 0 },
    wheelsY: options.wheelsY ?? false,
    initialBatteryPermille: options.initialBatteryPermille ?? 1000,
    faults: options.faults ?? {},
    seed: options.seed ?? 1,
    body: options.body,
    heartbeatPeriodMs: options.heartbeatPeriodMs ?? DEFAULT_HEARTBEAT_PERIOD_MS,
    statusPeriodMs: options.statusPeriodMs ?? DEFAULT_STATUS_PERIOD_MS,
    watchdogTimeoutMs: options.watchdogTimeoutMs ?? DEFAULT_WATCHDOG_TIMEOUT_MS,
  };
  if (!(Number.isInteger(resolved.gridDepth) && resolved.gridDepth > 0)) throw new RangeError(`gridDepth must be a positive integer, got ${resolved.gridDepth}`);
  const { x, y } = resolved.startCell;
  if (!isU16(x) || !isU16(y)) throw new RangeError(`startCell must have integer coordinates in [0, 65535], got (${x}, ${y})`);
  const battery = resolved.initialBatteryPermille;
  if (!(battery >= 0 && battery <= 1000)) throw new RangeError(`initialBatteryPermille must be in [0, 1000], got ${battery}`);
  for (const name of ['heartbeatPeriodMs', 'statusPeriodMs', 'watchdogTimeoutMs'] as const) {
    if (!(resolved[name] > 0 && Number.isFinite(resolved[name]))) throw new RangeError(`${name} must be > 0, got ${resolved[name]}`);
  }
  checkFaultOptions(resolved.faults);
  if (maxLiftDepthMm(resolved.kinematics, resolved.gridDepth) > 0xffff) throw new RangeError('the lift travel does not fit the protocol (65535 mm)');
  return resolved;
}

/**
 * The lift's travel below its rest position, mm: the whole grid depth, plus the extra lowering
 * into a port (portDropSeconds at liftSpeed), which is the deepest the host ever asks for.
 */
export function maxLiftDepthMm(k: RobotKinematics, gridDepth: number): number {
  return Math.round(gridDepth * k.binHeightM * 1000 + k.portDropSeconds * k.liftSpeedMps * 1000);
}

function isU16(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 0xffff;
}
