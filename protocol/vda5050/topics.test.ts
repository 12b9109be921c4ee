import { describe, expect, it } from 'vitest';
import { topicMatches } from '../bus/message-bus.ts';
import { isValidSerialNumber, parseVdaTopic, vdaSubscriptionPattern, vdaTopic } from './topics.ts';

describe('VDA 5050 topic layout (§MQTT topic levels)', () => {
  it('builds interfaceName/majorVersion/manufacturer/serialNumber/topic with defaults uagv and v2', () => {
    expect(vdaTopic({ manufacturer: 'KIT', serialNumber: '0001' }, 'order')).toBe('uagv/v2/KIT/0001/order');
    expect(vdaTopic({ interfaceName: 'grid', majorVersion: 'v2', manufacturer: 'gridline', serialNumber: 'R-1' }, 'state')).toBe(
      'grid/v2/gridline/R-1/state',
    );
  });

  it('parses a topic back into address and kind', () => {
    expect(parseVdaTopic('uagv/v2/KIT/0001/instantActions')).toEqual({
      address: { interfaceName: 'uagv', majorVersion: 'v2', manufacturer: 'KIT', serialNumber: '0001' },
      kind: 'instantActions',
    });
  });

  it('does not parse topics of other shapes or kinds', () => {
    expect(parseVdaTopic('uagv/v2/KIT/0001/orders')).toBeUndefined();
    expect(parseVdaTopic('uagv/v2/KIT/order')).toBeUndefined();
    expect(parseVdaTopic('uagv/v2/KIT/00 01/order')).toBeUndefined();
    expect(parseVdaTopic('uagv/v2/KIT/0001/state/extra')).toBeUndefined();
  });

  it('subscribes to one topic of every vehicle of a manufacturer, or of all manufacturers', () => {
    const pattern = vdaSubscriptionPattern('uagv', 'KIT', 'state');
    expect(pattern).toBe('uagv/v2/KIT/+/state');
    expect(topicMatches(pattern, vdaTopic({ manufacturer: 'KIT', serialNumber: 'a' }, 'state'))).toBe(true);
    expect(topicMatches(pattern, vdaTopic({ manufacturer: 'Other', serialNumber: 'a' }, 'state'))).toBe(false);
    expect(vdaSubscriptionPattern('uagv', '+', 'connection')).toBe('uagv/v2/+/+/connection');
  });

  it('allows only A-Z a-z 0-9 _ . : - in serial numbers', () => {
    expect(isValidSerialNumber('Robot_01.a:b-c')).toBe(true);
    for (const bad of ['', 'a/b', 'a+b', 'a#', 'a b', 'ä', '$SYS']) expect(isValidSerialNumber(bad)).toBe(false);
  });

  it('refuses to build a topic from an invalid serial number (a programming mistake)', () => {
    expect(() => vdaTopic({ manufacturer: 'KIT', serialNumber: 'a/b' }, 'order')).toThrow(/serial number/);
    expect(() => vdaTopic({ manufacturer: '+', serialNumber: 'a' }, 'order')).toThrow(/topic level/);
  });
});
