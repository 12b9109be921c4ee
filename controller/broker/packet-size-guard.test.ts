import { PassThrough, Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PacketSizeGuard } from './packet-size-guard.ts';

/** A socket stand-in: what the test writes comes out of the guard. */
function pair() {
  const incoming = new PassThrough();
  const outgoing = new PassThrough();
  const socket = Duplex.from({ readable: incoming, writable: outgoing });
  return { incoming, socket };
}

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

describe('PacketSizeGuard', () => {
  it('passes packets within the limit, however the bytes are split', async () => {
    const { incoming, socket } = pair();
    const oversize: number[] = [];
    const guard = new PacketSizeGuard(socket, 300, (n) => oversize.push(n));
    const received: Buffer[] = [];
    guard.on('data', (chunk: Buffer) => received.push(chunk));
    const stream = Buffer.concat([header(200), Buffer.alloc(200, 1), header(300), Buffer.alloc(300, 2), Buffer.from([0xc0, 0x00])]);
    for (let i = 0; i < stream.length; i += 7) incoming.write(stream.subarray(i, i + 7));
    await new Promise((r) => setImmediate(r));
    expect(Buffer.concat(received)).toEqual(stream);
    expect(oversize).toEqual([]);
  });

  it('ends the connection at the header of an oversized packet, with its body never read', async () => {
    const { incoming, socket } = pair();
    const oversize: number[] = [];
    const guard = new PacketSizeGuard(socket, 1000, (n, limit) => oversize.push(n, limit));
    const received: Buffer[] = [];
    guard.on('data', (chunk: Buffer) => received.push(chunk));
    const closedGuard = new Promise((r) => guard.on('close', r));
    incoming.write(Buffer.concat([header(10), Buffer.alloc(10)]));
    await new Promise((r) => setImmediate(r));
    incoming.write(header(5_000_000).subarray(0, 2));
    incoming.write(header(5_000_000).subarray(2));
    await closedGuard;
    expect(oversize).toEqual([5_000_000, 1000]);
    expect(Buffer.concat(received).length).toBe(12);
    expect(socket.destroyed).toBe(true);
  });

  it('takes a new limit once the client is known', async () => {
    const { incoming, socket } = pair();
    const oversize: number[] = [];
    const guard = new PacketSizeGuard(socket, 10, (n) => oversize.push(n));
    guard.resume();
    guard.maxPacketBytes = 100;
    incoming.write(Buffer.concat([header(50), Buffer.alloc(50)]));
    await new Promise((r) => setImmediate(r));
    expect(oversize).toEqual([]);
  });
});
