import type { WmsRequest } from './request-schemas.ts';

/**
 * A stable text for a request: JSON with object keys sorted at every level, absent optional
 * fields left out. Two requests with the same requestId are the same request (an idempotent
 * repeat) exactly when their keys are equal; otherwise the second is DUPLICATE_REQUEST_ID.
 */
export function canonicalRequestKey(request: WmsRequest): string {
  return stableStringify(request);
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => stableStringify(v === undefined ? null : v)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}
