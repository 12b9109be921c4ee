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
 * A refused change (InventoryError) touches neither. If the store itself fails (disk full,
 * I/O error) memory is ahead of disk: treat that as fatal and restart from the store.
 */
export class StoredInventory {
  constructor(
    readonly inventory: Inventory,
    private readonly store: SqliteStore,
  ) {}

  liftFromColumn(binId: string, x: number, y: number, robotSerial: string): void {
    this.inventory.liftFromColumn(binId, x, y, robotSerial);
    this.store.recordBinMove(binId, this.inventory.location(binId));
  }

  placeOnColumn(binId: string, x: number, y: number, robotSerial: string): void {
    this.inventory.placeOnColumn(binId, x, y, robotSerial);
    this.store.recordBinMove(binId, this.inventory.location(binId));
  }

  placeAtPort(binId: string, portId: string, robotSerial: string): void {
    this.inventory.placeAtPort(binId, portId, robotSerial);
    this.store.recordBinMove(binId, this.inventory.location(binId));
  }

  liftFromPort(binId: string, portId: string, robotSerial: string): void {
    this.inventory.liftFromPort(binId, portId, robotSerial);
    this.store.recordBinMove(binId, this.inventory.location(binId));
  }

  /** See Inventory.adjustContents; returns the SKU's new quantity in the bin. */
  adjustContents(binId: string, sku: string, delta: number): number {
    const quantity = this.inventory.adjustContents(binId, sku, delta);
    this.store.recordContents(binId, this.inventory.contents(binId));
    return quantity;
  }

  reserve(binId: string, sku: string, quantity: number, requestId: string): Reservation {
    const reservation = this.inventory.reserve(binId, sku, quantity, requestId);
    this.store.recordReservation(reservation);
    return reservation;
  }

  release(reservationId: string): Reservation[];
  release(binId: string, requestId: string): Reservation[];
  release(idOrBinId: string, requestId?: string): Reservation[] {
    const released =
      requestId === undefined ? this.inventory.release(idOrBinId) : this.inventory.release(idOrBinId, requestId);
    this.deleteReservations(released);
    return released;
  }

  releaseRequest(requestId: string): Reservation[] {
    const released = this.inventory.releaseRequest(requestId);
    this.deleteReservations(released);
    return released;
  }

  /** See Inventory.consumeReservation; the stock change and the release commit together. */
  consumeReservation(reservationId: string): number {
    const binId = this.inventory.reservation(reservationId)?.binId;
    const quantity = this.inventory.consumeReservation(reservationId);
    this.store.applyBatch(() => {
      this.store.deleteReservation(reservationId);
      this.store.recordContents(binId!, this.inventory.contents(binId!));
    });
    return quantity;
  }

  /** See Inventory.quarantine. */
  quarantine(binId: string, reason: string): void {
    this.inventory.quarantine(binId, reason);
    this.store.recordQuarantine(binId, this.inventory.quarantineOf(binId)!);
  }

  /** See Inventory.clearQuarantine. */
  clearQuarantine(binId: string): boolean {
    const was = this.inventory.clearQuarantine(binId);
    if (was) this.store.recordQuarantine(binId, null);
    return was;
  }

  private deleteReservations(reservations: readonly Reservation[]): void {
    if (reservations.length === 0) return;
    this.store.applyBatch(() => {
      for (const reservation of reservations) this.store.deleteReservation(reservation.reservationId);
    });
  }
}
