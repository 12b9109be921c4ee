/**
 * Bins whose whereabouts are in doubt (a robot's loads did not match what the controller expected):
 * offered to no request until an operator clears them, kept in the store. A bin the controller
 * has in a column puts that column's stack in doubt too: nothing is dug from or set on it.
 */
import type { GridMap } from '../grid/grid-map.ts';
import type { RequestBook, Visit } from '../requests/request-book.ts';
import type { StoredInventory } from '../store/stored-inventory.ts';

export class BinQuarantine {
  constructor(
    private readonly stock: StoredInventory,
    private readonly grid: GridMap,
    private readonly requests: RequestBook,
    /** A visit that can no longer be served fails to the WMS with the reason. */
    private readonly failVisit: (visit: Visit, reason: string) => void,
    private readonly alarm: (source: string, message: string) => void,
  ) {}

  /** Puts the bin in quarantine; the visits waiting on it, or on a bin of its column, fail with the reason. */
  put(binId: string, reason: string): void {
    const inventory = this.stock.inventory;
    if (inventory.quarantineOf(binId)) return;
    this.stock.quarantine(binId, reason);
    const location = inventory.location(binId);
    const column = location.kind === 'column' ? this.grid.index(location.x, location.y) : undefined;
    const where = location.kind === 'column' ? `, and column (${location.x}, ${location.y}) is neither dug nor stacked,` : '';
    this.alarm('inventory', `bin ${binId} quarantined: ${reason}; it is offered to no request${where} until an operator clears it`);
    const waitsOnIt = (b: string) => {
      if (b === binId) return true;
      const l = inventory.location(b);
      return column !== undefined && l.kind === 'column' && this.grid.index(l.x, l.y) === column;
    };
    for (const request of [...this.requests.all()]) {
      const visit = request.visits.find((v) => (v.state === 'queued' || v.state === 'underway') && waitsOnIt(v.binId));
      if (visit) this.failVisit(visit, `bin ${binId} quarantined: ${reason}`);
    }
  }

  /** Whether a bin the controller has in this column is in quarantine (its stack is in doubt). */
  columnInDoubt(cell: number): boolean {
    const inventory = this.stock.inventory;
    for (const { binId } of inventory.quarantinedBins()) {
      const l = inventory.location(binId);
      if (l.kind === 'column' && this.grid.index(l.x, l.y) === cell) return true;
    }
    return false;
  }
}
