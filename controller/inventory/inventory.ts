import { liftFromColumn, liftFromPort, placeAtPort, placeOnColumn } from './bin-moves.ts';
import { checkConsistency } from './consistency.ts';
import { InventoryError } from './inventory-error.ts';
import { InventoryState } from './inventory-state.ts';
import { loadBin, loadRestoredState, requireGaplessStacks } from './loading.ts';
import { reservationNumber } from './reservations.ts';
import type {
  BinLocation,
  BinPlacement,
  BinState,
  ColumnLocation,
  ContentLine,
  GridDimensions,
  InventoryRestoreState,
  InventorySnapshot,
  QuarantinedBin,
  Reservation,
} from './types.ts';
import { copyContents, isPositiveCount, requireId } from './validation.ts';

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Where every bin of one grid is and what it holds. Pure and synchronous: the durable copy
 * lives in the store (see controller/store/stored-inventory.ts, which writes each change
 * through).
 *
 * Contract: every mutating method validates first and either applies completely or throws an
 * `InventoryError` having changed nothing. Bins only leave and enter a column at the top, so a
 * bin's level never changes while it stays in its column.
 *
 * Sizes: 160,000 bins (100 x 100 x 16) build in a fraction of a second; per-bin queries are
 * O(1) map lookups, per-SKU queries O(1) or O(bins holding the SKU).
 */
export class Inventory {
  readonly columnsX: number;
  readonly columnsY: number;
  readonly depth: number;

  /** Stacks, bins, indexes and reservations (see InventoryState). */
  private readonly state: InventoryState;
  /** Quarantined bins and why: none of their stock is available, nor are they empty bins for putaway. */
  private readonly quarantined = new Map<string, string>();

  /**
   * Builds the inventory of a freshly laid-out grid: every bin in a column. Throws
   * `InventoryError('INCONSISTENT_INPUT')` on a duplicate bin id, a position outside the grid,
   * two bins in one slot, a gap under a bin, or malformed contents.
   */
  constructor(columnsX: number, columnsY: number, depth: number, placements: readonly BinPlacement[]) {
    for (const [name, value] of [
      ['columnsX', columnsX],
      ['columnsY', columnsY],
      ['depth', depth],
    ] as const) {
      if (!isPositiveCount(value)) {
        throw new InventoryError('INCONSISTENT_INPUT', `${name} must be a positive integer, got ${String(value)}`);
      }
    }
    this.columnsX = columnsX;
    this.columnsY = columnsY;
    this.depth = depth;
    this.state = new InventoryState(columnsX, columnsY, depth);
    for (const placement of placements) {
      const location: ColumnLocation = { kind: 'column', x: placement.x, y: placement.y, level: placement.level };
      loadBin(this.state, placement.binId, location, placement.contents);
    }
    requireGaplessStacks(this.state);
  }

  /**
   * Rebuilds an inventory from a stored state, including bins on robots and at ports and the
   * reservations of accepted requests. Throws `INCONSISTENT_INPUT` as the constructor does,
   * and also when a reservation does not fit the stock it holds.
   */
  static restore(dimensions: GridDimensions, state: InventoryRestoreState): Inventory {
    const inventory = new Inventory(dimensions.columnsX, dimensions.columnsY, dimensions.depth, []);
    loadRestoredState(inventory.state, state);
    for (const { binId, reason } of state.quarantined ?? []) inventory.quarantine(binId, reason);
    return inventory;
  }

  get dimensions(): GridDimensions {
    return { columnsX: this.columnsX, columnsY: this.columnsY, depth: this.depth };
  }

  // ---------------------------------------------------------------- bin moves

  /** A robot lifts the top bin of column (x, y). */
  liftFromColumn(binId: string, x: number, y: number, robotSerial: string): void {
    liftFromColumn(this.state, binId, x, y, robotSerial);
  }

  /** A robot sets the bin it carries on top of column (x, y). */
  placeOnColumn(binId: string, x: number, y: number, robotSerial: string): void {
    placeOnColumn(this.state, binId, x, y, robotSerial);
  }

