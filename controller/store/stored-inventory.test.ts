import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Inventory } from '../inventory/inventory.ts';
import { InventoryError } from '../inventory/inventory-error.ts';
import type { BinPlacement } from '../inventory/types.ts';
import { openStore, type SqliteStore } from './sqlite-store.ts';
import { StoreError } from './store-error.ts';
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

/** Everything the inventory keeps, as memory has it… */
function memoryState(stored: StoredInventory) {
  return { ...stored.inventory.snapshot(), quarantined: stored.inventory.quarantinedBins() };
}

/** …and as the store has it. */
function storeState(store: SqliteStore) {
  const inventory = Inventory.restore(dims, { bins: store.loadInventory(), reservations: store.loadReservations(), knownSkus: store.loadKnownSkus(), quarantined: store.loadQuarantined() });
  return { ...inventory.snapshot(), quarantined: inventory.quarantinedBins() };
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

  it('a batch that throws takes back every change it made, in memory as in the store, down to the order of stock lines', () => {
    const store = openStore(dataDir, dims);
    try {
      const stored = new StoredInventory(loadOrInitialiseInventory(store, dims, generate), store);
      stored.adjustContents('B0', 'pear', 2); // B0: apple 4, pear 2
      stored.reserve('B3', 'apple', 1, 'q0');
      stored.quarantine('B5', 'seen twice');
      stored.liftFromColumn('B7', 0, 3, 'R9');
      const before = memoryState(stored);
      expect(storeState(store)).toEqual(before);
      expect(() =>
        stored.atomically(() => {
          stored.liftFromColumn('B1', 0, 0, 'R1');
          stored.placeAtPort('B1', 'P1', 'R1');
          stored.liftFromPort('B1', 'P1', 'R2');
          stored.placeOnColumn('B1', 4, 3, 'R2');
          stored.placeOnColumn('B7', 1, 0, 'R9');
          const reservation = stored.reserve('B0', 'apple', 4, 'q1');
          stored.consumeReservation(reservation.reservationId); // B0's apple line goes
          stored.release(stored.reserve('B6', 'apple', 1, 'q2').reservationId);
          stored.releaseRequest('q0');
          stored.adjustContents('B2', 'plum', 7);
          stored.quarantine('B2', 'dropped');
          stored.clearQuarantine('B5');
          throw new Error('a bug half-way');
        }),
      ).toThrow('a bug half-way');
      expect(memoryState(stored)).toEqual(before);
      expect(storeState(store)).toEqual(before);
      expect(stored.inventory.contents('B0')).toEqual([{ sku: 'apple', quantity: 4 }, { sku: 'pear', quantity: 2 }]);
      expect(stored.inventory.checkConsistency()).toEqual([]);
      // Reservations go on from where they were: a new one is not confused with one taken back.
      const next = stored.reserve('B3', 'apple', 1, 'q3');
      expect(storeState(store)).toEqual(memoryState(stored));
      expect(next.reservationId).not.toBe('rsv-1');
    } finally {
      store.close();
    }
  });

  it('a change the store cannot write is undone in memory', () => {
    const store = openStore(dataDir, dims);
    try {
      const placements = generate();
      store.initialiseInventory(placements);
      // A bin the store has no row for: every write about it fails.
      const inventory = new Inventory(dims.columnsX, dims.columnsY, dims.depth, [...placements, { binId: 'X', x: 0, y: 0, level: 2, contents: [] }]);
      const stored = new StoredInventory(inventory, store);
      const before = inventory.snapshot();
      expect(() => stored.liftFromColumn('X', 0, 0, 'R1')).toThrow(StoreError);
      expect(() => stored.adjustContents('X', 'apple', 3)).toThrow(StoreError);
      expect(inventory.snapshot()).toEqual(before);
      expect(inventory.location('X')).toEqual({ kind: 'column', x: 0, y: 0, level: 2 });
    } finally {
      store.close();
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
