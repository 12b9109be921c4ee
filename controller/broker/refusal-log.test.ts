import { describe, expect, it } from 'vitest';
import { RefusalLog } from './refusal-log.ts';

describe('RefusalLog', () => {
  it('says at most so many refusals per identity per window, then how many it held back', () => {
    let now = 0;
    const lines: string[] = [];
    const log = new RefusalLog({ write: (l) => lines.push(l), now: () => now, perWindow: 2, windowMs: 1000 });
    for (let i = 0; i < 5; i++) log.refuse('R001', `publish ${i}`);
    log.refuse('R002', 'publish x');
    expect(lines).toEqual(['refused: R001: publish 0', 'refused: R001: publish 1', 'refused: R002: publish x']);
    now = 1000;
    log.refuse('R001', 'publish 5');
    expect(lines.slice(3)).toEqual(['refused: R001: 3 more refusals in the last 1 s not shown', 'refused: R001: publish 5']);
    expect(log.count).toBe(7);
  });
});
