import type { Clock } from '../clock.ts';
import { topicLevelsMatch, type BusConnectOptions, type MessageBus, type MessageHandler, type PublishOptions } from './message-bus.ts';

interface Subscription {
  readonly bus: MemoryBus;
  readonly pattern: string;
  readonly handler: MessageHandler;
}

/** A wildcard subscription with its filter split into levels once, at subscribe time. */
interface WildcardSubscription {
  readonly subscription: Subscription;
  readonly levels: readonly string[];
}

/**
 * An in-process MQTT-like router for simulations and wiring tests. Deliveries are scheduled
 * on the Clock `latencyMs` after publishing, so with a SimulatedClock the interleaving of
 * all messages is fixed by the seed alone. Retained messages and last wills behave as in
 * MQTT 3.1.1; payloads are copied as text, as on a wire.
 */
export class MemoryBroker {
  /** Subscriptions without wildcards, by topic: found in O(1) (thousands of robots each have some). */
  private readonly exact = new Map<string, Subscription[]>();
  /** Subscriptions with `+` or `#`, matched one by one (a few per controller or console). */
  private readonly wildcard: WildcardSubscription[] = [];
  private readonly retained = new Map<string, string>();
  private readonly clients = new Map<string, MemoryBus>();
  private readonly taps: ((topic: string, payload: string) => void)[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly latencyMs = 0,
  ) {}

  connect(options: BusConnectOptions): MemoryBus {
    // MQTT 3.1.1 §3.1.4: a second connection with the same client id takes over the first.
    this.clients.get(options.clientId)?.drop();
    const bus = new MemoryBus(this, options);
    this.clients.set(options.clientId, bus);
    return bus;
  }

  /** Sees every message published through this broker, in publish order (event logs). */
  tap(listener: (topic: string, payload: string) => void): void {
    this.taps.push(listener);
  }

  /** @internal */
  route(topic: string, payload: string, options: PublishOptions = {}): void {
    for (const tap of this.taps) tap(topic, payload);
    if (options.retain) {
      if (payload === '') this.retained.delete(topic);
      else this.retained.set(topic, payload);
    }
    const exact = this.exact.get(topic);
    const targets = exact ? [...exact] : [];
    if (this.wildcard.length > 0) {
      const levels = topic.split('/');
      for (const w of this.wildcard) if (topicLevelsMatch(w.levels, levels)) targets.push(w.subscription);
    }
    if (targets.length === 0) return;
    this.clock.setTimeout(() => {
      for (const target of targets) if (target.bus.connected) target.handler(topic, payload);
    }, this.latencyMs);
  }

  /** @internal */
  addSubscription(subscription: Subscription): void {
    const { pattern } = subscription;
    let retained: [topic: string, payload: string][];
    if (isWildcard(pattern)) {
      const levels = pattern.split('/');
      this.wildcard.push({ subscription, levels });
      retained = [...this.retained].filter(([topic]) => topicLevelsMatch(levels, topic.split('/')));
    } else {
      const list = this.exact.get(pattern);
      if (list) list.push(subscription);
      else this.exact.set(pattern, [subscription]);
      // A filter without wildcards matches only its own topic: one lookup, not a scan of every
      // retained message (each of thousands of robots subscribing at fleet start).
      const payload = this.retained.get(pattern);
      retained = payload === undefined ? [] : [[pattern, payload]];
    }
    if (retained.length === 0) return;
    this.clock.setTimeout(() => {
      for (const [topic, payload] of retained) if (subscription.bus.connected) subscription.handler(topic, payload);
    }, this.latencyMs);
  }

  /** @internal */
  removeClient(bus: MemoryBus): void {
    for (let i = this.wildcard.length - 1; i >= 0; i--) if (this.wildcard[i]!.subscription.bus === bus) this.wildcard.splice(i, 1);
    for (const pattern of bus.patterns) {
      const list = this.exact.get(pattern);
      if (!list) continue;
      const kept = list.filter((s) => s.bus !== bus);
      if (kept.length > 0) this.exact.set(pattern, kept);
      else this.exact.delete(pattern);
    }
    if (this.clients.get(bus.clientId) === bus) this.clients.delete(bus.clientId);
  }
}

export class MemoryBus implements MessageBus {
  readonly clientId: string;
  connected = true;
  /** Topic filters this client subscribed to. */
  readonly patterns = new Set<string>();

  constructor(
    private readonly broker: MemoryBroker,
    private readonly options: BusConnectOptions,
  ) {
    this.clientId = options.clientId;
  }

  publish(topic: string, payload: string, options?: PublishOptions): void {
    if (!this.connected) return;
    this.broker.route(topic, payload, options);
  }

  async subscribe(pattern: string, handler: MessageHandler): Promise<void> {
    if (!this.connected) throw new Error(`bus ${this.clientId} is closed`);
    this.patterns.add(pattern);
    this.broker.addSubscription({ bus: this, pattern, handler });
  }

  async close(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    this.broker.removeClient(this);
  }

  /** Simulates a lost connection: the broker publishes the last will (MQTT 3.1.2.5). */
  drop(): void {
    if (!this.connected) return;
    this.connected = false;
    this.broker.removeClient(this);
    const will = this.options.will;
    if (will) this.broker.route(will.topic, will.payload, { qos: will.qos ?? 0, retain: will.retain ?? false });
  }
}

function isWildcard(pattern: string): boolean {
  return pattern.includes('+') || pattern.includes('#');
}
