import { describe, expect, it } from 'vitest';
import { GridController } from '../grid-controller.ts';
import { controllerOnLayoutFile, TINY_PORT, tinyController, type TinyBin } from '../test-support/tiny-controller.ts';
import { selectBinForPutaway, selectBinsForPick } from './bin-selection.ts';

const apples = (quantity: number) => [{ sku: 'apple', quantity }];

function pick(bins: TinyBin[], wanted: Record<string, number>, options = {}) {
  const controller = tinyController(bins, options);
  return selectBinsForPick(controller, Object.entries(wanted).map(([sku, quantity]) => ({ sku, quantity })), controller.grid.index(TINY_PORT.x, TINY_PORT.y));
}

describe('selectBinsForPick', () => {
  it('prefers a bin on top of its stack over one buried at the same distance', () => {
    // Both columns are 3 cells from the port at (0, 0).
    const selected = pick(
      [
        { id: 'DEEP', x: 2, y: 1, level: 0, contents: apples(5) },
        { id: 'LID', x: 2, y: 1, level: 1 },
        { id: 'TOP', x: 1, y: 2, level: 0, contents: apples(5) },
      ],
      { apple: 2 },
    );
    expect(selected).toEqual([{ binId: 'TOP', lines: [{ line: 0, sku: 'apple', quantity: 2 }] }]);
  });

  it('prefers a near bin one level down over a top bin more than depthWeightCells cells further', () => {
    // Default weight 6: the near bin costs 6 + 1 = 7, the far top bin costs 7 + 3 = 10.
    const selected = pick(
      [
        { id: 'NEAR', x: 1, y: 0, level: 0, contents: apples(5) },
        { id: 'LID', x: 1, y: 0, level: 1 },
        { id: 'FAR', x: 7, y: 3, level: 0, contents: apples(5) },
      ],
      { apple: 1 },
    );
    expect(selected.map((s) => s.binId)).toEqual(['NEAR']);
  });

  it('prefers a top bin over a buried one when it is less than depthWeightCells cells further', () => {
    // The near buried bin costs 6 + 1 = 7, the top bin 4 cells away costs 4.
    const selected = pick(
      [
        { id: 'NEAR', x: 1, y: 0, level: 0, contents: apples(5) },
        { id: 'LID', x: 1, y: 0, level: 1 },
        { id: 'TOP', x: 4, y: 0, level: 0, contents: apples(5) },
      ],
      { apple: 1 },
    );
    expect(selected.map((s) => s.binId)).toEqual(['TOP']);
  });

  it('weighs depth by the depthWeightCells option', () => {
    const bins: TinyBin[] = [
      { id: 'NEAR', x: 1, y: 0, level: 0, contents: apples(5) },
      { id: 'LID', x: 1, y: 0, level: 1 },
      { id: 'TOP', x: 4, y: 0, level: 0, contents: apples(5) },
    ];
    // With a weight of 2 the buried bin costs 2 + 1 = 3 < 4.
    expect(pick(bins, { apple: 1 }, { depthWeightCells: 2 }).map((s) => s.binId)).toEqual(['NEAR']);
  });

  it('splits a quantity across bins, cheapest first, when one bin is not enough', () => {
    const selected = pick(
      [
        { id: 'B-NEAR', x: 1, y: 0, level: 0, contents: apples(4) },
        { id: 'B-MID', x: 3, y: 0, level: 0, contents: apples(5) },
        { id: 'B-FAR', x: 6, y: 0, level: 0, contents: apples(9) },
      ],
      { apple: 7 },
    );
    expect(selected).toEqual([
      { binId: 'B-NEAR', lines: [{ line: 0, sku: 'apple', quantity: 4 }] },
      { binId: 'B-MID', lines: [{ line: 0, sku: 'apple', quantity: 3 }] },
    ]);
  });

  it('serves several SKUs from one bin as one selection with a line per SKU', () => {
    const selected = pick(
      [
        { id: 'MIXED', x: 1, y: 0, level: 0, contents: [{ sku: 'apple', quantity: 3 }, { sku: 'pear', quantity: 2 }] },
        { id: 'PEARS', x: 5, y: 0, level: 0, contents: [{ sku: 'pear', quantity: 9 }] },
      ],
      { apple: 1, pear: 2 },
    );
    expect(selected).toEqual([
      {
        binId: 'MIXED',
        lines: [
          { line: 0, sku: 'apple', quantity: 1 },
          { line: 1, sku: 'pear', quantity: 2 },
        ],
      },
    ]);
  });

  it('keeps each request line apart: lines of one SKU sharing a bin, and a line split over two bins', () => {
    const controller = tinyController([
      { id: 'B-NEAR', x: 1, y: 0, level: 0, contents: apples(4) },
      { id: 'B-FAR', x: 6, y: 0, level: 0, contents: apples(9) },
    ]);
    const lines = [
      { sku: 'apple', quantity: 1 },
      { sku: 'apple', quantity: 2 },
      { sku: 'apple', quantity: 3 },
    ];
    expect(selectBinsForPick(controller, lines, controller.grid.index(0, 0))).toEqual([
      {
        binId: 'B-NEAR',
        lines: [
          { line: 0, sku: 'apple', quantity: 1 },
          { line: 1, sku: 'apple', quantity: 2 },
          { line: 2, sku: 'apple', quantity: 1 },
        ],
      },
      { binId: 'B-FAR', lines: [{ line: 2, sku: 'apple', quantity: 2 }] },
    ]);
  });

  it('does not count stock reserved by another request', () => {
    const controller = tinyController([
      { id: 'B-NEAR', x: 1, y: 0, level: 0, contents: apples(4) },
      { id: 'B-FAR', x: 6, y: 0, level: 0, contents: apples(9) },
    ]);
    controller.stock.reserve('B-NEAR', 'apple', 3, 'earlier-request');
    const selected = selectBinsForPick(controller, [{ sku: 'apple', quantity: 3 }], controller.grid.index(0, 0));
    expect(selected).toEqual([
      { binId: 'B-NEAR', lines: [{ line: 0, sku: 'apple', quantity: 1 }] },
      { binId: 'B-FAR', lines: [{ line: 0, sku: 'apple', quantity: 2 }] },
    ]);
  });

  it('skips a bin whose stock is all reserved', () => {
    const controller = tinyController([
      { id: 'B-NEAR', x: 1, y: 0, level: 0, contents: apples(4) },
      { id: 'B-FAR', x: 6, y: 0, level: 0, contents: apples(9) },
    ]);
    controller.stock.reserve('B-NEAR', 'apple', 4, 'earlier-request');
    const selected = selectBinsForPick(controller, [{ sku: 'apple', quantity: 2 }], controller.grid.index(0, 0));
    expect(selected.map((s) => s.binId)).toEqual(['B-FAR']);
  });

  it('prefers a bin in storage over one that is out on a robot', () => {
    const controller = tinyController([
      { id: 'B-NEAR', x: 1, y: 0, level: 0, contents: apples(4) },
      { id: 'B-FAR', x: 7, y: 3, level: 0, contents: apples(4) },
    ]);
    controller.stock.liftFromColumn('B-NEAR', 1, 0, 'R1');
    const selected = selectBinsForPick(controller, [{ sku: 'apple', quantity: 1 }], controller.grid.index(0, 0));
    expect(selected.map((s) => s.binId)).toEqual(['B-FAR']);
  });

  it('breaks a tie in cost on the bin id', () => {
    // (2, 0) and (0, 2) are both 2 cells from the port and on top.
    const selected = pick(
      [
        { id: 'B2', x: 2, y: 0, level: 0, contents: apples(4) },
        { id: 'B1', x: 0, y: 2, level: 0, contents: apples(4) },
      ],
      { apple: 1 },
    );
    expect(selected.map((s) => s.binId)).toEqual(['B1']);
  });

  it('throws when the stock does not cover the quantity (availability is the caller’s check)', () => {
    expect(() => pick([{ id: 'B', x: 1, y: 0, level: 0, contents: apples(2) }], { apple: 3 })).toThrow(/1 of apple not covered/);
  });
});

