/**
 * Test helper: a GridController over a tiny in-memory facility, without a broker or a
 * running control cycle. The layout is 8 x 4 columns, depth 4, one pick port P1 at (0, 0),
 * a charger C1 at (7, 1), no robots, and exactly the bins given (level 0 is the bottom of a column).
 */
import { SimulatedClock } from '../../protocol/clock.ts';
import { generateInventory, parseLayout } from '../../protocol/layout/index.ts';
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

export function tinyController(bins: TinyBin[], options: Partial<ControllerOptions> = {}, commands: RobotCommandPort = { sendOrder() {}, sendInstantActions() {} }): GridController {
  const file = {
    name: 'tiny',
    columns: { x: 8, y: 4 },
    depth: 4,
    ports: [{ ...TINY_PORT, mode: 'pick' }],
    chargers: [{ ...TINY_CHARGER }],
    robots: { count: 0 },
    inventory: { bins: bins.map((b) => ({ id: b.id, x: b.x, y: b.y, level: b.level, contents: b.contents ?? [] })) },
  };
  return controllerOnLayoutFile(file, options, commands);
}

/** A controller over an in-memory store on the layout file given (an object, as in JSON). */
export function controllerOnLayoutFile(file: { name: string } & object, options: Partial<ControllerOptions> = {}, commands: RobotCommandPort = { sendOrder() {}, sendInstantActions() {} }): GridController {
  const parsed = parseLayout(JSON.stringify(file), file.name);
  if (!parsed.ok) throw new Error(`${file.name} layout is invalid:\n${parsed.errors.join('\n')}`);
  const layout = parsed.layout;
  const dimensions = { columnsX: layout.columns.x, columnsY: layout.columns.y, depth: layout.depth };
  const store = new SqliteStore(':memory:', dimensions);
  const inventory = loadOrInitialiseInventory(store, dimensions, () => generateInventory(layout));
  return new GridController(layout, new StoredInventory(inventory, store), new RequestBook(), commands, new SimulatedClock(), defaultControllerOptions(options));
}
