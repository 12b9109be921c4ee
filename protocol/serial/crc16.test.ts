import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc16CcittFalse } from './crc16.ts';

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Bit-at-a-time CRC-16/CCITT-FALSE straight from its definition, to check the table-driven one against. */
function crcByDefinition(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

describe('CRC-16/CCITT-FALSE', () => {
  it('gives the catalogue check value 0x29B1 for ASCII "123456789"', () => {
    expect(crc16CcittFalse(ascii('123456789'))).toBe(0x29b1);
  });

  it('gives 0xB915 for ASCII "A" and the initial value 0xFFFF for no bytes', () => {
    expect(crc16CcittFalse(ascii('A'))).toBe(0xb915);
    expect(crc16CcittFalse(new Uint8Array(0))).toBe(0xffff);
  });

  it('covers only bytes[start, end)', () => {
    const bytes = ascii('xx123456789yyy');
    expect(crc16CcittFalse(bytes, 2, 11)).toBe(0x29b1);
  });

  it('matches the bit-at-a-time definition on any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(crc16CcittFalse(bytes)).toBe(crcByDefinition(bytes));
      }),
      { numRuns: 200 },
    );
  });

  it('leaves residue 0 when the CRC is appended big-endian (no reflection, no final XOR)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const crc = crc16CcittFalse(bytes);
        const withCrc = new Uint8Array([...bytes, crc >> 8, crc & 0xff]);
        expect(crc16CcittFalse(withCrc)).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});
