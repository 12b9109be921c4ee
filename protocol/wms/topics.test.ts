import { describe, expect, it } from 'vitest';
import { topicMatches } from '../bus/message-bus.ts';
import { parseWmsTopic, WMS_TOPIC_LAYOUT, wmsEventTopic, wmsReplyTopic, wmsRequestSubscription, wmsRequestTopic } from './topics.ts';

// DESIGN.md §3 "WMS": topics under gridline/v1/{site}/wms/…
describe('WMS topics', () => {
  it('follow the one layout constant', () => {
    expect(WMS_TOPIC_LAYOUT).toBe('gridline/v1/{site}/wms/{clientId}/{channel}');
    expect(wmsRequestTopic('site1', 'wms1')).toBe('gridline/v1/site1/wms/wms1/request');
    expect(wmsReplyTopic('site1', 'wms1')).toBe('gridline/v1/site1/wms/wms1/reply');
    expect(wmsEventTopic('site1', 'wms1')).toBe('gridline/v1/site1/wms/wms1/event');
  });

  it('subscribe the controller to every client of its site', () => {
    const subscription = wmsRequestSubscription('site1');
    expect(subscription).toBe('gridline/v1/site1/wms/+/request');
    expect(topicMatches(subscription, wmsRequestTopic('site1', 'any-client'))).toBe(true);
    expect(topicMatches(subscription, wmsRequestTopic('site2', 'any-client'))).toBe(false);
    expect(topicMatches(subscription, wmsReplyTopic('site1', 'any-client'))).toBe(false);
  });

  it('parse back into site, client and channel', () => {
    expect(parseWmsTopic('gridline/v1/site1/wms/wms1/event')).toEqual({ site: 'site1', clientId: 'wms1', channel: 'event' });
  });

  it('do not parse topics outside the layout', () => {
    expect(parseWmsTopic('gridline/v1/site1/wms/wms1/other')).toBeNull();
    expect(parseWmsTopic('gridline/v2/site1/wms/wms1/request')).toBeNull();
    expect(parseWmsTopic('gridline/v1/site1/wms/request')).toBeNull();
    expect(parseWmsTopic('gridline/v1/site1/port/P1/request')).toBeNull();
  });

  it('refuse a client id that would break the topic (a programming mistake)', () => {
    expect(() => wmsRequestTopic('site1', 'a/b')).toThrow(RangeError);
    expect(() => wmsReplyTopic('site1', '#')).toThrow(RangeError);
    expect(() => wmsEventTopic('', 'wms1')).toThrow(RangeError);
  });
});
