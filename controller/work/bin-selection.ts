import type { GridMap } from '../grid/grid-map.ts';
import type { Inventory } from '../inventory/inventory.ts';

/** What bin selection reads: the stock, the grid, and where robots queue for ports. */
export interface BinSelectionView {
  readonly inventory: Inventory;
  readonly grid: GridMap;
  readonly options: { readonly depthWeightCells: number };
  /** Whether the cell is near a port with a lane, where robots queue for it (see PortZones.laneZone). */
  inLaneZone(cell: number): boolean;
}

export interface SelectedBin {
  binId: string;
  /** What the bin serves: pieces of a request line (`line`, an index into the request's lines). */
  lines: { line: number; sku: string; quantity: number }[];
}

/**
 * Chooses the bins a pick is served from (DESIGN.md §2: prefer shallow and near), line by
 * line in the request's order, so that each bin's lines keep the request line they serve. A
 * bin costs its depth (bins to lift off first) times `depthWeightCells` plus its distance to
 * the port in cells; bins not in storage right now (on a robot, at a port) cost extra, as
 * they must come back first, and so do bins near a port's lane (LANE_ZONE_COST_CELLS). The
 * caller has checked that enough stock is available.
 */
export function selectBinsForPick(view: BinSelectionView, lines: readonly { sku: string; quantity: number }[], portCell: number): SelectedBin[] {
  const inventory = view.inventory;
  const byBin = new Map<string, SelectedBin>();
  /** Pieces of a SKU already given to earlier lines, per bin. */
  const given = new Map<string, number>();
  const candidatesBySku = new Map<string, { binId: string; cost: number }[]>();
  lines.forEach((wanted, line) => {
    const { sku, quantity } = wanted;
    let candidates = candidatesBySku.get(sku);
    if (!candidates) {
      candidates = inventory
        .binsWithSku(sku)
        .map((binId) => ({ binId, cost: binCost(view, binId, portCell) }))
        .sort((a, b) => a.cost - b.cost || (a.binId < b.binId ? -1 : 1));
      candidatesBySku.set(sku, candidates);
    }
    let remaining = quantity;
    for (const candidate of candidates) {
      if (remaining === 0) break;
      const key = `${candidate.binId}\u0000${sku}`;
      const available = inventory.availableInBin(candidate.binId, sku) - (given.get(key) ?? 0);
      if (available <= 0) continue;
      const take = Math.min(remaining, available);
      remaining -= take;
      given.set(key, (given.get(key) ?? 0) + take);
      const selected = byBin.get(candidate.binId) ?? { binId: candidate.binId, lines: [] };
      selected.lines.push({ line, sku, quantity: take });
      byBin.set(candidate.binId, selected);
    }
    if (remaining > 0) throw new Error(`selectBinsForPick: ${remaining} of ${sku} not covered; availability was not checked`);
  });
  return [...byBin.values()];
}

/** The cheapest empty bin in storage that `busy` does not exclude, for a putaway; of equal ones, the lowest id. */
export function selectBinForPutaway(view: BinSelectionView, portCell: number, busy: (binId: string) => boolean): string | undefined {
  let best: string | undefined;
  let bestCost = Infinity;
  for (const binId of view.inventory.emptyBinsUnordered()) {
    const cost = binCost(view, binId, portCell);
    // Busy is asked last: it costs more than the cost.
    if (cost > bestCost || (cost === bestCost && best !== undefined && binId > best) || busy(binId)) continue;
    bestCost = cost;
    best = binId;
  }
  return best;
}

function binCost(view: BinSelectionView, binId: string, portCell: number): number {
  const location = view.inventory.location(binId);
  if (location.kind !== 'column') return 1_000;
  const depth = view.inventory.depthFromTop(binId) ?? 0;
  const column = view.grid.index(location.x, location.y);
  const zone = view.inLaneZone(column) ? LANE_ZONE_COST_CELLS : 0;
  return depth * view.options.depthWeightCells + view.grid.manhattan(column, portCell) + zone;
}

/**
 * Extra cost, in cells, of a bin in a column near a port with a lane (view.inLaneZone),
 * where robots queue for the port, enter and leave it: digging there (a robot standing for
 * each lift, setting blockers aside, coming back) stops the port's queue for seconds each
 * time, so such a bin is taken only when no other bin with the SKU is within this many cells
 * more. No bin is put back there, so the zone empties as its bins are taken.
 */
const LANE_ZONE_COST_CELLS = 50;
