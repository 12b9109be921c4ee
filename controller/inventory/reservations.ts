import { InventoryError } from './inventory-error.ts';
import type { ContentLine, Reservation } from './types.ts';
import { isPositiveCount, requireId } from './validation.ts';

const RESERVATION_PREFIX = 'rsv-';

/** Separator for (binId, sku) keys; a NUL cannot appear in ids that went through JSON/MQTT text. */
export function binSkuKey(binId: string, sku: string): string {
  return `${binId}\u0000${sku}`;
}

/** The `<n>` of a reservation id `rsv-<n>`; NaN for an id not of that form. */
export function reservationNumber(reservation: Reservation): number {
  const id = reservation.reservationId;
  return typeof id === 'string' && id.startsWith(RESERVATION_PREFIX) ? Number(id.slice(RESERVATION_PREFIX.length)) : NaN;
}

/**
 * The reservations of one inventory, with the pieces they hold totalled per SKU and per
 * (bin, SKU), and the next reservation number. Hands out its live objects: the Inventory
 * copies what it returns to callers.
 */
export class Reservations {
  private readonly reservationsById = new Map<string, Reservation>();
  private readonly reservedBySku = new Map<string, number>();
  private readonly reservedByBinSku = new Map<string, number>();
  private readonly reservationIdsByRequest = new Map<string, Set<string>>();
  private nextReservationNumber = 1;

  /**
   * @param binContents the stock lines of a bin; throws `UNKNOWN_BIN` for a bin the grid does
   *   not have.
   */
  constructor(private readonly binContents: (binId: string) => readonly ContentLine[]) {}

  /**
   * Holds `quantity` pieces of `sku` in `binId` for request `requestId` under the next
   * reservation id. Throws as `checkReservable` does, having changed nothing.
   */
  create(binId: string, sku: string, quantity: number, requestId: string): Reservation {
    this.checkReservable(binId, sku, quantity, requestId);
    const reservation: Reservation = {
      reservationId: `${RESERVATION_PREFIX}${this.nextReservationNumber++}`,
      binId,
      sku,
      quantity,
      requestId,
    };
    this.add(reservation);
    return reservation;
  }

  /**
   * Takes in a reservation read back from the store or put back after a rollback, keeping its
   * id; later ids count on past it. Throws `INCONSISTENT_INPUT` for a malformed or duplicate
   * id, or a reservation `create` would refuse.
   */
  load(reservation: Reservation): void {
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
    this.add({ reservationId, binId, sku, quantity, requestId });
  }

  remove(reservation: Reservation): void {
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

  /** The live reservation object with this id (not a copy). */
  get(reservationId: string): Reservation | undefined {
    return this.reservationsById.get(reservationId);
  }

  /** The live reservation objects, in creation order (not copies). */
  all(): Reservation[] {
    return [...this.reservationsById.values()];
  }

  /** The live reservation objects of a request, in creation order (not copies). */
  ofRequest(requestId: string): Reservation[] {
    const ids = this.reservationIdsByRequest.get(requestId);
    return ids === undefined ? [] : [...ids].map((id) => this.reservationsById.get(id)!);
  }

  /** Pieces of `sku` held in reservations, all bins together. */
  reservedOfSku(sku: string): number {
    return this.reservedBySku.get(sku) ?? 0;
  }

  /** Pieces of `sku` in `binId` held in reservations. */
  reservedInBin(binId: string, sku: string): number {
    return this.reservedByBinSku.get(binSkuKey(binId, sku)) ?? 0;
  }

  /** The recorded totals per SKU, for the consistency check to recompute and compare. */
  get totalsBySku(): ReadonlyMap<string, number> {
    return this.reservedBySku;
  }

  /** The recorded totals per `binSkuKey(binId, sku)`, for the consistency check. */
  get totalsByBinSku(): ReadonlyMap<string, number> {
    return this.reservedByBinSku;
  }

  /** Throws unless `quantity` more of `sku` in `binId` may be reserved for `requestId`. */
  private checkReservable(binId: string, sku: string, quantity: number, requestId: string): void {
    const contents = this.binContents(binId);
    requireId(sku, 'SKU');
    requireId(requestId, 'request id');
    if (!isPositiveCount(quantity)) {
      throw new InventoryError('INVALID_ARGUMENT', `reserved quantity must be a positive integer, got ${String(quantity)}`);
    }
    const existing = this.ofRequest(requestId).find((r) => r.binId === binId && r.sku === sku);
    if (existing !== undefined) {
      throw new InventoryError(
        'DUPLICATE_RESERVATION',
        `request ${requestId} already reserves SKU ${sku} in bin ${binId} (${existing.reservationId})`,
      );
    }
    const held = contents.find((line) => line.sku === sku)?.quantity ?? 0;
    const reserved = this.reservedInBin(binId, sku);
    if (held - reserved < quantity) {
      throw new InventoryError(
        'INSUFFICIENT_STOCK',
        `bin ${binId} has ${held - reserved} of SKU ${sku} unreserved (${held} held, ${reserved} reserved); cannot reserve ${quantity}`,
      );
    }
  }

  private add(reservation: Reservation): void {
    this.reservationsById.set(reservation.reservationId, reservation);
    let ofRequest = this.reservationIdsByRequest.get(reservation.requestId);
    if (ofRequest === undefined) this.reservationIdsByRequest.set(reservation.requestId, (ofRequest = new Set()));
    ofRequest.add(reservation.reservationId);
    const key = binSkuKey(reservation.binId, reservation.sku);
    this.reservedByBinSku.set(key, (this.reservedByBinSku.get(key) ?? 0) + reservation.quantity);
    this.reservedBySku.set(reservation.sku, (this.reservedBySku.get(reservation.sku) ?? 0) + reservation.quantity);
  }
}
