/**
 * Test helper: a GridController over a tiny in-memory facility, without a broker or a
 * running control cycle. The layout is 8 x 4 columns, depth 4, one pick port P1 at (0, 0),
 * a charger C1 at (7, 1), exactly the bins given (level 0 is the bottom of a column), and
 * external robots TINY_ROBOTS (R1, R2, R3): Gridline's own vehicle type, whose factsheets the
 * controller already has. It waits for no robot at start (fleetWaitMs 0) unless told to.
 */
import { SimulatedClock } from '../../protocol/clock.ts';
import { generateInventory, parseLayout } from '../../protocol/layout/index.ts';
import { buildFactsheet } from '../../protocol/vda5050/grid-factsheet.ts';
import type { Factsheet } from '../../protocol/vda5050/types.ts';
import { defaultControllerOptions, type ControllerOptions } from '../controller-options.ts';
import { GridController, type RobotCommandPort } from '../grid-controller.ts';
import { RequestBook } from '../requests/request-book.ts';
import { SqliteStore } from '../store/sqlite-store.ts';
import { loadOrInitialiseInventory, StoredInventory } from '../store/stored-inventory.ts';

export interface TinyBin {
  id: string;
  x: number;
  y: number;
  level: number;
  contents?: { sku: string; quantity: number }[];
}

export const TINY_PORT = { id: 'P1', x: 0, y: 0 } as const;
export const TINY_CHARGER = { id: 'C1', x: 7, y: 1 } as const;
export const TINY_ROBOTS = ['R1', 'R2', 'R3'] as const;

const NO_COMMANDS: RobotCommandPort = { sendOrder() {}, sendInstantActions() {} };

export function tinyController(bins: TinyBin[], options: Partial<ControllerOptions> = {}, commands: RobotCommandPort = NO_COMMANDS, clock = new SimulatedClock()): GridController {
  const file = {
    name: 'tiny',
    columns: { x: 8, y: 4 },
    depth: 4,
    ports: [{ ...TINY_PORT, mode: 'pick' }],
    chargers: [{ ...TINY_CHARGER }],
    robots: { count: 0 },
    externalRobots: TINY_ROBOTS.map((serialNumber) => ({ serialNumber })),
    inventory: { bins: bins.map((b) => ({ id: b.id, x: b.x, y: b.y, level: b.level, contents: b.contents ?? [] })) },
  };
  return controllerOnLayoutFile(file, options, commands, clock);
}

/**
 * A controller over an in-memory store on the layout file given (an object, as in JSON). The
 * factsheet of every robot of the layout is handed to it as if each robot had sent its own.
 */
export function controllerOnLayoutFile(
  file: { name: string } & object,
  options: Partial<ControllerOptions> = {},
  commands: RobotCommandPort = NO_COMMANDS,
  clock = new SimulatedClock(),
): GridController {
  const parsed = parseLayout(JSON.stringify(file), file.name);
  if (!parsed.ok) throw new Error(`${file.name} layout is invalid:\n${parsed.errors.join('\n')}`);
  const layout = parsed.layout;
  const dimensions = { columnsX: layout.columns.x, columnsY: layout.columns.y, depth: layout.depth };
  const store = new SqliteStore(':memory:', dimensions);
  const inventory = loadOrInitialiseInventory(store, dimensions, () => generateInventory(layout));
  const controller = new GridController(layout, new StoredInventory(inventory, store), new RequestBook(), commands, clock, defaultControllerOptions({ fleetWaitMs: 0, ...options }));
  for (const serial of [...(layout.robots.placed?.map((r) => r.serialNumber) ?? []), ...layout.robots.external.map((r) => r.serialNumber)]) {
    controller.edge.onFactsheet(serial, gridlineFactsheet(serial));
  }
  return controller;
}

/** The factsheet a Gridline robot publishes (grid-factsheet.ts), with its header. */
export function gridlineFactsheet(serialNumber: string): Factsheet {
  const body = buildFactsheet(
    { cellSizeXM: 0.7, cellSizeYM: 0.5, maxSpeedMps: 3.1, accelerationMps2: 2, binHeightM: 0.33 },
    { depth: 4, statePeriodMs: 1000 },
    { seriesName: 'gridline-test', seriesDescription: 'a Gridline robot in a test' },
  );
  return { headerId: 0, timestamp: '2026-01-01T00:00:00.000Z', version: '2.0.0', manufacturer: 'gridline', serialNumber, ...body };
}
