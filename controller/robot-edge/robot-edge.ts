/**
 * The controller's edge towards the robots: it believes only what a robot confirms, and checks
 * what it is told (DESIGN.md, "Trust at the robot edge").
 * - Who belongs: a state from a serial number the layout does not list is refused, once raised.
 * - What each robot can do: read from its factsheet; none, or an unusable one, is raised.
 * - Every order sent is tracked until the robot's state shows it taken; a refusal, or silence
 *   past `orderAckTimeoutMs`, is handed to the controller to withdraw the leg.
 * - A robot that sends no state for three of its state intervals (at least `robotSilentMs`) is
 *   handed to the controller as silent, until its next state.
 * - Stops, pauses and resumes are verified on each robot's own state (stop-verifier.ts).
 * - Malformed optional parts of states and invalid messages are raised once per robot and kind.
 * The controller decides what to do with a robot; this class decides what to believe.
 */
import type { Clock } from '../../protocol/clock.ts';
import { fleetSerials, vehicleProfileOf, type GridLayout } from '../../protocol/layout/index.ts';
import { parseVdaTopic } from '../../protocol/vda5050/topics.ts';
import { partKind } from '../../protocol/vda5050/read-state.ts';
import type { VehicleProfile } from '../../protocol/vda5050/vehicle-profile.ts';
import type { Action, Factsheet, OrderBody, State } from '../../protocol/vda5050/types.ts';
import type { ControllerOptions } from '../controller-options.ts';
import { readCapabilities, type VehicleCapabilities } from './capabilities.ts';
import { OrderTracker, type OrderVerdict, type SentOrder } from './order-tracker.ts';
import { RobotAlarms } from './robot-alarms.ts';
import { showsStopped, StopVerifier, type StopOutcome, type StopRequest } from './stop-verifier.ts';

/** Where orders and instant actions go: the VDA 5050 link. */
export interface RobotCommandPort {
  /** Returns the headerId the order went out with, when the link knows it. */
  sendOrder(serial: string, order: OrderBody): { headerId: number } | void;
  sendInstantActions(serial: string, actions: Action[], options?: { legacyField?: boolean }): void;
}

/** What the edge tells the controller; the controller acts on it. */
export interface RobotEdgeListener {
  /** An order or order update was refused, or not shown taken in time. */
  orderRefused(serial: string, order: SentOrder, reason: string): void;
  /** No state from the robot for longer than it may be silent. */
  robotSilent(serial: string): void;
}

/** §6.10: a vehicle publishes its state "at the latest every 30s", seconds. */
const DEFAULT_STATE_INTERVAL_S = 30;

export type RobotEdgeOptions = Pick<ControllerOptions, 'orderAckTimeoutMs' | 'stopConfirmTimeoutMs' | 'factsheetWaitMs' | 'robotSilentMs'>;

interface EdgeRecord {
  readonly profile: VehicleProfile;
  capabilities: VehicleCapabilities | undefined;
  /** Clock ms of the last state received; undefined before the first. */
  lastStateMs: number | undefined;
  /** Clock ms when the controller last asked for the factsheet and waits for it; undefined when not waiting. */
  factsheetAskedMs: number | undefined;
  /** Factsheet requests sent again, for their action ids. */
  factsheetRequests: number;
  silent: boolean;
}

export class RobotEdge {
  readonly alarms: RobotAlarms;
  private readonly orders = new OrderTracker();
  private readonly stops = new StopVerifier();
  private readonly records = new Map<string, EdgeRecord>();
  /** Robots that did not confirm a stop or pause: what, and since when (clock ms). */
  private readonly stopsOwed = new Map<string, { what: string; sinceMs: number }>();
  private listener: RobotEdgeListener | undefined;

  constructor(
    layout: GridLayout,
    private readonly commands: RobotCommandPort,
    private readonly clock: Clock,
    private readonly options: RobotEdgeOptions,
    private readonly raise: (source: string, message: string) => void,
  ) {
    this.alarms = new RobotAlarms(raise);
    for (const serial of fleetSerials(layout)) {
      this.records.set(serial, { profile: vehicleProfileOf(layout, serial), capabilities: undefined, lastStateMs: undefined, factsheetAskedMs: undefined, factsheetRequests: 0, silent: false });
    }
  }

