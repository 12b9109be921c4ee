/**
 * Builds an inventory's state from input it must not trust: the placements of a fresh layout
 * or a state read back from the store. Every check throws `InventoryError('INCONSISTENT_INPUT')`.
 */
import { InventoryError } from './inventory-error.ts';
import type { InventoryState } from './inventory-state.ts';
import type { BinLocation, InventoryRestoreState } from './types.ts';
import { copyContents, isNonEmptyString } from './validation.ts';

/** Adds a bin during construction or restore; validates it against what is loaded so far. */
export function loadBin(state: InventoryState, binId: unknown, location: BinLocation, contents: unknown): void {
  if (!isNonEmptyString(binId)) {
    throw new InventoryError('INCONSISTENT_INPUT', `a bin id must be a non-empty string, got ${JSON.stringify(binId)}`);
  }
  if (state.bins.has(binId)) throw new InventoryError('INCONSISTENT_INPUT', `bin ${binId} appears twice`);
  const lines = copyContents(binId, contents, 'INCONSISTENT_INPUT');
  let stored: BinLocation;
  switch (location?.kind) {
    case 'column': {
      const { x, y, level } = location;
      if (!state.isInGrid(x, y)) {
        throw new InventoryError('INCONSISTENT_INPUT', `bin ${binId} is at (${x}, ${y}), outside the ${state.columnsX} x ${state.columnsY} grid`);
      }
      if (!Number.isInteger(level) || level < 0 || level >= state.depth) {
        throw new InventoryError('INCONSISTENT_INPUT', `bin ${binId} is at level ${level}; levels run 0 to ${state.depth - 1}`);
      }
      const stack = state.stacks[state.columnIndex(x, y)]!;
      const occupant = stack[level];
      if (occupant !== undefined) {
        throw new InventoryError('INCONSISTENT_INPUT', `bins ${occupant} and ${binId} are both at (${x}, ${y}) level ${level}`);
      }
      stack[level] = binId;
      stored = { kind: 'column', x, y, level };
      break;
    }
    case 'robot': {
      if (!isNonEmptyString(location.serial)) throw new InventoryError('INCONSISTENT_INPUT', `bin ${binId} is on a robot without a serial`);
      const carried = state.binByRobot.get(location.serial);
      if (carried !== undefined) {
        throw new InventoryError('INCONSISTENT_INPUT', `robot ${location.serial} carries both ${carried} and ${binId}`);
      }
      state.binByRobot.set(location.serial, binId);
      stored = { kind: 'robot', serial: location.serial };
      break;
    }
    case 'port': {
      if (!isNonEmptyString(location.portId)) throw new InventoryError('INCONSISTENT_INPUT', `bin ${binId} is at a port without an id`);
      let atPort = state.binsByPort.get(location.portId);
      if (atPort === undefined) state.binsByPort.set(location.portId, (atPort = new Set()));
      atPort.add(binId);
      stored = { kind: 'port', portId: location.portId };
      break;
    }
    default:
      throw new InventoryError('INCONSISTENT_INPUT', `bin ${binId} has no valid location`);
  }
  state.bins.set(binId, { location: stored, contents: lines });
  if (lines.length === 0) state.emptyBinIds.add(binId);
  // Indexes filled directly rather than through setQuantity: this runs once per bin at start.
  for (const { sku, quantity } of lines) {
    state.knownSkuSet.add(sku);
    state.stockBySku.set(sku, (state.stockBySku.get(sku) ?? 0) + quantity);
    let holders = state.skuIndex.get(sku);
    if (holders === undefined) state.skuIndex.set(sku, (holders = new Set()));
    holders.add(binId);
  }
}

/** Throws on the first column, in index order, that has an empty level under a bin. */
export function requireGaplessStacks(state: InventoryState): void {
  state.stacks.forEach((stack, index) => {
    for (let level = 0; level < stack.length; level++) {
      if (stack[level] === undefined) {
        const x = index % state.columnsX;
        const y = Math.floor(index / state.columnsX);
        throw new InventoryError(
          'INCONSISTENT_INPUT',
          `column (${x}, ${y}) has nothing at level ${level} under bin ${stack[stack.length - 1]} at level ${stack.length - 1}`,
        );
      }
    }
  });
}

/**
 * Loads a stored state into the empty state of a new inventory: bins, then the stacks' shape,
 * known SKUs and reservations, in that order. Quarantine is left to the caller.
 */
export function loadRestoredState(state: InventoryState, stored: InventoryRestoreState): void {
  for (const bin of stored.bins) loadBin(state, bin.binId, bin.location, bin.contents);
  requireGaplessStacks(state);
  for (const sku of stored.knownSkus ?? []) {
    if (!isNonEmptyString(sku)) throw new InventoryError('INCONSISTENT_INPUT', 'a known SKU is not a non-empty string');
    state.knownSkuSet.add(sku);
  }
  for (const reservation of stored.reservations ?? []) state.reservations.load(reservation);
}
