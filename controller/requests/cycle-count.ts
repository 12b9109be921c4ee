import { MAX_COUNT_BINS, type CountRequest } from '../../protocol/wms/request-schemas.ts';
import type { Inventory } from '../inventory/inventory.ts';
import type { RequestLine, Visit, VisitLine } from './request-book.ts';
import type { Rejection } from './request-service.ts';

/**
 * What a cycle count covers: the bin named, every SKU it holds; or every bin holding the SKU
 * named (at most MAX_COUNT_BINS), that SKU. One request line per bin and SKU, with the units
 * recorded now. Refused (nothing changed) for an unknown bin or SKU, a bin recorded empty,
 * and a bin that is `busy` (another request's visit, or out of storage), in quarantine, or
 * holds stock reserved for a pick: its count could not be told apart from that pick.
 */
export function countLines(inventory: Inventory, request: CountRequest, busy: (binId: string) => boolean): RequestLine[] | Rejection {
  let binIds: string[];
  if (request.binId !== undefined) {
    if (!inventory.has(request.binId)) return { code: 'UNKNOWN_BIN', reason: `bin "${request.binId}" does not exist` };
    if (inventory.contents(request.binId).length === 0) return { code: 'BIN_UNAVAILABLE', reason: `bin "${request.binId}" is recorded empty: it has no SKU to count` };
    binIds = [request.binId];
  } else {
    if (!inventory.knownSku(request.sku!)) return { code: 'UNKNOWN_SKU', reason: `SKU "${request.sku}" is not stocked in this grid` };
    binIds = inventory.binsWithSku(request.sku!);
    if (binIds.length === 0) return { code: 'INSUFFICIENT_STOCK', reason: `no bin holds SKU "${request.sku}"` };
    if (binIds.length > MAX_COUNT_BINS) return { code: 'INVALID_REQUEST', reason: `${binIds.length} bins hold SKU "${request.sku}", more than the ${MAX_COUNT_BINS} one count may cover; count them by binId` };
  }
  const unavailable = binIds.filter((binId) => busy(binId) || inventory.quarantineOf(binId) !== undefined || inventory.contents(binId).some((line) => inventory.reservedInBin(binId, line.sku) > 0));
  if (unavailable.length > 0) {
    const one = unavailable.length === 1;
    return { code: 'BIN_UNAVAILABLE', reason: `${one ? 'bin' : 'bins'} ${unavailable.map((b) => `"${b}"`).join(', ')} ${one ? 'is' : 'are'} in use by other requests or in quarantine; count again once they are free` };
  }
  return binIds.flatMap((binId) => inventory.contents(binId).filter((line) => request.sku === undefined || line.sku === request.sku).map((line) => ({ sku: line.sku, quantity: line.quantity, binId })));
}

/**
 * A count's visits, one per bin (made by `visit`), each line a SKU to count there, shown with
 * no quantity (a blind count), with every recorded unit of it in the bin reserved (`reserve`
 * returns the reservation's id) so that no pick takes from it before it is counted.
 */
export function countVisits(lines: readonly RequestLine[], visit: (binId: string, lines: VisitLine[]) => Visit, reserve: (binId: string, sku: string, units: number) => string): Visit[] {
  const byBin = new Map<string, VisitLine[]>();
  lines.forEach((line, index) => {
    const binId = line.binId!;
    const reservationId = line.quantity > 0 ? reserve(binId, line.sku, line.quantity) : undefined;
    const ofBin = byBin.get(binId) ?? [];
    ofBin.push({ line: index, sku: line.sku, quantity: 0, ...(reservationId ? { reservationId } : {}) });
    byBin.set(binId, ofBin);
  });
  return [...byBin].map(([binId, binLines]) => visit(binId, binLines));
}