  listen(listener: RobotEdgeListener): void {
    this.listener = listener;
  }

  // ---------------------------------------------------------------- who and what

  /** Whether the serial number belongs to the fleet; a stranger is raised once and refused. */
  admits(serial: string): boolean {
    if (this.records.has(serial)) return true;
    this.alarms.once(serial, 'stranger', `a robot the layout does not list reports on the robots' topics; it is not believed and gets no cell, no order and no work`);
    return false;
  }

  profileOf(serial: string): VehicleProfile {
    return this.record(serial).profile;
  }

  /** What its factsheet says it can do; undefined until a usable factsheet came. */
  capabilitiesOf(serial: string): VehicleCapabilities | undefined {
    return this.records.get(serial)?.capabilities;
  }

  /** Asks a robot for its factsheet (VDA 5050 §6.16 factsheetRequest) and starts waiting for it. */
  requestFactsheet(serial: string, actionId: string): void {
    const record = this.record(serial);
    if (!record.capabilities) record.factsheetAskedMs ??= this.clock.now();
    this.sendInstantActions(serial, [{ actionType: 'factsheetRequest', actionId, blockingType: 'NONE' }]);
  }

  onFactsheet(serial: string, factsheet: Factsheet): void {
    if (!this.admits(serial)) return;
    const record = this.record(serial);
    const { capabilities, problems } = readCapabilities(factsheet);
    record.capabilities = capabilities;
    record.factsheetAskedMs = undefined;
    this.alarms.clear(serial, 'factsheet missing');
    this.alarms.clear(serial, 'factsheet unusable');
    for (const problem of problems) this.alarms.once(serial, `factsheet: ${problem}`, problem);
  }

  /** A message on one of the robots' topics that failed validation: raised once per robot and topic. */
  onInvalidMessage(topic: string, errors: readonly string[]): void {
    const parsed = parseVdaTopic(topic);
    const serial = parsed?.address.serialNumber ?? topic;
    if (parsed && !this.admits(serial)) return;
    const kind = parsed?.kind ?? 'message';
    const what = kind === 'factsheet' ? 'factsheet unusable' : `invalid ${kind}`;
    const consequence = kind === 'factsheet' ? '; it is given no work its factsheet would have to allow' : kind === 'state' ? '; such states are not believed' : '';
    this.alarms.once(serial, what, `sends an invalid ${kind} (${errors.slice(0, 3).join('; ')}${errors.length > 3 ? '; …' : ''})${consequence}`);
  }

  // ---------------------------------------------------------------- commands out

  sendOrder(serial: string, order: OrderBody): void {
    const sent = this.commands.sendOrder(serial, order);
    this.orders.sent(serial, { orderId: order.orderId, orderUpdateId: order.orderUpdateId, headerId: sent ? sent.headerId : undefined, sentAtMs: this.clock.now() });
  }

  /** Sends instant actions the way the robot's vehicle type reads them. */
  sendInstantActions(serial: string, actions: Action[]): void {
    const legacy = this.records.get(serial)?.profile.legacyInstantActions ?? false;
    this.commands.sendInstantActions(serial, actions, legacy ? { legacyField: true } : undefined);
  }

  /** The robot's orders are no longer awaited (its leg was withdrawn or replaced). */
  forgetOrders(serial: string): void {
    this.orders.forget(serial);
  }

  // ---------------------------------------------------------------- states in

  /**
   * Reads what a state says about orders, stops and the robot's health. `dropped`: malformed
   * optional parts the link left out. Call only for admitted robots.
   */
  onState(serial: string, state: State, dropped: readonly string[]): void {
    const now = this.clock.now();
    const record = this.record(serial);
    record.lastStateMs = now;
    if (record.silent) {
      record.silent = false;
      this.alarms.clear(serial, 'silent');
    }
    for (const part of dropped) this.alarms.once(serial, `malformed ${partKind(part)}`, `reports a malformed ${partKind(part)} (${part}); that part of its states is not believed`);
    this.stops.onState(serial, state, now);
    const owed = this.stopsOwed.get(serial);
    if (owed && showsStopped(state)) {
      this.stopsOwed.delete(serial);
      this.alarms.clear(serial, 'stop unconfirmed');
      this.raise(serial, `its state shows it stopped now, ${((now - owed.sinceMs) / 1000).toFixed(1)} s after the ${owed.what} went unconfirmed`);
    }
    for (const verdict of this.orders.read(serial, state)) if (verdict.kind === 'rejected') this.refused(serial, verdict);
  }

