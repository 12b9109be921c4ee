import net from 'node:net';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../controller/broker/embedded-broker.ts';
import { connectMqttBus } from './mqtt-bus.ts';

describe('MqttBus close', () => {
  let broker: EmbeddedBroker | undefined;
  afterEach(async () => {
    await broker?.close();
    broker = undefined;
  });

  it('ends at once when its connection was taken over, with a QoS 1 message still queued', async () => {
    broker = await startEmbeddedBroker({ port: 0, access: 'anonymous' });
    const bus = await connectMqttBus(broker.url, { clientId: 'robot-1', reconnectPeriodMs: 60_000 });
    const disconnected = new Promise<void>((resolve) => (bus as unknown as { client: mqtt.MqttClient }).client.once('close', () => resolve()));
    const usurper = await mqtt.connectAsync(broker.url, { clientId: 'robot-1', reconnectPeriod: 0 });
    await disconnected;
    bus.publish('uagv/v2/gridline/robot-1/connection', '{"connectionState":"OFFLINE"}', { qos: 1, retain: true });
    const started = Date.now();
    await bus.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    await usurper.endAsync();
  });

  it('disconnects cleanly once the broker has acknowledged what was sent: no last will', async () => {
    broker = await startEmbeddedBroker({ port: 0, access: 'anonymous' });
    const watcher = await mqtt.connectAsync(broker.url, { clientId: 'watcher', reconnectPeriod: 0 });
    const seen: string[] = [];
    watcher.on('message', (_topic, payload) => seen.push(payload.toString()));
    await watcher.subscribeAsync('status/#', { qos: 1 });
    const bus = await connectMqttBus(broker.url, { clientId: 'robot-2', will: { topic: 'status/robot-2', payload: 'BROKEN', qos: 1 } });
    bus.publish('status/robot-2', 'OFFLINE', { qos: 1 });
    await bus.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen).toEqual(['OFFLINE']);
    await watcher.endAsync();
  });

  it('lets a vehicle announce ONLINE again after a reconnection, over the CONNECTIONBROKEN its last will left', async () => {
    broker = await startEmbeddedBroker({ port: 0, access: 'anonymous' });
    const { VehicleLink, connectionBrokenWill } = await import('../vda5050/links.ts');
    const { SimulatedClock } = await import('../clock.ts');
    const clock = new SimulatedClock();
    const address = { interfaceName: 'uagv', manufacturer: 'gridline', serialNumber: 'R001' };
    const bus = await connectMqttBus(broker.url, { clientId: 'robot-R001', reconnectPeriodMs: 100, will: connectionBrokenWill(address, clock) });
    const link = new VehicleLink(bus, clock, address);
    await link.start();
    // Another connection under its client id: the broker drops the vehicle's (its will goes out).
    const usurper = await mqtt.connectAsync(broker.url, { clientId: 'robot-R001', reconnectPeriod: 0 });
    await usurper.endAsync();
    const states: string[] = [];
    const watcher = await mqtt.connectAsync(broker.url, { clientId: 'watcher', reconnectPeriod: 0 });
    watcher.on('message', (_topic, payload) => states.push((JSON.parse(payload.toString()) as { connectionState: string }).connectionState));
    await watcher.subscribeAsync('uagv/v2/gridline/R001/connection', { qos: 1 });
    for (let i = 0; i < 100 && states.at(-1) !== 'ONLINE'; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(states.at(-1)).toBe('ONLINE');
    await link.close();
    await watcher.endAsync();
  });

  it("turns Nagle's algorithm off on its connection, and again on each reconnection", async () => {
    broker = await startEmbeddedBroker({ port: 0, access: 'anonymous' });
    const port = broker.port;
    const calls: { remotePort: number | undefined; on: boolean | undefined }[] = [];
    const original = net.Socket.prototype.setNoDelay;
    const spy = vi.spyOn(net.Socket.prototype, 'setNoDelay').mockImplementation(function (this: net.Socket, on?: boolean) {
      calls.push({ remotePort: this.remotePort, on });
      return original.call(this, on);
    });
    try {
      const bus = await connectMqttBus(broker.url, { clientId: 'wms-1', reconnectPeriodMs: 50 });
      expect(calls.filter((c) => c.remotePort === port && c.on === true)).toHaveLength(1);
      const reconnected = new Promise<void>((resolve) => bus.onReconnected!(() => resolve()));
      const usurper = await mqtt.connectAsync(broker.url, { clientId: 'wms-1', reconnectPeriod: 0 });
      await usurper.endAsync();
      await reconnected;
      expect(calls.filter((c) => c.remotePort === port && c.on === true).length).toBeGreaterThanOrEqual(2);
      await bus.close();
    } finally {
      spy.mockRestore();
    }
  });
});
