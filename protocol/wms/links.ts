import type { Clock } from '../clock.ts';
import type { MessageBus } from '../bus/message-bus.ts';
import { Listeners } from '../listeners.ts';
import { wmsEventSchema, type WmsEvent } from './event-schemas.ts';
import { parseWmsEvent, parseWmsReply } from './parse-wms-messages.ts';
import { DEFAULT_MAX_REQUEST_BYTES, parseWmsRequest, type ParseWmsRequestResult } from './parse-wms-request.ts';
import { wmsReplySchema, type WmsReply } from './reply-schemas.ts';
import { wmsRequestSchema, type WmsRequest } from './request-schemas.ts';
import { parseWmsTopic, wmsEventTopic, wmsReplyTopic, wmsRequestSubscription, wmsRequestTopic } from './topics.ts';

/** Removes `site` and `timestamp` from each member of a union: the link stamps them. */
type Unstamped<T> = T extends unknown ? Omit<T, 'site' | 'timestamp'> & { site?: string; timestamp?: string } : never;
export type WmsReplyDraft = Unstamped<WmsReply>;
export type WmsEventDraft = Unstamped<WmsEvent>;

/** Requests, replies and events are QoS 1: each must arrive (at least once; requests are idempotent). */
const WMS_QOS = 1;

export interface WmsServerLinkOptions {
  site: string;
  /** Requests larger than this are rejected as PAYLOAD_TOO_LARGE, in bytes. */
  maxRequestBytes?: number;
}

/**
 * The controller's end of the WMS API over a MessageBus. Incoming requests are handed over
 * both raw (`onRawRequest`) and validated (`onRequest`, with parseWmsRequest's result);
 * answering them is the controller's job. Outgoing replies and events are stamped with the
 * site and the clock's time and checked against the schema: an invalid one is a programming
 * mistake and throws (`buildReply`/`buildEvent` check one without sending it).
 */
export class WmsServerLink {
  private readonly rawHandlers = new Listeners<[clientId: string, text: string]>();
  private readonly requestHandlers = new Listeners<[clientId: string, result: ParseWmsRequestResult]>();
  private readonly site: string;
  private readonly maxRequestBytes: number;

  constructor(
    private readonly bus: MessageBus,
    private readonly clock: Clock,
    options: WmsServerLinkOptions,
  ) {
    this.site = options.site;
    this.maxRequestBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  }

  /** Subscribes to every client's requests at this site. */
  async start(): Promise<void> {
    await this.bus.subscribe(
      wmsRequestSubscription(this.site),
      (topic, payload) => {
        const parts = parseWmsTopic(topic);
        if (!parts || parts.channel !== 'request' || parts.site !== this.site) return;
        this.rawHandlers.emit(parts.clientId, payload);
        if (this.requestHandlers.size === 0) return;
        this.requestHandlers.emit(parts.clientId, parseWmsRequest(payload, this.maxRequestBytes));
      },
      { qos: WMS_QOS },
    );
  }

  onRawRequest(handler: (clientId: string, text: string) => void): () => void {
    return this.rawHandlers.add(handler);
  }

  onRequest(handler: (clientId: string, result: ParseWmsRequestResult) => void): () => void {
    return this.requestHandlers.add(handler);
  }

  reply(clientId: string, reply: WmsReplyDraft): void {
    this.sendReply(clientId, this.buildReply(reply));
  }

  event(clientId: string, event: WmsEventDraft): void {
    this.sendEvent(clientId, this.buildEvent(event));
  }

  /**
   * A reply as it will go out: stamped and checked, but not yet sent (so a caller can find out
   * that a reply cannot be built before it commits to it). Throws when it breaks the schema.
   */
  buildReply(reply: WmsReplyDraft): WmsReply {
    return wmsReplySchema.parse(this.stamp(reply));
  }

  /** An event as it will go out (see buildReply). */
  buildEvent(event: WmsEventDraft): WmsEvent {
    return wmsEventSchema.parse(this.stamp(event));
  }

  /** Sends a reply made by buildReply. */
  sendReply(clientId: string, reply: WmsReply): void {
    this.bus.publish(wmsReplyTopic(this.site, clientId), JSON.stringify(reply), { qos: WMS_QOS });
  }

  /** Sends an event made by buildEvent. */
  sendEvent(clientId: string, event: WmsEvent): void {
    this.bus.publish(wmsEventTopic(this.site, clientId), JSON.stringify(event), { qos: WMS_QOS });
  }

  private stamp<T extends object>(draft: T): T & { site: string; timestamp: string } {
    return { ...draft, site: this.site, timestamp: new Date(this.clock.now()).toISOString() };
  }
}

export interface WmsClientLinkOptions {
  site: string;
  clientId: string;
}

/**
 * A WMS client's end of the API over a MessageBus. Replies and events for this client are
 * validated on the way in; a message that does not validate goes to `onInvalidMessage`
 * instead of the reply/event handlers.
 */
export class WmsClientLink {
  private readonly replyHandlers = new Listeners<[reply: WmsReply]>();
  private readonly eventHandlers = new Listeners<[event: WmsEvent]>();
  private readonly invalidHandlers = new Listeners<[topic: string, errors: string[]]>();
  readonly site: string;
  readonly clientId: string;

  constructor(
    private readonly bus: MessageBus,
    options: WmsClientLinkOptions,
  ) {
    this.site = options.site;
    this.clientId = options.clientId;
    // Builds a topic once so that an invalid site or clientId fails here, not on first use.
    wmsRequestTopic(this.site, this.clientId);
  }

  async start(): Promise<void> {
    await this.bus.subscribe(
      wmsReplyTopic(this.site, this.clientId),
      (topic, payload) => {
        const parsed = parseWmsReply(payload);
        if (!parsed.ok) this.invalidHandlers.emit(topic, parsed.errors);
        else this.replyHandlers.emit(parsed.message);
      },
      { qos: WMS_QOS },
    );
    await this.bus.subscribe(
      wmsEventTopic(this.site, this.clientId),
      (topic, payload) => {
        const parsed = parseWmsEvent(payload);
        if (!parsed.ok) this.invalidHandlers.emit(topic, parsed.errors);
        else this.eventHandlers.emit(parsed.message);
      },
      { qos: WMS_QOS },
    );
  }

  /** Publishes a request; throws if it does not match the schema (use sendRaw to send bad input). */
  send(request: WmsRequest): void {
    this.sendRaw(JSON.stringify(wmsRequestSchema.parse(request)));
  }

  /** Publishes any text as a request, unchecked: for testing how the controller handles bad input. */
  sendRaw(text: string): void {
    this.bus.publish(wmsRequestTopic(this.site, this.clientId), text, { qos: WMS_QOS });
  }

  onReply(handler: (reply: WmsReply) => void): () => void {
    return this.replyHandlers.add(handler);
  }

  onEvent(handler: (event: WmsEvent) => void): () => void {
    return this.eventHandlers.add(handler);
  }

  onInvalidMessage(handler: (topic: string, errors: string[]) => void): () => void {
    return this.invalidHandlers.add(handler);
  }
}
