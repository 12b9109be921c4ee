import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../protocol/clock.ts';
import { FaultyLine } from './board-faults.ts';

const frames = [Uint8Array.of(3, 1, 2, 0), Uint8Array.of(2, 9, 0), Uint8Array.of(5, 1, 1, 1, 1, 0)];
const stream = Uint8Array.from(frames.flatMap((f) => [...f]));

function collect(line: FaultyLine, chunks: Uint8Array[]): number[][] {
  const out: number[][] = [];
  for (const chunk of chunks) line.incoming(chunk, (bytes) => out.push([...bytes]));
  return out;
}

describe('FaultyLine', () => {
  it('without faults hands incoming frames on whole and unchanged, however the bytes are chunked', () => {
    const line = new FaultyLine(new SimulatedClock(), 1);
    const chunks = [stream.subarray(0, 2), stream.subarray(2, 7), stream.subarray(7)];
    expect(collect(line, chunks)).toEqual(frames.map((f) => [...f]));
  });

  it('passes an over-long block without delimiter on untouched, then resumes framing', () => {
    const line = new FaultyLine(new SimulatedClock(), 1, { dropIncoming: 1 });
    const garbage = new Uint8Array(500).fill(7);
    const out = collect(line, [garbage, Uint8Array.of(7, 7, 0), stream]);
    expect(out.flat().length).toBe(503);
    expect(line.counters.droppedIncoming).toBe(3);
  });

  it('drops or corrupts (one bit) frames with the given probabilities', () => {
    const line = new FaultyLine(new SimulatedClock(), 2, { corruptIncoming: 1 });
    const out = collect(line, [stream]);
    expect(out).toHaveLength(3);
    out.forEach((bytes, i) => {
      const flipped = bytes.reduce((n, b, j) => n + popcount(b ^ frames[i]![j]!), 0);
      expect(flipped).toBe(1);
    });
    const sent: Uint8Array[] = [];
    const dropAll = new FaultyLine(new SimulatedClock(), 2, { dropOutgoing: 1 });
    for (const f of frames) dropAll.outgoing(f, (b) => sent.push(b));
    expect(sent).toEqual([]);
    expect(dropAll.counters.droppedOutgoing).toBe(3);
  });

  it('delays outgoing frames by delayOutgoingMs, in order; cancelDelayed drops those pending', () => {
    const clock = new SimulatedClock(0);
    const line = new FaultyLine(clock, 1, { delayOutgoingMs: 25 });
    const sent: [number, number][] = [];
    frames.forEach((f, i) => line.outgoing(f, () => sent.push([clock.now(), i])));
    clock.advance(24);
    expect(sent).toEqual([]);
    clock.advance(1);
    expect(sent).toEqual([
      [25, 0],
      [25, 1],
      [25, 2],
    ]);
    line.outgoing(frames[0]!, () => sent.push([clock.now(), 9]));
    line.cancelDelayed();
    clock.advance(100);
    expect(sent).toHaveLength(3);
  });

  it('the same seed gives the same fault pattern', () => {
    const pattern = (seed: number) => {
      const line = new FaultyLine(new SimulatedClock(), seed, { dropOutgoing: 0.3, corruptOutgoing: 0.3 });
      const sent: number[][] = [];
      for (let i = 0; i < 50; i++) line.outgoing(frames[i % 3]!, (b) => sent.push([i, ...b]));
      return JSON.stringify(sent);
    };
    expect(pattern(9)).toBe(pattern(9));
    expect(pattern(9)).not.toBe(pattern(10));
  });
});

function popcount(n: number): number {
  let count = 0;
  for (let v = n; v; v &= v - 1) count++;
  return count;
}
