import type { ConsoleLayout, ConsoleRobot, ConsoleState, ConsoleStacks } from '../../../protocol/console/console-messages.ts';
import { encodeHeights } from '../../../protocol/console/console-messages.ts';
import type { State } from '../../../protocol/vda5050/types.ts';

/**
 * Well-formed console and VDA 5050 messages built from a few numbers, for the benchmark page
 * and the view model's tests. They go through the same parsers as messages from the broker.
 */

export const SYNTHETIC_TIMESTAMP = '2026-01-01T00:00:00.000Z';
export const SYNTHETIC_VDA = { interfaceName: 'uagv', manufacturer: 'gridline' } as const;
export const SYNTHETIC_CELL_SIZE_M = { x: 0.7, y: 0.5 } as const;

export interface SyntheticLayoutOptions {
  readonly site: string;
  readonly columnsX: number;
  readonly columnsY: number;
  readonly depth: number;
  readonly robots: readonly string[];
  /** Cell kind codes, row-major; all storage when absent. */
  readonly cellKinds?: string;
  readonly ports?: ConsoleLayout['ports'];
  readonly chargers?: ConsoleLayout['chargers'];
}

export function syntheticLayout(options: SyntheticLayoutOptions): ConsoleLayout {
  return {
    site: options.site,
    timestamp: SYNTHETIC_TIMESTAMP,
    name: `${options.columnsX} × ${options.columnsY} synthetic grid`,
    columns: { x: options.columnsX, y: options.columnsY },
    depth: options.depth,
    cellSizeM: { ...SYNTHETIC_CELL_SIZE_M },
    binHeightM: 0.33,
    cellKinds: options.cellKinds ?? 's'.repeat(options.columnsX * options.columnsY),
    ports: options.ports ?? [],
    chargers: options.chargers ?? [],
    robots: [...options.robots],
    vda: { ...SYNTHETIC_VDA },
  };
}

export function syntheticStacks(site: string, heights: Uint8Array): ConsoleStacks {
  return { site, timestamp: SYNTHETIC_TIMESTAMP, heightsBase64: encodeHeights(heights) };
}

export function syntheticConsoleRobot(serial: string, overrides: Partial<ConsoleRobot> = {}): ConsoleRobot {
  return {
    serial,
    state: 'idle',
    machine: 'connection online, placement placed, health ok, work idle, operator running, hold free, service working, battery notCharging, release none',
    job: null,
    online: true,
    paused: false,
    inService: false,
    batteryPercent: 90,
    charging: false,
    errors: [],
    reservedCells: [],
    carrying: null,
    capabilities: null,
    hold: null,
    ...overrides,
  };
}

export function syntheticConsoleState(site: string, robots: ConsoleRobot[], overrides: Partial<ConsoleState> = {}): ConsoleState {
  return {
    site,
    timestamp: SYNTHETIC_TIMESTAMP,
    emergencyStop: false,
    robots,
    ports: [],
    blockedCells: [],
    quarantinedBins: [],
    kpis: { binsPerPortHour: 0, robotUtilisation: 0, openRequests: 0, completedRequests: 0, binsPresented: 0, requestTimeP50S: 0, requestTimeP95S: 0, loadsVerified: 0, loadsUnverified: 0, ordersWithCutoff: 0, onTimeShare: null },
    requests: [],
    alarms: [],
    ...overrides,
  };
}

export interface SyntheticRobotStateOptions {
  readonly serial: string;
  readonly headerId: number;
  /** agvPosition, metres. */
  readonly xM: number;
  readonly yM: number;
  /** A pick (or drop) action RUNNING. */
  readonly lifting?: 'pick' | 'drop';
  /** The bin carried. */
  readonly carrying?: string;
  readonly fatalError?: boolean;
  readonly eStop?: boolean;
  readonly paused?: boolean;
  readonly batteryPercent?: number;
  readonly timestamp?: string;
}

export function syntheticRobotState(options: SyntheticRobotStateOptions): State {
  return {
    headerId: options.headerId,
    timestamp: options.timestamp ?? SYNTHETIC_TIMESTAMP,
    version: '2.0.0',
    manufacturer: SYNTHETIC_VDA.manufacturer,
    serialNumber: options.serial,
    orderId: '',
    orderUpdateId: 0,
    lastNodeId: '',
    lastNodeSequenceId: 0,
    nodeStates: [],
    edgeStates: [],
    agvPosition: { x: options.xM, y: options.yM, theta: 0, mapId: 'grid-1', positionInitialized: true },
    loads: options.carrying ? [{ loadId: options.carrying, loadType: 'bin' }] : [],
    driving: false,
    paused: options.paused ?? false,
    actionStates: options.lifting ? [{ actionId: `${options.lifting}-${options.headerId}`, actionType: options.lifting, actionStatus: 'RUNNING' }] : [],
    batteryState: { batteryCharge: options.batteryPercent ?? 80, charging: false },
    operatingMode: 'AUTOMATIC',
    errors: options.fatalError ? [{ errorType: 'motorStall', errorLevel: 'FATAL', errorDescription: 'drive motor stalled' }] : [],
    safetyState: { eStop: options.eStop ? 'REMOTE' : 'NONE', fieldViolation: false },
  };
}

/** The actions a Gridline robot's factsheet lists, as the controller names them in console/state. */
export const SYNTHETIC_CAPABILITIES: readonly string[] = [
  'pick (NODE)',
  'drop (NODE)',
  'charge (NODE)',
  'startPause (INSTANT)',
  'stopPause (INSTANT)',
  'cancelOrder (INSTANT)',
  'emergencyStop (INSTANT)',
  'releaseEmergencyStop (INSTANT)',
  'factsheetRequest (INSTANT)',
  'stateRequest (INSTANT)',
];

/** The VDA 5050 state topic of a synthetic robot. */
export function syntheticRobotStateTopic(serial: string): string {
  return `${SYNTHETIC_VDA.interfaceName}/v2/${SYNTHETIC_VDA.manufacturer}/${serial}/state`;
}
