/**
 * How urgent a request's work is: the WMS's priority (0..9, higher first), then its cut-off
 * (`dueTime`, earliest first; work with no cut-off after work with one). Retrievals start in
 * this order, and a port presents the bins waiting at it in this order.
 */
export interface Urgency {
  readonly priority: number;
  /** Clock ms of the request's cut-off, if it has one. */
  readonly dueAtMs?: number | undefined;
}

/** Negative when `a` is more urgent than `b`, positive when less, 0 when as urgent. */
export function compareUrgency(a: Urgency, b: Urgency): number {
  return b.priority - a.priority || (a.dueAtMs ?? Infinity) - (b.dueAtMs ?? Infinity) || 0;
}
