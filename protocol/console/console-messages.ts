import { z } from 'zod';
import { parseWith, type ParseResult } from '../wms/parse-wms-messages.ts';
import { skuQuantitySchema, timestampSchema } from '../wms/common-schemas.ts';

/**
 * Messages between the controller and the operator console (visualizer/). The console also
 * reads the robots' own VDA 5050 state topics, for where each robot is and what it reports;
 * these messages carry what only the controller knows: the grid, the stacks, reservations,
 * jobs, ports, requests, KPIs and alarms, and the answers to the operator's commands. Every
 * message is validated on the way in, in the browser and in the controller alike.
 */

const idSchema = z.string().min(1).max(64);
const cellSchema = z.tuple([z.int().min(0), z.int().min(0)]);
/** A grid cell as [x, y] (column coordinates, integers from 0). */
export type CellXY = z.infer<typeof cellSchema>;

/**
 * Kinds of the grid's cells, one character per cell in row-major order (index y * columns.x + x):
 * `s` storage, `p` port, `c` charger, `b` blocked, `v` service.
 */
export const CELL_KIND_CODES = { storage: 's', port: 'p', charger: 'c', blocked: 'b', service: 'v' } as const;

/** Retained on `console/layout`: the grid the console draws. Sent once at start. */
export const consoleLayoutSchema = z.object({
  site: idSchema,
  timestamp: timestampSchema,
  name: z.string().max(200),
  columns: z.object({ x: z.int().min(1).max(1000), y: z.int().min(1).max(1000) }),
  /** Most bins one column holds. */
  depth: z.int().min(1).max(64),
  /** Cell pitch, metres: a robot's agvPosition (metres) divided by it gives its cell. */
  cellSizeM: z.object({ x: z.number().positive(), y: z.number().positive() }),
  binHeightM: z.number().positive(),
  cellKinds: z.string().regex(/^[spcbv]*$/),
  ports: z.array(z.object({ id: idSchema, x: z.int().min(0), y: z.int().min(0), mode: z.enum(['pick', 'putaway', 'closed']) })),
  chargers: z.array(z.object({ id: idSchema, x: z.int().min(0), y: z.int().min(0) })),
  /** Serial numbers of the facility's robots, as the controller knows them. */
  robots: z.array(idSchema),
  /** VDA 5050 topic levels of the fleet, so the console subscribes to the robots' state. */
  vda: z.object({ interfaceName: idSchema, manufacturer: idSchema }),
});

/**
 * Retained on `console/stacks`: how many bins stand in each column, one byte per column in
 * row-major order, base64. Published at start and whenever stacks change (at most once a second).
 */
export const consoleStacksSchema = z.object({
  site: idSchema,
  timestamp: timestampSchema,
  heightsBase64: z.string().max(1_400_000),
});

const robotErrorSchema = z.object({ errorType: z.string().max(100), errorLevel: z.enum(['WARNING', 'FATAL']), errorDescription: z.string().max(1000).optional() });

/** One robot as the controller sees it. Positions come from the robot's own VDA 5050 state. */
export const consoleRobotSchema = z.object({
  serial: idSchema,
  /** The controller's robot state machine state in one word: `offline`, `fault`, `working` or `idle`. */
  state: z.string().max(64),
  /** Every region of its machine in words, e.g. `connection online, placement placed, …, release none`. */
  machine: z.string().max(400),
  /** The job it runs, in words, or null. */
  job: z.string().max(200).nullable(),
  online: z.boolean(),
  /** Held by an operator's pause (startPause sent), until resumed. */
  paused: z.boolean(),
  /** Sent to service by an operator: takes no work until returned. */
  inService: z.boolean(),
  batteryPercent: z.number().min(0).max(100),
  charging: z.boolean(),
  /** Errors the robot reports. */
  errors: z.array(robotErrorSchema),
  /** Cells the controller holds reserved for it, its own cell first. */
  reservedCells: z.array(cellSchema),
  /** Bin it carries, or null. */
  carrying: idSchema.nullable(),
  /** The actions its factsheet lists, as `type (SCOPES)`; null until a usable factsheet came. */
  capabilities: z.array(z.string().max(200)).max(200).nullable(),
  /** Why it is held in alarm (no work until an operator resumes it), or null. */
  hold: z.string().max(1000).nullable(),
});

