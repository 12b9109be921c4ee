import mqtt, { type MqttClient } from 'mqtt';

/**
 * The pages' MQTT over WebSocket (mqtt.js's browser build, MQTT 3.1.1 as the embedded broker
 * speaks). Payloads arrive as text. Each topic is subscribed on its own, so a broker that
 * refuses one subscription (an ACL) does not take the others with it. mqtt.js reconnects by
 * itself and subscribes again; publishes made while offline are queued and sent on reconnect.
 */

/** `connected` is the only status whose text contains "connected". */
export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface BrokerConnectionOptions {
  readonly url: string;
  /** Start of the client id; random letters are appended. */
  readonly clientIdPrefix: string;
  readonly onMessage: (topic: string, text: string) => void;
  readonly onStatus: (status: ConnectionStatus, detail: string) => void;
  /** A subscription the broker refused or that failed. */
  readonly onSubscribeError?: (topic: string, error: string) => void;
  /**
   * The connection closed or could not be opened (mqtt.js tries again by itself). A browser
   * does not tell why a WebSocket was refused, so a page asks its server whether its session
   * still holds.
   */
  readonly onClose?: () => void;
}

export class BrokerConnection {
  private readonly client: MqttClient;
  private readonly decoder = new TextDecoder();
  private readonly subscribed = new Set<string>();

  constructor(private readonly options: BrokerConnectionOptions) {
    this.client = mqtt.connect(options.url, {
      clientId: `${options.clientIdPrefix}-${randomLetters(8)}`,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 2000,
      connectTimeout: 10_000,
      keepalive: 30,
    });
    options.onStatus('connecting', options.url);
    this.client.on('connect', () => options.onStatus('connected', options.url));
    this.client.on('reconnect', () => options.onStatus('reconnecting', options.url));
    this.client.on('offline', () => options.onStatus('offline', options.url));
    this.client.on('close', () => {
      if (!this.client.connected) options.onStatus('offline', options.url);
      options.onClose?.();
    });
    this.client.on('error', (error) => options.onStatus(this.client.connected ? 'connected' : 'offline', error.message));
    this.client.on('message', (topic, payload) => {
      options.onMessage(topic, this.decoder.decode(payload as Uint8Array));
    });
  }

  /** Subscribes once per topic (QoS 1); later calls with the same topic do nothing. */
  subscribe(topic: string): void {
    if (this.subscribed.has(topic)) return;
    this.subscribed.add(topic);
    this.client.subscribe(topic, { qos: 1 }, (error, granted) => {
      const refused = granted?.find((g) => g.qos === 128);
      if (error || refused) {
        this.subscribed.delete(topic);
        this.options.onSubscribeError?.(topic, error ? error.message : 'refused by the broker');
      }
    });
  }

  unsubscribe(topic: string): void {
    if (!this.subscribed.delete(topic)) return;
    this.client.unsubscribe(topic);
  }

  /**
   * Publishes now, or not at all: false while disconnected. An operator's command or a port
   * confirmation must not be queued and delivered minutes later, after the person gave up on it.
   */
  publish(topic: string, text: string, options: { qos?: 0 | 1; retain?: boolean } = {}): boolean {
    if (!this.client.connected) return false;
    this.client.publish(topic, text, { qos: options.qos ?? 1, retain: options.retain ?? false });
    return true;
  }

  get connected(): boolean {
    return this.client.connected;
  }

  end(): void {
    this.client.end(true);
  }
}

/** Random letters and digits for ids unique to this page. */
function randomLetters(count: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = new Uint8Array(count);
  crypto.getRandomValues(bytes);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}
