/**
 * Test helper: what the controller keeps of its inventory and open requests, once as memory
 * has it and once as its store has it, to check that the two agree (after an internal error
 * above all).
 */
import type { GridController } from '../grid-controller.ts';
import { Inventory } from '../inventory/inventory.ts';
import { isBinRequestType } from '../../protocol/wms/request-schemas.ts';
import type { SqliteStore } from '../store/sqlite-store.ts';

export interface KeptState {
  inventory: ReturnType<Inventory['snapshot']>;
  quarantined: ReturnType<Inventory['quarantinedBins']>;
  /** Ids of picks and putaways accepted and not ended, sorted. */
  openRequests: string[];
}

export function memoryState(core: GridController): KeptState {
  return {
    inventory: core.inventory.snapshot(),
    quarantined: core.inventory.quarantinedBins(),
    openRequests: [...core.requests.all()].map((r) => r.requestId).sort(),
  };
}

export function storeState(store: SqliteStore): KeptState {
  const inventory = Inventory.restore(store.dimensions, { bins: store.loadInventory(), reservations: store.loadReservations(), knownSkus: store.loadKnownSkus(), quarantined: store.loadQuarantined() });
  return {
    inventory: inventory.snapshot(),
    quarantined: inventory.quarantinedBins(),
    openRequests: store
      .openRequests()
      .filter((r) => isBinRequestType(r.type))
      .map((r) => r.requestId)
      .sort(),
  };
}
