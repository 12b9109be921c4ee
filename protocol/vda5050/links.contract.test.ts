/**
 * One contract for the VDA 5050 links, run over the in-memory broker (simulated clock) and
 * over a real aedes broker on a loopback port. Sections cite VDA 5050 2.0.0.
 */
import net from 'node:net';
import { Aedes, type Client } from 'aedes';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../clock.ts';
import { MemoryBroker, type MemoryBus } from '../bus/memory-bus.ts';
import { connectMqttBus } from '../bus/mqtt-bus.ts';
import type { LastWill, MessageBus } from '../bus/message-bus.ts';
import { connectionBrokenWill, MasterControlLink, VehicleLink } from './links.ts';
import { sampleFactsheetBody, sampleHeader, sampleInstantActions, sampleOrderBody, sampleStateDriving } from './sample-messages.test-support.ts';
import { vdaTopic } from './topics.ts';
import type { Connection, InstantActions, Order, State } from './types.ts';

interface LinkTestHarness {
  readonly clock: SimulatedClock;
  connect(clientId: string, will?: LastWill): Promise<MessageBus>;
  /** Cuts the client's connection without a clean disconnect, so the broker sends its will. */
  dropConnection(clientId: string): Promise<void>;
  /** Lets messages flow until `condition` holds; fails the test if it never does. */
  eventually(condition: () => boolean): Promise<void>;
  close(): Promise<void>;
}

async function memoryHarness(): Promise<LinkTestHarness> {
  const clock = new SimulatedClock();
  const broker = new MemoryBroker(clock, 5);
  const buses = new Map<string, MemoryBus>();
  return {
    clock,
    async connect(clientId, will) {
      const bus = broker.connect(will ? { clientId, will } : { clientId });
      buses.set(clientId, bus);
      return bus;
    },
    async dropConnection(clientId) {
      buses.get(clientId)!.drop();
    },
    async eventually(condition) {
      for (let i = 0; i < 50; i++) {
        clock.runAll();
        await new Promise((resolve) => setImmediate(resolve));
        if (condition()) return;
      }
      throw new Error('condition never held');
    },
    async close() {},
  };
}