  /** A robot lowers the bin it carries into a port. A port may queue several bins. */
  placeAtPort(binId: string, portId: string, robotSerial: string): void {
    placeAtPort(this.state, binId, portId, robotSerial);
  }

  /** A robot lifts a bin out of a port. */
  liftFromPort(binId: string, portId: string, robotSerial: string): void {
    liftFromPort(this.state, binId, portId, robotSerial);
  }

  // ---------------------------------------------------------------- contents

  /**
   * Adds (`delta` > 0) or removes (`delta` < 0) pieces of one SKU in one bin; returns the new
   * quantity. Never below zero nor below what is reserved in that bin (release or consume the
   * reservation first); taking the last piece removes the line.
   */
  adjustContents(binId: string, sku: string, delta: number): number {
    const entry = this.state.requireBin(binId);
    requireId(sku, 'SKU');
    if (!Number.isSafeInteger(delta) || delta === 0) {
      throw new InventoryError('INVALID_ARGUMENT', `quantity change must be a non-zero integer, got ${String(delta)}`);
    }
    const current = entry.contents.find((line) => line.sku === sku)?.quantity ?? 0;
    const next = current + delta;
    if (next < 0) {
      throw new InventoryError('INSUFFICIENT_STOCK', `bin ${binId} holds ${current} of SKU ${sku}; cannot remove ${-delta}`);
    }
    const reserved = this.state.reservations.reservedInBin(binId, sku);
    if (next < reserved) {
      throw new InventoryError(
        'BELOW_RESERVED',
        `bin ${binId} has ${reserved} of SKU ${sku} reserved; removing ${-delta} of ${current} would leave ${next}`,
      );
    }
    if (!Number.isSafeInteger(next)) {
      throw new InventoryError('INVALID_ARGUMENT', `quantity of SKU ${sku} in bin ${binId} would overflow`);
    }
    this.state.setQuantity(binId, entry, sku, next);
    return next;
  }

  // ---------------------------------------------------------------- reservations

  /**
   * Holds `quantity` pieces of `sku` in `binId` for request `requestId`. At most one
   * reservation per (request, bin, SKU). Returns the new reservation.
   */
  reserve(binId: string, sku: string, quantity: number, requestId: string): Reservation {
    return { ...this.state.reservations.create(binId, sku, quantity, requestId) };
  }

  /**
   * Releases one reservation by id, or every reservation of a request on a bin. Returns the
   * released reservations; throws `UNKNOWN_RESERVATION` if there were none.
   */
  release(reservationId: string): Reservation[];
  release(binId: string, requestId: string): Reservation[];
  release(idOrBinId: string, requestId?: string): Reservation[] {
    const reservations = this.state.reservations;
    const released =
      requestId === undefined
        ? [reservations.get(idOrBinId)].filter((r): r is Reservation => r !== undefined)
        : reservations.ofRequest(requestId).filter((r) => r.binId === idOrBinId);
    if (released.length === 0) {
      throw new InventoryError(
        'UNKNOWN_RESERVATION',
        requestId === undefined
          ? `no reservation ${idOrBinId}`
          : `request ${requestId} holds no reservation in bin ${idOrBinId}`,
      );
    }
    for (const reservation of released) reservations.remove(reservation);
    return released.map((r) => ({ ...r }));
  }

  /** Releases every reservation of a request (cancelled or finished); returns them, maybe none. */
  releaseRequest(requestId: string): Reservation[] {
    const released = this.state.reservations.ofRequest(requestId);
    for (const reservation of released) this.state.reservations.remove(reservation);
    return released.map((r) => ({ ...r }));
  }