  /** Checks time limits: orders not shown taken, silent robots, missing factsheets, stops. */
  tick(): void {
    const now = this.clock.now();
    for (const { serial, verdict } of this.orders.overdue(now, this.options.orderAckTimeoutMs)) this.refused(serial, verdict);
    for (const [serial, record] of this.records) {
      if (record.lastStateMs !== undefined && !record.silent) {
        const limit = this.silenceLimitMs(record);
        if (now - record.lastStateMs > limit) {
          record.silent = true;
          this.alarms.once(serial, 'silent', `sent no state for ${(limit / 1000).toFixed(1)} s; it is treated as lost until it reports again`);
          this.listener?.robotSilent(serial);
        }
      }
      if (record.factsheetAskedMs !== undefined && now - record.factsheetAskedMs > this.options.factsheetWaitMs) {
        this.alarms.once(serial, 'factsheet missing', `sent no factsheet within ${this.options.factsheetWaitMs / 1000} s of being asked; what it can do is not known, so it is given no work but moves (asked again every ${this.options.factsheetWaitMs / 1000} s)`);
        record.factsheetAskedMs = now;
        this.sendInstantActions(serial, [{ actionType: 'factsheetRequest', actionId: `factsheet-again-${++record.factsheetRequests}`, blockingType: 'NONE' }]);
      }
    }
    this.stops.tick(now);
  }

  /** Verifies stops on the robots' own states (see StopVerifier); `onDone` gets each robot's outcome. */
  verifyStops(requests: readonly StopRequest[], onDone: (outcomes: StopOutcome[]) => void): void {
    this.stops.begin(requests, this.clock.now(), this.options.stopConfirmTimeoutMs, onDone);
  }

  /**
   * The robot did not confirm a stop or pause: it stays in alarm until a state of its shows it
   * stopped (stop-verifier.ts showsStopped). `detail` says what was sent instead.
   */
  owesStop(serial: string, what: string, detail: string): void {
    if (!this.stopsOwed.has(serial)) this.stopsOwed.set(serial, { what, sinceMs: this.clock.now() });
    this.alarms.once(serial, 'stop unconfirmed', `${what} not confirmed: ${detail}; in alarm until its state shows it stopped`);
  }

  /** A stop that was owed is no longer asked for (the stop or pause was lifted). */
  stopNoLongerOwed(serial: string): void {
    if (this.stopsOwed.delete(serial)) this.alarms.clear(serial, 'stop unconfirmed');
  }

  /** Serial numbers of robots in alarm for a stop they have not confirmed. */
  robotsOwingStops(): string[] {
    return [...this.stopsOwed.keys()];
  }

  /** Whether the robot has sent no state for longer than it may be silent (see tick). */
  isSilent(serial: string): boolean {
    return this.records.get(serial)?.silent ?? false;
  }

  /**
   * No state for three of its state intervals, at least `robotSilentMs`: its factsheet's
   * defaultStateInterval, else the 2.0.0 text's "at the latest every 30s" (§6.10).
   */
  private silenceLimitMs(record: EdgeRecord): number {
    const intervalS = record.capabilities?.stateIntervalS ?? DEFAULT_STATE_INTERVAL_S;
    return Math.max(this.options.robotSilentMs, 3 * intervalS * 1000);
  }

  private refused(serial: string, verdict: OrderVerdict): void {
    const { order } = verdict;
    const reason =
      verdict.kind === 'rejected'
        ? `rejected order ${order.orderId}/${order.orderUpdateId}: ${verdict.error.errorType}${verdict.error.errorDescription ? `: ${verdict.error.errorDescription}` : ''}`
        : `did not show order ${order.orderId}/${order.orderUpdateId} taken within ${(this.options.orderAckTimeoutMs / 1000).toFixed(1)} s`;
    this.orders.forget(serial);
    this.listener?.orderRefused(serial, order, reason);
  }

  private record(serial: string): EdgeRecord {
    const record = this.records.get(serial);
    if (!record) throw new Error(`robot ${serial} is not in the fleet`);
    return record;
  }
}
