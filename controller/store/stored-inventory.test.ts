import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InventoryError } from '../inventory/inventory-error.ts';
import type { BinPlacement } from '../inventory/types.ts';
import { openStore } from './sqlite-store.ts';
import { loadOrInitialiseInventory, StoredInventory } from './stored-inventory.ts';

const dims = { columnsX: 5, columnsY: 4, depth: 3 };

/** Two bins per column, apples in every third bin. */
function generate(): BinPlacement[] {
  const placements: BinPlacement[] = [];
  for (let x = 0; x < dims.columnsX; x++) {
    for (let y = 0; y < dims.columnsY; y++) {
      for (let level = 0; level < 2; level++) {
        const n = placements.length;
        placements.push({ binId: `B${n}`, x, y, level, contents: n % 3 === 0 ? [{ sku: 'apple', quantity: 4 }] : [] });
      }
    }
  }
  return placements;
}

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'gridline-inventory-'));
});
afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('stored inventory', () => {
  it('after moves, stock changes and reservations, a reopened store restores every bin where it was', () => {
    const store = openStore(dataDir, dims);
    let generated = 0;
    const stored = new StoredInventory(loadOrInitialiseInventory(store, dims, () => (generated++, generate())), store);
    expect(generated).toBe(1);

    stored.liftFromColumn('B1', 0, 0, 'R1'); // top of (0, 0)
    stored.placeOnColumn('B1', 4, 3, 'R1'); // on top of B39
    stored.liftFromColumn('B1', 4, 3, 'R1');
    stored.placeAtPort('B1', 'P1', 'R1');
    stored.liftFromColumn('B3', 0, 1, 'R2'); // stays on the robot
    stored.adjustContents('B1', 'pear', 5);
    stored.adjustContents('B0', 'apple', -4); // apple still known after this
    const kept = stored.reserve('B6', 'apple', 3, 'q1');
    const consumed = stored.reserve('B9', 'apple', 2, 'q2');
    stored.consumeReservation(consumed.reservationId);
    stored.reserve('B12', 'apple', 1, 'q3');
    stored.releaseRequest('q3');
    const before = stored.inventory.snapshot();
    store.close();

    const reopened = openStore(dataDir, dims);
    try {
      const restored = loadOrInitialiseInventory(reopened, dims, () => {
        throw new Error('must not generate a second inventory');
      });
      expect(restored.snapshot()).toEqual(before);
      expect(restored.location('B1')).toEqual({ kind: 'port', portId: 'P1' });
      expect(restored.location('B3')).toEqual({ kind: 'robot', serial: 'R2' });
      expect(restored.binOnRobot('R2')).toBe('B3');
      expect(restored.reservations()).toEqual([kept]);
      expect(restored.contents('B9')).toEqual([{ sku: 'apple', quantity: 2 }]);
      expect(restored.knownSku('apple')).toBe(true);
      expect(restored.checkConsistency()).toEqual([]);
    } finally {
      reopened.close();
    }
  });

  it('a refused change writes nothing to the store', () => {
    const store = openStore(dataDir, dims);
    const stored = new StoredInventory(loadOrInitialiseInventory(store, dims, generate), store);
    expect(() => stored.liftFromColumn('B0', 0, 0, 'R1')).toThrow(InventoryError); // B1 is on top
    expect(() => stored.adjustContents('B0', 'apple', -5)).toThrow(InventoryError);
    store.close();
    const reopened = openStore(dataDir, dims);
    try {
      expect(loadOrInitialiseInventory(reopened, dims, generate).snapshot()).toEqual(stored.inventory.snapshot());
    } finally {
      reopened.close();
    }
  });

  it('refuses an inconsistent generated layout before writing anything', () => {
    const store = openStore(dataDir, dims);
    try {
      expect(() =>
        loadOrInitialiseInventory(store, dims, () => [{ binId: 'A', x: 0, y: 0, level: 1, contents: [] }]),
      ).toThrow(InventoryError);
      expect(store.isInventoryEmpty()).toBe(true);
    } finally {
      store.close();
    }
  });
});