  /**
   * The picker took the reserved pieces: removes them from the bin and drops the reservation,
   * as one step. Returns the SKU's new quantity in the bin.
   */
  consumeReservation(reservationId: string): number {
    const reservation = this.state.reservations.get(reservationId);
    if (reservation === undefined) throw new InventoryError('UNKNOWN_RESERVATION', `no reservation ${reservationId}`);
    const entry = this.state.bins.get(reservation.binId)!;
    const current = entry.contents.find((line) => line.sku === reservation.sku)?.quantity ?? 0;
    // A reservation never exceeds the stock it holds (reserve and adjustContents keep it so).
    const next = current - reservation.quantity;
    this.state.reservations.remove(reservation);
    this.state.setQuantity(reservation.binId, entry, reservation.sku, next);
    return next;
  }

  /**
   * Puts a bin's stock lines back as they were (`contents`, in their order) after a store
   * rollback took the change back (StoredInventory); `newSkus`, first known by that change, are
   * unknown again. Reservations are put back with `reinstate`.
   */
  restoreContents(binId: string, contents: readonly ContentLine[], newSkus: readonly string[] = []): void {
    const entry = this.state.requireBin(binId);
    const lines = copyContents(binId, contents, 'INVALID_ARGUMENT');
    for (const sku of new Set([...entry.contents, ...lines].map((line) => line.sku))) {
      this.state.setQuantity(binId, entry, sku, lines.find((line) => line.sku === sku)?.quantity ?? 0);
    }
    entry.contents = lines;
    for (const sku of newSkus) if (!this.state.skuIndex.has(sku)) this.state.knownSkuSet.delete(sku);
  }

  /** Puts back reservations a rolled-back change released, with their ids; checked as on restore. */
  reinstate(reservations: readonly Reservation[]): void {
    for (const reservation of reservations) this.state.reservations.load(reservation);
  }

  reservation(reservationId: string): Reservation | undefined {
    const reservation = this.state.reservations.get(reservationId);
    return reservation === undefined ? undefined : { ...reservation };
  }

  /** All reservations in creation order. */
  reservations(): Reservation[] {
    return this.state.reservations.all().map((r) => ({ ...r }));
  }

  reservationsOfRequest(requestId: string): Reservation[] {
    return this.state.reservations.ofRequest(requestId).map((r) => ({ ...r }));
  }

  /** Pieces of `sku` held in reservations. */
  reserved(sku: string): number {
    return this.state.reservations.reservedOfSku(sku);
  }

  /** Pieces of `sku` in a bin held in reservations. */
  reservedInBin(binId: string, sku: string): number {
    return this.state.reservations.reservedInBin(binId, sku);
  }

  /** Pieces of `sku` in a bin not yet reserved; none in a quarantined bin. */
  availableInBin(binId: string, sku: string): number {
    return this.quarantined.has(binId) ? 0 : this.unreservedInBin(binId, sku);
  }

  /** Stock of `sku` minus what accepted picks have reserved and what stands in quarantined bins. */
  available(sku: string): number {
    let doubtful = 0;
    for (const binId of this.quarantined.keys()) doubtful += this.unreservedInBin(binId, sku);
    return this.stockOf(sku) - this.reserved(sku) - doubtful;
  }

  // ---------------------------------------------------------------- quarantine

  /** Puts a bin in quarantine (see QuarantinedBin); a bin already there keeps its first reason. */
  quarantine(binId: string, reason: string): void {
    this.state.requireBin(binId);
    if (!this.quarantined.has(binId)) this.quarantined.set(binId, reason);
  }

  /** Ends a bin's quarantine; false if it was not in quarantine. */
  clearQuarantine(binId: string): boolean {
    this.state.requireBin(binId);
    return this.quarantined.delete(binId);
  }

  /** Why the bin is in quarantine, or undefined when it is not. */
  quarantineOf(binId: string): string | undefined {
    return this.quarantined.get(binId);
  }

  quarantinedBins(): QuarantinedBin[] {
    return [...this.quarantined].map(([binId, reason]) => ({ binId, reason }));
  }

