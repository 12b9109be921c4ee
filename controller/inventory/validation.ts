import { InventoryError, type InventoryErrorCode } from './inventory-error.ts';
import type { ContentLine } from './types.ts';

export function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

export function isPositiveCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) > 0;
}

export function requireId(value: unknown, what: string): string {
  if (!isNonEmptyString(value)) {
    throw new InventoryError('INVALID_ARGUMENT', `${what} must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Checks a bin's stock lines and returns a private copy: each line a non-empty SKU with a
 * positive integer quantity, no SKU twice. Throws with `code` otherwise.
 */
export function copyContents(binId: string, contents: unknown, code: InventoryErrorCode): ContentLine[] {
  if (!Array.isArray(contents)) {
    throw new InventoryError(code, `bin ${binId}: contents must be an array`);
  }
  const copy: ContentLine[] = [];
  const seen = new Set<string>();
  for (const line of contents as unknown[]) {
    const { sku, quantity } = (line ?? {}) as { sku?: unknown; quantity?: unknown };
    if (!isNonEmptyString(sku)) {
      throw new InventoryError(code, `bin ${binId}: a content line has no SKU`);
    }
    if (!isPositiveCount(quantity)) {
      throw new InventoryError(code, `bin ${binId}: SKU ${sku} has quantity ${String(quantity)}; expected a positive integer`);
    }
    if (seen.has(sku)) {
      throw new InventoryError(code, `bin ${binId}: SKU ${sku} appears on two lines`);
    }
    seen.add(sku);
    copy.push({ sku, quantity });
  }
  return copy;
}
