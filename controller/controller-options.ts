import { MAX_QUANTITY_UNITS } from '../protocol/wms/common-schemas.ts';

/**
 * Every tunable of the controller, with its default and unit, in one place (the aedes
 * `defaultOptions` habit). Parts of the controller receive the resolved object.
 */
export interface ControllerOptions {
  /** Site name in WMS and console topics (`gridline/v1/{site}/…`). */
  site: string;
  /** VDA 5050 interface name and manufacturer of the fleet (topic levels 1 and 3). */
  interfaceName: string;
  manufacturer: string;
  /** VDA 5050 map id for the grid's node positions. */
  mapId: string;
  /** Period of the control loop (allocation, one traffic planning step), clock milliseconds. */
  tickMs: number;
  /**
   * At start, no robot is given a job or a cell until every robot of the layout has reported
   * where it stands (a robot not yet heard from may stand on any cell), or this long has
   * passed since start; then the controller goes on without the missing ones and raises an
   * alarm naming them. Clock milliseconds; 0 commands each robot as soon as it reports.
   */
  fleetWaitMs: number;
  /** Cells ahead of its position a robot may hold (released as VDA 5050 base). */
  lookaheadCells: number;
  /** A robot that waits this long for its next cell gets a detour around held cells, ms. */
  detourAfterMs: number;
  /** A robot booked to follow another into its cell gives up after this long, ms. */
  bookingTimeoutMs: number;
  /** Detour maps computed per control cycle at most (each is one search of the grid). */
  detoursPerCycle: number;
  /** New distance maps (one search of the grid per goal) per control cycle at most. */
  newDistanceMapsPerCycle: number;
  /** Memory for cached distance maps, bytes (one map: 2 bytes per drivable cell). */
  distanceMapBytes: number;
  /** Bins a port takes at once: presented, queued, waiting to be taken back, and on their way to it. */
  portCapacityBins: number;
  /** Retrievals heading to one port at once (more would only queue robots at the port). */
  retrievalsInFlightPerPort: number;
  /** Moves a path pays extra for passing through a port's cell (robots work there). */
  portThroughCostMoves: number;
  /** A robot with a bin for a full port waits within this many cells of it… */
  stagingDistanceCells: number;
  /** …and no nearer than this. */
  stagingMinCells: number;
  /**
   * Idle robots leave, and do not park, within this many cells of a port with a lane (at least
   * `stagingDistanceCells`): robots bringing bins converge there, and on a crowded grid every
   * idle robot in their way is one more to push aside.
   */
  idleClearDistanceCells: number;
  /**
   * A robot bringing a bin to a port takes a bin back from it in the same visit: bins confirmed
   * at the port wait for a robot bringing one that is this near (cells), and a robot that has
   * dropped its bin waits on the port's cell for the bin being picked unless another is this near.
   */
  takeBackNearCells: number;
  /** The longest a bin waits for a robot bringing one, or a robot waits for a bin, as above, ms. */
  takeBackWaitMs: number;
  /** Idle robots that may help one retrieval dig (lifting blockers off its column). */
  digHelpersPerRetrieval: number;
  /**
   * Robots left out of retrievals when counting how many may run at once (unless the port has
   * room for the bin anyway), so that bins at full ports always get taken back.
   */
  robotsKeptForReturns: number;
  /**
   * Bin preparation (PrepareJob): the queued retrievals per port, next to start first, whose
   * bins free robots dig up and bring near the port ahead of time; 0 turns it off.
   */
  prepareLookAhead: number;
  /** A bin on top of a column within this many cells of its port (Manhattan distance) needs no preparation. */
  prepareNearPortCells: number;
  /**
   * Empty bins kept staged for each putaway port that takes visits: on top of a column within
   * `prepareNearPortCells` of it, moved there by free robots (PrepareJob), so an inbound putaway
   * gets its bin in a short lift and drive; 0 turns it off.
   */
  stagedEmptyBinsPerPutawayPort: number;
  /** Below this many available units a SKU is low (a `low` stock event), unless `lowStockUnitsBySku` names it. */
  lowStockUnits: number;
  /** Low-stock thresholds of particular SKUs, units. */
  lowStockUnitsBySku: Readonly<Record<string, number>>;
  /** A drop the robot reports failed is tried on another column this many times in all. */
  maxDropAttempts: number;
  /** An idle robot whose battery is below this goes to charge, percent. */
  chargeBelowPercent: number;
  /** Below this a robot takes no new work, only a charger, percent. */
  chargeCriticalPercent: number;
  /** A charging robot is released for work at this charge, percent. */
  chargeUntilPercent: number;
  /** Largest WMS payload accepted, bytes. */
  maxWmsPayloadBytes: number;
  /**
   * Most units of one SKU a bin may hold after a putaway (a putaway over it is rejected with
   * BIN_CAPACITY_EXCEEDED), units; 1 to 1,000,000,000. New putaways then keep every stock sum
   * far below 2^53 (bins written before the limit are checked when a reply is built).
   */
  maxUnitsPerBin: number;
  /** Requests one WMS client may send on average (a token bucket per clientId), per second of clock time. */
  wmsRequestsPerSecond: number;
  /** Requests one WMS client may send at once after a quiet spell (the bucket's size), requests. */
  wmsRequestBurst: number;
  /** Weight of a bin's depth (bins above it) against its distance to the port, in cells. */
  depthWeightCells: number;
  /** SKUs in the top share of requests are "popular" for slotting (0..1). */
  popularSkuShare: number;
  /** Period of the operator console's state message (robots, ports, requests, KPIs), clock ms. */
  consoleStatePeriodMs: number;
  /**
   * An order or order update not shown taken by the robot's state within this long is
   * withdrawn, like one it refused (VDA 5050 gives no limit; a robot answers within a state
   * interval). Clock ms. This and the limits below up to factsheetWaitMs wait on the network
   * (NETWORK_WAIT_OPTIONS): a composition that runs the clock faster than real time scales them.
   */
  orderAckTimeoutMs: number;
  /** An emergency stop, pause or resume not shown by a robot's state within this long is "not confirmed", clock ms. */
  stopConfirmTimeoutMs: number;
  /** A robot with no state for this long, or three of its own state intervals if longer, is treated as lost, clock ms. */
  robotSilentMs: number;
  /** A robot's reported position may lag its top speed by this much (states arrive late and bunched), clock ms. */
  motionSlackMs: number;
  /** A robot asked for its factsheet that sends none within this long is raised, clock ms. */
  factsheetWaitMs: number;
  /** Top speed assumed for a robot whose factsheet has not come, m/s (only to judge its reported moves). */
  assumedMaxSpeedMps: number;
}

