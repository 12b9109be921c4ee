/**
 * The resolved grid layout: what a parsed layout file means, with every default filled in
 * and every cell's kind known. Produced only by `parseLayout`, which has checked the
 * cross-field rules, so holders of a GridLayout may rely on them (everything inside the grid,
 * one feature per cell, unique ids, robot starts and bins on allowed cells).
 *
 * Coordinates: columns at integer (x, y), 0-based, 0 <= x < columns.x, 0 <= y < columns.y.
 * Stack levels: level 0 is the bottom of a column; a column of height h holds levels
 * 0..h-1, so the bin at level l is (h - 1 - l) bins below the top.
 */
import type { VehicleProfile } from '../vda5050/vehicle-profile.ts';

export type CellKind = 'storage' | 'port' | 'charger' | 'blocked' | 'service';

export type PortMode = 'pick' | 'putaway' | 'closed';

export interface GridCell {
  readonly x: number;
  readonly y: number;
}

export interface PortSpec extends GridCell {
  readonly id: string;
  readonly mode: PortMode;
}

export interface ChargerSpec extends GridCell {
  readonly id: string;
}

export interface RobotStart extends GridCell {
  readonly serialNumber: string;
  /** Name of its entry in `GridLayout.vehicleTypes`; Gridline's own profile when absent. */
  readonly vehicleType?: string;
}

/** A robot of the fleet that the facility does not start: it connects on its own and reports where it stands. */
export interface ExternalRobot {
  readonly serialNumber: string;
  readonly vehicleType?: string;
}

/**
 * Robots of the facility: a count (start cells chosen by `robotStartCells`) or a placed list,
 * which the facility starts, and external robots, which it does not. The controller knows
 * them all (`fleetSerials`) and believes no other serial number.
 */
export interface RobotsSpec {
  readonly count: number;
  /** Start cells given in the file, or null when only a count was given. */
  readonly placed: readonly RobotStart[] | null;
  /** Vehicle type of the counted robots (with `count`); Gridline's own profile when absent. */
  readonly vehicleType?: string;
  readonly external: readonly ExternalRobot[];
}

export interface BinContent {
  readonly sku: string;
  /** Units of the SKU in the bin, >= 1. */
  readonly quantity: number;
}

export interface BinPlacement {
  readonly binId: string;
  readonly x: number;
  readonly y: number;
  /** 0 is the bottom of the column. */
  readonly level: number;
  /** Empty for an empty bin (available for putaway). */
  readonly contents: readonly BinContent[];
}

/** Parameters of the deterministic inventory generator (see generate-inventory.ts). */
export interface InventoryGenerator {
  readonly seed: number | string;
  /** Share of the storage capacity (storage cells x depth) holding a bin, 0..1. */
  readonly fillRatio: number;
  /** Number of distinct SKUs (SKU-00001 ... ). */
  readonly skuCount: number;
  /**
   * Most bins any one SKU occupies (the head of the popularity curve). When the non-empty bins
   * (nonEmpty) would not fit under this cap, the generator raises it to ceil(nonEmpty / skuCount).
   */
  readonly binsPerSku: number;
  /** Share of the bins that are empty, 0..1. */
  readonly emptyBinRatio: number;
}

export type InventorySpec =
  | { readonly kind: 'generator'; readonly generator: InventoryGenerator }
  | { readonly kind: 'bins'; readonly bins: readonly BinPlacement[] };

export interface GridLayout {
  readonly name: string;
  /** Number of columns along x and along y. */
  readonly columns: { readonly x: number; readonly y: number };
  /** Most bins one column holds. */
  readonly depth: number;
  /** Cell pitch in metres along x and y. */
  readonly cellSizeM: { readonly x: number; readonly y: number };
  /** Height of one bin in metres. */
  readonly binHeightM: number;
  /** Kind of every cell, row-major: index y * columns.x + x. Use `cellKind` to read it. */
  readonly cellKinds: readonly CellKind[];
  /** Blocked cells with rectangles expanded, in file order. */
  readonly blocked: readonly GridCell[];
  readonly ports: readonly PortSpec[];
  readonly chargers: readonly ChargerSpec[];
  readonly service: readonly GridCell[];
  readonly robots: RobotsSpec;
  /** Vehicle profiles by vehicle type name (see protocol/vda5050/VEHICLE-PROFILE.md). */
  readonly vehicleTypes: Readonly<Record<string, VehicleProfile>>;
  readonly inventory: InventorySpec;
}

export const DEFAULT_CELL_SIZE_M = { x: 0.7, y: 0.5 } as const;
export const DEFAULT_BIN_HEIGHT_M = 0.33;
export const DEFAULT_BINS_PER_SKU = 40;
export const DEFAULT_EMPTY_BIN_RATIO = 0.1;
export const MAX_DEPTH = 64;

export function isInsideGrid(layout: Pick<GridLayout, 'columns'>, x: number, y: number): boolean {
  return Number.isInteger(x) && Number.isInteger(y) && x >= 0 && y >= 0 && x < layout.columns.x && y < layout.columns.y;
}

/** Kind of the cell at (x, y); throws for a cell outside the grid (a programming mistake). */
export function cellKind(layout: GridLayout, x: number, y: number): CellKind {
  if (!isInsideGrid(layout, x, y)) {
    throw new RangeError(`cell (${x}, ${y}) is outside the ${layout.columns.x} x ${layout.columns.y} grid`);
  }
  return layout.cellKinds[y * layout.columns.x + x]!;
}

/** Every cell of the given kind, row-major (y, then x). */
export function cellsOfKind(layout: GridLayout, kind: CellKind): GridCell[] {
  const cells: GridCell[] = [];
  for (let y = 0; y < layout.columns.y; y++) {
    for (let x = 0; x < layout.columns.x; x++) if (layout.cellKinds[y * layout.columns.x + x] === kind) cells.push({ x, y });
  }
  return cells;
}
