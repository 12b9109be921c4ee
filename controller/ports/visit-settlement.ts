import type { ActiveRequest, Visit } from '../requests/request-book.ts';
import type { StoredInventory } from '../store/stored-inventory.ts';

/** Pieces confirmed for one line of a visit, and the request line it serves. */
export interface ConfirmedQuantity {
  readonly line: number;
  readonly sku: string;
  readonly quantity: number;
  /** A count line: the units recorded before the count. */
  readonly recorded?: number;
}

/**
 * What a port confirmation does to the stock and to its request's score: `quantities[i]`
 * pieces picked from (or put into, or counted in) the visit's bin for its line `i` (the caller
 * has checked each pick or putaway figure is at most its line's quantity; fewer marks the
 * request short). A pick line's reservation is released and its pieces taken out; a putaway's
 * are added; a count line's reservation (the SKU's units in the bin) is released and the bin
 * then holds the units counted, the difference recorded with the request.
 *
 * Runs inside a StoredInventory batch (`atomically`): if the batch is taken back, the stock
 * changes are undone with it, and so are the score and the visit's state (registered here).
 * Returns the pieces confirmed per line.
 */
export function settleVisit(stock: StoredInventory, request: ActiveRequest | undefined, visit: Visit, quantities: readonly number[]): ConfirmedQuantity[] {
  if (quantities.length !== visit.lines.length) throw new Error(`visit ${visit.visitId} has ${visit.lines.length} lines; ${quantities.length} quantities were confirmed`);
  const before = { lifecycle: visit.lifecycle.capture(), done: new Map(request?.done), shortage: request?.shortage ?? false, counts: request?.counts?.length ?? 0 };
  stock.onRollback(() => {
    visit.lifecycle.restore(before.lifecycle);
    if (!request) return;
    request.done.clear();
    for (const [line, done] of before.done) request.done.set(line, done);
    request.shortage = before.shortage;
    request.counts?.splice(before.counts);
  });
  const confirmed: ConfirmedQuantity[] = [];
  visit.lines.forEach((line, i) => {
    const done = quantities[i]!;
    if (visit.mode === 'count') {
      if (!(Number.isSafeInteger(done) && done >= 0)) throw new Error(`line ${i} of visit ${visit.visitId}: ${done} counted`);
      if (line.reservationId && stock.inventory.reservation(line.reservationId)) stock.release(line.reservationId);
      const recorded = stock.inventory.contents(visit.binId).find((held) => held.sku === line.sku)?.quantity ?? 0;
      if (done !== recorded) stock.adjustContents(visit.binId, line.sku, done - recorded);
      confirmed.push({ line: line.line, sku: line.sku, quantity: done, recorded });
      request?.done.set(line.line, done);
      request?.counts?.push({ binId: visit.binId, sku: line.sku, recorded, counted: done });
      return;
    }
    if (!(Number.isInteger(done) && done >= 0 && done <= line.quantity)) throw new Error(`line ${i} of visit ${visit.visitId}: ${done} confirmed of ${line.quantity} asked`);
    if (visit.mode === 'pick') {
      if (line.reservationId && stock.inventory.reservation(line.reservationId)) stock.release(line.reservationId);
      if (done > 0) stock.adjustContents(visit.binId, line.sku, -done);
    } else if (done > 0) {
      stock.adjustContents(visit.binId, line.sku, done);
    }
    confirmed.push({ line: line.line, sku: line.sku, quantity: done });
    if (request) {
      request.done.set(line.line, (request.done.get(line.line) ?? 0) + done);
      if (done < line.quantity) request.shortage = true;
    }
  });
  visit.lifecycle.send({ type: 'SETTLED' });
  return confirmed;
}
