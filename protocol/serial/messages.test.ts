import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, MESSAGE_SPECS, payloadBytes, RESULT_CODES, resultName, type MessageKind, type SerialMessage } from './messages.ts';

/** Wire ranges and sizes of the field types, written out here independently of messages.ts. */
const RANGE: Record<string, { min: number; max: number; bytes: number }> = {
  u8: { min: 0, max: 0xff, bytes: 1 },
  i8: { min: -0x80, max: 0x7f, bytes: 1 },
  u16: { min: 0, max: 0xffff, bytes: 2 },
  i16: { min: -0x8000, max: 0x7fff, bytes: 2 },
  u32: { min: 0, max: 0xffffffff, bytes: 4 },
};

const KINDS = Object.keys(MESSAGE_SPECS) as MessageKind[];

/** A message of `kind` with every field drawn from its whole range (ends included). */
function arbitraryMessage(kind: MessageKind): fc.Arbitrary<SerialMessage> {
  const fields: Record<string, fc.Arbitrary<number>> = {};
  for (const [name, type] of MESSAGE_SPECS[kind].fields) {
    const { min, max } = RANGE[type]!;
    fields[name] = fc.oneof(fc.constantFrom(min, max, 0), fc.integer({ min, max }));
  }
  return fc.record(fields).map((values) => ({ kind, ...values }) as unknown as SerialMessage);
}

describe('serial messages', () => {
  it('gives every kind its own type code, in the range of its sender', () => {
    const codes = KINDS.map((kind) => MESSAGE_SPECS[kind].type);
    expect(new Set(codes).size).toBe(codes.length);
    for (const kind of KINDS) {
      const { type, sender } = MESSAGE_SPECS[kind];
      if (type < 0x10) continue; // link messages
      if (sender === 'host') expect(type >= 0x10 && type < 0x40).toBe(true);
      else expect(type >= 0x80 && type < 0xc0).toBe(true);
    }
  });

  it('encodes a drive little-endian, fields in table order', () => {
    const encoded = encodeMessage({ kind: 'drive', axis: 1, direction: -1, cells: 3, maxSpeedMmps: 3000, accelerationMmps2: 2000 });
    expect(encoded.type).toBe(0x11);
    expect([...encoded.payload]).toEqual([0x01, 0xff, 0x03, 0x00, 0xb8, 0x0b, 0xd0, 0x07]);
  });

  it('encodes a status with a negative offset and a heartbeat with a full u32', () => {
    const status = encodeMessage({ kind: 'status', flags: 0x81, x: 0x0102, y: 7, offsetMm: -2, liftDepthMm: 500, batteryPermille: 1000, activeSequence: 0xabcd });
    expect([...status.payload]).toEqual([0x81, 0x02, 0x01, 0x07, 0x00, 0xfe, 0xff, 0xf4, 0x01, 0xe8, 0x03, 0xcd, 0xab]);
    const heartbeat = encodeMessage({ kind: 'heartbeat', uptimeMs: 0xfedcba98 });
    expect([...heartbeat.payload]).toEqual([0x98, 0xba, 0xdc, 0xfe]);
  });

  for (const kind of KINDS) {
    it(`round-trips ${kind} with any in-range fields`, () => {
      const expectedBytes = MESSAGE_SPECS[kind].fields.reduce((sum, [, type]) => sum + RANGE[type]!.bytes, 0);
      expect(payloadBytes(kind)).toBe(expectedBytes);
      fc.assert(
        fc.property(arbitraryMessage(kind), (message) => {
          const { type, payload } = encodeMessage(message);
          expect(type).toBe(MESSAGE_SPECS[kind].type);
          expect(payload.length).toBe(expectedBytes);
          expect(decodeMessage(type, payload)).toEqual({ ok: true, message });
        }),
        { numRuns: 50 },
      );
    });
  }

  it('reads a payload that sits inside a larger buffer', () => {
    const { type, payload } = encodeMessage({ kind: 'ack', sequence: 0x1234, code: 3 });
    const buffer = new Uint8Array(payload.length + 5);
    buffer.set(payload, 3);
    expect(decodeMessage(type, buffer.subarray(3, 3 + payload.length))).toEqual({ ok: true, message: { kind: 'ack', sequence: 0x1234, code: 3 } });
  });

  it('answers a payload of the wrong length with badPayload, never a throw', () => {
    for (const kind of KINDS) {
      const { type } = MESSAGE_SPECS[kind];
      const size = payloadBytes(kind);
      for (const wrong of [size + 1, size - 1, 64].filter((n) => n >= 0 && n !== size)) {
        const result = decodeMessage(type, new Uint8Array(wrong));
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.code).toBe(RESULT_CODES.badPayload);
      }
    }
  });

  it('answers an unknown type with unknownType, never a throw', () => {
    const known = new Set<number>(KINDS.map((kind) => MESSAGE_SPECS[kind].type));
    for (let type = 0; type < 256; type++) {
      if (known.has(type)) continue;
      const result = decodeMessage(type, new Uint8Array(0));
      expect(result).toMatchObject({ ok: false, code: RESULT_CODES.unknownType });
    }
  });

  it('decodes any type and payload to a result without throwing', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 64 }), (type, payload) => {
        const result = decodeMessage(type, payload);
        if (result.ok) {
          // What decodes encodes back to the same bytes.
          const again = encodeMessage(result.message);
          expect(again.type).toBe(type);
          expect(again.payload).toEqual(payload);
        } else {
          expect([RESULT_CODES.unknownType, RESULT_CODES.badPayload]).toContain(result.code);
          expect(result.reason.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('throws RangeError when a field is out of range, fractional, missing or not a number', () => {
    for (const kind of KINDS) {
      for (const [name, type] of MESSAGE_SPECS[kind].fields) {
        const { min, max } = RANGE[type]!;
        const valid: Record<string, number> = Object.fromEntries(MESSAGE_SPECS[kind].fields.map(([field]) => [field, 0]));
        expect(() => encodeMessage({ kind, ...valid } as unknown as SerialMessage)).not.toThrow();
        for (const bad of [min - 1, max + 1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, undefined]) {
          const message = { kind, ...valid, [name]: bad } as unknown as SerialMessage;
          expect(() => encodeMessage(message), `${kind}.${name} = ${bad}`).toThrow(RangeError);
        }
      }
    }
  });

  it('names result codes and unknown codes', () => {
    expect(resultName(0)).toBe('ok');
    expect(resultName(11)).toBe('outOfRange');
    expect(resultName(200)).toBe('code 200');
    expect(Object.values(RESULT_CODES)).toEqual(Object.keys(RESULT_CODES).map((_, i) => i));
  });
});
