import { describe, expect, it } from 'vitest';
import { canonicalRequestKey } from './canonical-request-key.ts';
import { MAX_QUANTITY_UNITS } from './common-schemas.ts';
import { parseWmsRequest } from './parse-wms-request.ts';
import type { WmsRequest } from './request-schemas.ts';

const pick = { type: 'pick', requestId: 'order-1', lines: [{ sku: 'SKU-00042', quantity: 2 }] };

function rejection(text: string, maxBytes?: number) {
  const result = parseWmsRequest(text, maxBytes);
  if (result.ok) throw new Error('expected a rejection');
  return result;
}

describe('parseWmsRequest: accepted shapes', () => {
  it('accepts each request kind', () => {
    const requests = [
      { ...pick, port: 'P1', dueTime: '2026-01-01T12:00:00+01:00', lines: [{ sku: 'SKU-00042', quantity: 2, priority: 9 }] },
      { type: 'putaway', requestId: 'in.1', sku: 'SKU-00001', quantity: 10 },
      { type: 'putaway', requestId: 'in:2', sku: 'SKU-00001', quantity: 10, binId: 'B00001', port: 'P3' },
      { type: 'cancel', requestId: 'c_1', targetRequestId: 'order-1' },
      { type: 'status', requestId: 's-1', targetRequestId: 'order-1' },
      { type: 'inventory', requestId: 'i-1', sku: 'SKU-00042' },
      { type: 'inventory', requestId: 'i-2', binId: 'B00001' },
    ];
    for (const request of requests) expect(parseWmsRequest(JSON.stringify(request))).toEqual({ ok: true, request });
  });
});

