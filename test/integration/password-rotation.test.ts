import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../controller/broker/embedded-broker.ts';
import { addIdentity, rotateIdentity } from '../../controller/security/identity-admin.ts';
import { MemoryIdentityStore, MemorySecretStore } from '../../controller/security/identity-store.ts';
import type { MessageBus } from '../../protocol/bus/message-bus.ts';
import { connectMqttBus } from '../../protocol/bus/mqtt-bus.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * A password rotated while its part runs: the broker ends the part's connection (the old
 * password no longer holds), and the part, reading its login afresh, is back under the new one.
 */
describe('rotating the password of a running part', () => {
  let broker: EmbeddedBroker | undefined;
  const buses: MessageBus[] = [];
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close()));
    await broker?.close();
  });

  it('closes its connection, and it logs in again with the new password', async () => {
    const store = new MemoryIdentityStore();
    const secrets = new MemorySecretStore();
    await addIdentity(store, secrets, { name: 'controller', role: 'controller', managed: true });
    const wmsPassword = (await addIdentity(store, null, { name: 'wms-a', role: 'wms' })).password;
    const log: string[] = [];
    broker = await startEmbeddedBroker({
      port: 0,
      access: { identities: store, topics: { site: 'demo', interfaceName: 'uagv', manufacturer: 'gridline' }, controllerClientIds: ['ctl'], log: (line) => log.push(line), identityCheckMs: 50 },
    });
    const logins: string[] = [];
    const controller = await connectMqttBus(broker.url, {
      clientId: 'ctl',
      reconnectPeriodMs: 100,
      credentials: () => {
        const password = secrets.get('controller')!;
        logins.push(password);
        return { username: 'controller', password };
      },
    });
    buses.push(controller);
    const received: string[] = [];
    await controller.subscribe('gridline/v1/demo/wms/+/request', (_topic, payload) => received.push(payload), { qos: 1 });
    const before = secrets.get('controller')!;

    const { password: after } = await rotateIdentity(store, secrets, 'controller');
    expect(after).not.toBe(before);
    await waitFor(() => log.some((line) => line.includes('identity controller changed')), 5_000, () => `the broker closing the controller's connection; log: ${log.join(' | ')}`);
    await waitFor(() => logins.at(-1) === after, 5_000, () => `a reconnection with the new password; logins: ${logins.length}`);

    const wms = await connectMqttBus(broker.url, { clientId: 'wms-a', credentials: { username: 'wms-a', password: wmsPassword } });
    buses.push(wms);
    // Sent until one arrives: the controller's subscription is renewed once it is back.
    await waitFor(
      () => {
        if (received.length === 0) wms.publish('gridline/v1/demo/wms/wms-a/request', '{"n":1}', { qos: 1 });
        return received.length > 0;
      },
      10_000,
      () => 'a request reaching the controller after the rotation',
    );
    expect(received[0]).toBe('{"n":1}');
    expect(log.filter((line) => line.includes('controller from') && line.includes('bad username or password'))).toEqual([]);
  });
});
