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

  it('says what a flood that stopped held back once its window has ended', () => {
    let now = 0;
    const lines: string[] = [];
    const log = new RefusalLog({ write: (l) => lines.push(l), now: () => now, perWindow: 1, windowMs: 1000 });
    for (let i = 0; i < 4; i++) log.refuse('10.0.0.9', `connection ${i}`);
    log.sayEnded();
    expect(lines).toEqual(['refused: 10.0.0.9: connection 0']);
    now = 1000;
    log.sayEnded();
    log.sayEnded();
    expect(lines).toEqual(['refused: 10.0.0.9: connection 0', 'refused: 10.0.0.9: 3 more refusals in the last 1 s not shown']);
  });
});
