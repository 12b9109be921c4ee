/**
 * Data shapes of the controller's inventory: where each bin is and what it holds.
 * `BinPlacement` matches `protocol/layout`'s type of the same name structurally (the initial
 * inventory of a layout); it is declared here so the inventory does not depend on that file.
 */

/** One stock line of a bin. `quantity` is a count of pieces: a positive safe integer. */
export interface ContentLine {
  sku: string;
  quantity: number;
}

/** A bin in a column at the start: `level` 0 is the bottom of the stack. */
export interface BinPlacement {
  binId: string;
  x: number;
  y: number;
  level: number;
  /** An empty list is an empty bin. The inventory copies what it keeps. */
  contents: readonly ContentLine[];
}

export interface GridDimensions {
  /** Number of columns along x; valid x are 0 .. columnsX - 1. */
  columnsX: number;
  /** Number of columns along y; valid y are 0 .. columnsY - 1. */
  columnsY: number;
  /** Bins a column can hold; valid levels are 0 .. depth - 1 (0 = bottom). */
  depth: number;
}

export interface ColumnLocation {
  readonly kind: 'column';
  readonly x: number;
  readonly y: number;
  /** 0 = bottom of the stack. */
  readonly level: number;
}

export interface RobotLocation {
  readonly kind: 'robot';
  /** VDA 5050 serial number of the robot holding the bin. */
  readonly serial: string;
}

export interface PortLocation {
  readonly kind: 'port';
  readonly portId: string;
}

/** Where a bin is: exactly one of these at any time. */
export type BinLocation = ColumnLocation | RobotLocation | PortLocation;

/** A bin's whole state; what the store persists per bin. */
export interface BinState {
  binId: string;
  location: BinLocation;
  contents: ContentLine[];
}

/**
 * Quantity of one SKU in one bin held for an accepted pick request, so that two requests
 * never count on the same pieces.
 */
export interface Reservation {
  /** `rsv-<n>`, n counting up from 1 per inventory history (restored from the store). */
  reservationId: string;
  binId: string;
  sku: string;
  /** Pieces held; a positive safe integer. */
  quantity: number;
  requestId: string;
}

/** Everything needed to rebuild an inventory, in a deterministic order (JSON-serialisable). */
export interface InventorySnapshot {
  dimensions: GridDimensions;
  /** Sorted by binId (code-unit order). */
  bins: BinState[];
  /** Sorted by reservation number. */
  reservations: Reservation[];
  /** Every SKU this inventory has held, sorted (code-unit order). */
  knownSkus: string[];
}

/** Input to `Inventory.restore`: a state read back from the store. */
export interface InventoryRestoreState {
  bins: readonly BinState[];
  reservations?: readonly Reservation[];
  /** SKUs seen before that may no longer be in any bin (so they stay "known"). */
  knownSkus?: readonly string[];
  /** Bins in quarantine, with why. */
  quarantined?: readonly QuarantinedBin[];
}

/** A bin whose whereabouts or contents are in doubt: offered to no request until an operator clears it. */
export interface QuarantinedBin {
  readonly binId: string;
  readonly reason: string;
}
