/**
 * Faults between one simulated vehicle and the broker, for tests of the controller's trust at
 * the robot edge: what the vehicle hears (orders lost or changed on the way, instant actions
 * lost) and what it says (states rewritten or held back, its factsheet changed). The vehicle
 * itself is untouched; it is the wire that lies. `faults` is read at every message, so a test
 * may switch a fault on and off mid-run.
 */
import type { MessageBus, MessageHandler, PublishOptions, QoS } from '../../protocol/bus/message-bus.ts';
import { parseVdaTopic } from '../../protocol/vda5050/topics.ts';
import type { Factsheet, InstantActions, Order, State } from '../../protocol/vda5050/types.ts';

export interface VehicleFaults {
  /** Orders for the vehicle are lost on the way: it never hears them. */
  loseOrders?: boolean;
  /** Instant actions of these types are lost on the way. */
  loseInstantActions?: readonly string[];
  /** Each order is changed before the vehicle hears it (e.g. into one it refuses). */
  rewriteOrder?: (order: Order) => Order;
  /** Each state the vehicle publishes is changed on the way (other loads, another position, ...). */
  rewriteState?: (state: State) => State;
  /** While true, the vehicle's states are lost on the way: it goes silent (it still hears commands). */
  silent?: boolean;
  /** Its factsheet is changed on the way. */
  rewriteFactsheet?: (factsheet: Factsheet) => Factsheet;
}

export class FaultyVehicleBus implements MessageBus {
  constructor(
    private readonly inner: MessageBus,
    private readonly faults: VehicleFaults,
  ) {}

  get clientId(): string {
    return this.inner.clientId;
  }

  publish(topic: string, payload: string, options?: PublishOptions): void {
    const kind = parseVdaTopic(topic)?.kind;
    const f = this.faults;
    if (kind === 'state') {
      if (f.silent) return;
      if (f.rewriteState) payload = JSON.stringify(f.rewriteState(JSON.parse(payload) as State));
    } else if (kind === 'factsheet' && f.rewriteFactsheet) {
      payload = JSON.stringify(f.rewriteFactsheet(JSON.parse(payload) as Factsheet));
    }
    this.inner.publish(topic, payload, options);
  }

  subscribe(pattern: string, handler: MessageHandler, options?: { qos?: QoS }): Promise<void> {
    return this.inner.subscribe(pattern, (topic, payload) => this.deliver(topic, payload, handler), options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  onReconnected(listener: () => void): void {
    this.inner.onReconnected?.(listener);
  }

  private deliver(topic: string, payload: string, handler: MessageHandler): void {
    const kind = parseVdaTopic(topic)?.kind;
    const f = this.faults;
    if (kind === 'order') {
      if (f.loseOrders) return;
      if (f.rewriteOrder) payload = JSON.stringify(f.rewriteOrder(JSON.parse(payload) as Order));
    } else if (kind === 'instantActions' && f.loseInstantActions?.length) {
      const message = JSON.parse(payload) as InstantActions;
      const kept = message.actions.filter((a) => !f.loseInstantActions!.includes(a.actionType));
      if (kept.length === 0) return;
      payload = JSON.stringify({ ...message, actions: kept });
    }
    handler(topic, payload);
  }
}
