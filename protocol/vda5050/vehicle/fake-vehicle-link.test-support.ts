/**
 * Test support: a VehicleLinkPort that plays master control for one vehicle. It hands the
 * vehicle orders and instant actions with a header, and records every state it publishes
 * (stamped with a header and checked against the VDA 5050 2.0.0 state schema) and every
 * factsheet.
 */
import type { Clock } from '../../clock.ts';
import type { Action, FactsheetBody, InstantActions, Order, OrderBody, State, StateBody } from '../types.ts';
import { validateVdaMessage } from '../validate.ts';
import type { VehicleLinkPort } from './vehicle-core.ts';

export class FakeVehicleLink implements VehicleLinkPort {
  readonly states: State[] = [];
  readonly factsheets: FactsheetBody[] = [];
  /** Problems found by validating published states and factsheets; a test expects this to stay empty. */
  readonly invalidStates: string[] = [];
  private orderListener: ((order: Order) => void) | undefined;
  private instantListener: ((message: InstantActions) => void) | undefined;
  private invalidListener: ((topic: string, errors: string[]) => void) | undefined;
  private stateHeaderId = 0;
  private commandHeaderId = 0;

  constructor(
    private readonly clock: Clock,
    readonly serialNumber = 'R1',
    readonly manufacturer = 'gridline',
  ) {}

  onOrder(listener: (order: Order) => void): void {
    this.orderListener = listener;
  }
  onInstantActions(listener: (message: InstantActions) => void): void {
    this.instantListener = listener;
  }
  onInvalidMessage(listener: (topic: string, errors: string[]) => void): void {
    this.invalidListener = listener;
  }

  publishState(body: StateBody): void {
    const message = { ...this.header(this.stateHeaderId++), ...body };
    const checked = validateVdaMessage('state', message);
    if (!checked.ok) this.invalidStates.push(...checked.errors);
    this.states.push(structuredClone(message));
  }

  publishFactsheet(body: FactsheetBody): void {
    const checked = validateVdaMessage('factsheet', { ...this.header(0), ...body });
    if (!checked.ok) this.invalidStates.push(...checked.errors.map((e) => `factsheet: ${e}`));
    this.factsheets.push(structuredClone(body));
  }

  // ---- what master control would send ----

  /** Sends an order; returns it as sent (header filled). */
  sendOrder(body: OrderBody): Order {
    const order = { ...this.header(this.commandHeaderId++), ...body };
    this.orderListener!(order);
    return order;
  }

  sendInstantActions(...actions: Action[]): void {
    this.instantListener!({ ...this.header(this.commandHeaderId++), actions });
  }

  /** A message on `topic` that failed validation, as the real link reports it. */
  sendInvalid(topic: string, errors: string[]): void {
    this.invalidListener!(topic, errors);
  }

  get lastState(): State {
    return this.states[this.states.length - 1]!;
  }

  private header(headerId: number) {
    return { headerId, timestamp: new Date(this.clock.now()).toISOString(), version: '2.0.0', manufacturer: this.manufacturer, serialNumber: this.serialNumber };
  }
}
