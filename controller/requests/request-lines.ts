/** Helpers over a request's lines: totals per SKU, what a stored request has done per line, a pick's priority. */
import type { PickRequest } from '../../protocol/wms/request-schemas.ts';
import type { StoredBody } from './request-service.ts';

/** Pieces per SKU over the lines. */
export function totalsBySku(lines: readonly { sku: string; quantity: number }[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const line of lines) totals.set(line.sku, (totals.get(line.sku) ?? 0) + line.quantity);
  return totals;
}

/**
 * Pieces already done per line of a stored request: as kept per line, or, from a record kept
 * per SKU only, each SKU's pieces given to its lines in the request's order.
 */
export function doneLinesOf(stored: StoredBody, lines: readonly { sku: string; quantity: number }[]): Map<number, number> {
  if (stored.doneLines) return new Map(stored.doneLines.filter((d) => d.line < lines.length).map((d) => [d.line, d.quantity] as const));
  const left = totalsBySku(stored.done);
  const done = new Map<number, number>();
  lines.forEach((line, i) => {
    const take = Math.min(line.quantity, left.get(line.sku) ?? 0);
    if (take <= 0) return;
    done.set(i, take);
    left.set(line.sku, left.get(line.sku)! - take);
  });
  return done;
}

export function pickPriority(request: PickRequest): number {
  return Math.max(...request.lines.map((l) => l.priority ?? 0));
}
