import type { GridMap } from '../grid/grid-map.ts';
import type { Inventory } from '../inventory/inventory.ts';
import type { PortZones } from '../ports/port-zones.ts';
import type { ColumnClaims } from './column-claims.ts';

/**
 * Where prepared bins (bin preparation, empty bins staged for inbound) may be set down near a
 * port: within `cells` of it (Manhattan distance, the one rule for "near" everywhere, so a bin
 * set down near counts as prepared and is never moved again), not where robots queue for the
 * port or come and go, and not on an empty bin (a bin staged for inbound would be buried).
 */

/** Whether a prepared bin may be set down on the column (near a port or not). */
export function preparedBinMayGo(inventory: Inventory, grid: GridMap, zones: PortZones, cell: number): boolean {
  if (!grid.isStorage(cell) || zones.zone.has(cell)) return false;
  const { x, y } = grid.cellOf(cell);
  return !topIsEmptyBin(inventory, x, y);
}

/** Whether the column's top bin holds nothing. */
function topIsEmptyBin(inventory: Inventory, x: number, y: number): boolean {
  const stack = inventory.stack(x, y);
  return stack.length > 0 && inventory.isEmpty(stack[stack.length - 1]!);
}

export function nearPort(grid: GridMap, portCell: number, cell: number, cells: number): boolean {
  return grid.manhattan(portCell, cell) <= cells;
}

/** The columns near the port topped by an empty bin (staged for inbound, or there by chance). */
export function stagedEmptyColumns(deps: { grid: GridMap; inventory: Inventory; options: { prepareNearPortCells: number } }, portCell: number): number[] {
  const { grid, inventory } = deps;
  const cells = deps.options.prepareNearPortCells;
  const found: number[] = [];
  forEachCellNear(grid, portCell, cells, (cell, x, y) => {
    if (topIsEmptyBin(inventory, x, y)) found.push(cell);
  });
  return found;
}

/**
 * Columns near the port where a prepared bin may be set down now (room in it, nobody digging
 * it or dropping on it). One per column: a second bin there would bury the first.
 */
export function roomNearPort(deps: { grid: GridMap; inventory: Inventory; zones: PortZones; claims: ColumnClaims }, portCell: number, cells: number): number {
  const { grid, inventory, zones, claims } = deps;
  let room = 0;
  forEachCellNear(grid, portCell, cells, (cell, x, y) => {
    if (!preparedBinMayGo(inventory, grid, zones, cell) || claims.digLockHolder(cell) !== undefined || claims.incomingDrops(cell) > 0) return;
    if (grid.depth - inventory.height(x, y) > 0) room++;
  });
  return room;
}

/** Calls `visit` for each storage cell within `cells` (Manhattan) of the port. */
function forEachCellNear(grid: GridMap, portCell: number, cells: number, visit: (cell: number, x: number, y: number) => void): void {
  const { x: px, y: py } = grid.cellOf(portCell);
  for (let y = Math.max(0, py - cells); y <= Math.min(grid.height - 1, py + cells); y++) {
    for (let x = Math.max(0, px - cells); x <= Math.min(grid.width - 1, px + cells); x++) {
      const cell = grid.index(x, y);
      if (grid.isStorage(cell) && nearPort(grid, portCell, cell, cells)) visit(cell, x, y);
    }
  }
}
