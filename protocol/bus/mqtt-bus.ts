import mqtt from 'mqtt';
import { topicMatches, type BusConnectOptions, type MessageBus, type MessageHandler, type PublishOptions, type QoS } from './message-bus.ts';

export interface MqttBusOptions extends BusConnectOptions {
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
  const client = mqtt.connect(url, {
    clientId: options.clientId,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: options.reconnectPeriodMs ?? 1000,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    ...(options.will
      ? { will: { topic: options.will.topic, payload: Buffer.from(options.will.payload), qos: options.will.qos ?? 0, retain: options.will.retain ?? false } }
      : {}),
  });
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
  return new MqttBus(client, options.clientId);
}

class MqttBus implements MessageBus {
  private readonly handlers: { pattern: string; handler: MessageHandler }[] = [];

  constructor(
    private readonly client: mqtt.MqttClient,
    readonly clientId: string,
  ) {
    client.on('message', (topic, payload) => {
      const text = payload.toString('utf8');
      for (const h of this.handlers) if (topicMatches(h.pattern, topic)) h.handler(topic, text);
    });
    // Errors after connecting (e.g. a refused publish) must not crash the process; mqtt.js
    // keeps reconnecting on its own.
    client.on('error', () => {});
  }

  publish(topic: string, payload: string, options: PublishOptions = {}): void {
    this.client.publish(topic, payload, { qos: options.qos ?? 0, retain: options.retain ?? false });
  }

  async subscribe(pattern: string, handler: MessageHandler, options: { qos?: QoS } = {}): Promise<void> {
    this.handlers.push({ pattern, handler });
    await this.client.subscribeAsync(pattern, { qos: options.qos ?? 0 });
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}
