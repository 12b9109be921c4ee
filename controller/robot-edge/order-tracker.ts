/**
 * Every order and order update sent, until the vehicle's state shows it taken (its orderId and
 * an orderUpdateId at least as high: VDA 5050 2.0.0 §6.10.6, "to identify that an order update
 * has been accepted"), or shows it refused, or the time for that runs out. Pure bookkeeping:
 * times are clock ms passed in.
 */
import type { State, VdaError } from '../../protocol/vda5050/types.ts';

/** The error types by which a vehicle refuses an order or order update (§6.6.4, Figure 8). */
export const ORDER_REFUSAL_TYPES: ReadonlySet<string> = new Set(['orderError', 'orderUpdateError', 'noRouteError', 'validationError']);

export interface SentOrder {
  readonly orderId: string;
  readonly orderUpdateId: number;
  readonly headerId: number | undefined;
  readonly sentAtMs: number;
}

export type OrderVerdict =
  | { kind: 'acknowledged'; order: SentOrder }
  | { kind: 'rejected'; order: SentOrder; error: VdaError }
  | { kind: 'unacknowledged'; order: SentOrder };

export class OrderTracker {
  /** Orders sent and not yet shown taken, oldest first, per serial number. */
  private readonly pending = new Map<string, SentOrder[]>();
  /** Error signatures of each robot's last state, to tell a new error from one it already had. */
  private readonly lastErrors = new Map<string, Set<string>>();

  sent(serial: string, order: SentOrder): void {
    let list = this.pending.get(serial);
    if (!list) this.pending.set(serial, (list = []));
    list.push(order);
  }

  /** Orders of the robot still waiting to be shown taken. */
  pendingOf(serial: string): readonly SentOrder[] {
    return this.pending.get(serial) ?? [];
  }

  /**
   * Reads a state: pending orders it shows taken are acknowledged (and earlier ones of the same
   * order with them); one it refuses is rejected. A refusal is an error of a rejection type that
   * names the order (orderId, and orderUpdateId when given, or the order's headerId), or, for a
   * vehicle that names nothing, such an error new in this state that names no other topic.
   */
  read(serial: string, state: State): OrderVerdict[] {
    const verdicts: OrderVerdict[] = [];
    const errors = state.errors.filter((e) => ORDER_REFUSAL_TYPES.has(e.errorType));
    const before = this.lastErrors.get(serial) ?? new Set<string>();
    this.lastErrors.set(serial, new Set(errors.map(signature)));
    const list = this.pending.get(serial);
    if (!list || list.length === 0) return verdicts;
    const taken = list.findLastIndex((o) => o.orderId === state.orderId && o.orderUpdateId <= state.orderUpdateId);
    if (taken >= 0) {
      for (const order of list.splice(0, taken + 1)) verdicts.push({ kind: 'acknowledged', order });
    }
    for (const order of [...list]) {
      const error = errors.find((e) => namesOrder(e, order)) ?? errors.find((e) => !before.has(signature(e)) && namesNothing(e));
      if (!error) continue;
      list.splice(list.indexOf(order), 1);
      verdicts.push({ kind: 'rejected', order, error });
      break;
    }
    return verdicts;
  }

  /** Pending orders sent more than `timeoutMs` ago, each returned (and forgotten) once. */
  overdue(nowMs: number, timeoutMs: number): { serial: string; verdict: OrderVerdict }[] {
    const late: { serial: string; verdict: OrderVerdict }[] = [];
    for (const [serial, list] of this.pending) {
      while (list.length > 0 && nowMs - list[0]!.sentAtMs > timeoutMs) late.push({ serial, verdict: { kind: 'unacknowledged', order: list.shift()! } });
    }
    return late;
  }

  /** Forgets the robot's pending orders (its leg was withdrawn or ended otherwise). */
  forget(serial: string): void {
    this.pending.delete(serial);
  }
}

function reference(error: VdaError, key: string): string | undefined {
  return error.errorReferences?.find((r) => r.referenceKey === key)?.referenceValue;
}

function namesOrder(error: VdaError, order: SentOrder): boolean {
  const orderId = reference(error, 'orderId');
  const updateId = reference(error, 'orderUpdateId');
  if (orderId !== undefined) return orderId === order.orderId && (updateId === undefined || updateId === String(order.orderUpdateId));
  const headerId = reference(error, 'headerId');
  const topic = reference(error, 'topic');
  return headerId !== undefined && order.headerId !== undefined && headerId === String(order.headerId) && (topic === undefined || topic === 'order');
}

/** An error naming no order and no other topic: it may be the refusal of any pending order. */
function namesNothing(error: VdaError): boolean {
  const topic = reference(error, 'topic');
  return reference(error, 'orderId') === undefined && reference(error, 'headerId') === undefined && (topic === undefined || topic === 'order');
}

function signature(error: VdaError): string {
  return `${error.errorType}|${error.errorDescription ?? ''}|${(error.errorReferences ?? []).map((r) => `${r.referenceKey}=${r.referenceValue}`).join(',')}`;
}
