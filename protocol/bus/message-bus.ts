/**
 * The transport seam under every link (robots, WMS, console). One `MessageBus` is one client
 * connection to a broker: the MQTT adapter talks to a real broker (embedded aedes or
 * external), the in-memory adapter to an in-process router driven by a Clock. Links above
 * it only see topics and text payloads, so they run unchanged over either.
 */
export type QoS = 0 | 1;

export interface PublishOptions {
  qos?: QoS;
  /** Broker keeps the last retained message per topic for later subscribers (MQTT 3.3.1.3). */
  retain?: boolean;
}

/** Called for each message on a subscribed topic; `payload` is the UTF-8 text as sent. */
export type MessageHandler = (topic: string, payload: string) => void;

export interface LastWill {
  topic: string;
  payload: string;
  qos?: QoS;
  retain?: boolean;
}

export interface BusConnectOptions {
  clientId: string;
  /** Published by the broker when the connection drops without a clean close. */
  will?: LastWill;
}

export interface MessageBus {
  readonly clientId: string;
  /** Queues a message; messages from one bus reach each subscriber in publish order. */
  publish(topic: string, payload: string, options?: PublishOptions): void;
  /** Subscribes with MQTT wildcards (`+` one level, `#` the rest); resolves once active. */
  subscribe(pattern: string, handler: MessageHandler, options?: { qos?: QoS }): Promise<void>;
  /** Clean disconnect: the last will is not published. */
  close(): Promise<void>;
  /**
   * `listener` runs each time the connection was lost and is made again (not at the first
   * connection): the broker may have published the last will meanwhile. A bus that cannot lose
   * its connection (in-process) leaves this out.
   */
  onReconnected?(listener: () => void): void;
}

/** MQTT topic filter matching (MQTT 3.1.1 §4.7). */
export function topicMatches(filter: string, topic: string): boolean {
  if (filter === topic) return true;
  return topicLevelsMatch(filter.split('/'), topic.split('/'));
}

/** topicMatches on filter and topic already split at `/` (lets a router split each once). */
export function topicLevelsMatch(f: readonly string[], t: readonly string[]): boolean {
  for (let i = 0; i < f.length; i++) {
    const part = f[i];
    if (part === '#') return true;
    if (i >= t.length) return false;
    if (part !== '+' && part !== t[i]) return false;
  }
  return f.length === t.length;
}
