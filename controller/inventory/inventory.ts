import { InventoryError } from './inventory-error.ts';
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
import { copyContents, isNonEmptyString, isPositiveCount, requireId } from './validation.ts';

interface BinEntry {
  location: BinLocation;
  /** Replaced, never mutated, so a copy handed out cannot go stale under the caller. */
  contents: readonly ContentLine[];
}

const RESERVATION_PREFIX = 'rsv-';

/** Separator for (binId, sku) keys; a NUL cannot appear in ids that went through JSON/MQTT text. */
function binSkuKey(binId: string, sku: string): string {
  return `${binId}\u0000${sku}`;
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function describe(location: BinLocation): string {
  switch (location.kind) {
    case 'column':
      return `column (${location.x}, ${location.y}) level ${location.level}`;
    case 'robot':
      return `robot ${location.serial}`;
    case 'port':
      return `port ${location.portId}`;
  }
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

  /** Indexed by `y * columnsX + x`; each stack lists bin ids bottom -> top. */
  private readonly stacks: string[][];
  private readonly bins = new Map<string, BinEntry>();
  private readonly binByRobot = new Map<string, string>();
  /** Per port, the bins there in arrival order. */
  private readonly binsByPort = new Map<string, Set<string>>();
  /** sku -> ids of bins holding a positive quantity of it. */
  private readonly skuIndex = new Map<string, Set<string>>();
  private readonly stockBySku = new Map<string, number>();
  private readonly knownSkuSet = new Set<string>();
  private readonly emptyBinIds = new Set<string>();

  private readonly reservationsById = new Map<string, Reservation>();
  private readonly reservedBySku = new Map<string, number>();
  private readonly reservedByBinSku = new Map<string, number>();
  private readonly reservationIdsByRequest = new Map<string, Set<string>>();
  private nextReservationNumber = 1;
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
    this.stacks = Array.from({ length: columnsX * columnsY }, () => []);
    for (const placement of placements) {
      const location: ColumnLocation = { kind: 'column', x: placement.x, y: placement.y, level: placement.level };
      this.loadBin(placement.binId, location, placement.contents);
    }
    this.requireGaplessStacks();
  }

  /**
   * Rebuilds an inventory from a stored state, including bins on robots and at ports and the
   * reservations of accepted requests. Throws `INCONSISTENT_INPUT` as the constructor does,
   * and also when a reservation does not fit the stock it holds.
   */
  static restore(dimensions: GridDimensions, state: InventoryRestoreState): Inventory {
    const inventory = new Inventory(dimensions.columnsX, dimensions.columnsY, dimensions.depth, []);
    for (const bin of state.bins) inventory.loadBin(bin.binId, bin.location, bin.contents);
    inventory.requireGaplessStacks();
    for (const sku of state.knownSkus ?? []) {
      if (!isNonEmptyString(sku)) throw new InventoryError('INCONSISTENT_INPUT', 'a known SKU is not a non-empty string');
      inventory.knownSkuSet.add(sku);
    }
    for (const reservation of state.reservations ?? []) inventory.loadReservation(reservation);
    for (const { binId, reason } of state.quarantined ?? []) inventory.quarantine(binId, reason);
    return inventory;
  }

  get dimensions(): GridDimensions {
    return { columnsX: this.columnsX, columnsY: this.columnsY, depth: this.depth };
  }

  // ---------------------------------------------------------------- bin moves

  /** A robot lifts the top bin of column (x, y). */
  liftFromColumn(binId: string, x: number, y: number, robotSerial: string): void {
    const entry = this.requireBin(binId);
    requireId(robotSerial, 'robot serial');
    const stack = this.requireStack(x, y);
    const location = entry.location;
    if (location.kind !== 'column' || location.x !== x || location.y !== y) {
      throw new InventoryError('BIN_NOT_IN_COLUMN', `bin ${binId} is not in column (${x}, ${y}); it is at ${describe(location)}`);
    }
    if (stack[stack.length - 1] !== binId) {
      throw new InventoryError(
        'BIN_NOT_ON_TOP',
        `bin ${binId} in column (${x}, ${y}) has ${stack.length - 1 - location.level} bin(s) on top of it`,
      );
    }
    this.requireRobotFree(robotSerial);
    stack.pop();
    this.setOnRobot(binId, entry, robotSerial);
  }

  /** A robot sets the bin it carries on top of column (x, y). */
  placeOnColumn(binId: string, x: number, y: number, robotSerial: string): void {
    const entry = this.requireBin(binId);
    this.requireOnRobot(binId, entry, robotSerial);
    const stack = this.requireStack(x, y);
    if (stack.length >= this.depth) {
      throw new InventoryError('COLUMN_FULL', `column (${x}, ${y}) already holds ${stack.length} of ${this.depth} bins`);
    }
    this.binByRobot.delete(robotSerial);
    entry.location = { kind: 'column', x, y, level: stack.length };
    stack.push(binId);
  }

  /** A robot lowers the bin it carries into a port. A port may queue several bins. */
  placeAtPort(binId: string, portId: string, robotSerial: string): void {
    const entry = this.requireBin(binId);
    requireId(portId, 'port id');
    this.requireOnRobot(binId, entry, robotSerial);
    this.binByRobot.delete(robotSerial);
    entry.location = { kind: 'port', portId };
    let atPort = this.binsByPort.get(portId);
    if (atPort === undefined) this.binsByPort.set(portId, (atPort = new Set()));
    atPort.add(binId);
  }

  /** A robot lifts a bin out of a port. */
  liftFromPort(binId: string, portId: string, robotSerial: string): void {
    const entry = this.requireBin(binId);
    requireId(portId, 'port id');
    requireId(robotSerial, 'robot serial');
    if (entry.location.kind !== 'port' || entry.location.portId !== portId) {
      throw new InventoryError('BIN_NOT_AT_PORT', `bin ${binId} is not at port ${portId}; it is at ${describe(entry.location)}`);
    }
    this.requireRobotFree(robotSerial);
    const atPort = this.binsByPort.get(portId)!;
    atPort.delete(binId);
    if (atPort.size === 0) this.binsByPort.delete(portId);
    this.setOnRobot(binId, entry, robotSerial);
  }

  // ---------------------------------------------------------------- contents

  /**
   * Adds (`delta` > 0) or removes (`delta` < 0) pieces of one SKU in one bin; returns the new
   * quantity. Never below zero nor below what is reserved in that bin (release or consume the
   * reservation first); taking the last piece removes the line.
   */
  adjustContents(binId: string, sku: string, delta: number): number {
    const entry = this.requireBin(binId);
    requireId(sku, 'SKU');
    if (!Number.isSafeInteger(delta) || delta === 0) {
      throw new InventoryError('INVALID_ARGUMENT', `quantity change must be a non-zero integer, got ${String(delta)}`);
    }
    const current = entry.contents.find((line) => line.sku === sku)?.quantity ?? 0;
    const next = current + delta;
    if (next < 0) {
      throw new InventoryError('INSUFFICIENT_STOCK', `bin ${binId} holds ${current} of SKU ${sku}; cannot remove ${-delta}`);
    }
    const reserved = this.reservedByBinSku.get(binSkuKey(binId, sku)) ?? 0;
    if (next < reserved) {
      throw new InventoryError(
        'BELOW_RESERVED',
        `bin ${binId} has ${reserved} of SKU ${sku} reserved; removing ${-delta} of ${current} would leave ${next}`,
      );
    }
    if (!Number.isSafeInteger(next)) {
      throw new InventoryError('INVALID_ARGUMENT', `quantity of SKU ${sku} in bin ${binId} would overflow`);
    }
    this.setQuantity(binId, entry, sku, next);
    return next;
  }

  // ---------------------------------------------------------------- reservations

  /**
   * Holds `quantity` pieces of `sku` in `binId` for request `requestId`. At most one
   * reservation per (request, bin, SKU). Returns the new reservation.
   */
  reserve(binId: string, sku: string, quantity: number, requestId: string): Reservation {
    this.checkReservable(binId, sku, quantity, requestId);
    const reservation: Reservation = {
      reservationId: `${RESERVATION_PREFIX}${this.nextReservationNumber++}`,
      binId,
      sku,
      quantity,
      requestId,
    };
    this.addReservation(reservation);
    return { ...reservation };
  }

  /**
   * Releases one reservation by id, or every reservation of a request on a bin. Returns the
   * released reservations; throws `UNKNOWN_RESERVATION` if there were none.
   */
  release(reservationId: string): Reservation[];
  release(binId: string, requestId: string): Reservation[];
  release(idOrBinId: string, requestId?: string): Reservation[] {
    const released =
      requestId === undefined
        ? [this.reservationsById.get(idOrBinId)].filter((r): r is Reservation => r !== undefined)
        : this.reservationsFor(requestId).filter((r) => r.binId === idOrBinId);
    if (released.length === 0) {
      throw new InventoryError(
        'UNKNOWN_RESERVATION',
        requestId === undefined
          ? `no reservation ${idOrBinId}`
          : `request ${requestId} holds no reservation in bin ${idOrBinId}`,
      );
    }
    for (const reservation of released) this.removeReservation(reservation);
    return released.map((r) => ({ ...r }));
  }

  /** Releases every reservation of a request (cancelled or finished); returns them, maybe none. */
  releaseRequest(requestId: string): Reservation[] {
    const released = this.reservationsFor(requestId);
    for (const reservation of released) this.removeReservation(reservation);
    return released.map((r) => ({ ...r }));
  }

  /**
   * The picker took the reserved pieces: removes them from the bin and drops the reservation,
   * as one step. Returns the SKU's new quantity in the bin.
   */
  consumeReservation(reservationId: string): number {
    const reservation = this.reservationsById.get(reservationId);
    if (reservation === undefined) throw new InventoryError('UNKNOWN_RESERVATION', `no reservation ${reservationId}`);
    const entry = this.bins.get(reservation.binId)!;
    const current = entry.contents.find((line) => line.sku === reservation.sku)?.quantity ?? 0;
    // A reservation never exceeds the stock it holds (reserve and adjustContents keep it so).
    const next = current - reservation.quantity;
    this.removeReservation(reservation);
    this.setQuantity(reservation.binId, entry, reservation.sku, next);
    return next;
  }

  /**
   * Puts a bin's stock lines back as they were (`contents`, in their order) after a store
   * rollback took the change back (StoredInventory); `newSkus`, first known by that change, are
   * unknown again. Reservations are put back with `reinstate`.
   */
  restoreContents(binId: string, contents: readonly ContentLine[], newSkus: readonly string[] = []): void {
    const entry = this.requireBin(binId);
    const lines = copyContents(binId, contents, 'INVALID_ARGUMENT');
    for (const sku of new Set([...entry.contents, ...lines].map((line) => line.sku))) {
      this.setQuantity(binId, entry, sku, lines.find((line) => line.sku === sku)?.quantity ?? 0);
    }
    entry.contents = lines;
    for (const sku of newSkus) if (!this.skuIndex.has(sku)) this.knownSkuSet.delete(sku);
  }

  /** Puts back reservations a rolled-back change released, with their ids; checked as on restore. */
  reinstate(reservations: readonly Reservation[]): void {
    for (const reservation of reservations) this.loadReservation(reservation);
  }

  reservation(reservationId: string): Reservation | undefined {
    const reservation = this.reservationsById.get(reservationId);
    return reservation === undefined ? undefined : { ...reservation };
  }

  /** All reservations in creation order. */
  reservations(): Reservation[] {
    return [...this.reservationsById.values()].map((r) => ({ ...r }));
  }

  reservationsOfRequest(requestId: string): Reservation[] {
    return this.reservationsFor(requestId).map((r) => ({ ...r }));
  }

  /** Pieces of `sku` held in reservations. */
  reserved(sku: string): number {
    return this.reservedBySku.get(sku) ?? 0;
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
    this.requireBin(binId);
    if (!this.quarantined.has(binId)) this.quarantined.set(binId, reason);
  }

  /** Ends a bin's quarantine; false if it was not in quarantine. */
  clearQuarantine(binId: string): boolean {
    this.requireBin(binId);
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
    const entry = this.requireBin(binId);
    const held = entry.contents.find((line) => line.sku === sku)?.quantity ?? 0;
    return held - (this.reservedByBinSku.get(binSkuKey(binId, sku)) ?? 0);
  }

  // ---------------------------------------------------------------- queries

  has(binId: string): boolean {
    return this.bins.has(binId);
  }

  /** Throws `UNKNOWN_BIN` for a bin this grid does not have. */
  location(binId: string): BinLocation {
    return this.requireBin(binId).location;
  }

  /** Bin ids of column (x, y) bottom -> top (a copy). */
  stack(x: number, y: number): string[] {
    return [...this.requireStack(x, y)];
  }

  height(x: number, y: number): number {
    return this.requireStack(x, y).length;
  }

  /** Bins above `binId` in its column (0 = on top); undefined when it is not in a column. */
  depthFromTop(binId: string): number | undefined {
    const location = this.requireBin(binId).location;
    if (location.kind !== 'column') return undefined;
    return this.stacks[this.columnIndex(location.x, location.y)]!.length - 1 - location.level;
  }

  binOnRobot(robotSerial: string): string | undefined {
    return this.binByRobot.get(robotSerial);
  }

  /** Bins at a port in arrival order. */
  binsAtPort(portId: string): string[] {
    return [...(this.binsByPort.get(portId) ?? [])];
  }

  /** Ids of bins holding `sku`, sorted. */
  binsWithSku(sku: string): string[] {
    return [...(this.skuIndex.get(sku) ?? [])].sort(compareCodeUnits);
  }

  /** Pieces of `sku` in all bins wherever they are (reserved pieces included). */
  stockOf(sku: string): number {
    return this.stockBySku.get(sku) ?? 0;
  }

  /** True for a SKU any bin has held since the inventory was first built (even if now at 0). */
  knownSku(sku: string): boolean {
    return this.knownSkuSet.has(sku);
  }

  knownSkus(): string[] {
    return [...this.knownSkuSet].sort(compareCodeUnits);
  }

  /** Stock lines of a bin (a copy). */
  contents(binId: string): ContentLine[] {
    return this.requireBin(binId).contents.map((line) => ({ ...line }));
  }

  /** Ids of bins holding nothing and not in quarantine, sorted. */
  emptyBins(): string[] {
    return [...this.emptyBinIds].filter((binId) => !this.quarantined.has(binId)).sort(compareCodeUnits);
  }

  /** Every bin id, sorted. */
  allBins(): string[] {
    return [...this.bins.keys()].sort(compareCodeUnits);
  }

  get binCount(): number {
    return this.bins.size;
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
    const entry = this.requireBin(binId);
    return { binId, location: { ...entry.location }, contents: this.contents(binId) };
  }

  /**
   * Recomputes every derived fact from scratch and lists what disagrees (empty = consistent):
   * each bin in exactly one place, stacks gapless and within depth, indexes and stock totals
   * matching contents, reservations within the stock they hold. Used by the invariant checker
   * (DESIGN §5.2); O(bins), so not for every step of a large run.
   */
  checkConsistency(): string[] {
    const problems: string[] = [];
    const placesSeen = new Map<string, number>();
    const seenAt = (binId: string) => placesSeen.set(binId, (placesSeen.get(binId) ?? 0) + 1);

    this.stacks.forEach((stack, index) => {
      const x = index % this.columnsX;
      const y = Math.floor(index / this.columnsX);
      if (stack.length > this.depth) problems.push(`column (${x}, ${y}) holds ${stack.length} bins; depth is ${this.depth}`);
      for (let level = 0; level < stack.length; level++) {
        const binId = stack[level];
        if (binId === undefined) {
          problems.push(`column (${x}, ${y}) has a gap at level ${level}`);
          continue;
        }
        seenAt(binId);
        const location = this.bins.get(binId)?.location;
        if (location === undefined) problems.push(`column (${x}, ${y}) level ${level} holds unknown bin ${binId}`);
        else if (location.kind !== 'column' || location.x !== x || location.y !== y || location.level !== level) {
          problems.push(`bin ${binId} is in column (${x}, ${y}) level ${level} but recorded at ${describe(location)}`);
        }
      }
    });
    for (const [serial, binId] of this.binByRobot) {
      seenAt(binId);
      const location = this.bins.get(binId)?.location;
      if (location?.kind !== 'robot' || location.serial !== serial) {
        problems.push(`robot ${serial} carries bin ${binId} but it is recorded at ${location ? describe(location) : 'nowhere'}`);
      }
    }
    for (const [portId, binIds] of this.binsByPort) {
      for (const binId of binIds) {
        seenAt(binId);
        const location = this.bins.get(binId)?.location;
        if (location?.kind !== 'port' || location.portId !== portId) {
          problems.push(`port ${portId} holds bin ${binId} but it is recorded at ${location ? describe(location) : 'nowhere'}`);
        }
      }
    }

    const expectedIndex = new Map<string, Set<string>>();
    const expectedStock = new Map<string, number>();
    for (const [binId, entry] of this.bins) {
      const count = placesSeen.get(binId) ?? 0;
      if (count !== 1) problems.push(`bin ${binId} is in ${count} places (${describe(entry.location)} recorded)`);
      const skus = new Set<string>();
      for (const line of entry.contents) {
        if (!isPositiveCount(line.quantity)) problems.push(`bin ${binId} holds ${line.quantity} of SKU ${line.sku}`);
        if (skus.has(line.sku)) problems.push(`bin ${binId} lists SKU ${line.sku} twice`);
        skus.add(line.sku);
        if (!this.knownSkuSet.has(line.sku)) problems.push(`SKU ${line.sku} in bin ${binId} is not marked known`);
        let holders = expectedIndex.get(line.sku);
        if (holders === undefined) expectedIndex.set(line.sku, (holders = new Set()));
        holders.add(binId);
        expectedStock.set(line.sku, (expectedStock.get(line.sku) ?? 0) + line.quantity);
      }
      if ((entry.contents.length === 0) !== this.emptyBinIds.has(binId)) {
        problems.push(`bin ${binId} ${entry.contents.length === 0 ? 'is empty but not' : 'is not empty but'} in the empty-bin set`);
      }
    }
    for (const binId of this.emptyBinIds) {
      if (!this.bins.has(binId)) problems.push(`empty-bin set holds unknown bin ${binId}`);
    }
    for (const sku of new Set([...expectedIndex.keys(), ...this.skuIndex.keys()])) {
      const expected = expectedIndex.get(sku) ?? new Set<string>();
      const actual = this.skuIndex.get(sku) ?? new Set<string>();
      const missing = [...expected].filter((binId) => !actual.has(binId));
      const extra = [...actual].filter((binId) => !expected.has(binId));
      if (missing.length > 0) problems.push(`SKU index for ${sku} lacks bins ${missing.join(', ')}`);
      if (extra.length > 0) problems.push(`SKU index for ${sku} lists bins without it: ${extra.join(', ')}`);
      if (actual.size === 0 && this.skuIndex.has(sku)) problems.push(`SKU index keeps an empty entry for ${sku}`);
    }
    for (const sku of new Set([...expectedStock.keys(), ...this.stockBySku.keys()])) {
      const expected = expectedStock.get(sku) ?? 0;
      const actual = this.stockBySku.get(sku);
      if (actual !== (expected === 0 ? undefined : expected)) {
        problems.push(`stock of ${sku} is recorded as ${actual ?? 0}; bins hold ${expected}`);
      }
    }

    const expectedReservedBySku = new Map<string, number>();
    const expectedReservedByBinSku = new Map<string, number>();
    for (const reservation of this.reservationsById.values()) {
      const key = binSkuKey(reservation.binId, reservation.sku);
      expectedReservedByBinSku.set(key, (expectedReservedByBinSku.get(key) ?? 0) + reservation.quantity);
      expectedReservedBySku.set(reservation.sku, (expectedReservedBySku.get(reservation.sku) ?? 0) + reservation.quantity);
      if (!this.bins.has(reservation.binId)) problems.push(`reservation ${reservation.reservationId} holds unknown bin ${reservation.binId}`);
    }
    for (const [key, quantity] of expectedReservedByBinSku) {
      const [binId, sku] = key.split('\u0000') as [string, string];
      const held = this.bins.get(binId)?.contents.find((line) => line.sku === sku)?.quantity ?? 0;
      if (quantity > held) problems.push(`bin ${binId} has ${quantity} of SKU ${sku} reserved but holds ${held}`);
      if (this.reservedByBinSku.get(key) !== quantity) {
        problems.push(`reserved total for SKU ${sku} in bin ${binId} is ${this.reservedByBinSku.get(key) ?? 0}; reservations add up to ${quantity}`);
      }
    }
    for (const key of this.reservedByBinSku.keys()) {
      if (!expectedReservedByBinSku.has(key)) problems.push(`stale reserved total for ${key.replace('\u0000', ' / ')}`);
    }
    for (const sku of new Set([...expectedReservedBySku.keys(), ...this.reservedBySku.keys()])) {
      if (this.reservedBySku.get(sku) !== expectedReservedBySku.get(sku)) {
        problems.push(`reserved total for SKU ${sku} is ${this.reservedBySku.get(sku) ?? 0}; reservations add up to ${expectedReservedBySku.get(sku) ?? 0}`);
      }
    }
    return problems;
  }

  // ---------------------------------------------------------------- internals

  private columnIndex(x: number, y: number): number {
    return y * this.columnsX + x;
  }

  private isInGrid(x: unknown, y: unknown): x is number {
    return (
      Number.isInteger(x) && Number.isInteger(y) &&
      (x as number) >= 0 && (x as number) < this.columnsX &&
      (y as number) >= 0 && (y as number) < this.columnsY
    );
  }

  private requireStack(x: number, y: number): string[] {
    if (!this.isInGrid(x, y)) {
      throw new InventoryError(
        'COLUMN_OUT_OF_RANGE',
        `column (${String(x)}, ${String(y)}) is outside the ${this.columnsX} x ${this.columnsY} grid`,
      );
    }
    return this.stacks[this.columnIndex(x, y)]!;
  }

  private requireBin(binId: string): BinEntry {
    const entry = this.bins.get(binId);
    if (entry === undefined) throw new InventoryError('UNKNOWN_BIN', `no bin ${JSON.stringify(binId)} in this grid`);
    return entry;
  }

  private requireRobotFree(robotSerial: string): void {
    const carried = this.binByRobot.get(robotSerial);
    if (carried !== undefined) {
      throw new InventoryError('ROBOT_ALREADY_CARRYING', `robot ${robotSerial} already carries bin ${carried}`);
    }
  }

  private requireOnRobot(binId: string, entry: BinEntry, robotSerial: string): void {
    requireId(robotSerial, 'robot serial');
    if (entry.location.kind !== 'robot' || entry.location.serial !== robotSerial) {
      throw new InventoryError('BIN_NOT_ON_ROBOT', `bin ${binId} is not on robot ${robotSerial}; it is at ${describe(entry.location)}`);
    }
  }

  private setOnRobot(binId: string, entry: BinEntry, robotSerial: string): void {
    entry.location = { kind: 'robot', serial: robotSerial };
    this.binByRobot.set(robotSerial, binId);
  }

  /** Sets one SKU's quantity in a bin (0 removes the line) and keeps every index in step. */
  private setQuantity(binId: string, entry: BinEntry, sku: string, quantity: number): void {
    const previous = entry.contents.find((line) => line.sku === sku)?.quantity ?? 0;
    if (quantity === 0) entry.contents = entry.contents.filter((line) => line.sku !== sku);
    else if (previous === 0) entry.contents = [...entry.contents, { sku, quantity }];
    else entry.contents = entry.contents.map((line) => (line.sku === sku ? { sku, quantity } : line));
    if (entry.contents.length === 0) this.emptyBinIds.add(binId);
    else this.emptyBinIds.delete(binId);

    const stock = (this.stockBySku.get(sku) ?? 0) - previous + quantity;
    if (stock === 0) this.stockBySku.delete(sku);
    else this.stockBySku.set(sku, stock);

    if (quantity === 0) {
      const holders = this.skuIndex.get(sku);
      holders?.delete(binId);
      if (holders?.size === 0) this.skuIndex.delete(sku);
    } else {
      this.knownSkuSet.add(sku);
      let holders = this.skuIndex.get(sku);
      if (holders === undefined) this.skuIndex.set(sku, (holders = new Set()));
      holders.add(binId);
    }
  }

  /** Adds a bin during construction or restore; validates it against what is loaded so far. */
  private loadBin(binId: unknown, location: BinLocation, contents: unknown): void {
    if (!isNonEmptyString(binId)) {
      throw new InventoryError('INCONSISTENT_INPUT', `a bin id must be a non-empty string, got ${JSON.stringify(binId)}`);
    }
    if (this.bins.has(binId)) throw new InventoryError('INCONSISTENT_INPUT', `bin ${binId} appears twice`);
    const lines = copyContents(binId, contents, 'INCONSISTENT_INPUT');
    let stored: BinLocation;
    switch (location?.kind) {
      case 'column': {
        const { x, y, level } = location;
        if (!this.isInGrid(x, y)) {
          throw new InventoryError('INCONSISTENT_INPUT', `bin ${binId} is at (${x}, ${y}), outside the ${this.columnsX} x ${this.columnsY} grid`);
        }
        if (!Number.isInteger(level) || level < 0 || level >= this.depth) {
          throw new InventoryError('INCONSISTENT_INPUT', `bin ${binId} is at level ${level}; levels run 0 to ${this.depth - 1}`);
        }
        const stack = this.stacks[this.columnIndex(x, y)]!;
        const occupant = stack[level];
        if (occupant !== undefined) {
          throw new InventoryError('INCONSISTENT_INPUT', `bins ${occupant} and ${binId} are both at (${x}, ${y}) level ${level}`);
        }
        stack[level] = binId;
        stored = { kind: 'column', x, y, level };
        break;
      }
      case 'robot': {
        if (!isNonEmptyString(location.serial)) throw new InventoryError('INCONSISTENT_INPUT', `bin ${binId} is on a robot without a serial`);
        const carried = this.binByRobot.get(location.serial);
        if (carried !== undefined) {
          throw new InventoryError('INCONSISTENT_INPUT', `robot ${location.serial} carries both ${carried} and ${binId}`);
        }
        this.binByRobot.set(location.serial, binId);
        stored = { kind: 'robot', serial: location.serial };
        break;
      }
      case 'port': {
        if (!isNonEmptyString(location.portId)) throw new InventoryError('INCONSISTENT_INPUT', `bin ${binId} is at a port without an id`);
        let atPort = this.binsByPort.get(location.portId);
        if (atPort === undefined) this.binsByPort.set(location.portId, (atPort = new Set()));
        atPort.add(binId);
        stored = { kind: 'port', portId: location.portId };
        break;
      }
      default:
        throw new InventoryError('INCONSISTENT_INPUT', `bin ${binId} has no valid location`);
    }
    this.bins.set(binId, { location: stored, contents: lines });
    if (lines.length === 0) this.emptyBinIds.add(binId);
    // Indexes filled directly rather than through setQuantity: this runs once per bin at start.
    for (const { sku, quantity } of lines) {
      this.knownSkuSet.add(sku);
      this.stockBySku.set(sku, (this.stockBySku.get(sku) ?? 0) + quantity);
      let holders = this.skuIndex.get(sku);
      if (holders === undefined) this.skuIndex.set(sku, (holders = new Set()));
      holders.add(binId);
    }
  }

  private requireGaplessStacks(): void {
    this.stacks.forEach((stack, index) => {
      for (let level = 0; level < stack.length; level++) {
        if (stack[level] === undefined) {
          const x = index % this.columnsX;
          const y = Math.floor(index / this.columnsX);
          throw new InventoryError(
            'INCONSISTENT_INPUT',
            `column (${x}, ${y}) has nothing at level ${level} under bin ${stack[stack.length - 1]} at level ${stack.length - 1}`,
          );
        }
      }
    });
  }

  private loadReservation(reservation: Reservation): void {
    const number = reservationNumber(reservation);
    if (!Number.isSafeInteger(number) || number < 1) {
      throw new InventoryError('INCONSISTENT_INPUT', `reservation id ${JSON.stringify(reservation.reservationId)} is not of the form ${RESERVATION_PREFIX}<n>`);
    }
    if (this.reservationsById.has(reservation.reservationId)) {
      throw new InventoryError('INCONSISTENT_INPUT', `reservation ${reservation.reservationId} appears twice`);
    }
    try {
      this.checkReservable(reservation.binId, reservation.sku, reservation.quantity, reservation.requestId);
    } catch (error) {
      if (error instanceof InventoryError) {
        throw new InventoryError('INCONSISTENT_INPUT', `reservation ${reservation.reservationId}: ${error.message}`);
      }
      throw error;
    }
    this.nextReservationNumber = Math.max(this.nextReservationNumber, number + 1);
    const { reservationId, binId, sku, quantity, requestId } = reservation;
    this.addReservation({ reservationId, binId, sku, quantity, requestId });
  }

  /** Throws unless `quantity` more of `sku` in `binId` may be reserved for `requestId`. */
  private checkReservable(binId: string, sku: string, quantity: number, requestId: string): void {
    const entry = this.requireBin(binId);
    requireId(sku, 'SKU');
    requireId(requestId, 'request id');
    if (!isPositiveCount(quantity)) {
      throw new InventoryError('INVALID_ARGUMENT', `reserved quantity must be a positive integer, got ${String(quantity)}`);
    }
    const existing = this.reservationsFor(requestId).find((r) => r.binId === binId && r.sku === sku);
    if (existing !== undefined) {
      throw new InventoryError(
        'DUPLICATE_RESERVATION',
        `request ${requestId} already reserves SKU ${sku} in bin ${binId} (${existing.reservationId})`,
      );
    }
    const held = entry.contents.find((line) => line.sku === sku)?.quantity ?? 0;
    const reserved = this.reservedByBinSku.get(binSkuKey(binId, sku)) ?? 0;
    if (held - reserved < quantity) {
      throw new InventoryError(
        'INSUFFICIENT_STOCK',
        `bin ${binId} has ${held - reserved} of SKU ${sku} unreserved (${held} held, ${reserved} reserved); cannot reserve ${quantity}`,
      );
    }
  }

  /** The live reservation objects of a request, in creation order (internal: not copies). */
  private reservationsFor(requestId: string): Reservation[] {
    const ids = this.reservationIdsByRequest.get(requestId);
    return ids === undefined ? [] : [...ids].map((id) => this.reservationsById.get(id)!);
  }

  private addReservation(reservation: Reservation): void {
    this.reservationsById.set(reservation.reservationId, reservation);
    let ofRequest = this.reservationIdsByRequest.get(reservation.requestId);
    if (ofRequest === undefined) this.reservationIdsByRequest.set(reservation.requestId, (ofRequest = new Set()));
    ofRequest.add(reservation.reservationId);
    const key = binSkuKey(reservation.binId, reservation.sku);
    this.reservedByBinSku.set(key, (this.reservedByBinSku.get(key) ?? 0) + reservation.quantity);
    this.reservedBySku.set(reservation.sku, (this.reservedBySku.get(reservation.sku) ?? 0) + reservation.quantity);
  }

  private removeReservation(reservation: Reservation): void {
    this.reservationsById.delete(reservation.reservationId);
    const ofRequest = this.reservationIdsByRequest.get(reservation.requestId);
    ofRequest?.delete(reservation.reservationId);
    if (ofRequest?.size === 0) this.reservationIdsByRequest.delete(reservation.requestId);
    const key = binSkuKey(reservation.binId, reservation.sku);
    const byBin = (this.reservedByBinSku.get(key) ?? 0) - reservation.quantity;
    if (byBin === 0) this.reservedByBinSku.delete(key);
    else this.reservedByBinSku.set(key, byBin);
    const bySku = (this.reservedBySku.get(reservation.sku) ?? 0) - reservation.quantity;
    if (bySku === 0) this.reservedBySku.delete(reservation.sku);
    else this.reservedBySku.set(reservation.sku, bySku);
  }
}

function reservationNumber(reservation: Reservation): number {
  const id = reservation.reservationId;
  return typeof id === 'string' && id.startsWith(RESERVATION_PREFIX) ? Number(id.slice(RESERVATION_PREFIX.length)) : NaN;
}
