import { describe, expect, it } from 'vitest';
import { ErrorBoundary, internalErrorReason } from './error-boundary.ts';

function boundary() {
  const alarms: { source: string; message: string }[] = [];
  return { alarms, boundary: new ErrorBoundary((source, message) => alarms.push({ source, message })) };
}

describe('ErrorBoundary', () => {
  it('runs work that succeeds without a word', () => {
    const { alarms, boundary: b } = boundary();
    let ran = false;
    expect(b.run('wms link', () => void (ran = true), () => expect.unreachable())).toBe(true);
    expect(ran).toBe(true);
    expect(alarms).toEqual([]);
  });

  it('raises an internal error as an alarm from its source, with the stack, then runs the recovery with the error', () => {
    const { alarms, boundary: b } = boundary();
    const recovered: string[] = [];
    const ok = b.run(
      'port P1',
      () => {
        throw new TypeError('visit is undefined');
      },
      (error) => recovered.push(error.message),
    );
    expect(ok).toBe(false);
    expect(recovered).toEqual(['visit is undefined']);
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.source).toBe('port P1');
    expect(alarms[0]!.message).toMatch(/^internal error: TypeError: visit is undefined\n\s+at /);
  });

  it('raises a failing recovery as well, and never throws', () => {
    const { alarms, boundary: b } = boundary();
    const run = () =>
      b.run(
        'console',
        () => {
          throw 'a string, not an Error';
        },
        () => {
          throw new Error('reply cannot be built');
        },
      );
    expect(run).not.toThrow();
    expect(alarms.map((a) => a.message.split('\n')[0])).toEqual([
      'internal error: Error: a string, not an Error',
      'internal error while ending the work the first one interrupted: Error: reply cannot be built',
    ]);
  });

  it('wraps a link handler, passing its arguments to the handler and to the recovery, the source taken from them', () => {
    const { alarms, boundary: b } = boundary();
    const seen: string[] = [];
    const handler = b.wrap(
      (portId: string) => `port ${portId}`,
      (portId: string, quantity: number) => {
        if (quantity > 5) throw new RangeError('too many');
        seen.push(`${portId} ${quantity}`);
      },
      (error, portId, quantity) => seen.push(`recovered ${portId} ${quantity}: ${error.message}`),
    );
    handler('P1', 2);
    handler('P2', 9);
    expect(seen).toEqual(['P1 2', 'recovered P2 9: too many']);
    expect(alarms.map((a) => a.source)).toEqual(['port P2']);
  });
});

describe('internalErrorReason', () => {
  it('tells a client it was an internal error and what, without the stack, in at most 300 characters', () => {
    expect(internalErrorReason(new Error('quantity of SKU A in bin B1 would overflow'))).toBe('internal error: quantity of SKU A in bin B1 would overflow');
    const long = internalErrorReason(new Error('x'.repeat(1000)));
    expect(long).toHaveLength(300);
    expect(long.endsWith('…')).toBe(true);
    expect(internalErrorReason(new TypeError(''))).toBe('internal error: TypeError');
  });
});
