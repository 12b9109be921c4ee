import { describeZodIssues, readableErrorMap } from '../layout/describe-zod-issues.ts';
import { REQUEST_ID_PATTERN } from './common-schemas.ts';
import type { RejectionCode } from './reply-schemas.ts';
import { wmsRequestSchema, type WmsRequest } from './request-schemas.ts';

/** Largest request payload accepted by default, in bytes of UTF-8. */
export const DEFAULT_MAX_REQUEST_BYTES = 65_536;

/** Most schema problems spelt out in one rejection reason. */
const MAX_REASONS = 5;

export type ParseWmsRequestResult =
  | { readonly ok: true; readonly request: WmsRequest }
  | { readonly ok: false; readonly requestId: string | null; readonly code: RejectionCode; readonly reason: string };

/**
 * Validates one request payload as it arrived on the wire. Never throws. Checks, in order:
 * size (PAYLOAD_TOO_LARGE, before anything is parsed), JSON syntax (MALFORMED_JSON), then the
 * schema (INVALID_REQUEST, or INVALID_QUANTITY when every problem is a quantity). The
 * requestId is recovered when the text carries a well-formed one, so the rejection can be
 * matched to the request; otherwise it is null.
 */
export function parseWmsRequest(text: string, maxBytes = DEFAULT_MAX_REQUEST_BYTES): ParseWmsRequestResult {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) {
    return { ok: false, requestId: scanRequestId(text), code: 'PAYLOAD_TOO_LARGE', reason: `request is ${bytes} bytes; the limit is ${maxBytes} bytes` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, requestId: scanRequestId(text), code: 'MALFORMED_JSON', reason: `request is not valid JSON: ${(error as Error).message}` };
  }
  const parsed = wmsRequestSchema.safeParse(json, { error: readableErrorMap });
  if (parsed.success) return { ok: true, request: parsed.data };

  // One problem may break several checks with the same sentence (a huge quantity: no safe integer, too big).
  const issues = describeZodIssues(parsed.error.issues).filter((issue, i, all) => all.findIndex((o) => o.path === issue.path && o.message === issue.message) === i);
  const onlyQuantities = issues.every((i) => i.path === 'quantity' || i.path.endsWith('.quantity'));
  const sentences = issues.slice(0, MAX_REASONS).map((i) => `${i.path === '' ? 'request' : i.path} ${i.message}`);
  if (issues.length > MAX_REASONS) sentences.push(`and ${issues.length - MAX_REASONS} more problems`);
  return {
    ok: false,
    requestId: requestIdOf(json),
    code: onlyQuantities ? 'INVALID_QUANTITY' : 'INVALID_REQUEST',
    reason: sentences.join('; '),
  };
}

function requestIdOf(json: unknown): string | null {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
  const id = (json as Record<string, unknown>)['requestId'];
  return typeof id === 'string' && REQUEST_ID_PATTERN.test(id) ? id : null;
}

/** Best-effort requestId from text that cannot be parsed as a whole (looks at the first 4 KiB). */
function scanRequestId(text: string): string | null {
  const match = /"requestId"\s*:\s*"([A-Za-z0-9._:-]{1,64})"/.exec(text.slice(0, 4096));
  return match ? match[1]! : null;
}
