/**
 * Topic layout of the gridline WMS API (spec: DESIGN.md §3 "WMS", asyncapi.yaml). One
 * constant defines it; every builder and the parser derive from it.
 *
 *   gridline/v1/{site}/wms/{clientId}/request   WMS -> controller, any request kind
 *   gridline/v1/{site}/wms/{clientId}/reply     controller -> WMS, one accept-or-reject per request
 *   gridline/v1/{site}/wms/{clientId}/event     controller -> WMS, progress and terminal events
 */
import { fillTopicLayout, isTopicLevel } from '../topic-levels.ts';

export const WMS_TOPIC_LAYOUT = 'gridline/v1/{site}/wms/{clientId}/{channel}';

export const WMS_CHANNELS = ['request', 'reply', 'event'] as const;
export type WmsChannel = (typeof WMS_CHANNELS)[number];

export interface WmsTopic {
  readonly site: string;
  readonly clientId: string;
  readonly channel: WmsChannel;
}

function topicFor(site: string, clientId: string, channel: WmsChannel | '+'): string {
  return fillTopicLayout(WMS_TOPIC_LAYOUT, { site, clientId, channel });
}

export function wmsRequestTopic(site: string, clientId: string): string {
  return topicFor(site, clientId, 'request');
}

export function wmsReplyTopic(site: string, clientId: string): string {
  return topicFor(site, clientId, 'reply');
}

export function wmsEventTopic(site: string, clientId: string): string {
  return topicFor(site, clientId, 'event');
}

/** The controller's subscription to every client's requests: `gridline/v1/{site}/wms/+/request`. */
export function wmsRequestSubscription(site: string): string {
  return topicFor(site, '+', 'request');
}

const layoutParts = WMS_TOPIC_LAYOUT.split('/');

/** Splits a concrete WMS topic into its parts; null when the topic does not follow the layout. */
export function parseWmsTopic(topic: string): WmsTopic | null {
  const parts = topic.split('/');
  if (parts.length !== layoutParts.length) return null;
  const values: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const expected = layoutParts[i]!;
    const actual = parts[i]!;
    if (expected.startsWith('{')) {
      if (!isTopicLevel(actual)) return null;
      values[expected.slice(1, -1)] = actual;
    } else if (expected !== actual) {
      return null;
    }
  }
  const channel = values['channel'] as WmsChannel;
  if (!WMS_CHANNELS.includes(channel)) return null;
  return { site: values['site']!, clientId: values['clientId']!, channel };
}
