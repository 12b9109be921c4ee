import { describe, expect, it } from 'vitest';
import type { State, VdaError } from '../../protocol/vda5050/types.ts';
import { idleState } from '../test-support/robot-states.ts';
import { OrderTracker } from './order-tracker.ts';

const sent = (orderId: string, orderUpdateId: number, headerId = 0, sentAtMs = 0) => ({ orderId, orderUpdateId, headerId, sentAtMs });
function state(orderId: string, orderUpdateId: number, errors: VdaError[] = []): State {
  return { ...idleState('R1', 'c1_1'), orderId, orderUpdateId, errors };
}
const rejection = (errorType: string, refs: Record<string, string>): VdaError => ({
  errorType,
  errorLevel: 'WARNING',
  errorDescription: 'no',
  errorReferences: Object.entries(refs).map(([referenceKey, referenceValue]) => ({ referenceKey, referenceValue })),
});

// VDA 5050 2.0.0 §6.10.6: state orderId/orderUpdateId show which order (update) the vehicle took;
// §6.6.4: a refused order is reported as an error (orderError, orderUpdateError, noRouteError, validationError).
describe('OrderTracker', () => {
  it('acknowledges an order, and earlier updates with it, once a state shows its orderId and an orderUpdateId as high', () => {
    const t = new OrderTracker();
    t.sent('R1', sent('o1', 0));
    t.sent('R1', sent('o1', 1));
    t.sent('R1', sent('o1', 2));
    expect(t.read('R1', state('', 0))).toEqual([]);
    expect(t.read('R1', state('o1', 1)).map((v) => [v.kind, v.order.orderUpdateId])).toEqual([['acknowledged', 0], ['acknowledged', 1]]);
    expect(t.pendingOf('R1').map((o) => o.orderUpdateId)).toEqual([2]);
  });

  it('takes an error naming the order (orderId and orderUpdateId) as its rejection', () => {
    const t = new OrderTracker();
    t.sent('R1', sent('o1', 0));
    t.sent('R1', sent('o1', 1));
    const other = rejection('orderError', { orderId: 'o0', orderUpdateId: '0' });
    expect(t.read('R1', state('o1', 0, [other]))).toHaveLength(1);
    const verdicts = t.read('R1', state('o1', 0, [other, rejection('orderUpdateError', { orderId: 'o1', orderUpdateId: '1' })]));
    expect(verdicts).toEqual([{ kind: 'rejected', order: sent('o1', 1), error: expect.objectContaining({ errorType: 'orderUpdateError' }) }]);
    expect(t.pendingOf('R1')).toEqual([]);
  });

  it('takes an error naming the order by its headerId, and a new unattributed one, as a rejection; not one about instant actions', () => {
    const t = new OrderTracker();
    t.sent('R1', sent('o1', 0, 7));
    expect(t.read('R1', state('', 0, [rejection('validationError', { topic: 'instantActions', headerId: '7' })]))).toEqual([]);
    expect(t.read('R1', state('', 0, [rejection('noRouteError', { topic: 'order', headerId: '7' })]))[0]?.kind).toBe('rejected');
    t.sent('R1', sent('o2', 0, 8));
    const old = rejection('orderError', {});
    t.read('R1', state('', 0, [old]));
    expect(t.pendingOf('R1')).toHaveLength(0);
    t.sent('R1', sent('o3', 0, 9));
    expect(t.read('R1', state('', 0, [old]))).toEqual([]);
    expect(t.read('R1', state('', 0, [old, rejection('orderError', { nodeId: 'c1_1' })]))[0]?.kind).toBe('rejected');
  });

  it('gives each order unacknowledged past the time limit once', () => {
    const t = new OrderTracker();
    t.sent('R1', sent('o1', 0, 0, 1_000));
    t.sent('R2', sent('o2', 0, 0, 2_500));
    expect(t.overdue(3_000, 2_000)).toEqual([]);
    expect(t.overdue(3_001, 2_000)).toEqual([{ serial: 'R1', verdict: { kind: 'unacknowledged', order: sent('o1', 0, 0, 1_000) } }]);
    expect(t.overdue(3_002, 2_000)).toEqual([]);
    t.forget('R2');
    expect(t.overdue(10_000, 2_000)).toEqual([]);
  });
});
