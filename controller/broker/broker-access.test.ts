import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addIdentity } from '../security/identity-admin.ts';
import { MemoryIdentityStore } from '../security/identity-store.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker.ts';

const topics = { site: 'demo', interfaceName: 'uagv', manufacturer: 'gridline' };

describe('embedded broker access', () => {
  let broker: EmbeddedBroker;
  let identities: MemoryIdentityStore;
  let log: string[];
  const secrets = new Map<string, string>();
  const clients: MqttClient[] = [];

  beforeEach(async () => {
    identities = new MemoryIdentityStore();
    log = [];
    for (const [name, role, scope] of [
      ['controller', 'controller', undefined],
      ['R001', 'robot', undefined],
      ['R002', 'robot', undefined],
      ['wms-a', 'wms', undefined],
    ] as const) {
      secrets.set(name, (await addIdentity(identities, null, { name, role, ...(scope ? { scope } : {}) })).password);
    }
    broker = await startEmbeddedBroker({
      port: 0,
      access: { identities, topics, controllerClientIds: ['gridline-controller-demo'], log: (line) => log.push(line), identityCheckMs: 50 },
    });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await broker.close();
  });

  const connect = async (clientId: string, username?: string, password?: string, extra: mqtt.IClientOptions = {}) => {
    const client = await mqtt.connectAsync(broker.url, { clientId, reconnectPeriod: 0, ...(username ? { username } : {}), ...(password !== undefined ? { password } : {}), ...extra });
    clients.push(client);
    return client;
  };
  const as = (name: string, clientId = `${name}-client`, extra: mqtt.IClientOptions = {}) => connect(clientId, name, secrets.get(name)!, extra);
  const refusedConnect = (promise: Promise<unknown>) => expect(promise).rejects.toThrow(/Not authorized|Bad username or password|Identifier rejected/);
  const closed = (client: MqttClient) => new Promise<void>((resolve) => (client.connected ? client.once('close', () => resolve()) : resolve()));

  it('refuses anonymous connections, wrong passwords and unknown users, and says so', async () => {
    await refusedConnect(connect('anon'));
    await refusedConnect(connect('wrong', 'R001', 'not-the-password'));
    await refusedConnect(connect('nobody', 'mallory', 'whatever'));
    expect(log.join('\n')).toMatch(/no username and password/);
    expect(log.join('\n')).toMatch(/R001 from .*bad username or password/);
    expect(log.join('\n')).toMatch(/unknown user "mallory"/);
    const ok = await as('R001');
    expect(ok.connected).toBe(true);
  });

  it("ends the connection of a client publishing where it may not, and nothing reaches the topic's subscribers", async () => {
    const controller = await as('controller', 'gridline-controller-demo');
    const seen: string[] = [];
    controller.on('message', (topic) => seen.push(topic));
    await controller.subscribeAsync('uagv/v2/gridline/+/state', { qos: 1 });
    const r1 = await as('R001');
    await r1.publishAsync('uagv/v2/gridline/R001/state', '{}', { qos: 1 });
    const gone = closed(r1);
    r1.publish('uagv/v2/gridline/R002/state', '{"forged":true}', { qos: 1 });
    await gone;
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual(['uagv/v2/gridline/R001/state']);
    expect(log.join('\n')).toMatch(/refused: R001: publish to "uagv\/v2\/gridline\/R002\/state"/);
  });

  it('refuses a subscription outside the identity\'s topics with the failure code, keeping the connection', async () => {
    const wms = await as('wms-a');
    await expect(wms.subscribeAsync('gridline/v1/demo/wms/wms-b/reply')).rejects.toThrow(/Subscribe error/);
    expect((await wms.subscribeAsync('gridline/v1/demo/wms/wms-a/reply'))[0]!.qos).toBe(0);
    expect(wms.connected).toBe(true);
    expect(log.join('\n')).toMatch(/refused: wms-a: subscribe to "gridline\/v1\/demo\/wms\/wms-b\/reply"/);
  });

  it("keeps the controller's client id for the controller, and a client id in use for its identity", async () => {
    await refusedConnect(connect('gridline-controller-demo', 'wms-a', secrets.get('wms-a')));
    const r2 = await as('R002', 'robot-R002');
    await refusedConnect(as('R001', 'robot-R002'));
    expect(r2.connected).toBe(true);
    expect(log.join('\n')).toMatch(/client id is the controller's/);
    expect(log.join('\n')).toMatch(/client id is in use by R002/);
    const again = await as('R002', 'robot-R002'); // the same identity may take its own id back
    expect(again.connected).toBe(true);
  });

  it("keeps a client id's kept session for its identity: another can neither read its queue nor wipe it", async () => {
    const first = await as('wms-a', 'wms-a-kept', { clean: false });
    await first.subscribeAsync('gridline/v1/demo/wms/wms-a/reply', { qos: 1 });
    await first.endAsync();
    const controller = await as('controller', 'gridline-controller-demo');
    await controller.publishAsync('gridline/v1/demo/wms/wms-a/reply', '{"queued":true}', { qos: 1 });
    await refusedConnect(as('R001', 'wms-a-kept', { clean: false }));
    await refusedConnect(as('R001', 'wms-a-kept', { clean: true }));
    expect(log.join('\n')).toMatch(/R001: connection as client "wms-a-kept": the client id holds a kept session of wms-a/);
    const received: string[] = [];
    const back = await connect('wms-a-kept', 'wms-a', secrets.get('wms-a')!, { clean: false });
    back.on('message', (_topic, payload) => received.push(payload.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the queued reply; got ${received.length}`)), 5_000);
      const check = setInterval(() => received.length > 0 && (clearTimeout(timer), clearInterval(check), resolve()), 20);
    });
    expect(received).toEqual(['{"queued":true}']);
  });

  it('refuses the logins of an address unchecked after too many failures', async () => {
    await broker.close();
    broker = await startEmbeddedBroker({ port: 0, access: { identities, topics, controllerClientIds: [], log: (line) => log.push(line), loginFailuresPerMinute: 2 } });
    await refusedConnect(connect('w1', 'R001', 'wrong-1'));
    await refusedConnect(connect('w2', 'mallory', 'wrong-2'));
    await refusedConnect(as('R001'));
    expect(log.join('\n')).toMatch(/too many failed logins from this address; refused unchecked/);
  });

  it('refuses a last will on a topic the client may not publish to', async () => {
    await refusedConnect(as('R001', 'R001-will', { will: { topic: 'uagv/v2/gridline/R002/connection', payload: Buffer.from('{}'), qos: 1, retain: true } }));
    const fine = await as('R001', 'R001-will-ok', { will: { topic: 'uagv/v2/gridline/R001/connection', payload: Buffer.from('{}'), qos: 1, retain: true } });
    expect(fine.connected).toBe(true);
  });

  it('ends a connection announcing a packet beyond its limit before buffering it', async () => {
    const wms = await as('wms-a');
    const gone = closed(wms);
    wms.publish('gridline/v1/demo/wms/wms-a/request', 'x'.repeat(200 * 1024));
    await gone;
    expect(log.join('\n')).toMatch(/refused: wms-a: a packet of \d+ bytes \(the limit is 81920\)/);
  });

  it('drops the connections of an identity that is removed or given a new password', async () => {
    const r1 = await as('R001');
    const wms = await as('wms-a');
    const gone = closed(r1);
    identities.remove('R001');
    await gone;
    expect(log.join('\n')).toMatch(/identity R001 was removed/);
    expect(wms.connected).toBe(true);
  });
});
