import net from 'node:net';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker.ts';

let broker: EmbeddedBroker | undefined;
afterEach(async () => {
  await broker?.close();
  broker = undefined;
});

describe('the embedded broker', () => {
  it('delivers a retained message written together with the next one by the same client, to a subscriber of both (MQTT 3.1.1 §4.6 ordering)', async () => {
    broker = await startEmbeddedBroker({ port: 0, access: 'anonymous' });
    const listener = await mqtt.connectAsync(broker.url, { clientId: 'listener' });
    const seen: string[] = [];
    listener.on('message', (topic, payload) => seen.push(`${topic.split('/').pop()}:${payload.toString()}`));
    await listener.subscribeAsync('robot/#', { qos: 0 });
    const robot = await mqtt.connectAsync(broker.url, { clientId: 'robot' });
    for (let i = 0; i < 10; i++) {
      // One write to the socket: the two packets reach the broker in one read.
      robot.publish('robot/factsheet', `f${i}`, { qos: 0, retain: true });
      robot.publish('robot/state', `s${i}`, { qos: 0 });
    }
    const deadline = Date.now() + 5_000;
    while (seen.length < 20 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => [`factsheet:f${i}`, `state:s${i}`]).flat());
    // And the last retained one is kept for later subscribers.
    const late = await mqtt.connectAsync(broker.url, { clientId: 'late' });
    const retained = await new Promise<string>((resolve) => {
      late.on('message', (_topic, payload) => resolve(payload.toString()));
      void late.subscribeAsync('robot/factsheet');
    });
    expect(retained).toBe('f9');
    await Promise.all([listener.endAsync(), robot.endAsync(), late.endAsync()]);
  });

  it("turns Nagle's algorithm off on each client's connection", async () => {
    broker = await startEmbeddedBroker({ port: 0, access: 'anonymous' });
    const port = broker.port;
    const accepted: (boolean | undefined)[] = [];
    const original = net.Socket.prototype.setNoDelay;
    const spy = vi.spyOn(net.Socket.prototype, 'setNoDelay').mockImplementation(function (this: net.Socket, on?: boolean) {
      if (this.localPort === port) accepted.push(on);
      return original.call(this, on);
    });
    try {
      // mqtt.js leaves Nagle on at its end: every call seen is the broker's.
      const client = await mqtt.connectAsync(broker.url, { clientId: 'plain' });
      expect(accepted).toEqual([true]);
      await client.endAsync();
    } finally {
      spy.mockRestore();
    }
  });
});
