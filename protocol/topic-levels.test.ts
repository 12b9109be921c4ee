import { describe, expect, it } from 'vitest';
import { fillTopicLayout, isTopicLevel } from './topic-levels.ts';

describe('fillTopicLayout', () => {
  it('puts each name into its level', () => {
    expect(fillTopicLayout('gridline/v1/{site}/port/{portId}/confirm', { site: 's1', portId: 'P1' })).toBe('gridline/v1/s1/port/P1/confirm');
  });

  it('lets + through as a wildcard for subscriptions', () => {
    expect(fillTopicLayout('gridline/v1/{site}/port/{portId}/confirm', { site: 's1', portId: '+' })).toBe('gridline/v1/s1/port/+/confirm');
  });

  it('refuses a name that is not one topic level, naming it', () => {
    expect(() => fillTopicLayout('a/{site}', { site: 'x/y' })).toThrow(new RangeError('site "x/y" is not a valid topic level'));
    expect(() => fillTopicLayout('a/{site}', { site: '' })).toThrow(RangeError);
    expect(() => fillTopicLayout('a/{site}', { site: 'x#' })).toThrow(RangeError);
  });

  it('inserts names literally, even ones containing $ replacement patterns', () => {
    expect(fillTopicLayout('a/{site}/b', { site: "$&$'" })).toBe("a/$&$'/b");
  });
});

describe('isTopicLevel', () => {
  it('accepts plain names and refuses separators, wildcards and NUL', () => {
    expect(isTopicLevel('P-1.a')).toBe(true);
    for (const bad of ['', 'a/b', '+', 'a#', 'a\u0000']) expect(isTopicLevel(bad)).toBe(false);
  });
});
