/**
 * The attacks of an intruder on the facility's network, each one refused: no anonymous access,
 * no forged replies, states or commands, no orders or instant actions but the controller's, no
 * retained lies, no taking the controller's client id, no peeking at another WMS client's
 * requests, no replayed console command. Run against a facility over the embedded broker
 * (attacks.test.ts) and over Mosquitto configured by `gridline identities mosquitto`
 * (attacks-mosquitto.e2e.test.ts).
 *
 * Every forged message carries a marker; a monitor identity subscribed to everything of the site
 * and fleet must never see one. Where the broker logs refusals, each refusal is found there.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Facility } from '../../cli/facility.ts';
import type { Role } from '../../controller/security/identities.ts';
import type { MqttCredentials } from '../../protocol/bus/mqtt-bus.ts';
import { connectMqttBus } from '../../protocol/bus/mqtt-bus.ts';
import type { MessageBus } from '../../protocol/bus/message-bus.ts';
import { WmsClientLink } from '../../protocol/wms/links.ts';
import type { WmsReply } from '../../protocol/wms/reply-schemas.ts';
import type { WmsEvent } from '../../protocol/wms/event-schemas.ts';
import { ConsoleClientLink } from '../../protocol/console/console-links.ts';
import type { ConsoleReply } from '../../protocol/console/console-messages.ts';
import { waitFor } from '../support/wait-for.ts';

/** The identities the attacks use besides the facility's own parts. */
export const ATTACK_IDENTITIES: readonly { name: string; role: Role }[] = [
  { name: 'ann', role: 'operator' },
  { name: 'vic', role: 'viewer' },
  { name: 'wms-a', role: 'wms' },
  { name: 'wms-b', role: 'wms' },
  { name: 'watcher', role: 'monitor' },
  { name: 'late-watcher', role: 'monitor' },
  // A monitor's stolen credentials, for attacks: on Mosquitto a client of an identity already
  // connected replaces it, and the watcher must not miss what it is there to see.
  { name: 'snoop', role: 'monitor' },
  // A robot of the fleet that is not running (its identity stolen, say).
  { name: 'R005', role: 'robot' },
];
export const ATTACK_ROBOTS = 4;

export interface AttackRig {
  readonly f: Facility;
  readonly url: string;
  /** The embedded broker closes a connection that publishes where it may not; Mosquitto drops the message. */
  readonly kind: 'embedded' | 'mosquitto';
  login(name: string): MqttCredentials;
  /** The broker's refusal of `who` publishing to `topic` is in its log. */
  publishRefusalLogged(who: string, topic: string): boolean;
  /**
   * Refused connections in the broker's log so far: those of `who` (the username tried; none for
   * anonymous). Mosquitto names no user in the line ("Client <unknown> disconnected, not
   * authorised"): there, every refusal counts.
   */
  connectionRefusals(who: string | undefined): number;
  /** The broker's refusal of `who` subscribing to `filter` is in its log (Mosquitto grants and then delivers nothing: false). */
  subscriptionRefusalLogged(who: string, filter: string): boolean;
  stop(): Promise<void>;
}

const SITE = 'demo';
const vda = (serial: string, kind: string) => `uagv/v2/gridline/${serial}/${kind}`;
const wms = (clientId: string, channel: string) => `gridline/v1/${SITE}/wms/${clientId}/${channel}`;
const settle = () => new Promise((resolve) => setTimeout(resolve, 400));
/** How long a refusal may take to reach the broker's log on a loaded machine, ms. */
const REFUSAL_LOGGED_MS = 10_000;

/**
 * `brokerChecksRetain`: the broker refuses a retained message on a topic the topic map does not
 * keep (the embedded one; Mosquitto's ACLs cannot: see controller/security/mosquitto-config.ts).
 */
