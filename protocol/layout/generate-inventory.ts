import { SeededRandom } from '../random.ts';
import { cellsOfKind, type BinContent, type BinPlacement, type GridLayout, type InventoryGenerator } from './grid-layout.ts';

/** Most units of one SKU the generator puts in one bin. */
const MAX_QUANTITY_PER_BIN = 40;

export function skuId(n: number): string {
  return `SKU-${String(n).padStart(5, '0')}`;
}

export function binId(n: number): string {
  return `B${String(n).padStart(5, '0')}`;
}

/**
 * The starting inventory of a layout. Explicit bins are returned as given. A generator gives,
 * deterministically from its seed:
 * - round(fillRatio x storage cells x depth) bins, with column heights varying around the
 *   mean (some columns have free room, some are full);
 * - round(emptyBinRatio x bins) empty bins (contents []) for putaway;
 * - one SKU per non-empty bin, popularity skewed (Zipf-like, capped at binsPerSku): a few SKUs
 *   fill many bins, most fill 1-3; SKUs are shuffled over the slots, so some SKUs sit only
 *   deep in a stack. With more SKUs than non-empty bins, the least popular SKUs get no bin.
 * Bins are returned column by column (row-major), bottom level first, with ids B00001... in
 * that order.
 */
export function generateInventory(layout: GridLayout): BinPlacement[] {
  if (layout.inventory.kind === 'bins') {
    return layout.inventory.bins.map((b) => ({ ...b, contents: b.contents.map((c) => ({ ...c })) }));
  }
  const spec = layout.inventory.generator;
  const random = new SeededRandom(spec.seed);
  const columns = cellsOfKind(layout, 'storage');
  const total = Math.round(spec.fillRatio * columns.length * layout.depth);
  const heights = columnHeights(columns.length, layout.depth, total, random);
  const emptyCount = Math.round(total * spec.emptyBinRatio);
  const contents = binContents(total - emptyCount, spec, random);
  for (let i = 0; i < emptyCount; i++) contents.push([]);
  random.shuffle(contents);

  const bins: BinPlacement[] = [];
  columns.forEach((cell, i) => {
    for (let level = 0; level < heights[i]!; level++) {
      bins.push({ binId: binId(bins.length + 1), x: cell.x, y: cell.y, level, contents: contents[bins.length]! });
    }
  });
  return bins;
}

/** Heights drawn uniformly around the mean, then nudged one bin at a time to sum to `total`. */
function columnHeights(columnCount: number, depth: number, total: number, random: SeededRandom): number[] {
  if (columnCount === 0) return [];
  const mean = total / columnCount;
  const spread = Math.min(mean, depth - mean);
  const heights = Array.from({ length: columnCount }, () =>
    Math.min(depth, Math.max(0, Math.round(mean + (random.next() * 2 - 1) * spread))),
  );
  let sum = heights.reduce((a, b) => a + b, 0);
  while (sum !== total) {
    const grow = sum < total;
    const candidates: number[] = [];
    heights.forEach((h, i) => {
      if (grow ? h < depth : h > 0) candidates.push(i);
    });
    const i = random.pick(candidates);
    heights[i]! += grow ? 1 : -1;
    sum += grow ? 1 : -1;
  }
  return heights;
}

/** One SKU line per non-empty bin; SKU numbers are shuffled over popularity ranks. */
function binContents(nonEmpty: number, spec: InventoryGenerator, random: SeededRandom): BinContent[][] {
  const skuCount = spec.skuCount;
  const binsPerRank = new Array<number>(skuCount).fill(0);
  const stocked = Math.min(skuCount, nonEmpty);
  for (let rank = 0; rank < stocked; rank++) binsPerRank[rank] = 1;
  const cap = Math.max(spec.binsPerSku, Math.ceil(nonEmpty / skuCount));
  // Zipf weights 1/(rank + 1): cumulative table for weighted draws by binary search.
  const cumulative: number[] = [];
  let acc = 0;
  for (let rank = 0; rank < skuCount; rank++) cumulative.push((acc += 1 / (rank + 1)));
  for (let extra = nonEmpty - stocked; extra > 0; extra--) {
    let rank = lowerBound(cumulative, random.next() * acc);
    // A capped SKU passes its bin to the next less popular one (cap * skuCount >= nonEmpty).
    while (binsPerRank[rank]! >= cap) rank = (rank + 1) % skuCount;
    binsPerRank[rank]!++;
  }
  const skuOfRank = random.shuffle(Array.from({ length: skuCount }, (_, i) => i + 1));
  const contents: BinContent[][] = [];
  binsPerRank.forEach((bins, rank) => {
    const sku = skuId(skuOfRank[rank]!);
    for (let i = 0; i < bins; i++) contents.push([{ sku, quantity: random.int(1, MAX_QUANTITY_PER_BIN) }]);
  });
  return contents;
}

function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
