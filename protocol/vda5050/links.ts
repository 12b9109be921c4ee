/**
 * Typed VDA 5050 endpoints over a MessageBus. Both ends validate every incoming message;
 * an invalid one goes to `onInvalidMessage` (as data) and never to the typed callbacks.
 * Both ends validate every outgoing message too, and throw on an invalid one (our bug).
 *
 * QoS (§6.2, §6.14, §6.16): `connection` is QoS 1 and retained with last will
 * CONNECTIONBROKEN; `factsheet` is QoS 0 and retained. `order` and `instantActions` go at QoS 1
 * (the spec asks for 0 on order; Gridline prefers at-least-once for commands, which the VDA 5050
 * idempotency rules on orderUpdateId and actionId make safe). `state` and `visualization` go at
 * QoS 0. A state is read tolerantly (read-state.ts): its malformed optional parts are left out
 * and handed to the listener as `dropped`.
 */
import type { Clock } from '../clock.ts';
import type { LastWill, MessageBus } from '../bus/message-bus.ts';
import { Listeners } from '../listeners.ts';
import { checkInbound, composeMessage, HeaderStamper } from './link-support.ts';
import { VDA_PROTOCOL_VERSION } from './schemas.ts';
import { DEFAULT_INTERFACE_NAME, resolveAddress, VDA_TOPIC_KINDS, vdaSubscriptionPattern, vdaTopic, type VdaAddress } from './topics.ts';
import type {
  Action,
  Connection,
  ConnectionState,
  Factsheet,
  FactsheetBody,
  InstantActions,
  Order,
  OrderBody,
  State,
  StateBody,
  VdaMessageByKind,
  VdaTopicKind,
  Visualization,
  VisualizationBody,
} from './types.ts';

export type InvalidMessageListener = (topic: string, errors: string[]) => void;

export interface MasterControlLinkOptions {
  /** First topic level; defaults to `uagv`. */
  interfaceName?: string;
  /** The vehicles' manufacturer: selects which vehicles this link hears and addresses. */
  manufacturer: string;
}

/** The controller's end: hears state/connection/factsheet from every vehicle, sends orders. */
export class MasterControlLink {
  private readonly interfaceName: string;
  private readonly stamper: HeaderStamper;
  private readonly stateListeners = new Listeners<[serialNumber: string, state: State, dropped: readonly string[]]>();
  private readonly connectionListeners = new Listeners<[serialNumber: string, connection: Connection]>();
  private readonly factsheetListeners = new Listeners<[serialNumber: string, factsheet: Factsheet]>();
  private readonly invalidListeners = new Listeners<Parameters<InvalidMessageListener>>();
  /** Command topics per vehicle serial number, built on the first command to it. */
  private readonly commandTopics = new Map<string, Record<'order' | 'instantActions', string>>();

  constructor(
    private readonly bus: MessageBus,
    clock: Clock,
    private readonly options: MasterControlLinkOptions,
  ) {
    this.interfaceName = options.interfaceName ?? DEFAULT_INTERFACE_NAME;
    this.stamper = new HeaderStamper(clock, options.manufacturer);
  }

  /** Subscribes to the vehicles' topics; resolves once the subscriptions are active. */
  async start(): Promise<void> {
    await this.listen('connection', 1, (serial, m) => this.connectionListeners.emit(serial, m));
    await this.listen('state', 0, (serial, m, dropped) => this.stateListeners.emit(serial, m, dropped));
    await this.listen('factsheet', 0, (serial, m) => this.factsheetListeners.emit(serial, m));
  }

  /** `dropped`: optional parts of the state that were malformed and left out (usually none). */
  onState(listener: (serialNumber: string, state: State, dropped: readonly string[]) => void): () => void {
    return this.stateListeners.add(listener);
  }

  onConnection(listener: (serialNumber: string, connection: Connection) => void): () => void {
    return this.connectionListeners.add(listener);
  }

  onFactsheet(listener: (serialNumber: string, factsheet: Factsheet) => void): () => void {
    return this.factsheetListeners.add(listener);
  }

  onInvalidMessage(listener: InvalidMessageListener): () => void {
    return this.invalidListeners.add(listener);
  }

  /** Sends an order or order update; returns the message as sent (header filled). */
  sendOrder(serialNumber: string, body: OrderBody): Order {
    return this.send(serialNumber, 'order', body);
  }

  /**
   * Sends instant actions; returns the message as sent (header filled). With `legacyField` the
   * actions also go under `instantActions`, the field name of VDA 5050 1.1, for vehicles that
   * read only that name (the message stays valid 2.0.0: the schema allows further fields).
   */
  sendInstantActions(serialNumber: string, actions: Action[], options: { legacyField?: boolean } = {}): InstantActions {
    return this.send(serialNumber, 'instantActions', { actions }, options.legacyField ? { instantActions: actions } : {});
  }

  private send<K extends 'order' | 'instantActions'>(serialNumber: string, kind: K, body: object, extra: object = {}) {
    const topic = this.commandTopicsOf(serialNumber)[kind];
    const message = composeMessage(kind, this.stamper.next(serialNumber, kind), body);
    this.bus.publish(topic, JSON.stringify({ ...message, ...extra }), { qos: 1 });
    return message;
  }

  /** Throws (and caches nothing) for a serial number that cannot form a topic. */
  private commandTopicsOf(serialNumber: string): Record<'order' | 'instantActions', string> {
    let topics = this.commandTopics.get(serialNumber);
    if (!topics) {
      const address = { interfaceName: this.interfaceName, manufacturer: this.options.manufacturer, serialNumber };
      topics = { order: vdaTopic(address, 'order'), instantActions: vdaTopic(address, 'instantActions') };
      this.commandTopics.set(serialNumber, topics);
    }
    return topics;
  }

