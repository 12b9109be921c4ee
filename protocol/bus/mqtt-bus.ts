import mqtt from 'mqtt';
import { topicMatches, type BusConnectOptions, type MessageBus, type MessageHandler, type PublishOptions, type QoS } from './message-bus.ts';

/** An identity's MQTT username and password. */
export interface MqttCredentials {
  readonly username: string;
  readonly password: string;
}

/** For `mqtts://` and `wss://`: the site's CA, and a client certificate where the broker asks for one. */
export interface MqttTlsOptions {
  /** PEM of the CA that signed the broker's certificate (absent: the system's CAs). */
  readonly ca?: string;
  /** PEM client certificate and key (robots may log in with these instead of a password). */
  readonly cert?: string;
  readonly key?: string;
}

export interface MqttBusOptions extends BusConnectOptions {
  /**
   * Who connects; absent only for a broker that lets anyone in. A function is asked again before
   * every reconnection, so a password changed meanwhile (a rotation) is the one used.
   */
  credentials?: MqttCredentials | (() => MqttCredentials);
  tls?: MqttTlsOptions;
  /**
   * Keep the session while disconnected (MQTT clean session off): the broker queues QoS 1
   * messages for the client's subscriptions until it is back, under the same client id.
   */
  persistentSession?: boolean;
  /** Delay before reconnecting after a lost connection, in wall-clock milliseconds. */
  reconnectPeriodMs?: number;
  /** Give up the first connection attempt after this many wall-clock milliseconds. */
  connectTimeoutMs?: number;
}

/**
 * MessageBus over a real MQTT 3.1.1 broker (the embedded aedes or an external one).
 * mqtt.js reconnects and resubscribes by itself; messages published while offline are
 * queued by mqtt.js and sent after reconnecting.
 */
export async function connectMqttBus(url: string, options: MqttBusOptions): Promise<MessageBus> {
  const login = typeof options.credentials === 'function' ? options.credentials : undefined;
  const credentials: MqttCredentials | undefined = login ? login() : (options.credentials as MqttCredentials | undefined);
  const client = mqtt.connect(url, {
    clientId: options.clientId,
    protocolVersion: 4,
    clean: !options.persistentSession,
    ...(credentials ? { username: credentials.username, password: credentials.password } : {}),
    ...(options.tls ? { ...options.tls, rejectUnauthorized: true } : {}),
    reconnectPeriod: options.reconnectPeriodMs ?? 1000,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    ...(options.will
      ? { will: { topic: options.will.topic, payload: Buffer.from(options.will.payload), qos: options.will.qos ?? 0, retain: options.will.retain ?? false } }
      : {}),
  });
  if (login) {
    // mqtt.js says 'reconnect' just before it connects again with client.options.
    client.on('reconnect', () => {
      try {
        const fresh = login();
        client.options.username = fresh.username;
        client.options.password = fresh.password;
      } catch {
        // The login cannot be read now (a secrets file being replaced): try with the last one.
      }
    });
  }
  // Nagle's algorithm off on every connection (see sendAtOnce in the embedded broker): a
  // request or reply written behind another would wait up to 40 ms for the broker's delayed ACK.
  client.on('connect', () => (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true));
  // Listening before the connection is up: a persistent session's queued messages may come in
  // the same read as the broker's CONNACK.
  const bus = new MqttBus(client, options.clientId, options.persistentSession ?? false);
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => {
      client.end(true);
      reject(new Error(`cannot connect to MQTT broker ${url}: ${err.message}`));
    };
    client.once('connect', () => {
      client.off('error', onError);
      resolve();
    });
    client.once('error', onError);
  });
  return bus;
}

/** How long a clean disconnect waits for the broker to acknowledge what is queued, wall ms. */
const CLOSE_WAIT_MS = 5_000;

/** Messages a persistent session may deliver before their subscription's handler is registered. */
const MAX_EARLY_MESSAGES = 10_000;

class MqttBus implements MessageBus {
  private readonly handlers: { pattern: string; handler: MessageHandler }[] = [];
  /**
   * A persistent session's queued messages arrive right after connecting, before the links
   * have registered their handlers: kept here and handed to the first handler that matches.
   */
  private readonly early: { topic: string; text: string }[] = [];
  private readonly reconnectListeners: (() => void)[] = [];

  constructor(
    private readonly client: mqtt.MqttClient,
    readonly clientId: string,
    private readonly keepsEarlyMessages: boolean,
  ) {
    client.on('message', (topic, payload) => {
      const text = payload.toString('utf8');
      let delivered = false;
      for (const h of this.handlers) {
        if (!topicMatches(h.pattern, topic)) continue;
        h.handler(topic, text);
        delivered = true;
      }
      if (!delivered && this.keepsEarlyMessages && this.early.length < MAX_EARLY_MESSAGES) this.early.push({ topic, text });
    });
    // Errors after connecting (e.g. a refused publish) must not crash the process; mqtt.js
    // keeps reconnecting on its own.
    client.on('error', () => {});
    // Every 'connect' after the first is a reconnection.
    let connectedBefore = false;
    client.on('connect', () => {
      if (connectedBefore) this.reconnectListeners.forEach((listener) => listener());
      connectedBefore = true;
    });
  }

  onReconnected(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  publish(topic: string, payload: string, options: PublishOptions = {}): void {
    this.client.publish(topic, payload, { qos: options.qos ?? 0, retain: options.retain ?? false });
  }

  async subscribe(pattern: string, handler: MessageHandler, options: { qos?: QoS } = {}): Promise<void> {
    this.handlers.push({ pattern, handler });
    for (let i = 0; i < this.early.length; ) {
      const message = this.early[i]!;
      if (!topicMatches(pattern, message.topic)) {
        i++;
        continue;
      }
      this.early.splice(i, 1);
      handler(message.topic, message.text);
    }
    // mqtt.js rejects a subscription the broker refused (SUBACK failure code 0x80).
    await this.client.subscribeAsync(pattern, { qos: options.qos ?? 0 }).catch((error: Error) => {
      throw new Error(`the broker refused the subscription to ${pattern} (may this client's identity read it?): ${error.message}`);
    });
  }

  /**
   * Waits (at most CLOSE_WAIT_MS) for the broker to acknowledge what was sent, then disconnects
   * cleanly (DISCONNECT: the broker drops the last will). A client that is not connected (the
   * broker away, or its connection taken over), or whose messages the broker did not acknowledge
   * in time, ends at once: mqtt.js's clean end would wait for acknowledgements that cannot come.
   */
  async close(): Promise<void> {
    const client = this.client;
    const outstanding = () => Object.keys(client.outgoing).length > 0;
    // mqtt.js says 'outgoingEmpty' only once ending, and frees an acknowledged message after
    // saying 'packetreceive': looked at every few milliseconds instead.
    const deadline = Date.now() + CLOSE_WAIT_MS;
    while (client.connected && outstanding() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    await client.endAsync(!(client.connected && !outstanding()));
  }
}
