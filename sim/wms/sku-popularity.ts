import type { SeededRandom } from '../../protocol/random.ts';

/** Draws tried before falling back to a scan, when drawn SKUs keep being refused. */
const MAX_DRAWS = 32;

/**
 * Zipf-like demand over a ranked SKU list: the SKU of rank r (0 = most popular) is drawn with
 * weight 1 / (r + 1)^exponent. SKUs added later (new putaways) join at the end, least popular.
 */
export class SkuPopularity {
  private readonly ranked: string[] = [];
  private readonly known = new Set<string>();
  /** cumulative[r] = sum of the weights of ranks 0..r. */
  private readonly cumulative: number[] = [];

  constructor(
    rankedSkus: readonly string[],
    private readonly exponent: number,
  ) {
    for (const sku of rankedSkus) this.add(sku);
  }

  get size(): number {
    return this.ranked.length;
  }

  /** Adds a SKU as the least popular one; a SKU already known keeps its rank. */
  add(sku: string): void {
    if (this.known.has(sku)) return;
    const weight = 1 / Math.pow(this.ranked.length + 1, this.exponent);
    this.cumulative.push((this.cumulative.at(-1) ?? 0) + weight);
    this.ranked.push(sku);
    this.known.add(sku);
  }

  /**
   * Draws a SKU that `accept` allows. After MAX_DRAWS refusals, takes the first acceptable SKU
   * in rank order from the last draw onwards (wrapping), so a rare acceptable SKU is still
   * found; null when no SKU is acceptable. Uses one random number per draw.
   */
  draw(random: SeededRandom, accept: (sku: string) => boolean = () => true): string | null {
    if (this.ranked.length === 0) return null;
    const total = this.cumulative.at(-1)!;
    let rank = 0;
    for (let i = 0; i < MAX_DRAWS; i++) {
      rank = upperBound(this.cumulative, random.next() * total);
      if (accept(this.ranked[rank]!)) return this.ranked[rank]!;
    }
    for (let step = 1; step < this.ranked.length; step++) {
      const sku = this.ranked[(rank + step) % this.ranked.length]!;
      if (accept(sku)) return sku;
    }
    return null;
  }
}

/** First index whose value is > `value` (values strictly increasing), clamped to the last index. */
function upperBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