describe('selectBinForPutaway', () => {
  const portCell = (c: ReturnType<typeof tinyController>) => c.grid.index(TINY_PORT.x, TINY_PORT.y);

  it('chooses an empty bin, never one holding stock', () => {
    const controller = tinyController([
      { id: 'FULL', x: 1, y: 0, level: 0, contents: apples(1) },
      { id: 'EMPTY', x: 5, y: 0, level: 0 },
    ]);
    expect(selectBinForPutaway(controller, portCell(controller), () => false)).toBe('EMPTY');
  });

  it('chooses the cheapest empty bin: shallow and near', () => {
    const controller = tinyController([
      { id: 'E-BURIED', x: 1, y: 0, level: 0 },
      { id: 'LID', x: 1, y: 0, level: 1, contents: apples(1) },
      { id: 'E-FAR', x: 6, y: 3, level: 0 },
      { id: 'E-NEAR', x: 2, y: 0, level: 0 },
    ]);
    expect(selectBinForPutaway(controller, portCell(controller), () => false)).toBe('E-NEAR');
  });

  it('skips empty bins the caller marks busy', () => {
    const controller = tinyController([
      { id: 'E-NEAR', x: 1, y: 0, level: 0 },
      { id: 'E-FAR', x: 6, y: 0, level: 0 },
    ]);
    expect(selectBinForPutaway(controller, portCell(controller), (id) => id === 'E-NEAR')).toBe('E-FAR');
  });

  it('returns undefined when there is no free empty bin', () => {
    const controller = tinyController([
      { id: 'FULL', x: 1, y: 0, level: 0, contents: apples(1) },
      { id: 'E', x: 2, y: 0, level: 0 },
    ]);
    expect(selectBinForPutaway(controller, portCell(controller), () => true)).toBeUndefined();
  });
});