describe('parseWmsRequest: rejections (DESIGN.md §3 "WMS": a code and a reason a person understands)', () => {
  it('checks the size first, before parsing', () => {
    const text = JSON.stringify({ ...pick, note: 'x'.repeat(200) });
    expect(rejection(text, 100)).toEqual({
      ok: false,
      requestId: 'order-1',
      code: 'PAYLOAD_TOO_LARGE',
      reason: `request is ${text.length} bytes; the limit is 100 bytes`,
    });
  });

  it('counts the size in UTF-8 bytes, not characters', () => {
    expect(rejection('"ééééé"', 10).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('rejects text that is not JSON, recovering the requestId when it can', () => {
    const result = rejection('{"type":"pick","requestId":"order-9",');
    expect(result.code).toBe('MALFORMED_JSON');
    expect(result.requestId).toBe('order-9');
    expect(result.reason).toMatch(/^request is not valid JSON: /);
    expect(rejection('not json').requestId).toBeNull();
  });

  it('rejects a non-integer or zero quantity as INVALID_QUANTITY, naming the line', () => {
    expect(rejection(JSON.stringify({ ...pick, lines: [{ sku: 'A', quantity: 0 }] }))).toEqual({
      ok: false,
      requestId: 'order-1',
      code: 'INVALID_QUANTITY',
      reason: 'lines[0].quantity must be an integer from 1 to 1000000',
    });
    expect(rejection(JSON.stringify({ ...pick, lines: [{ sku: 'A', quantity: 1 }, { sku: 'B', quantity: 1.5 }] })).reason).toBe(
      'lines[1].quantity must be an integer from 1 to 1000000',
    );
    expect(rejection(JSON.stringify({ type: 'putaway', requestId: 'p', sku: 'A', quantity: -3 })).code).toBe('INVALID_QUANTITY');
  });

  it('rejects a quantity over MAX_QUANTITY_UNITS as INVALID_QUANTITY, once, however large', () => {
    expect(parseWmsRequest(JSON.stringify({ type: 'putaway', requestId: 'p', sku: 'A', quantity: MAX_QUANTITY_UNITS })).ok).toBe(true);
    for (const quantity of [MAX_QUANTITY_UNITS + 1, 2 ** 53 - 1, 1e300]) {
      expect(rejection(JSON.stringify({ type: 'putaway', requestId: 'p', sku: 'A', quantity }))).toEqual({
        ok: false,
        requestId: 'p',
        code: 'INVALID_QUANTITY',
        reason: 'quantity must be an integer from 1 to 1000000',
      });
    }
  });

  it('reports a missing quantity as INVALID_QUANTITY saying it is required', () => {
    expect(rejection(JSON.stringify({ ...pick, lines: [{ sku: 'A' }] }))).toMatchObject({ code: 'INVALID_QUANTITY', reason: 'lines[0].quantity is required' });
  });

  it('uses INVALID_REQUEST when a quantity is not the only problem', () => {
    const result = rejection(JSON.stringify({ ...pick, lines: [{ sku: '', quantity: 0 }] }));
    expect(result.code).toBe('INVALID_REQUEST');
    expect(result.reason).toBe('lines[0].sku must be at least 1 character long; lines[0].quantity must be an integer from 1 to 1000000');
  });

  it('names an unknown request type and lists the known ones', () => {
    expect(rejection(JSON.stringify({ type: 'restock', requestId: 'r1' }))).toEqual({
      ok: false,
      requestId: 'r1',
      code: 'INVALID_REQUEST',
      reason: 'type must be one of "pick", "putaway", "count", "cancel", "status", "inventory"',
    });
  });

  it('rejects a message that is not an object', () => {
    expect(rejection('[1,2]')).toMatchObject({ requestId: null, code: 'INVALID_REQUEST', reason: 'request must be an object' });
    expect(rejection('null').code).toBe('INVALID_REQUEST');
  });

  it('rejects a requestId outside 1..64 characters of A-Z a-z 0-9 . _ : - and does not echo it', () => {
    for (const requestId of ['', 'has space', 'x'.repeat(65), 'slash/id']) {
      expect(rejection(JSON.stringify({ ...pick, requestId }))).toEqual({
        ok: false,
        requestId: null,
        code: 'INVALID_REQUEST',
        reason: 'requestId must be 1 to 64 characters of A-Z a-z 0-9 . _ : -',
      });
    }
    expect(rejection(JSON.stringify({ ...pick, requestId: undefined })).reason).toBe('requestId is required');
  });

  it('rejects empty and oversized orders', () => {
    expect(rejection(JSON.stringify({ ...pick, lines: [] })).reason).toBe('lines must have at least 1 item');
    const lines = Array.from({ length: 101 }, () => ({ sku: 'A', quantity: 1 }));
    expect(rejection(JSON.stringify({ ...pick, lines })).reason).toBe('lines must have at most 100 items');
  });

  it('rejects a priority outside 0..9 and a malformed due time', () => {
    expect(rejection(JSON.stringify({ ...pick, lines: [{ sku: 'A', quantity: 1, priority: 10 }] })).reason).toBe('lines[0].priority must be <= 9');
    expect(rejection(JSON.stringify({ ...pick, dueTime: 'tomorrow' })).reason).toBe(
      'dueTime must be an ISO 8601 date-time (e.g. 2026-01-01T12:00:00Z)',
    );
  });

  it('rejects a misspelt field instead of ignoring it', () => {
    expect(rejection(JSON.stringify({ ...pick, prot: 'P1' })).reason).toBe('request has unknown field "prot"');
  });

  it('requires exactly one of sku and binId in an inventory query', () => {
    const reason = 'request must name exactly one of "sku" or "binId"';
    expect(rejection(JSON.stringify({ type: 'inventory', requestId: 'i' })).reason).toBe(reason);
    expect(rejection(JSON.stringify({ type: 'inventory', requestId: 'i', sku: 'A', binId: 'B' })).reason).toBe(reason);
  });

  it('lists at most five problems', () => {
    const lines = Array.from({ length: 7 }, () => ({ sku: 'A', quantity: 0 }));
    const reason = rejection(JSON.stringify({ ...pick, lines })).reason;
    expect(reason.split('; ')).toHaveLength(6);
    expect(reason.endsWith('and 2 more problems')).toBe(true);
  });

  it('never throws, whatever the text', () => {
    for (const text of ['', '{', '"', '1e999', '{"__proto__":{"x":1}}', '\u0000', '{"type":"pick","lines":null}']) {
      expect(() => parseWmsRequest(text)).not.toThrow();
      expect(parseWmsRequest(text).ok).toBe(false);
    }
  });
});

describe('canonicalRequestKey', () => {
  it('is the same for the same request written with keys in another order', () => {
    const a = parseWmsRequest('{"type":"pick","requestId":"o","lines":[{"sku":"A","quantity":1,"priority":2}],"port":"P1"}');
    const b = parseWmsRequest('{"port":"P1","lines":[{"priority":2,"quantity":1,"sku":"A"}],"requestId":"o","type":"pick"}');
    if (!a.ok || !b.ok) throw new Error('expected both to parse');
    expect(canonicalRequestKey(a.request)).toBe(canonicalRequestKey(b.request));
  });

  it('differs when the content differs, including line order', () => {
    const base: WmsRequest = { type: 'pick', requestId: 'o', lines: [{ sku: 'A', quantity: 1 }, { sku: 'B', quantity: 1 }] };
    const swapped: WmsRequest = { ...base, lines: [{ sku: 'B', quantity: 1 }, { sku: 'A', quantity: 1 }] };
    const more: WmsRequest = { ...base, lines: [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 1 }] };
    expect(canonicalRequestKey(swapped)).not.toBe(canonicalRequestKey(base));
    expect(canonicalRequestKey(more)).not.toBe(canonicalRequestKey(base));
  });

  it('ignores optional fields that are present but undefined', () => {
    const plain: WmsRequest = { type: 'putaway', requestId: 'p', sku: 'A', quantity: 1 };
    expect(canonicalRequestKey({ ...plain, binId: undefined })).toBe(canonicalRequestKey(plain));
  });
});