export const consolePortSchema = z.object({
  id: idSchema,
  mode: z.enum(['pick', 'putaway', 'closed']),
  /** Open ports take bins; a closed port finishes what it has and takes no more. */
  open: z.boolean(),
  /** Every region of its machine in words, e.g. `mode open, presentation presenting, room full`. */
  machine: z.string().max(200),
  /** Bins at the port or on their way to it, in order; the first is presented. */
  queue: z.array(idSchema),
  presented: idSchema.nullable(),
});

export const consoleRequestSchema = z.object({
  requestId: z.string().min(1).max(128),
  type: z.enum(['pick', 'putaway', 'count']),
  status: z.enum(['queued', 'inProgress', 'completed', 'failed', 'cancelled']),
  /** Progress in words, e.g. "2 of 3 lines picked". */
  progress: z.string().max(200),
  /** Share done, 0..1. */
  fraction: z.number().min(0).max(1),
  acceptedAt: timestampSchema,
});

export const consoleKpisSchema = z.object({
  binsPerPortHour: z.number().min(0),
  /** Share of robot time spent on jobs, 0..1. */
  robotUtilisation: z.number().min(0).max(1),
  openRequests: z.int().min(0),
  completedRequests: z.int().min(0),
  binsPresented: z.int().min(0),
  /** Request time from acceptance to outcome, seconds. */
  requestTimeP50S: z.number().min(0),
  requestTimeP95S: z.number().min(0),
  /** Picks and drops whose loads the robot showed by the bin's id, and those only by a load being there (the vehicle cannot read ids). */
  loadsVerified: z.int().min(0),
  loadsUnverified: z.int().min(0),
  /** Orders with a cut-off (dueTime) that have ended, and the share of them that ended by it (null while none has). */
  ordersWithCutoff: z.int().min(0),
  onTimeShare: z.number().min(0).max(1).nullable(),
});

export const consoleAlarmSchema = z.object({
  /** The alarm's id, for acknowledging it. */
  id: z.int().min(1),
  at: timestampSchema,
  source: z.string().max(100),
  severity: z.enum(['critical', 'warning', 'info']),
  message: z.string().max(2000),
  /** Who acknowledged it, or null while no one has. */
  acknowledgedBy: z.string().max(64).nullable(),
});

/** Retained on `console/state`, every `consoleStatePeriodMs` (default 500 ms of clock time). */
export const consoleStateSchema = z.object({
  site: idSchema,
  timestamp: timestampSchema,
  /** An operator's emergency stop of every robot is in force. */
  emergencyStop: z.boolean(),
  robots: z.array(consoleRobotSchema),
  ports: z.array(consolePortSchema),
  /** Cells an operator blocked: robots plan around them. */
  blockedCells: z.array(cellSchema),
  /** Bins whose whereabouts are in doubt, offered to no request until an operator clears them. */
  quarantinedBins: z.array(z.object({ binId: idSchema, reason: z.string().max(1000) })).max(1000),
  kpis: consoleKpisSchema,
  /** Open requests and the most recently finished ones (at most 200). */
  requests: z.array(consoleRequestSchema).max(200),
  /** The latest alarms, newest last (at most 100). */
  alarms: z.array(consoleAlarmSchema).max(100),
});

/** An operator's command on `console/command/{user}` (the user logged in); each gets exactly one reply. */
export const consoleCommandSchema = z.discriminatedUnion('type', [
  z.object({ commandId: idSchema, type: z.literal('emergencyStopAll') }),
  z.object({ commandId: idSchema, type: z.literal('resumeAll') }),
  z.object({ commandId: idSchema, type: z.literal('pauseRobot'), serial: idSchema }),
  z.object({ commandId: idSchema, type: z.literal('resumeRobot'), serial: idSchema }),
  z.object({ commandId: idSchema, type: z.literal('sendToService'), serial: idSchema }),
  z.object({ commandId: idSchema, type: z.literal('returnFromService'), serial: idSchema }),
  z.object({ commandId: idSchema, type: z.literal('openPort'), portId: idSchema }),
  z.object({ commandId: idSchema, type: z.literal('closePort'), portId: idSchema }),
  z.object({ commandId: idSchema, type: z.literal('blockCell'), x: z.int().min(0), y: z.int().min(0) }),
  z.object({ commandId: idSchema, type: z.literal('unblockCell'), x: z.int().min(0), y: z.int().min(0) }),
  z.object({ commandId: idSchema, type: z.literal('queryColumn'), x: z.int().min(0), y: z.int().min(0) }),
  z.object({ commandId: idSchema, type: z.literal('clearQuarantine'), binId: idSchema }),
  z.object({ commandId: idSchema, type: z.literal('acknowledgeAlarm'), alarmId: z.int().min(1) }),
]);