/**
 * A 12 x 4 grid with one pick port at (5, 0), on the top edge away from the corners, so it has
 * a lane: robots enter it from (4, 0) and leave to (6, 0).
 */
function laneController(bins: TinyBin[]): GridController {
  const file = {
    name: 'lane',
    columns: { x: 12, y: 4 },
    depth: 4,
    ports: [{ id: 'P1', x: 5, y: 0, mode: 'pick' }],
    robots: { count: 0 },
    inventory: { bins: bins.map((b) => ({ id: b.id, x: b.x, y: b.y, level: b.level, contents: b.contents ?? [] })) },
  };
  return controllerOnLayoutFile(file);
}

describe('selectBinsForPick near a port with a lane', () => {
  const pickAt = (controller: GridController, wanted: Record<string, number>) =>
    selectBinsForPick(controller, Object.entries(wanted).map(([sku, quantity]) => ({ sku, quantity })), controller.grid.index(5, 0)).map((s) => s.binId);

  it('takes a bin from beside the lane only when no other bin is within 50 cells more', () => {
    // LANE is on the lane's entry, 1 cell from the port; BESIDE 2 cells away; FAR is 9 cells
    // away (6 + 3) but outside the 3-cell zone round the port.
    const controller = laneController([
      { id: 'LANE', x: 4, y: 0, level: 0, contents: apples(5) },
      { id: 'BESIDE', x: 5, y: 2, level: 0, contents: [{ sku: 'pear', quantity: 5 }] },
      { id: 'FAR', x: 11, y: 3, level: 0, contents: [...apples(5), { sku: 'pear', quantity: 5 }] },
    ]);
    expect(controller.inLaneZone(controller.grid.index(4, 0))).toBe(true);
    expect(controller.inLaneZone(controller.grid.index(11, 3))).toBe(false);
    expect(pickAt(controller, { apple: 1 })).toEqual(['FAR']);
    expect(pickAt(controller, { pear: 1 })).toEqual(['FAR']);
  });

  it('still takes a bin from beside the lane when it is the only one with the SKU', () => {
    const controller = laneController([
      { id: 'LANE', x: 4, y: 0, level: 0, contents: apples(5) },
      { id: 'FAR', x: 11, y: 3, level: 0, contents: [{ sku: 'pear', quantity: 5 }] },
    ]);
    expect(pickAt(controller, { apple: 2 })).toEqual(['LANE']);
  });
});
