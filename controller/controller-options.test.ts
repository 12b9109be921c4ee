import { describe, expect, it } from 'vitest';
import { defaultControllerOptions } from './controller-options.ts';

describe('controller options', () => {
  it('refuses limits at the WMS edge that would open it, saying which', () => {
    expect(() => defaultControllerOptions({ maxUnitsPerBin: Number.NaN })).toThrow('maxUnitsPerBin must be an integer from 1 to 1000000000, got NaN');
    expect(() => defaultControllerOptions({ maxUnitsPerBin: 2 ** 53 })).toThrow(/maxUnitsPerBin/);
    expect(() => defaultControllerOptions({ wmsRequestsPerSecond: 0 })).toThrow('wmsRequestsPerSecond must be a number > 0, got 0');
    expect(() => defaultControllerOptions({ wmsRequestBurst: 0.5 })).toThrow('wmsRequestBurst must be an integer >= 1, got 0.5');
    expect(defaultControllerOptions({ maxUnitsPerBin: 500 }).maxUnitsPerBin).toBe(500);
  });
});
