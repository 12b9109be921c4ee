import { Inventory } from '../inventory/inventory.ts';
import type { BinPlacement, GridDimensions, Reservation } from '../inventory/types.ts';
import type { SqliteStore } from './sqlite-store.ts';

/**
 * The inventory as it was when the controller last stopped, or, on a first start, the one
 * `generate` lays out (written to the store in one transaction before it is returned).
 * Restores bins on robots and at ports, reservations and known SKUs. Throws if the stored
 * state contradicts itself (InventoryError 'INCONSISTENT_INPUT').
 */
export function loadOrInitialiseInventory(
  store: SqliteStore,
  dimensions: GridDimensions,
  generate: () => BinPlacement[],
): Inventory {
  if (store.isInventoryEmpty()) {
    const placements = generate();
    // Built first so that an inconsistent layout is refused before anything is written.
    const inventory = new Inventory(dimensions.columnsX, dimensions.columnsY, dimensions.depth, placements);
    store.initialiseInventory(placements);
    return inventory;
  }
  return Inventory.restore(dimensions, {
    bins: store.loadInventory(),
    reservations: store.loadReservations(),
    knownSkus: store.loadKnownSkus(),
    quarantined: store.loadQuarantined(),
  });
}

/**
 * Write-through inventory: each change is validated and applied in memory, then committed to
 * the store before the method returns (DESIGN §4: a bin move is durable before the next
 * dependent command goes out). Read through `inventory`.
 *
 * Memory and store never disagree: a refused change (InventoryError) touches neither, and a
 * change whose writes are taken back (the store failed, or a batch it ran in threw: see
 * `atomically`) is undone in memory as well.
 */
export class StoredInventory {
  constructor(
    readonly inventory: Inventory,
    private readonly store: SqliteStore,
  ) {}

  /**
   * Runs `fn` as one batch (SqliteStore.applyBatch): the inventory changes it makes, and its
   * other writes, are all kept or all taken back, in memory as in the store.
   */
  atomically<T>(fn: () => T): T {
    return this.store.applyBatch(fn);
  }

  /** Registers the undoing of a change in memory made within `atomically` (see SqliteStore.onRollback). */
  onRollback(undo: () => void): void {
    this.store.onRollback(undo);
  }

  /** Runs `action` once the current batch has committed, at once outside one (see SqliteStore.afterCommit). */
  afterCommit(action: () => void): void {
    this.store.afterCommit(action);
  }

  liftFromColumn(binId: string, x: number, y: number, robotSerial: string): void {
    this.change(
      () => this.inventory.liftFromColumn(binId, x, y, robotSerial),
      () => this.inventory.placeOnColumn(binId, x, y, robotSerial),
      () => this.store.recordBinMove(binId, this.inventory.location(binId)),
    );
  }

  placeOnColumn(binId: string, x: number, y: number, robotSerial: string): void {
    this.change(
      () => this.inventory.placeOnColumn(binId, x, y, robotSerial),
      () => this.inventory.liftFromColumn(binId, x, y, robotSerial),
      () => this.store.recordBinMove(binId, this.inventory.location(binId)),
    );
  }

  placeAtPort(binId: string, portId: string, robotSerial: string): void {
    this.change(
      () => this.inventory.placeAtPort(binId, portId, robotSerial),
      () => this.inventory.liftFromPort(binId, portId, robotSerial),
      () => this.store.recordBinMove(binId, this.inventory.location(binId)),
    );
  }

  liftFromPort(binId: string, portId: string, robotSerial: string): void {
    this.change(
      () => this.inventory.liftFromPort(binId, portId, robotSerial),
      () => this.inventory.placeAtPort(binId, portId, robotSerial),
      () => this.store.recordBinMove(binId, this.inventory.location(binId)),
    );
  }

  /** See Inventory.adjustContents; returns the SKU's new quantity in the bin. */
  adjustContents(binId: string, sku: string, delta: number): number {
    const before = this.inventory.has(binId) ? this.inventory.contents(binId) : [];
    const newSkus = this.inventory.knownSku(sku) ? [] : [sku];
    return this.change(
      () => this.inventory.adjustContents(binId, sku, delta),
      () => this.inventory.restoreContents(binId, before, newSkus),
      () => this.store.recordContents(binId, this.inventory.contents(binId)),
    );
  }

  reserve(binId: string, sku: string, quantity: number, requestId: string): Reservation {
    return this.change(
      () => this.inventory.reserve(binId, sku, quantity, requestId),
      (reservation) => this.inventory.release(reservation.reservationId),
      (reservation) => this.store.recordReservation(reservation),
    );
  }

  release(reservationId: string): Reservation[];
  release(binId: string, requestId: string): Reservation[];
  release(idOrBinId: string, requestId?: string): Reservation[] {
    return this.change(
      () => (requestId === undefined ? this.inventory.release(idOrBinId) : this.inventory.release(idOrBinId, requestId)),
      (released) => this.inventory.reinstate(released),
      (released) => this.deleteReservations(released),
    );
  }

  releaseRequest(requestId: string): Reservation[] {
    return this.change(
      () => this.inventory.releaseRequest(requestId),
      (released) => this.inventory.reinstate(released),
      (released) => this.deleteReservations(released),
    );
  }

  /** See Inventory.consumeReservation; the stock change and the release commit together. */
  consumeReservation(reservationId: string): number {
    const reservation = this.inventory.reservation(reservationId);
    const before = reservation ? this.inventory.contents(reservation.binId) : [];
    return this.change(
      () => this.inventory.consumeReservation(reservationId),
      () => {
        this.inventory.restoreContents(reservation!.binId, before);
        this.inventory.reinstate([reservation!]);
      },
      () => {
        this.store.deleteReservation(reservationId);
        this.store.recordContents(reservation!.binId, this.inventory.contents(reservation!.binId));
      },
    );
  }

  /** See Inventory.quarantine. */
  quarantine(binId: string, reason: string): void {
    const was = this.inventory.has(binId) && this.inventory.quarantineOf(binId) !== undefined;
    this.change(
      () => this.inventory.quarantine(binId, reason),
      () => {
        if (!was) this.inventory.clearQuarantine(binId);
      },
      () => this.store.recordQuarantine(binId, this.inventory.quarantineOf(binId)!),
    );
  }

  /** See Inventory.clearQuarantine. */
  clearQuarantine(binId: string): boolean {
    const reason = this.inventory.has(binId) ? this.inventory.quarantineOf(binId) : undefined;
    return this.change(
      () => this.inventory.clearQuarantine(binId),
      () => {
        if (reason !== undefined) this.inventory.quarantine(binId, reason);
      },
      (was) => {
        if (was) this.store.recordQuarantine(binId, null);
      },
    );
  }

  /**
   * One change: `apply` in memory (validated first: if it throws, nothing changed), then
   * `write` to the store, both in one batch whose rollback runs `undo` on memory.
   */
  private change<T>(apply: () => T, undo: (result: T) => void, write: (result: T) => void): T {
    return this.store.applyBatch(() => {
      const result = apply();
      this.store.onRollback(() => undo(result));
      write(result);
      return result;
    });
  }

  private deleteReservations(reservations: readonly Reservation[]): void {
    for (const reservation of reservations) this.store.deleteReservation(reservation.reservationId);
  }
}
