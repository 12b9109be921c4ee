import type { ActiveRequest, Visit } from '../requests/request-book.ts';
import type { StoredInventory } from '../store/stored-inventory.ts';

/**
 * What a port confirmation does to the stock and to its request's score: `quantity` pieces
 * picked from (or put into) the visit's bin, shared out over the visit's lines in order (a
 * line gets at most its own quantity; what is short marks the request short). A pick line's
 * reservation is released and its pieces taken out; a putaway's are added.
 *
 * Runs inside a StoredInventory batch (`atomically`): if the batch is taken back, the stock
 * changes are undone with it, and so are the score and the visit's state (registered here).
 * Returns the pieces confirmed per line.
 */
export function settleVisit(stock: StoredInventory, request: ActiveRequest | undefined, visit: Visit, quantity: number): { sku: string; quantity: number }[] {
  const before = { lifecycle: visit.lifecycle.capture(), done: new Map(request?.done), shortage: request?.shortage ?? false };
  stock.onRollback(() => {
    visit.lifecycle.restore(before.lifecycle);
    if (!request) return;
    request.done.clear();
    for (const [sku, done] of before.done) request.done.set(sku, done);
    request.shortage = before.shortage;
  });
  let remaining = quantity;
  const confirmed: { sku: string; quantity: number }[] = [];
  for (const line of visit.lines) {
    const done = Math.min(line.quantity, Math.max(0, remaining));
    remaining -= done;
    if (visit.mode === 'pick') {
      if (line.reservationId && stock.inventory.reservation(line.reservationId)) stock.release(line.reservationId);
      if (done > 0) stock.adjustContents(visit.binId, line.sku, -done);
    } else if (done > 0) {
      stock.adjustContents(visit.binId, line.sku, done);
    }
    confirmed.push({ sku: line.sku, quantity: done });
    if (request) {
      request.done.set(line.sku, (request.done.get(line.sku) ?? 0) + done);
      if (done < line.quantity) request.shortage = true;
    }
  }
  visit.lifecycle.send({ type: 'SETTLED' });
  return confirmed;
}
