import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../controller/broker/embedded-broker.ts';
import { ephemeralIdentities } from '../../controller/security/ephemeral-identities.ts';
import { connectMqttBus } from '../../protocol/bus/mqtt-bus.ts';
import type { MessageBus } from '../../protocol/bus/message-bus.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * The controller's persistent session (DESIGN.md §4): QoS 1 messages sent while it is away are
 * kept by the broker and reach the handlers its links register after it is back, even though
 * the broker sends them in the same breath as accepting the connection.
 */
describe('a persistent MQTT session', () => {
  let broker: EmbeddedBroker | undefined;
  const buses: MessageBus[] = [];
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close()));
    await broker?.close();
  });

  it('delivers what was sent while the client was away to the handlers registered after it is back', async () => {
    const identities = await ephemeralIdentities([
      { name: 'controller', role: 'controller' },
      { name: 'wms-a', role: 'wms' },
    ]);
    broker = await startEmbeddedBroker({ port: 0, access: { identities: identities.store, topics: { site: 'demo', interfaceName: 'uagv', manufacturer: 'gridline' }, controllerClientIds: ['ctl'], log: () => {} } });
    const topic = 'gridline/v1/demo/wms/+/request';
    const first = await connectMqttBus(broker.url, { clientId: 'ctl', credentials: identities.login('controller'), persistentSession: true });
    await first.subscribe(topic, () => {}, { qos: 1 });
    await first.close();

    const wms = await connectMqttBus(broker.url, { clientId: 'wms-a', credentials: identities.login('wms-a') });
    for (let i = 1; i <= 3; i++) wms.publish('gridline/v1/demo/wms/wms-a/request', `{"n":${i}}`, { qos: 1 });
    // A clean disconnect waits for the broker's acknowledgements: the three are queued for 'ctl'.
    await wms.close();

    const again = await connectMqttBus(broker.url, { clientId: 'ctl', credentials: identities.login('controller'), persistentSession: true });
    buses.push(again);
    // The links register their handlers only once connected: after the broker sent the queue.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const received: string[] = [];
    await again.subscribe(topic, (_t, payload) => received.push(payload), { qos: 1 });
    await waitFor(() => received.length === 3, 5_000, () => `3 requests, got ${received.length}`);
    expect(received).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
  });
});
