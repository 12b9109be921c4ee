import { CELL_KIND_CODES } from '../../protocol/console/console-messages.ts';
import type { ConsoleLayoutDraft } from '../../protocol/console/console-links.ts';
import { fleetSerials, type GridLayout } from '../../protocol/layout/index.ts';
import type { ControllerOptions } from '../controller-options.ts';

/**
 * The grid as the operator console draws it (`console/layout`): sizes, one kind code per
 * cell in row-major order, ports, chargers, the facility's robots and the VDA 5050 topic
 * levels to find their state under.
 */
export function consoleLayoutDraft(layout: GridLayout, options: Pick<ControllerOptions, 'interfaceName' | 'manufacturer'>, knownSerials: readonly string[] = []): ConsoleLayoutDraft {
  let cellKinds = '';
  for (const kind of layout.cellKinds) cellKinds += CELL_KIND_CODES[kind];
  return {
    name: layout.name,
    columns: { x: layout.columns.x, y: layout.columns.y },
    depth: layout.depth,
    cellSizeM: { x: layout.cellSizeM.x, y: layout.cellSizeM.y },
    binHeightM: layout.binHeightM,
    cellKinds,
    ports: layout.ports.map((p) => ({ id: p.id, x: p.x, y: p.y, mode: p.mode })),
    chargers: layout.chargers.map((c) => ({ id: c.id, x: c.x, y: c.y })),
    robots: layoutRobotSerials(layout, knownSerials),
    vda: { interfaceName: options.interfaceName, manufacturer: options.manufacturer },
  };
}

/** The layout's robots (those the facility starts, then external ones), then any other known serials. */
export function layoutRobotSerials(layout: GridLayout, knownSerials: readonly string[] = []): string[] {
  const serials = fleetSerials(layout);
  const seen = new Set(serials);
  for (const serial of knownSerials) if (!seen.has(serial)) serials.push(serial);
  return serials;
}

/** Bins per column, row-major (index y * columnsX + x), for `console/stacks`. */
export function columnHeights(stacks: { height(x: number, y: number): number }, columnsX: number, columnsY: number): Uint8Array {
  const heights = new Uint8Array(columnsX * columnsY);
  for (let y = 0; y < columnsY; y++) for (let x = 0; x < columnsX; x++) heights[y * columnsX + x] = stacks.height(x, y);
  return heights;
}