  private unreservedInBin(binId: string, sku: string): number {
    const entry = this.state.requireBin(binId);
    const held = entry.contents.find((line) => line.sku === sku)?.quantity ?? 0;
    return held - this.state.reservations.reservedInBin(binId, sku);
  }

  // ---------------------------------------------------------------- queries

  has(binId: string): boolean {
    return this.state.bins.has(binId);
  }

  /** Throws `UNKNOWN_BIN` for a bin this grid does not have. */
  location(binId: string): BinLocation {
    return this.state.requireBin(binId).location;
  }

  /** Bin ids of column (x, y) bottom -> top (a copy). */
  stack(x: number, y: number): string[] {
    return [...this.state.requireStack(x, y)];
  }

  height(x: number, y: number): number {
    return this.state.requireStack(x, y).length;
  }

  /** Bins above `binId` in its column (0 = on top); undefined when it is not in a column. */
  depthFromTop(binId: string): number | undefined {
    const location = this.state.requireBin(binId).location;
    if (location.kind !== 'column') return undefined;
    return this.state.stacks[this.state.columnIndex(location.x, location.y)]!.length - 1 - location.level;
  }

  binOnRobot(robotSerial: string): string | undefined {
    return this.state.binByRobot.get(robotSerial);
  }

  /** Bins at a port in arrival order. */
  binsAtPort(portId: string): string[] {
    return [...(this.state.binsByPort.get(portId) ?? [])];
  }

  /** Ids of bins holding `sku`, sorted. */
  binsWithSku(sku: string): string[] {
    return [...(this.state.skuIndex.get(sku) ?? [])].sort(compareCodeUnits);
  }

  /** Pieces of `sku` in all bins wherever they are (reserved pieces included). */
  stockOf(sku: string): number {
    return this.state.stockBySku.get(sku) ?? 0;
  }

  /** True for a SKU any bin has held since the inventory was first built (even if now at 0). */
  knownSku(sku: string): boolean {
    return this.state.knownSkuSet.has(sku);
  }

  knownSkus(): string[] {
    return [...this.state.knownSkuSet].sort(compareCodeUnits);
  }

  /** Whether the bin holds nothing (without copying its contents). */
  isEmpty(binId: string): boolean {
    this.state.requireBin(binId);
    return this.state.emptyBinIds.has(binId);
  }

  /** Stock lines of a bin (a copy). */
  contents(binId: string): ContentLine[] {
    return this.state.requireBin(binId).contents.map((line) => ({ ...line }));
  }

  /** Ids of bins holding nothing and not in quarantine, sorted. */
  emptyBins(): string[] {
    return [...this.emptyBinsUnordered()].sort(compareCodeUnits);
  }

  /** Ids of bins holding nothing and not in quarantine, in no particular order (no sort: for a scan). */
  *emptyBinsUnordered(): IterableIterator<string> {
    for (const binId of this.state.emptyBinIds) if (!this.quarantined.has(binId)) yield binId;
  }

  /** Every bin id, sorted. */
  allBins(): string[] {
    return [...this.state.bins.keys()].sort(compareCodeUnits);
  }

  get binCount(): number {
    return this.state.bins.size;
  }

  snapshot(): InventorySnapshot {
    return {
      dimensions: this.dimensions,
      bins: this.allBins().map((binId) => this.binState(binId)),
      reservations: this.reservations().sort((a, b) => reservationNumber(a) - reservationNumber(b)),
      knownSkus: this.knownSkus(),
    };
  }

  binState(binId: string): BinState {
    const entry = this.state.requireBin(binId);
    return { binId, location: { ...entry.location }, contents: this.contents(binId) };
  }

  /**
   * Recomputes every derived fact from scratch and lists what disagrees (empty = consistent):
   * each bin in exactly one place, stacks gapless and within depth, indexes and stock totals
   * matching contents, reservations within the stock they hold. Used by the invariant checker
   * (DESIGN §5.2); O(bins), so not for every step of a large run.
   */
  checkConsistency(): string[] {
    return checkConsistency(this.state);
  }
}
