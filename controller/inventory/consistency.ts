import { describeLocation, type InventoryState } from './inventory-state.ts';
import { binSkuKey } from './reservations.ts';
import { isPositiveCount } from './validation.ts';

/**
 * Recomputes every derived fact of an inventory's state from scratch and lists what disagrees
 * (empty = consistent); see `Inventory.checkConsistency`. O(bins).
 */
export function checkConsistency(state: InventoryState): string[] {
  const problems: string[] = [];
  const placesSeen = new Map<string, number>();
  const seenAt = (binId: string) => placesSeen.set(binId, (placesSeen.get(binId) ?? 0) + 1);

  state.stacks.forEach((stack, index) => {
    const x = index % state.columnsX;
    const y = Math.floor(index / state.columnsX);
    if (stack.length > state.depth) problems.push(`column (${x}, ${y}) holds ${stack.length} bins; depth is ${state.depth}`);
    for (let level = 0; level < stack.length; level++) {
      const binId = stack[level];
      if (binId === undefined) {
        problems.push(`column (${x}, ${y}) has a gap at level ${level}`);
        continue;
      }
      seenAt(binId);
      const location = state.bins.get(binId)?.location;
      if (location === undefined) problems.push(`column (${x}, ${y}) level ${level} holds unknown bin ${binId}`);
      else if (location.kind !== 'column' || location.x !== x || location.y !== y || location.level !== level) {
        problems.push(`bin ${binId} is in column (${x}, ${y}) level ${level} but recorded at ${describeLocation(location)}`);
      }
    }
  });
  for (const [serial, binId] of state.binByRobot) {
    seenAt(binId);
    const location = state.bins.get(binId)?.location;
    if (location?.kind !== 'robot' || location.serial !== serial) {
      problems.push(`robot ${serial} carries bin ${binId} but it is recorded at ${location ? describeLocation(location) : 'nowhere'}`);
    }
  }
  for (const [portId, binIds] of state.binsByPort) {
    for (const binId of binIds) {
      seenAt(binId);
      const location = state.bins.get(binId)?.location;
      if (location?.kind !== 'port' || location.portId !== portId) {
        problems.push(`port ${portId} holds bin ${binId} but it is recorded at ${location ? describeLocation(location) : 'nowhere'}`);
      }
    }
  }

  const expectedIndex = new Map<string, Set<string>>();
  const expectedStock = new Map<string, number>();
  for (const [binId, entry] of state.bins) {
    const count = placesSeen.get(binId) ?? 0;
    if (count !== 1) problems.push(`bin ${binId} is in ${count} places (${describeLocation(entry.location)} recorded)`);
    const skus = new Set<string>();
    for (const line of entry.contents) {
      if (!isPositiveCount(line.quantity)) problems.push(`bin ${binId} holds ${line.quantity} of SKU ${line.sku}`);
      if (skus.has(line.sku)) problems.push(`bin ${binId} lists SKU ${line.sku} twice`);
      skus.add(line.sku);
      if (!state.knownSkuSet.has(line.sku)) problems.push(`SKU ${line.sku} in bin ${binId} is not marked known`);
      let holders = expectedIndex.get(line.sku);
      if (holders === undefined) expectedIndex.set(line.sku, (holders = new Set()));
      holders.add(binId);
      expectedStock.set(line.sku, (expectedStock.get(line.sku) ?? 0) + line.quantity);
    }
    if ((entry.contents.length === 0) !== state.emptyBinIds.has(binId)) {
      problems.push(`bin ${binId} ${entry.contents.length === 0 ? 'is empty but not' : 'is not empty but'} in the empty-bin set`);
    }
  }
  for (const binId of state.emptyBinIds) {
    if (!state.bins.has(binId)) problems.push(`empty-bin set holds unknown bin ${binId}`);
  }
  for (const sku of new Set([...expectedIndex.keys(), ...state.skuIndex.keys()])) {
    const expected = expectedIndex.get(sku) ?? new Set<string>();
    const actual = state.skuIndex.get(sku) ?? new Set<string>();
    const missing = [...expected].filter((binId) => !actual.has(binId));
    const extra = [...actual].filter((binId) => !expected.has(binId));
    if (missing.length > 0) problems.push(`SKU index for ${sku} lacks bins ${missing.join(', ')}`);
    if (extra.length > 0) problems.push(`SKU index for ${sku} lists bins without it: ${extra.join(', ')}`);
    if (actual.size === 0 && state.skuIndex.has(sku)) problems.push(`SKU index keeps an empty entry for ${sku}`);
  }
  for (const sku of new Set([...expectedStock.keys(), ...state.stockBySku.keys()])) {
    const expected = expectedStock.get(sku) ?? 0;
    const actual = state.stockBySku.get(sku);
    if (actual !== (expected === 0 ? undefined : expected)) {
      problems.push(`stock of ${sku} is recorded as ${actual ?? 0}; bins hold ${expected}`);
    }
  }

  const reservedBySku = state.reservations.totalsBySku;
  const reservedByBinSku = state.reservations.totalsByBinSku;
  const expectedReservedBySku = new Map<string, number>();
  const expectedReservedByBinSku = new Map<string, number>();
  for (const reservation of state.reservations.all()) {
    const key = binSkuKey(reservation.binId, reservation.sku);
    expectedReservedByBinSku.set(key, (expectedReservedByBinSku.get(key) ?? 0) + reservation.quantity);
    expectedReservedBySku.set(reservation.sku, (expectedReservedBySku.get(reservation.sku) ?? 0) + reservation.quantity);
    if (!state.bins.has(reservation.binId)) problems.push(`reservation ${reservation.reservationId} holds unknown bin ${reservation.binId}`);
  }
  for (const [key, quantity] of expectedReservedByBinSku) {
    const [binId, sku] = key.split('\u0000') as [string, string];
    const held = state.bins.get(binId)?.contents.find((line) => line.sku === sku)?.quantity ?? 0;
    if (quantity > held) problems.push(`bin ${binId} has ${quantity} of SKU ${sku} reserved but holds ${held}`);
    if (reservedByBinSku.get(key) !== quantity) {
      problems.push(`reserved total for SKU ${sku} in bin ${binId} is ${reservedByBinSku.get(key) ?? 0}; reservations add up to ${quantity}`);
    }
  }
  for (const key of reservedByBinSku.keys()) {
    if (!expectedReservedByBinSku.has(key)) problems.push(`stale reserved total for ${key.replace('\u0000', ' / ')}`);
  }
  for (const sku of new Set([...expectedReservedBySku.keys(), ...reservedBySku.keys()])) {
    if (reservedBySku.get(sku) !== expectedReservedBySku.get(sku)) {
      problems.push(`reserved total for SKU ${sku} is ${reservedBySku.get(sku) ?? 0}; reservations add up to ${expectedReservedBySku.get(sku) ?? 0}`);
    }
  }
  return problems;
}
