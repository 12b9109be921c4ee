import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../protocol/clock.ts';
import { tinyController } from '../test-support/tiny-controller.ts';
import { STOCK_CHECK_MS, STOCK_SNAPSHOT_MS, StockPublisher, type StockOutput } from './stock-publisher.ts';

function rig() {
  const clock = new SimulatedClock(Date.UTC(2026, 0, 1, 8));
  const controller = tinyController(
    [
      { id: 'B1', x: 1, y: 0, level: 0, contents: [{ sku: 'apple', quantity: 12 }] },
      { id: 'B2', x: 2, y: 0, level: 0, contents: [{ sku: 'pear', quantity: 3 }] },
    ],
    {},
    undefined,
    clock,
  );
  const sent: { kind: string; message: Record<string, unknown> }[] = [];
  const out: StockOutput = {
    snapshot: (message) => void sent.push({ kind: 'snapshot', message }),
    change: (message) => void sent.push({ kind: 'change', message }),
    low: (message) => void sent.push({ kind: 'low', message }),
  };
  const publisher = new StockPublisher(controller.inventory, clock, { lowStockUnits: 5, lowStockUnitsBySku: { apple: 10 } }, out);
  return { clock, controller, sent, publisher };
}

describe('StockPublisher', () => {
  it('publishes a snapshot at start, then a change per SKU whose level changed, each with its sequence', () => {
    const { clock, controller, sent, publisher } = rig();
    publisher.start();
    expect(sent).toEqual([
      {
        kind: 'snapshot',
        message: expect.objectContaining({
          sequence: 0,
          skus: [
            { sku: 'apple', onHand: 12, available: 12, lowStockThreshold: 10 },
            { sku: 'pear', onHand: 3, available: 3, lowStockThreshold: 5 },
          ],
        }),
      },
    ]);
    controller.stock.reserve('B1', 'apple', 2, 'r1');
    controller.stock.adjustContents('B1', 'apple', -1);
    controller.stock.adjustContents('B1', 'apple', -1);
    clock.advance(STOCK_CHECK_MS);
    // One change for the SKU however many moves; it fell below its own threshold of 10.
    expect(sent.slice(1)).toEqual([
      { kind: 'change', message: expect.objectContaining({ sequence: 1, sku: 'apple', onHand: 10, available: 8 }) },
      { kind: 'low', message: expect.objectContaining({ sequence: 1, sku: 'apple', available: 8, lowStockThreshold: 10 }) },
    ]);
    clock.advance(STOCK_CHECK_MS);
    expect(sent).toHaveLength(3);
  });

  it('raises low stock once until the SKU is back at its threshold; a SKU low at start is not newly low', () => {
    const { clock, controller, sent, publisher } = rig();
    publisher.start();
    controller.stock.adjustContents('B2', 'pear', -1);
    controller.stock.adjustContents('B1', 'apple', -3);
    clock.advance(STOCK_CHECK_MS);
    controller.stock.adjustContents('B1', 'apple', -1);
    clock.advance(STOCK_CHECK_MS);
    controller.stock.adjustContents('B1', 'apple', 5);
    clock.advance(STOCK_CHECK_MS);
    controller.stock.adjustContents('B1', 'apple', -4);
    clock.advance(STOCK_CHECK_MS);
    expect(sent.filter((s) => s.kind === 'low').map((s) => [s.message['sku'], s.message['available']])).toEqual([
      ['apple', 9],
      ['apple', 9],
    ]);
    expect(sent.filter((s) => s.kind === 'change').map((s) => s.message['sequence'])).toEqual([1, 2, 3, 4, 5]);
  });

  it('publishes the retained snapshot again once a minute while levels change', () => {
    const { clock, controller, sent, publisher } = rig();
    publisher.start();
    controller.stock.adjustContents('B2', 'pear', 1);
    clock.advance(STOCK_SNAPSHOT_MS);
    const snapshots = sent.filter((s) => s.kind === 'snapshot');
    expect(snapshots).toHaveLength(2);
    expect(snapshots[1]!.message).toMatchObject({ sequence: 1, skus: [expect.anything(), { sku: 'pear', onHand: 4 }] });
    clock.advance(STOCK_SNAPSHOT_MS);
    expect(sent.filter((s) => s.kind === 'snapshot')).toHaveLength(2);
  });
});
