import { describe, expect, it } from 'vitest';
import { PacketSizeLimit } from './packet-size-limit.ts';

/** A PUBLISH fixed header announcing `length` bytes (MQTT remaining-length encoding). */
function header(length: number): Buffer {
  const bytes = [0x30];
  do {
    let byte = length % 128;
    length = Math.floor(length / 128);
    if (length > 0) byte |= 0x80;
    bytes.push(byte);
  } while (length > 0);
  return Buffer.from(bytes);
}

const chunks = (stream: Buffer, size: number) => Array.from({ length: Math.ceil(stream.length / size) }, (_, i) => stream.subarray(i * size, i * size + size));

describe('PacketSizeLimit', () => {
  it('passes packets within the limit, however the bytes are split', () => {
    const stream = Buffer.concat([header(200), Buffer.alloc(200, 1), header(300), Buffer.alloc(300, 0x80), Buffer.from([0xc0, 0x00]), header(16_383), Buffer.alloc(16_383, 0xff)]);
    for (const size of [1, 2, 7, 1000, stream.length]) {
      const limit = new PacketSizeLimit(20_000);
      expect(chunks(stream, size).map((c) => limit.scan(c)).filter((r) => r !== null)).toEqual([]);
    }
  });

  it('says the announced length at the header of an oversized packet, even with the header cut in two', () => {
    const limit = new PacketSizeLimit(1000);
    expect(limit.scan(Buffer.concat([header(10), Buffer.alloc(10)]))).toBeNull();
    const big = header(5_000_000);
    expect(limit.scan(big.subarray(0, 2))).toBeNull();
    expect(limit.scan(big.subarray(2))).toBe(5_000_000);
  });

  it('refuses a malformed remaining length of five bytes', () => {
    expect(new PacketSizeLimit(1000).scan(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]))).toBe(-1);
  });

  it('takes a new limit once the client is known', () => {
    const limit = new PacketSizeLimit(10);
    limit.maxPacketBytes = 100;
    expect(limit.scan(Buffer.concat([header(50), Buffer.alloc(50)]))).toBeNull();
    expect(limit.scan(header(101))).toBe(101);
  });
});