/** The options that wait on the network, which a sped-up clock scales (see orderAckTimeoutMs). */
export const NETWORK_WAIT_OPTIONS = ['orderAckTimeoutMs', 'stopConfirmTimeoutMs', 'robotSilentMs', 'motionSlackMs', 'factsheetWaitMs'] as const;

/** Largest `maxUnitsPerBin` accepted: a billion units a bin keeps any facility's stock sums far below 2^53, units. */
const MAX_UNITS_PER_BIN_CEILING = 1_000_000_000;

export function defaultControllerOptions(overrides: Partial<ControllerOptions> = {}): ControllerOptions {
  const options = withDefaults(overrides);
  // The limits at the WMS edge are the site's defence: a bad one must stop the start, not open the edge.
  if (!Number.isInteger(options.maxUnitsPerBin) || options.maxUnitsPerBin < 1 || options.maxUnitsPerBin > MAX_UNITS_PER_BIN_CEILING) {
    throw new RangeError(`maxUnitsPerBin must be an integer from 1 to ${MAX_UNITS_PER_BIN_CEILING}, got ${options.maxUnitsPerBin}`);
  }
  if (!(options.wmsRequestsPerSecond > 0) || !Number.isFinite(options.wmsRequestsPerSecond)) throw new RangeError(`wmsRequestsPerSecond must be a number > 0, got ${options.wmsRequestsPerSecond}`);
  if (!Number.isInteger(options.wmsRequestBurst) || options.wmsRequestBurst < 1) throw new RangeError(`wmsRequestBurst must be an integer >= 1, got ${options.wmsRequestBurst}`);
  return options;
}

function withDefaults(overrides: Partial<ControllerOptions>): ControllerOptions {
  return {
    site: 'demo',
    interfaceName: 'uagv',
    manufacturer: 'gridline',
    mapId: 'grid',
    tickMs: 250, // 4 control cycles per second
    fleetWaitMs: 120_000, // 2 min: robots coming online one by one after a restart
    lookaheadCells: 4,
    detourAfterMs: 2_000, // 2 s
    bookingTimeoutMs: 30_000, // 30 s: far longer than a lift, short enough to undo a stuck chain
    detoursPerCycle: 20,
    newDistanceMapsPerCycle: 50,
    distanceMapBytes: 64 * 1024 * 1024, // 64 MiB: 3,300 maps of a 100 x 100 grid
    portCapacityBins: 3,
    retrievalsInFlightPerPort: 4,
    portThroughCostMoves: 6,
    stagingDistanceCells: 6,
    stagingMinCells: 3,
    idleClearDistanceCells: 6,
    takeBackNearCells: 5,
    takeBackWaitMs: 15_000, // 15 s: about two pickings at a port
    digHelpersPerRetrieval: 1,
    robotsKeptForReturns: 1,
    prepareLookAhead: 1, // measured against 0, 2 and 4 with bench:grid and bench:scenario: the best throughput and request times
    prepareNearPortCells: 8,
    stagedEmptyBinsPerPutawayPort: 2,
    lowStockUnits: 5,
    lowStockUnitsBySku: {},
    maxDropAttempts: 3,
    chargeBelowPercent: 25,
    chargeCriticalPercent: 10,
    chargeUntilPercent: 90,
    maxWmsPayloadBytes: 64 * 1024, // 64 KiB
    maxUnitsPerBin: MAX_QUANTITY_UNITS, // 1,000,000: one putaway of the largest quantity fills an empty bin
    wmsRequestsPerSecond: 20, // far above a site's order intake; a client in a loop is held back
    wmsRequestBurst: 100, // a wave of orders released at once
    depthWeightCells: 6, // lifting off one blocker costs about as much as driving 6 cells
    popularSkuShare: 0.2,
    consoleStatePeriodMs: 500, // twice a second: smooth enough for a person watching
    orderAckTimeoutMs: 2_000, // 2 s
    stopConfirmTimeoutMs: 2_000, // 2 s
    robotSilentMs: 10_000, // 10 s: ten of a Gridline robot's state periods
    motionSlackMs: 1_000, // 1 s
    factsheetWaitMs: 10_000, // 10 s
    assumedMaxSpeedMps: 5, // faster than any grid robot: a jump beyond it is no drive
    ...overrides,
  };
}