async function aedesHarness(): Promise<LinkTestHarness> {
  const broker = await Aedes.createBroker();
  const clients = new Map<string, Client>();
  broker.on('client', (client: Client) => clients.set(client.id, client));
  const server = net.createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const buses: MessageBus[] = [];
  return {
    // Only stamps timestamps here; the broker runs on wall time.
    clock: new SimulatedClock(),
    async connect(clientId, will) {
      // A long reconnect period keeps a dropped client from coming back during the test.
      const bus = await connectMqttBus(`mqtt://127.0.0.1:${port}`, { clientId, reconnectPeriodMs: 60_000, ...(will ? { will } : {}) });
      buses.push(bus);
      return bus;
    },
    async dropConnection(clientId) {
      const client = clients.get(clientId);
      if (!client) throw new Error(`no aedes client ${clientId}`);
      client.conn.destroy();
    },
    async eventually(condition) {
      const deadline = Date.now() + 5000;
      while (!condition()) {
        if (Date.now() > deadline) throw new Error('condition never held within 5 s');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    async close() {
      await Promise.allSettled(buses.map((bus) => bus.close()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function linkContract(name: string, createHarness: () => Promise<LinkTestHarness>): void {
  describe(`VDA 5050 links over ${name}`, () => {
    const address = { manufacturer: 'gridline', serialNumber: 'R-001' };
    let h: LinkTestHarness;
    let controller: MasterControlLink;
    let vehicle: VehicleLink;
    let orders: Order[];
    let instantActions: InstantActions[];
    let vehicleInvalid: { topic: string; errors: string[] }[];
    let connections: [string, Connection][];
    let states: [string, State][];
    let controllerInvalid: { topic: string; errors: string[] }[];

    beforeEach(async () => {
      h = await createHarness();
      h.clock.advance(1_000);
      controller = new MasterControlLink(await h.connect('mc'), h.clock, { manufacturer: 'gridline' });
      [orders, instantActions, vehicleInvalid, connections, states, controllerInvalid] = [[], [], [], [], [], []];
      controller.onConnection((serial, c) => connections.push([serial, c]));
      controller.onState((serial, s) => states.push([serial, s]));
      controller.onInvalidMessage((topic, errors) => controllerInvalid.push({ topic, errors }));
      await controller.start();
      vehicle = new VehicleLink(await h.connect('R-001', connectionBrokenWill(address, h.clock)), h.clock, address);
      vehicle.onOrder((o) => orders.push(o));
      vehicle.onInstantActions((ia) => instantActions.push(ia));
      vehicle.onInvalidMessage((topic, errors) => vehicleInvalid.push({ topic, errors }));
      await vehicle.start();
      await h.eventually(() => connections.length === 1);
    });

    afterEach(async () => {
      await h.close();
    });

    it('delivers an order with the header filled in (§Protocol header)', async () => {
      const sentAt = new Date(h.clock.now()).toISOString();
      const sent = controller.sendOrder('R-001', sampleOrderBody());
      await h.eventually(() => orders.length === 1);
      expect(orders[0]).toEqual(sent);
      expect(orders[0]).toMatchObject({
        ...sampleOrderBody(),
        headerId: 0,
        timestamp: sentAt,
        version: '2.0.0',
        manufacturer: 'gridline',
        serialNumber: 'R-001',
      });
    });

    it('delivers instant actions', async () => {
      controller.sendInstantActions('R-001', sampleInstantActions());
      await h.eventually(() => instantActions.length === 1);
      expect(instantActions[0]!.actions).toEqual(sampleInstantActions());
    });

    it('carries instant actions under the 1.1 field name too when asked, for vehicles that read only that', async () => {
      const raw = await h.connect('listener');
      const seen: string[] = [];
      await raw.subscribe(vdaTopic(address, 'instantActions'), (_topic, payload) => seen.push(payload), { qos: 1 });
      controller.sendInstantActions('R-001', sampleInstantActions(), { legacyField: true });
      controller.sendInstantActions('R-001', sampleInstantActions());
      await h.eventually(() => seen.length === 2 && instantActions.length === 2);
      expect(JSON.parse(seen[0]!)).toMatchObject({ actions: sampleInstantActions(), instantActions: sampleInstantActions() });
      expect(JSON.parse(seen[1]!).instantActions).toBeUndefined();
      expect(instantActions[0]!.actions).toEqual(sampleInstantActions());
    });

    it('passes on a state with a malformed optional part, naming the part left out (§6.10.6)', async () => {
      const raw = await h.connect('vehicle-of-another-maker');
      raw.publish(vdaTopic(address, 'state'), JSON.stringify({ ...sampleHeader(), ...sampleStateDriving(), velocity: { vx: 'fast' } }));
      const dropped: (readonly string[])[] = [];
      controller.onState((_serial, _state, parts) => dropped.push(parts));
      await h.eventually(() => states.length === 1);
      expect(states[0]![1].velocity).toBeUndefined();
      expect(dropped).toEqual([["velocity: vx: expected a number, got 'fast'"]]);
    });

    it('publishes the factsheet retained, so a master control subscribing later gets it (§6.16)', async () => {
      vehicle.publishFactsheet(sampleFactsheetBody());
      const late = await h.connect('late-master');
      const seen: string[] = [];
      await late.subscribe(vdaTopic(address, 'factsheet'), (_topic, payload) => seen.push(payload));
      await h.eventually(() => seen.length === 1);
      expect(JSON.parse(seen[0]!)).toMatchObject(sampleFactsheetBody());
    });

    it('routes invalid JSON to onInvalidMessage and never to onOrder', async () => {
      const raw = await h.connect('intruder');
      const orderTopic = vdaTopic(address, 'order');
      raw.publish(orderTopic, '{"orderId": ', { qos: 1 });
      // A valid order from the same client afterwards: once it arrives, the bad one has been handled.
      raw.publish(orderTopic, JSON.stringify({ ...sampleHeader(5), ...sampleOrderBody() }), { qos: 1 });
      await h.eventually(() => orders.length === 1);
      expect(orders.map((o) => o.headerId)).toEqual([5]);
      expect(vehicleInvalid).toEqual([{ topic: orderTopic, errors: [expect.stringMatching(/^message: not valid JSON/)] }]);
    });

    it('rejects a message whose header names another vehicle than its topic', async () => {
      const raw = await h.connect('intruder');
      raw.publish(vdaTopic(address, 'instantActions'), JSON.stringify({ ...sampleHeader(), serialNumber: 'R-999', actions: [] }), { qos: 1 });
      await h.eventually(() => vehicleInvalid.length === 1);
      expect(vehicleInvalid[0]!.errors).toEqual(["serialNumber: 'R-999' does not match the topic's serial number 'R-001'"]);
      expect(instantActions).toEqual([]);
    });

    it('routes an invalid state to the controller as an invalid message', async () => {
      const raw = await h.connect('intruder');
      const stateTopic = vdaTopic(address, 'state');
      raw.publish(stateTopic, JSON.stringify({ ...sampleHeader(), ...sampleStateDriving(), driving: 'yes' }));
      await h.eventually(() => controllerInvalid.length === 1);
      expect(controllerInvalid[0]).toEqual({ topic: stateTopic, errors: ["driving: expected a boolean, got 'yes'"] });
      expect(states).toEqual([]);
    });

    it('announces ONLINE retained, so a late subscriber still sees it (§Topic "connection")', async () => {
      expect(connections[0]).toEqual(['R-001', expect.objectContaining({ connectionState: 'ONLINE', serialNumber: 'R-001' })]);
      const late = await h.connect('late');
      const seen: string[] = [];
      await late.subscribe(vdaTopic(address, 'connection'), (_topic, payload) => seen.push(payload), { qos: 1 });
      await h.eventually(() => seen.length === 1);
      expect(JSON.parse(seen[0]!)).toMatchObject({ connectionState: 'ONLINE' });
    });

    it('publishes CONNECTIONBROKEN through the last will when the vehicle drops off', async () => {
      await h.dropConnection('R-001');
      await h.eventually(() => connections.length === 2);
      expect(connections[1]).toEqual(['R-001', expect.objectContaining({ connectionState: 'CONNECTIONBROKEN', headerId: 0 })]);
    });

    it('publishes OFFLINE on an orderly close, and no CONNECTIONBROKEN', async () => {
      await vehicle.close();
      await h.eventually(() => connections.length === 2);
      // Give a wrongly sent will the chance to arrive before checking it did not.
      const raw = await h.connect('probe');
      let probed = false;
      await raw.subscribe('probe/done', () => (probed = true));
      raw.publish('probe/done', 'x');
      await h.eventually(() => probed);
      expect(connections.map(([, c]) => c.connectionState)).toEqual(['ONLINE', 'OFFLINE']);
    });

    it('counts headerId per topic and per vehicle, from 0 (§Protocol header)', async () => {
      const first = controller.sendOrder('R-001', sampleOrderBody());
      const second = controller.sendOrder('R-001', { ...sampleOrderBody(), orderId: 'order-2' });
      const actions = controller.sendInstantActions('R-001', sampleInstantActions());
      const otherVehicle = controller.sendOrder('R-002', sampleOrderBody());
      expect([first.headerId, second.headerId, actions.headerId, otherVehicle.headerId]).toEqual([0, 1, 0, 0]);
      await h.eventually(() => orders.length === 2);
      expect(orders.map((o) => o.headerId)).toEqual([0, 1]);

      vehicle.publishState(sampleStateDriving());
      vehicle.publishState(sampleStateDriving());
      await h.eventually(() => states.length === 2);
      expect(states.map(([, s]) => s.headerId)).toEqual([0, 1]);
      // Connection headerId 0 is the last will's; ONLINE is 1.
      expect(connections[0]![1].headerId).toBe(1);
    });

    it('refuses to send an invalid order (a programming mistake)', () => {
      const bad = sampleOrderBody();
      bad.edges.pop();
      expect(() => controller.sendOrder('R-001', bad)).toThrow(/edges: expected 4 edges/);
    });
  });
}

linkContract('the in-memory broker', memoryHarness);
linkContract('a real aedes broker on loopback', aedesHarness);