  private listen<K extends VdaTopicKind>(kind: K, qos: 0 | 1, deliver: (serial: string, message: VdaMessageByKind[K], dropped: readonly string[]) => void) {
    const pattern = vdaSubscriptionPattern(this.interfaceName, this.options.manufacturer, kind);
    return this.bus.subscribe(
      pattern,
      (topic, payload) => {
        const inbound = checkInbound(kind, topic, payload);
        if (inbound.ok) deliver(inbound.address.serialNumber, inbound.message, inbound.dropped);
        else this.invalidListeners.emit(topic, inbound.errors);
      },
      { qos },
    );
  }
}

/**
 * `headerId` 0 of a vehicle's `connection` topic belongs to its last will, which is composed
 * before the link exists (at bus connect time); the link's own connection messages count on from 1.
 */
const WILL_HEADER_ID = 0;

/** The last will to connect a vehicle's bus with: CONNECTIONBROKEN, QoS 1, retained (§Topic "connection"). */
export function connectionBrokenWill(address: VdaAddress, clock: Clock): LastWill {
  const message: Connection = {
    headerId: WILL_HEADER_ID,
    timestamp: new Date(clock.now()).toISOString(),
    version: VDA_PROTOCOL_VERSION,
    manufacturer: address.manufacturer,
    serialNumber: address.serialNumber,
    connectionState: 'CONNECTIONBROKEN',
  };
  return { topic: vdaTopic(address, 'connection'), payload: JSON.stringify(message), qos: 1, retain: true };
}

/**
 * The vehicle's end. Create its bus with `connectionBrokenWill(address, clock)` as last will,
 * so the broker tells master control when the vehicle drops off.
 */
export class VehicleLink {
  private readonly address: Required<VdaAddress>;
  /** This vehicle's topic of every kind, built once. */
  private readonly topics: Record<VdaTopicKind, string>;
  private readonly stamper: HeaderStamper;
  private readonly orderListeners = new Listeners<[order: Order]>();
  private readonly instantActionsListeners = new Listeners<[instantActions: InstantActions]>();
  private readonly invalidListeners = new Listeners<Parameters<InvalidMessageListener>>();
  private closed = false;

  constructor(
    private readonly bus: MessageBus,
    clock: Clock,
    address: VdaAddress,
  ) {
    this.address = resolveAddress(address);
    // Throws here, not on first use, for an address that cannot form topics.
    this.topics = Object.fromEntries(VDA_TOPIC_KINDS.map((kind) => [kind, vdaTopic(this.address, kind)])) as Record<VdaTopicKind, string>;
    this.stamper = new HeaderStamper(clock, address.manufacturer, { connection: WILL_HEADER_ID + 1 });
  }

  /**
   * Subscribes to order and instantActions, then announces ONLINE (retained), and again after
   * every reconnection: the broker may have published the last will (CONNECTIONBROKEN, retained)
   * while the vehicle was away, and it must not stay the last word.
   */
  async start(): Promise<void> {
    await this.listen('order', (m) => this.orderListeners.emit(m));
    await this.listen('instantActions', (m) => this.instantActionsListeners.emit(m));
    this.publishConnection('ONLINE');
    this.bus.onReconnected?.(() => {
      if (!this.closed) this.publishConnection('ONLINE');
    });
  }

  onOrder(listener: (order: Order) => void): () => void {
    return this.orderListeners.add(listener);
  }

  onInstantActions(listener: (instantActions: InstantActions) => void): () => void {
    return this.instantActionsListeners.add(listener);
  }

  /** Invalid incoming messages; the vehicle should report them as a VDA 5050 error in its state. */
  onInvalidMessage(listener: InvalidMessageListener): () => void {
    return this.invalidListeners.add(listener);
  }

  publishState(body: StateBody): State {
    return this.publish('state', body, { qos: 0 });
  }

  publishVisualization(body: VisualizationBody): Visualization {
    return this.publish('visualization', body, { qos: 0 });
  }

  /** Retained (§6.16), so master control finds it whenever it subscribes. */
  publishFactsheet(body: FactsheetBody): Factsheet {
    return this.publish('factsheet', body, { qos: 0, retain: true });
  }

  /** Orderly shutdown: OFFLINE (retained), then a clean disconnect, so no last will. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.publishConnection('OFFLINE');
    this.closed = true;
    await this.bus.close();
  }

  private publishConnection(connectionState: ConnectionState): void {
    this.publish('connection', { connectionState }, { qos: 1, retain: true });
  }

  private publish<K extends 'state' | 'visualization' | 'factsheet' | 'connection'>(
    kind: K,
    body: object,
    options: { qos: 0 | 1; retain?: boolean },
  ) {
    if (this.closed) throw new Error(`VehicleLink ${this.address.serialNumber} is closed`);
    const message = composeMessage(kind, this.stamper.next(this.address.serialNumber, kind), body);
    this.bus.publish(this.topics[kind], JSON.stringify(message), options);
    return message;
  }

  private listen<K extends 'order' | 'instantActions'>(kind: K, deliver: (message: VdaMessageByKind[K]) => void) {
    return this.bus.subscribe(
      this.topics[kind],
      (topic, payload) => {
        const inbound = checkInbound(kind, topic, payload);
        if (inbound.ok) deliver(inbound.message);
        else this.invalidListeners.emit(topic, inbound.errors);
      },
      { qos: 1 },
    );
  }
}
