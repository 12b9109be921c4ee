import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cobsDecode, cobsEncode } from './cobs.ts';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * Byte strings made of runs: runs of zeros and runs of one non-zero byte, each up to 600 long,
 * so that blocks longer than 254 non-zero bytes (code 0xFF) and zero runs both occur often.
 */
const runs = fc
  .array(
    fc.oneof(
      fc.integer({ min: 1, max: 600 }).map((n) => new Uint8Array(n)),
      fc.tuple(fc.integer({ min: 1, max: 255 }), fc.integer({ min: 1, max: 600 })).map(([b, n]) => new Uint8Array(n).fill(b)),
      fc.uint8Array({ minLength: 1, maxLength: 50 }),
    ),
    { maxLength: 6 },
  )
  .map((parts) => Uint8Array.from(parts.flatMap((part) => [...part])));

const anyBytes = fc.oneof(fc.uint8Array({ maxLength: 700 }), runs);

describe('COBS', () => {
  it('encodes the textbook examples', () => {
    expect(cobsEncode(bytes())).toEqual(bytes(0x01));
    expect(cobsEncode(bytes(0x00))).toEqual(bytes(0x01, 0x01));
    expect(cobsEncode(bytes(0x00, 0x00))).toEqual(bytes(0x01, 0x01, 0x01));
    expect(cobsEncode(bytes(0x00, 0x11, 0x00))).toEqual(bytes(0x01, 0x02, 0x11, 0x01));
    expect(cobsEncode(bytes(0x11, 0x22, 0x00, 0x33))).toEqual(bytes(0x03, 0x11, 0x22, 0x02, 0x33));
    expect(cobsEncode(bytes(0x11, 0x22, 0x33, 0x44))).toEqual(bytes(0x05, 0x11, 0x22, 0x33, 0x44));
    expect(cobsEncode(bytes(0x11, 0x00, 0x00, 0x00))).toEqual(bytes(0x02, 0x11, 0x01, 0x01, 0x01));
  });

  it('splits 254 non-zero bytes into a full 0xFF block; a decoder takes it with or without the closing 0x01', () => {
    const data = bytes(...range(1, 254));
    const encoded = cobsEncode(data);
    expect(encoded).toEqual(bytes(0xff, ...range(1, 254), 0x01));
    expect(cobsDecode(encoded)).toEqual(data);
    expect(cobsDecode(bytes(0xff, ...range(1, 254)))).toEqual(data);
  });

  it('round-trips any bytes, long non-zero runs and zero runs included', () => {
    fc.assert(
      fc.property(anyBytes, (data) => {
        expect(cobsDecode(cobsEncode(data))).toEqual(data);
      }),
      { numRuns: 300 },
    );
  });

  it('never outputs 0x00 and adds at most one byte per 254 plus one', () => {
    fc.assert(
      fc.property(anyBytes, (data) => {
        const encoded = cobsEncode(data);
        expect(encoded.includes(0)).toBe(false);
        expect(encoded.length).toBeLessThanOrEqual(data.length + Math.ceil(data.length / 254) + 1);
        expect(encoded.length).toBeGreaterThan(data.length);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects a block with a 0x00 in it or a code byte pointing past its end', () => {
    expect(cobsDecode(bytes(0x00))).toBeUndefined();
    expect(cobsDecode(bytes(0x03, 0x11, 0x00))).toBeUndefined();
    expect(cobsDecode(bytes(0x03, 0x11))).toBeUndefined();
    expect(cobsDecode(bytes(0x02, 0x11, 0x05, 0x22))).toBeUndefined();
  });

  it('never throws on any block', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (block) => {
        const decoded = cobsDecode(block);
        if (block.includes(0)) expect(decoded).toBeUndefined();
        if (decoded) expect(decoded.length).toBeLessThanOrEqual(block.length);
      }),
      { numRuns: 300 },
    );
  });
});
