import type { MessageBus } from '../bus/message-bus.ts';
import type { Clock } from '../clock.ts';
import { Listeners } from '../listeners.ts';
import type { ParseResult } from '../wms/parse-wms-messages.ts';
import {
  parsePortConfirm,
  parsePortPresentation,
  portConfirmSchema,
  portPresentationMessageSchema,
  type PortConfirm,
  type PortPresentation,
  type PortPresentationMessage,
} from './port-messages.ts';
import { parsePortTopic, portConfirmSubscription, portConfirmTopic, portPresentationTopic } from './topics.ts';

/** Port messages are QoS 1: a lost confirmation would leave a bin waiting at the port. */
const PORT_QOS = 1;

/**
 * The controller's end of the port contract. `present` publishes retained, so a screen that
 * (re)connects sees the bin at its port at once; `present(portId, null)` says the port is empty.
 * Confirmations from every port arrive validated, or as errors (never thrown).
 */
export class PortServerLink {
  private readonly confirmHandlers = new Listeners<[portId: string, result: ParseResult<PortConfirm>]>();
  readonly site: string;

  constructor(
    private readonly bus: MessageBus,
    private readonly clock: Clock,
    options: { site: string },
  ) {
    this.site = options.site;
  }

  async start(): Promise<void> {
    await this.bus.subscribe(
      portConfirmSubscription(this.site),
      (topic, payload) => {
        const parts = parsePortTopic(topic);
        if (!parts || parts.channel !== 'confirm' || parts.site !== this.site) return;
        this.confirmHandlers.emit(parts.portId, parsePortConfirm(payload));
      },
      { qos: PORT_QOS },
    );
  }

  /** Throws when the presentation breaks the schema (a programming mistake). */
  present(portId: string, presentation: PortPresentation | null): void {
    const message: PortPresentationMessage = portPresentationMessageSchema.parse({
      site: this.site,
      portId,
      timestamp: new Date(this.clock.now()).toISOString(),
      presentation,
    });
    this.bus.publish(portPresentationTopic(this.site, portId), JSON.stringify(message), { qos: PORT_QOS, retain: true });
  }

  onConfirm(handler: (portId: string, result: ParseResult<PortConfirm>) => void): () => void {
    return this.confirmHandlers.add(handler);
  }
}

/**
 * A port screen's end (simulated picker now, browser console later): learns what is at its
 * port and confirms what was picked or put.
 */
export class PortScreenLink {
  private readonly presentationHandlers = new Listeners<[presentation: PortPresentation | null, message: PortPresentationMessage]>();
  private readonly invalidHandlers = new Listeners<[errors: string[]]>();
  readonly site: string;
  readonly portId: string;

  constructor(
    private readonly bus: MessageBus,
    private readonly clock: Clock,
    options: { site: string; portId: string },
  ) {
    this.site = options.site;
    this.portId = options.portId;
    portPresentationTopic(this.site, this.portId); // fails now for an invalid site or port id
  }

  async start(): Promise<void> {
    await this.bus.subscribe(
      portPresentationTopic(this.site, this.portId),
      (_topic, payload) => {
        const parsed = parsePortPresentation(payload);
        if (!parsed.ok) this.invalidHandlers.emit(parsed.errors);
        else this.presentationHandlers.emit(parsed.message.presentation, parsed.message);
      },
      { qos: PORT_QOS },
    );
  }

  onPresentation(handler: (presentation: PortPresentation | null, message: PortPresentationMessage) => void): () => void {
    return this.presentationHandlers.add(handler);
  }

  onInvalidMessage(handler: (errors: string[]) => void): () => void {
    return this.invalidHandlers.add(handler);
  }

  /** Publishes a confirmation stamped with the clock's time; throws when it breaks the schema. */
  confirm(confirmation: Omit<PortConfirm, 'timestamp'>): void {
    const message = portConfirmSchema.parse({ ...confirmation, timestamp: new Date(this.clock.now()).toISOString() });
    this.bus.publish(portConfirmTopic(this.site, this.portId), JSON.stringify(message), { qos: PORT_QOS });
  }

  /** Publishes any text as a confirmation, unchecked: for testing how the controller handles bad input. */
  confirmRaw(text: string): void {
    this.bus.publish(portConfirmTopic(this.site, this.portId), text, { qos: PORT_QOS });
  }
}