export function describeAttacks(brokerName: string, startRig: () => Promise<AttackRig>, brokerChecksRetain: boolean): void {
  describe(`attacks on a facility over ${brokerName}`, () => {
    let rig: AttackRig;
    let watcher: MessageBus;
    const seen: { topic: string; payload: string }[] = [];
    const attackers: MqttClient[] = [];
    let marker = 0;
    const forged = (what: string) => `FORGED-${++marker}-${what}`;
    const sawMarker = (m: string) => seen.some((s) => s.payload.includes(m));

    beforeAll(async () => {
      rig = await startRig();
      watcher = await connectMqttBus(rig.url, { clientId: 'watcher', credentials: rig.login('watcher') });
      for (const filter of [`gridline/v1/${SITE}/#`, 'uagv/v2/gridline/#']) await watcher.subscribe(filter, (topic, payload) => void seen.push({ topic, payload }), { qos: 1 });
      const core = rig.f.controller.controller;
      await waitFor(() => core.robotsAwaited().length === 0, 30_000, () => `robots awaited: ${core.robotsAwaited().join(', ')}`);
    }, 90_000);

    afterAll(async () => {
      await Promise.all(attackers.splice(0).map((c) => c.endAsync(true)));
      await watcher?.close();
      await rig?.stop();
    });

    /** An attacker's raw MQTT connection (no reconnects), as `name` unless anonymous. */
    const connectAs = async (name: string | null, clientId: string, extra: mqtt.IClientOptions = {}) => {
      const client = await mqtt.connectAsync(rig.url, { clientId, reconnectPeriod: 0, connectTimeout: 5_000, ...(name ? rig.login(name) : {}), ...extra });
      client.on('error', () => {});
      attackers.push(client);
      return client;
    };
    /**
     * Publishes as `name`; the refusal must reach the broker's log, and by then the message must
     * have reached no one (the broker decided on it when it logged the refusal).
     */
    const publishRefused = async (name: string, topic: string, payload: string, retain = false) => {
      const client = await connectAs(name, `${name}-attack-${marker}`);
      client.publish(topic, payload, { qos: 1, retain });
      await waitFor(() => rig.publishRefusalLogged(name, topic), REFUSAL_LOGGED_MS, () => `the refusal of ${name} -> ${topic} in the broker's log`);
      expect(sawMarker(payload), `${name} -> ${topic} was delivered`).toBe(false);
    };
    /** A connection attempt that must be refused, with one more refusal of `who` in the log. */
    const connectionRefused = async (who: string | undefined, attempt: () => Promise<unknown>) => {
      const before = rig.connectionRefusals(who);
      await expect(attempt()).rejects.toThrow(/Not authorized|Bad username or password|Identifier rejected/);
      await waitFor(() => rig.connectionRefusals(who) > before, REFUSAL_LOGGED_MS, () => `the refusal of ${who ?? 'an anonymous client'} in the broker's log`);
    };

    it('refuses anonymous clients, wrong passwords and unknown users, and logs each', async () => {
      await connectionRefused(undefined, () => connectAs(null, 'anonymous-1'));
      await connectionRefused('ann', () => connectAs(null, 'wrong-1', { username: 'ann', password: 'not ann’s password' }));
      await connectionRefused('mallory', () => connectAs(null, 'nobody-1', { username: 'mallory', password: 'guess' }));
    });

    it('lets no one but the controller send a robot an order or instant actions (pause, resume, release an emergency stop)', async () => {
      const pause = (m: string) => JSON.stringify({ headerId: 1, timestamp: new Date().toISOString(), version: '2.0.0', manufacturer: 'gridline', serialNumber: 'R001', actions: [{ actionId: m, actionType: 'startPause', blockingType: 'HARD' }] });
      await publishRefused('ann', vda('R001', 'instantActions'), pause(forged('pause')));
      await publishRefused('R005', vda('R001', 'instantActions'), pause(forged('resume').replace('startPause', 'stopPause')));
      await publishRefused('wms-a', vda('R001', 'instantActions'), pause(forged('release-estop').replace('startPause', 'releaseEmergencyStop')));
      await publishRefused('snoop', vda('R001', 'order'), JSON.stringify({ orderId: forged('order'), orderUpdateId: 0, nodes: [], edges: [] }));
      await publishRefused('R001', vda('R001', 'order'), JSON.stringify({ orderId: forged('own-order') }));
      expect(rig.f.fleet.robots.get('R001')!.snapshot().paused).toBe(false);
    });

    it('lets a robot speak only for itself: no state for another robot or an unknown serial, no retained CONNECTIONBROKEN for another', async () => {
      const core = rig.f.controller.controller;
      const before = core.heldCells('R002');
      const state = (serial: string, m: string) => JSON.stringify({ headerId: 1, serialNumber: serial, manufacturer: 'gridline', version: '2.0.0', lastNodeId: 'c5_5', marker: m });
      await publishRefused('R001', vda('R002', 'state'), state('R002', forged('false-state')));
      await publishRefused('R001', vda('R999', 'state'), state('R999', forged('unknown-serial')));
      await publishRefused('wms-a', vda('R003', 'state'), state('R003', forged('wms-state')));
      // R003 is no one's attacker here (on Mosquitto a second connection of an identity replaces the first).
      await publishRefused('R005', vda('R003', 'connection'), JSON.stringify({ connectionState: 'CONNECTIONBROKEN', marker: forged('retained-broken') }), true);
      expect(core.robotViews().some((v) => v.serial === 'R999')).toBe(false);
      expect(core.heldCells('R002')).toEqual(before);
      // A client connecting later gets R003's own retained connection message, not a planted one.
      const late = await connectMqttBus(rig.url, { clientId: 'late-watcher', credentials: rig.login('late-watcher') });
      const retained: string[] = [];
      await late.subscribe(vda('R003', 'connection'), (_t, payload) => void retained.push(payload), { qos: 1 });
      await waitFor(() => retained.length > 0, 5_000, () => 'the retained connection message');
      expect(JSON.parse(retained[0]!).connectionState).toBe('ONLINE');
      await late.close();
    });

    if (brokerChecksRetain) {
      it('keeps retained messages to the topics the topic map keeps them on', async () => {
        await publishRefused('R001', vda('R001', 'state'), JSON.stringify({ marker: forged('retained-state') }), true);
      });
    }

    it("keeps a robot from reading another robot's orders, and a WMS client from reading another's traffic", async () => {
      for (const [name, filter, topic] of [
        ['R001', vda('R002', 'order'), vda('R002', 'order')],
        ['wms-a', wms('wms-b', 'reply'), wms('wms-b', 'reply')],
        ['wms-a', wms('+', 'request'), wms('wms-b', 'request')],
      ] as const) {
        const client = await connectAs(name, `${name}-peek-${++marker}`);
        const got: string[] = [];
        client.on('message', (t) => void got.push(t));
        // The embedded broker answers with the failure code; Mosquitto grants and delivers nothing.
        await client.subscribeAsync(filter, { qos: 1 }).catch(() => undefined);
        const wmsB = await connectMqttBus(rig.url, { clientId: `wms-b-${marker}`, credentials: rig.login('wms-b') });
        const requestId = `peek-${marker}`;
        try {
          wmsB.publish(wms('wms-b', 'request'), JSON.stringify({ type: 'inventory', requestId, sku: 'SKU-00001' }), { qos: 1 });
          // The monitor sees the controller's reply: the broker has routed it.
          await waitFor(() => seen.some((m) => m.topic === wms('wms-b', 'reply') && m.payload.includes(requestId)), 10_000, () => `the reply to ${requestId}`);
          await settle();
        } finally {
          await wmsB.close();
        }
        expect(got.filter((t) => t === topic), `${name} read ${topic}`).toEqual([]);
        if (rig.kind === 'embedded') expect(rig.subscriptionRefusalLogged(name, filter)).toBe(true);
      }
    });

    it("lets no one forge a WMS client's replies and events, or read or cancel another client's requests", async () => {
      // The forgeries first: on Mosquitto an attacker logged in as wms-b replaces wms-b's own client.
      await publishRefused('wms-b', wms('wms-a', 'reply'), JSON.stringify({ type: 'accepted', requestId: forged('reply'), requestType: 'pick' }));
      await publishRefused('wms-b', wms('wms-a', 'event'), JSON.stringify({ type: 'completed', requestId: forged('event') }));
      await publishRefused('port-P1', wms('wms-a', 'event'), JSON.stringify({ type: 'failed', requestId: forged('port-event') }));
      const a = await wmsClient('wms-a');
      const b = await wmsClient('wms-b');
      a.link.send({ type: 'pick', requestId: 'a-pick-1', lines: [{ sku: 'SKU-00002', quantity: 1 }] });
      const accepted = await a.reply('a-pick-1');
      expect(accepted.type).toBe('accepted');
      b.link.send({ type: 'status', requestId: 'b-status-1', targetRequestId: 'a-pick-1' });
      b.link.send({ type: 'cancel', requestId: 'b-cancel-1', targetRequestId: 'a-pick-1' });
      expect(await b.reply('b-status-1')).toMatchObject({ type: 'rejected', code: 'UNKNOWN_REQUEST' });
      expect(await b.reply('b-cancel-1')).toMatchObject({ type: 'rejected', code: 'UNKNOWN_REQUEST' });
      await settle();
      expect(a.events.filter((e) => e.requestId === 'a-pick-1' && e.type === 'cancelled')).toEqual([]);
      expect(a.replies.filter((r) => (r.requestId ?? '').startsWith('FORGED'))).toEqual([]);
      await a.close();
      await b.close();
    });

    it('refuses a huge putaway, and still answers the inventory query and the next putaway', async () => {
      const a = await wmsClient('wms-a');
      a.link.sendRaw(JSON.stringify({ type: 'putaway', requestId: 'huge-1', sku: 'SKU-00002', quantity: 2 ** 53 - 1 }));
      expect(await a.reply('huge-1')).toMatchObject({ type: 'rejected', code: 'INVALID_QUANTITY' });
      a.link.send({ type: 'inventory', requestId: 'inv-after-huge', sku: 'SKU-00002' });
      expect(await a.reply('inv-after-huge')).toMatchObject({ type: 'accepted' });
      a.link.send({ type: 'putaway', requestId: 'normal-put', sku: 'SKU-00002', quantity: 3 });
      expect(await a.reply('normal-put')).toMatchObject({ type: 'accepted' });
      await a.close();
    });

    it("lets a port's confirmations come from its own screen only", async () => {
      const confirm = (m: string) => JSON.stringify({ taskId: m, binId: 'B00001', quantity: 0 });
      await publishRefused('wms-a', `gridline/v1/${SITE}/port/P1/confirm`, confirm(forged('confirm')));
      await publishRefused('port-P2', `gridline/v1/${SITE}/port/P1/confirm`, confirm(forged('other-port')));
      await publishRefused('port-P1', `gridline/v1/${SITE}/port/P1/presentation`, JSON.stringify({ presentation: null, marker: forged('presentation') }), true);
    });

    it("refuses the console's commands from anyone but an operator under their own name, a viewer's emergency stop, and a replayed command", async () => {
      const core = rig.f.controller.controller;
      const stop = (m: string) => JSON.stringify({ commandId: m, type: 'emergencyStopAll' });
      await publishRefused('wms-a', `gridline/v1/${SITE}/console/command/ann`, stop(forged('estop')));
      await publishRefused('vic', `gridline/v1/${SITE}/console/command/vic`, stop(forged('viewer-estop')));
      await publishRefused('ann', `gridline/v1/${SITE}/console/command/vic`, stop(forged('as-another')));
      await publishRefused('R001', `gridline/v1/${SITE}/console/command`, stop(forged('old-topic')));
      expect(core.emergencyStop).toBe(false);

      const bus = await connectMqttBus(rig.url, { clientId: 'ann-console', credentials: rig.login('ann') });
      const console = new ConsoleClientLink(bus, { site: SITE, user: 'ann' });
      const replies: ConsoleReply[] = [];
      console.onReply((r) => void replies.push(r));
      await console.start();
      console.send({ commandId: 'ann-close-1', type: 'closePort', portId: 'P3' });
      await waitFor(() => replies.length === 1, 10_000, () => 'the close reply');
      expect(replies[0]).toMatchObject({ commandId: 'ann-close-1', ok: true });
      console.send({ commandId: 'ann-open-1', type: 'openPort', portId: 'P3' });
      await waitFor(() => replies.length === 2, 10_000, () => 'the open reply');
      // The recorded close again: answered as before, not run again (the port stays open), and raised.
      console.send({ commandId: 'ann-close-1', type: 'closePort', portId: 'P3' });
      await waitFor(() => replies.length === 3, 10_000, () => 'the replay reply');
      expect(core.ports.get('P3')!.open).toBe(true);
      expect(core.alarms.some((a) => /ann sent command ann-close-1 \(closePort\) again/.test(a.message))).toBe(true);
      // An operator may stop everything but not release the stop.
      console.send({ commandId: 'ann-release-1', type: 'resumeAll' });
      await waitFor(() => replies.length === 4, 10_000, () => 'the release reply');
      expect(replies[3]).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
      const audit = rig.f.controller.store.audit.entries(10).map((e) => [e.user, e.commandId, e.outcome]);
      expect(audit).toEqual(expect.arrayContaining([['ann', 'ann-close-1', 'done'], ['ann', 'ann-release-1', 'refused: NOT_ALLOWED']]));
      await bus.close();
    });

    it("keeps the controller's client id for the controller: a WMS client taking it does not knock the controller off", async () => {
      const takeover = () => connectAs('wms-a', 'gridline-controller-demo');
      if (rig.kind === 'embedded') await connectionRefused('wms-a', takeover);
      // Mosquitto names every client after its identity: the attacker connects as wms-a.
      else await takeover();
      const a = await wmsClient('wms-a');
      a.link.send({ type: 'inventory', requestId: 'after-takeover', sku: 'SKU-00002' });
      expect(await a.reply('after-takeover')).toMatchObject({ type: 'accepted' });
      await a.close();
    });

    /** A WMS client of the API, logged in as `name`, collecting replies and events. */
    async function wmsClient(name: string) {
      const bus = await connectMqttBus(rig.url, { clientId: `${name}-link-${++marker}`, credentials: rig.login(name) });
      const link = new WmsClientLink(bus, { site: SITE, clientId: name });
      const replies: WmsReply[] = [];
      const events: WmsEvent[] = [];
      link.onReply((r) => void replies.push(r));
      link.onEvent((e) => void events.push(e));
      await link.start();
      return {
        link,
        replies,
        events,
        async reply(requestId: string): Promise<WmsReply> {
          await waitFor(() => replies.some((r) => r.requestId === requestId), 15_000, () => `a reply to ${requestId}`);
          return replies.find((r) => r.requestId === requestId)!;
        },
        close: () => bus.close(),
      };
    }
  });
}
