import { describe, expect, it } from 'vitest';
import { Inventory } from './inventory.ts';
import { InventoryError, type InventoryErrorCode } from './inventory-error.ts';
import type { BinPlacement } from './types.ts';

/** 3 x 2 grid, 3 deep: column (0,0) holds A (bottom), B, C (top); (1,0) holds D; (2,1) is full. */
function smallInventory(): Inventory {
  const placements: BinPlacement[] = [
    { binId: 'A', x: 0, y: 0, level: 0, contents: [{ sku: 'apple', quantity: 5 }] },
    { binId: 'B', x: 0, y: 0, level: 1, contents: [] },
    { binId: 'C', x: 0, y: 0, level: 2, contents: [{ sku: 'pear', quantity: 2 }, { sku: 'apple', quantity: 1 }] },
    { binId: 'D', x: 1, y: 0, level: 0, contents: [] },
    { binId: 'E', x: 2, y: 1, level: 0, contents: [] },
    { binId: 'F', x: 2, y: 1, level: 1, contents: [] },
    { binId: 'G', x: 2, y: 1, level: 2, contents: [] },
  ];
  return new Inventory(3, 2, 3, placements);
}

function expectRefused(code: InventoryErrorCode, inventory: Inventory, action: (inv: Inventory) => unknown): void {
  const before = JSON.stringify(inventory.snapshot());
  let thrown: unknown;
  try {
    action(inventory);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(InventoryError);
  expect((thrown as InventoryError).code).toBe(code);
  expect(JSON.stringify(inventory.snapshot())).toBe(before);
  expect(inventory.checkConsistency()).toEqual([]);
}

function expectInconsistentInput(build: () => unknown, messagePart: string): void {
  expect(build).toThrow(InventoryError);
  expect(build).toThrow(messagePart);
}

describe('Inventory construction', () => {
  it('answers stack, height, depth-from-top and stock queries from the placements', () => {
    const inventory = smallInventory();
    expect(inventory.stack(0, 0)).toEqual(['A', 'B', 'C']);
    expect(inventory.height(0, 0)).toBe(3);
    expect(inventory.height(1, 1)).toBe(0);
    expect(inventory.depthFromTop('A')).toBe(2);
    expect(inventory.depthFromTop('C')).toBe(0);
    expect(inventory.location('B')).toEqual({ kind: 'column', x: 0, y: 0, level: 1 });
    expect(inventory.stockOf('apple')).toBe(6);
    expect(inventory.binsWithSku('apple')).toEqual(['A', 'C']);
    expect(inventory.knownSku('pear')).toBe(true);
    expect(inventory.knownSku('plum')).toBe(false);
    expect(inventory.emptyBins()).toEqual(['B', 'D', 'E', 'F', 'G']);
    expect(inventory.allBins()).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G']);
    expect(inventory.checkConsistency()).toEqual([]);
  });

  it('hands out copies, so a caller editing a stack or contents changes nothing inside', () => {
    const inventory = smallInventory();
    inventory.stack(0, 0).pop();
    inventory.contents('A')[0]!.quantity = 99;
    expect(inventory.stack(0, 0)).toEqual(['A', 'B', 'C']);
    expect(inventory.contents('A')).toEqual([{ sku: 'apple', quantity: 5 }]);
  });

  it('refuses a duplicate bin id', () => {
    expectInconsistentInput(
      () => new Inventory(2, 2, 2, [
        { binId: 'A', x: 0, y: 0, level: 0, contents: [] },
        { binId: 'A', x: 1, y: 0, level: 0, contents: [] },
      ]),
      'bin A appears twice',
    );
  });

  it('refuses two bins in one slot', () => {
    expectInconsistentInput(
      () => new Inventory(2, 2, 2, [
        { binId: 'A', x: 0, y: 0, level: 0, contents: [] },
        { binId: 'B', x: 0, y: 0, level: 0, contents: [] },
      ]),
      'both at (0, 0) level 0',
    );
  });

  it('refuses a bin floating above a gap', () => {
    expectInconsistentInput(() => new Inventory(2, 2, 3, [{ binId: 'A', x: 1, y: 1, level: 1, contents: [] }]), 'nothing at level 0');
  });

  it('refuses positions outside the grid or beyond the depth', () => {
    expectInconsistentInput(() => new Inventory(2, 2, 2, [{ binId: 'A', x: 2, y: 0, level: 0, contents: [] }]), 'outside the 2 x 2 grid');
    expectInconsistentInput(() => new Inventory(2, 2, 2, [{ binId: 'A', x: 0, y: -1, level: 0, contents: [] }]), 'outside');
    expectInconsistentInput(() => new Inventory(2, 2, 2, [{ binId: 'A', x: 0, y: 0, level: 2, contents: [] }]), 'levels run 0 to 1');
  });

  it('refuses malformed contents and dimensions', () => {
    expectInconsistentInput(
      () => new Inventory(1, 1, 1, [{ binId: 'A', x: 0, y: 0, level: 0, contents: [{ sku: 'x', quantity: 0 }] }]),
      'expected a positive integer',
    );
    expectInconsistentInput(
      () => new Inventory(1, 1, 1, [{ binId: 'A', x: 0, y: 0, level: 0, contents: [{ sku: 'x', quantity: 1 }, { sku: 'x', quantity: 2 }] }]),
      'appears on two lines',
    );
    expectInconsistentInput(() => new Inventory(0, 1, 1, []), 'columnsX must be a positive integer');
    expectInconsistentInput(() => new Inventory(1, 1, 1.5, []), 'depth must be a positive integer');
  });

  it('builds a 100 x 100 x 16 grid of 160,000 bins', () => {
    const placements: BinPlacement[] = [];
    for (let x = 0; x < 100; x++) {
      for (let y = 0; y < 100; y++) {
        for (let level = 0; level < 16; level++) {
          const n = placements.length;
          placements.push({ binId: `B${n}`, x, y, level, contents: n % 3 === 0 ? [] : [{ sku: `S${n % 500}`, quantity: 1 + (n % 7) }] });
        }
      }
    }
    const inventory = new Inventory(100, 100, 16, placements);
    expect(inventory.binCount).toBe(160_000);
    expect(inventory.height(99, 99)).toBe(16);
    expect(inventory.depthFromTop('B0')).toBe(15);
    expect(inventory.binsWithSku('S1').length).toBe(placements.filter((p) => p.contents[0]?.sku === 'S1').length);
    expect(inventory.checkConsistency()).toEqual([]);
  });
});

describe('Inventory bin moves', () => {
  it('moves a top bin column -> robot -> port -> robot -> another column', () => {
    const inventory = smallInventory();
    inventory.liftFromColumn('C', 0, 0, 'R1');
    expect(inventory.location('C')).toEqual({ kind: 'robot', serial: 'R1' });
    expect(inventory.binOnRobot('R1')).toBe('C');
    expect(inventory.depthFromTop('C')).toBeUndefined();
    expect(inventory.depthFromTop('A')).toBe(1);

    inventory.placeAtPort('C', 'P1', 'R1');
    expect(inventory.location('C')).toEqual({ kind: 'port', portId: 'P1' });
    expect(inventory.binsAtPort('P1')).toEqual(['C']);
    expect(inventory.binOnRobot('R1')).toBeUndefined();

    inventory.liftFromPort('C', 'P1', 'R2');
    inventory.placeOnColumn('C', 1, 0, 'R2');
    expect(inventory.location('C')).toEqual({ kind: 'column', x: 1, y: 0, level: 1 });
    expect(inventory.stack(1, 0)).toEqual(['D', 'C']);
    expect(inventory.binsAtPort('P1')).toEqual([]);
    expect(inventory.stockOf('apple')).toBe(6);
    expect(inventory.checkConsistency()).toEqual([]);
  });

  it('refuses to lift a bin that has bins on top of it', () => {
    expectRefused('BIN_NOT_ON_TOP', smallInventory(), (inv) => inv.liftFromColumn('A', 0, 0, 'R1'));
  });

  it('refuses to lift a bin from a column it is not in', () => {
    expectRefused('BIN_NOT_IN_COLUMN', smallInventory(), (inv) => inv.liftFromColumn('C', 1, 0, 'R1'));
  });

  it('refuses to lift onto a robot that already carries a bin', () => {
    const inventory = smallInventory();
    inventory.liftFromColumn('C', 0, 0, 'R1');
    expectRefused('ROBOT_ALREADY_CARRYING', inventory, (inv) => inv.liftFromColumn('D', 1, 0, 'R1'));
  });

  it('refuses to place a bin on a full column', () => {
    const inventory = smallInventory();
    inventory.liftFromColumn('C', 0, 0, 'R1');
    expectRefused('COLUMN_FULL', inventory, (inv) => inv.placeOnColumn('C', 2, 1, 'R1'));
  });

  it('refuses to place a bin the robot does not carry', () => {
    const inventory = smallInventory();
    inventory.liftFromColumn('C', 0, 0, 'R1');
    expectRefused('BIN_NOT_ON_ROBOT', inventory, (inv) => inv.placeOnColumn('C', 1, 1, 'R2'));
    expectRefused('BIN_NOT_ON_ROBOT', inventory, (inv) => inv.placeOnColumn('D', 1, 1, 'R1'));
    expectRefused('BIN_NOT_ON_ROBOT', inventory, (inv) => inv.placeAtPort('D', 'P1', 'R1'));
  });

  it('refuses columns outside the grid and unknown bins', () => {
    const inventory = smallInventory();
    inventory.liftFromColumn('C', 0, 0, 'R1');
    expectRefused('COLUMN_OUT_OF_RANGE', inventory, (inv) => inv.placeOnColumn('C', 3, 0, 'R1'));
    expectRefused('COLUMN_OUT_OF_RANGE', inventory, (inv) => inv.placeOnColumn('C', 0.5, 0, 'R1'));
    expectRefused('UNKNOWN_BIN', inventory, (inv) => inv.liftFromColumn('Z', 0, 0, 'R2'));
    expect(() => inventory.location('Z')).toThrow('no bin "Z"');
  });

  it('refuses to lift a bin from a port it is not at', () => {
    const inventory = smallInventory();
    inventory.liftFromColumn('C', 0, 0, 'R1');
    inventory.placeAtPort('C', 'P1', 'R1');
    expectRefused('BIN_NOT_AT_PORT', inventory, (inv) => inv.liftFromPort('C', 'P2', 'R1'));
    expectRefused('BIN_NOT_AT_PORT', inventory, (inv) => inv.liftFromPort('D', 'P1', 'R1'));
  });

  it('keeps the bins at a port in arrival order', () => {
    const inventory = smallInventory();
    inventory.liftFromColumn('C', 0, 0, 'R1');
    inventory.placeAtPort('C', 'P1', 'R1');
    inventory.liftFromColumn('D', 1, 0, 'R1');
    inventory.placeAtPort('D', 'P1', 'R1');
    expect(inventory.binsAtPort('P1')).toEqual(['C', 'D']);
  });
});

describe('Inventory contents', () => {
  it('adds stock to an empty bin and indexes the new SKU', () => {
    const inventory = smallInventory();
    expect(inventory.adjustContents('B', 'plum', 4)).toBe(4);
    expect(inventory.contents('B')).toEqual([{ sku: 'plum', quantity: 4 }]);
    expect(inventory.binsWithSku('plum')).toEqual(['B']);
    expect(inventory.knownSku('plum')).toBe(true);
    expect(inventory.emptyBins()).not.toContain('B');
    expect(inventory.checkConsistency()).toEqual([]);
  });

  it('removing the last piece removes the line, unindexes the bin and keeps the SKU known', () => {
    const inventory = smallInventory();
    expect(inventory.adjustContents('C', 'pear', -2)).toBe(0);
    expect(inventory.contents('C')).toEqual([{ sku: 'apple', quantity: 1 }]);
    expect(inventory.binsWithSku('pear')).toEqual([]);
    expect(inventory.stockOf('pear')).toBe(0);
    expect(inventory.knownSku('pear')).toBe(true);
    inventory.adjustContents('C', 'apple', -1);
    expect(inventory.emptyBins()).toContain('C');
    expect(inventory.checkConsistency()).toEqual([]);
  });

  it('refuses to take stock below zero', () => {
    expectRefused('INSUFFICIENT_STOCK', smallInventory(), (inv) => inv.adjustContents('A', 'apple', -6));
    expectRefused('INSUFFICIENT_STOCK', smallInventory(), (inv) => inv.adjustContents('B', 'apple', -1));
  });

  it('refuses a zero or fractional change', () => {
    expectRefused('INVALID_ARGUMENT', smallInventory(), (inv) => inv.adjustContents('A', 'apple', 0));
    expectRefused('INVALID_ARGUMENT', smallInventory(), (inv) => inv.adjustContents('A', 'apple', 1.5));
    expectRefused('INVALID_ARGUMENT', smallInventory(), (inv) => inv.adjustContents('A', '', 1));
  });
});

describe('Inventory reservations', () => {
  it('reserving lowers availability but not stock; releasing restores it', () => {
    const inventory = smallInventory();
    const reservation = inventory.reserve('A', 'apple', 3, 'req-1');
    expect(reservation).toEqual({ reservationId: 'rsv-1', binId: 'A', sku: 'apple', quantity: 3, requestId: 'req-1' });
    expect(inventory.stockOf('apple')).toBe(6);
    expect(inventory.available('apple')).toBe(3);
    expect(inventory.availableInBin('A', 'apple')).toBe(2);
    expect(inventory.release('rsv-1')).toEqual([reservation]);
    expect(inventory.available('apple')).toBe(6);
    expect(inventory.checkConsistency()).toEqual([]);
  });

  it('releases every reservation of a request on a bin', () => {
    const inventory = smallInventory();
    inventory.reserve('C', 'apple', 1, 'req-1');
    inventory.reserve('C', 'pear', 2, 'req-1');
    inventory.reserve('A', 'apple', 1, 'req-1');
    expect(inventory.release('C', 'req-1').map((r) => r.sku)).toEqual(['apple', 'pear']);
    expect(inventory.reservationsOfRequest('req-1').map((r) => r.binId)).toEqual(['A']);
    expect(inventory.releaseRequest('req-1')).toHaveLength(1);
    expect(inventory.available('apple')).toBe(6);
  });

  it('refuses to reserve more than the bin holds unreserved', () => {
    const inventory = smallInventory();
    inventory.reserve('A', 'apple', 4, 'req-1');
    expectRefused('INSUFFICIENT_STOCK', inventory, (inv) => inv.reserve('A', 'apple', 2, 'req-2'));
    expectRefused('INSUFFICIENT_STOCK', inventory, (inv) => inv.reserve('B', 'apple', 1, 'req-2'));
  });

  it('refuses a second reservation of the same SKU in the same bin for the same request', () => {
    const inventory = smallInventory();
    inventory.reserve('A', 'apple', 1, 'req-1');
    expectRefused('DUPLICATE_RESERVATION', inventory, (inv) => inv.reserve('A', 'apple', 1, 'req-1'));
  });

  it('refuses to remove reserved pieces by adjustment; consuming the reservation removes them', () => {
    const inventory = smallInventory();
    const { reservationId } = inventory.reserve('A', 'apple', 4, 'req-1');
    expectRefused('BELOW_RESERVED', inventory, (inv) => inv.adjustContents('A', 'apple', -2));
    expect(inventory.consumeReservation(reservationId)).toBe(1);
    expect(inventory.contents('A')).toEqual([{ sku: 'apple', quantity: 1 }]);
    expect(inventory.reservations()).toEqual([]);
    expect(inventory.available('apple')).toBe(2);
    expect(inventory.checkConsistency()).toEqual([]);
  });

  it('refuses to release a reservation that does not exist', () => {
    expectRefused('UNKNOWN_RESERVATION', smallInventory(), (inv) => inv.release('rsv-9'));
    expectRefused('UNKNOWN_RESERVATION', smallInventory(), (inv) => inv.release('A', 'req-1'));
  });
});

describe('Inventory snapshot and restore', () => {
  it('restores bins on robots and at ports, reservations and known SKUs, and keeps numbering reservations', () => {
    const inventory = smallInventory();
    inventory.liftFromColumn('C', 0, 0, 'R1');
    inventory.placeAtPort('C', 'P1', 'R1');
    inventory.liftFromColumn('B', 0, 0, 'R1');
    inventory.reserve('A', 'apple', 2, 'req-1');
    inventory.adjustContents('C', 'pear', -2);
    const snapshot = inventory.snapshot();

    const restored = Inventory.restore(snapshot.dimensions, snapshot);
    expect(restored.snapshot()).toEqual(snapshot);
    expect(restored.knownSku('pear')).toBe(true);
    expect(restored.checkConsistency()).toEqual([]);
    expect(restored.reserve('A', 'apple', 1, 'req-2').reservationId).toBe('rsv-2');
  });

  it('snapshots are identical for identical histories and sorted by bin id', () => {
    const first = smallInventory().snapshot();
    expect(JSON.stringify(smallInventory().snapshot())).toBe(JSON.stringify(first));
    expect(first.bins.map((b) => b.binId)).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G']);
  });

  it('refuses to restore two bins on one robot or a reservation beyond stock', () => {
    const dims = { columnsX: 1, columnsY: 1, depth: 1 };
    expectInconsistentInput(
      () => Inventory.restore(dims, {
        bins: [
          { binId: 'A', location: { kind: 'robot', serial: 'R1' }, contents: [] },
          { binId: 'B', location: { kind: 'robot', serial: 'R1' }, contents: [] },
        ],
      }),
      'robot R1 carries both A and B',
    );
    expectInconsistentInput(
      () => Inventory.restore(dims, {
        bins: [{ binId: 'A', location: { kind: 'port', portId: 'P' }, contents: [{ sku: 's', quantity: 1 }] }],
        reservations: [{ reservationId: 'rsv-1', binId: 'A', sku: 's', quantity: 2, requestId: 'q' }],
      }),
      'reservation rsv-1',
    );
  });
});

describe('Inventory consistency check', () => {
  // Reaches into private state on purpose: the check exists to catch exactly this kind of bug.
  interface Internals {
    stacks: string[][];
    skuIndex: Map<string, Set<string>>;
    stockBySku: Map<string, number>;
    binByRobot: Map<string, string>;
  }
  const internals = (inventory: Inventory) => (inventory as unknown as { state: Internals }).state;

  it('reports a bin listed in two columns', () => {
    const inventory = smallInventory();
    internals(inventory).stacks[4]!.push('C'); // column (1, 1)
    const problems = inventory.checkConsistency();
    expect(problems).toContain('bin C is in 2 places (column (0, 0) level 2 recorded)');
    expect(problems.some((p) => p.includes('column (1, 1) level 0') && p.includes('recorded at column (0, 0) level 2'))).toBe(true);
  });

  it('reports a bin in no place at all', () => {
    const inventory = smallInventory();
    internals(inventory).stacks[0]!.pop();
    expect(inventory.checkConsistency()).toEqual(['bin C is in 0 places (column (0, 0) level 2 recorded)']);
  });

  it('reports an overfull stack, a stale SKU index and a wrong stock total', () => {
    const inventory = smallInventory();
    internals(inventory).stacks[5]!.push('X'); // column (2, 1), already full
    internals(inventory).skuIndex.get('apple')!.add('B');
    internals(inventory).stockBySku.set('pear', 3);
    const problems = inventory.checkConsistency();
    expect(problems).toContain('column (2, 1) holds 4 bins; depth is 3');
    expect(problems).toContain('column (2, 1) level 3 holds unknown bin X');
    expect(problems).toContain('SKU index for apple lists bins without it: B');
    expect(problems).toContain('stock of pear is recorded as 3; bins hold 2');
  });

  it('reports a robot believed to carry a bin that is elsewhere', () => {
    const inventory = smallInventory();
    internals(inventory).binByRobot.set('R9', 'D');
    const problems = inventory.checkConsistency();
    expect(problems).toContain('robot R9 carries bin D but it is recorded at column (1, 0) level 0');
    expect(problems).toContain('bin D is in 2 places (column (1, 0) level 0 recorded)');
  });
});
