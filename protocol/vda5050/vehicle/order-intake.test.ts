import { describe, expect, it } from 'vitest';
import type { GridRouteMap } from '../grid-order-route.ts';
import type { Order } from '../types.ts';
import { pathOrder } from './grid-orders.test-support.ts';
import { OrderBook } from './order-book.ts';
import { judgeOrder, type OrderSituation } from './order-intake.ts';

const grid: GridRouteMap = { depth: 4, isDrivable: (x, y) => x >= 0 && y >= 0 && x < 6 && y < 3, cellKind: () => 'storage' };
const idle: OrderSituation = { orderId: '', orderUpdateId: 0, cancelled: false, baseEnd: { nodeId: 'c0_0', sequenceId: 0 }, busy: false, eStop: false, cell: { x: 0, y: 0 }, grid, mapId: 'm' };
const order = (p: Parameters<typeof pathOrder>[0]): Order => ({ headerId: 7, timestamp: '2026-01-01T00:00:00.000Z', version: '2.0.0', manufacturer: 'g', serialNumber: 'R1', ...pathOrder(p) });

describe('judgeOrder (VDA 5050 2.0.0 §6.6.2, §6.6.4)', () => {
  it('starts a new order from the cell the vehicle stands on', () => {
    expect(judgeOrder(order({ cells: [[0, 0], [1, 0]] }), idle)).toMatchObject({ kind: 'start', nodes: [{ nodeId: 'c0_0' }, { nodeId: 'c1_0' }] });
  });

  it('says noRouteError with the node when the first node is elsewhere, and orderError while it does not know where it stands', () => {
    expect(judgeOrder(order({ cells: [[1, 0], [2, 0]] }), idle)).toMatchObject({ kind: 'reject', errorType: 'noRouteError', nodeId: 'c1_0' });
    expect(judgeOrder(order({ cells: [[0, 0]] }), { ...idle, cell: undefined })).toMatchObject({ kind: 'reject', errorType: 'orderError' });
  });

  it('judges the same orderId as an update: lower is an orderUpdateError, the same is discarded, higher extends from the base end', () => {
    const running: OrderSituation = { ...idle, orderId: 'o1', orderUpdateId: 2, busy: true, baseEnd: { nodeId: 'c1_0', sequenceId: 2 } };
    expect(judgeOrder(order({ orderId: 'o1', orderUpdateId: 1, cells: [[1, 0]], firstSequenceId: 2 }), running)).toMatchObject({ kind: 'reject', errorType: 'orderUpdateError' });
    expect(judgeOrder(order({ orderId: 'o1', orderUpdateId: 2, cells: [[1, 0]], firstSequenceId: 2 }), running)).toEqual({ kind: 'discard' });
    expect(judgeOrder(order({ orderId: 'o1', orderUpdateId: 3, cells: [[1, 0], [2, 0]], firstSequenceId: 2 }), running)).toMatchObject({ kind: 'extend' });
    expect(judgeOrder(order({ orderId: 'o1', orderUpdateId: 3, cells: [[1, 0], [2, 0]], firstSequenceId: 4 }), running)).toMatchObject({ kind: 'reject', errorType: 'orderUpdateError' });
    expect(judgeOrder(order({ orderId: 'o1', orderUpdateId: 3, cells: [[1, 0]], firstSequenceId: 2 }), { ...running, cancelled: true })).toMatchObject({ kind: 'reject', errorType: 'orderUpdateError' });
  });

  it('says validationError for a malformed graph and orderError for what the vehicle cannot do', () => {
    const o = order({ cells: [[0, 0], [1, 0]] });
    expect(judgeOrder({ ...o, edges: [] }, idle)).toMatchObject({ kind: 'reject', errorType: 'validationError' });
    expect(judgeOrder(order({ cells: [[0, 0], [0, 5]] }), idle)).toMatchObject({ kind: 'reject', errorType: 'orderError' });
  });
});

describe('OrderBook', () => {
  it('runs straight over released nodes and stops the run at a node with actions or a turn', () => {
    const book = new OrderBook();
    const p = pathOrder({ cells: [[0, 0], [1, 0], [2, 0], [3, 0], [3, 1], [3, 2]], released: 5, actions: { 2: [{ actionType: 'pick', actionId: 'a', blockingType: 'HARD' }] } });
    book.start(p, p.nodes.map((n, i) => ({ nodeId: n.nodeId, sequenceId: n.sequenceId, released: n.released, cell: { x: Math.min(i, 3), y: Math.max(0, i - 3) }, actions: n.actions })), p.edges);
    expect(book.nextRun({ x: 0, y: 0 }).map((n) => n.nodeId)).toEqual(['c1_0', 'c2_0']);
    book.reach(book.route[0]!);
    book.reach(book.route[0]!);
    expect(book.queue.map((q) => q.action.actionId)).toEqual(['a']);
    expect(book.nextRun({ x: 2, y: 0 }).map((n) => n.nodeId)).toEqual(['c3_0']);
    book.reach(book.route[0]!);
    expect(book.nextRun({ x: 3, y: 0 }).map((n) => n.nodeId)).toEqual(['c3_1']);
    expect(book.baseEnd()).toEqual(expect.objectContaining({ nodeId: 'c3_1', sequenceId: 8 }));
  });
});