/** A column's bins, bottom first, for `queryColumn`. */
export const columnDetailSchema = z.object({
  x: z.int().min(0),
  y: z.int().min(0),
  bins: z.array(z.object({ binId: idSchema, level: z.int().min(0), contents: z.array(skuQuantitySchema) })),
});

/**
 * One robot's outcome of an emergency stop, a pause or their end, as its own state showed it:
 * confirmed (in `afterMs` of clock time), not confirmed (no state showed it in time, or the robot
 * refused), or not supported (its factsheet lists no action to ask it with).
 */
export const robotStopOutcomeSchema = z.object({
  serial: idSchema,
  outcome: z.enum(['confirmed', 'notConfirmed', 'notSupported']),
  afterMs: z.number().min(0).optional(),
  /** How it was asked, and why it was not confirmed. */
  detail: z.string().max(1000),
});

/**
 * The reply on `console/reply/{user}` to one command: `ok` with what was done, or not with a code and
 * a reason a person understands (INTERNAL_ERROR: the controller failed on it, not the
 * operator). `column` answers `queryColumn`. An emergency stop, a pause and
 * their ends are answered once every robot confirmed or its time ran out, with `robots`.
 */
export const consoleReplySchema = z.object({
  commandId: z.string().max(64),
  ok: z.boolean(),
  code: z.enum(['OK', 'INVALID_COMMAND', 'UNKNOWN_ROBOT', 'UNKNOWN_PORT', 'UNKNOWN_BIN', 'UNKNOWN_ALARM', 'OUTSIDE_GRID', 'NOT_ALLOWED', 'INTERNAL_ERROR']),
  message: z.string().max(2000),
  column: columnDetailSchema.optional(),
  robots: z.array(robotStopOutcomeSchema).max(100_000).optional(),
  timestamp: timestampSchema,
});

export type ConsoleLayout = z.infer<typeof consoleLayoutSchema>;
export type ConsoleStacks = z.infer<typeof consoleStacksSchema>;
export type ConsoleRobot = z.infer<typeof consoleRobotSchema>;
export type ConsolePort = z.infer<typeof consolePortSchema>;
export type ConsoleRequest = z.infer<typeof consoleRequestSchema>;
export type ConsoleKpis = z.infer<typeof consoleKpisSchema>;
export type ConsoleAlarm = z.infer<typeof consoleAlarmSchema>;
export type ConsoleState = z.infer<typeof consoleStateSchema>;
export type ConsoleCommand = z.infer<typeof consoleCommandSchema>;
export type ConsoleCommandType = ConsoleCommand['type'];
export type ColumnDetail = z.infer<typeof columnDetailSchema>;
export type ConsoleReply = z.infer<typeof consoleReplySchema>;
export type RobotStopOutcome = z.infer<typeof robotStopOutcomeSchema>;

/** Largest console message accepted, bytes of UTF-8 (the state of 1,000 robots fits). */
export const MAX_CONSOLE_MESSAGE_BYTES = 4 * 1024 * 1024;

export const parseConsoleLayout = (text: string): ParseResult<ConsoleLayout> => parseBounded(consoleLayoutSchema, text, 'layout');
export const parseConsoleStacks = (text: string): ParseResult<ConsoleStacks> => parseBounded(consoleStacksSchema, text, 'stacks');
export const parseConsoleState = (text: string): ParseResult<ConsoleState> => parseBounded(consoleStateSchema, text, 'state');
export const parseConsoleCommand = (text: string): ParseResult<ConsoleCommand> => parseBounded(consoleCommandSchema, text, 'command');
export const parseConsoleReply = (text: string): ParseResult<ConsoleReply> => parseBounded(consoleReplySchema, text, 'reply');

function parseBounded<T>(schema: z.ZodType<T>, text: string, what: string): ParseResult<T> {
  const bytes = utf8Length(text);
  if (bytes > MAX_CONSOLE_MESSAGE_BYTES) return { ok: false, errors: [`${what} is ${bytes} bytes; the limit is ${MAX_CONSOLE_MESSAGE_BYTES} bytes`] };
  return parseWith(schema, text, what);
}

/** UTF-8 length without Node's Buffer, so the browser console shares this code. */
export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** Column heights (bins per column, row-major) to and from the stacks message's base64. */
export function encodeHeights(heights: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < heights.length; i += 0x8000) binary += String.fromCharCode(...heights.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function decodeHeights(base64: string): Uint8Array | undefined {
  let binary: string;
  try {
    binary = atob(base64);
  } catch {
    return undefined;
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
