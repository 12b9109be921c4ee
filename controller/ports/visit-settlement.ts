import type { ActiveRequest, Visit } from '../requests/request-book.ts';
import type { StoredInventory } from '../store/stored-inventory.ts';

/** Pieces confirmed for one line of a visit, and the request line it serves. */
export interface ConfirmedQuantity {
  readonly line: number;
  readonly sku: string;
  readonly quantity: number;
}

/**
 * What a port confirmation does to the stock and to its request's score: `quantities[i]`
 * pieces picked from (or put into) the visit's bin for its line `i` (the caller has checked
 * each is at most its line's quantity; fewer marks the request short). A pick line's
 * reservation is released and its pieces taken out; a putaway's are added.
 *
 * Runs inside a StoredInventory batch (`atomically`): if the batch is taken back, the stock
 * changes are undone with it, and so are the score and the visit's state (registered here).
 * Returns the pieces confirmed per line.
 */
export function settleVisit(stock: StoredInventory, request: ActiveRequest | undefined, visit: Visit, quantities: readonly number[]): ConfirmedQuantity[] {
  if (quantities.length !== visit.lines.length) throw new Error(`visit ${visit.visitId} has ${visit.lines.length} lines; ${quantities.length} quantities were confirmed`);
  const before = { lifecycle: visit.lifecycle.capture(), done: new Map(request?.done), shortage: request?.shortage ?? false };
  stock.onRollback(() => {
    visit.lifecycle.restore(before.lifecycle);
    if (!request) return;
    request.done.clear();
    for (const [line, done] of before.done) request.done.set(line, done);
    request.shortage = before.shortage;
  });
  const confirmed: ConfirmedQuantity[] = [];
  visit.lines.forEach((line, i) => {
    const done = quantities[i]!;
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
