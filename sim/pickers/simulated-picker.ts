import type { Clock, TimerHandle } from '../../protocol/clock.ts';
import { presentedUnits, type PortConfirm, type PortPresentation } from '../../protocol/console/port-messages.ts';
import type { SeededRandom } from '../../protocol/random.ts';

/**
 * The part of a port screen a picker uses. `PortScreenLink` (protocol/console/links.ts)
 * satisfies it; tests may pass a fake.
 */
export interface PickerScreen {
  /** Registers for what is at the port (`null`: nothing); returns the function that unregisters. */
  onPresentation(handler: (presentation: PortPresentation | null) => void): () => void;
  confirm(confirmation: Omit<PortConfirm, 'timestamp'>): void;
}

/** How fast the person at a port works. All defaults live in `defaultPickerTiming`. */
export interface PickerTiming {
  /** Time to take out (pick) or put in (putaway) one unit, seconds. */
  pickSecondsPerUnit: number;
  /** Time per bin regardless of quantity: look at the screen, reach, press confirm, seconds. */
  handlingSeconds: number;
  /** Probability, 0..1, that a pick finds fewer units than asked and confirms a shortage. */
  shortageProbability: number;
  /** Each bin's working time is scaled by a uniform factor in [1 - j, 1 + j]; 0..1. */
  jitterFraction: number;
}

export function defaultPickerTiming(): PickerTiming {
  return {
    pickSecondsPerUnit: 1.5,
    handlingSeconds: 4,
    shortageProbability: 0,
    jitterFraction: 0.2,
  };
}

/** Seconds a picker works on a bin of `units` units, before jitter: handling plus time per unit. */
export function pickerWorkSeconds(timing: PickerTiming, units: number): number {
  return timing.handlingSeconds + units * timing.pickSecondsPerUnit;
}

export interface SimulatedPickerOptions extends Partial<PickerTiming> {
  portId: string;
  clock: Clock;
  link: PickerScreen;
  /** This picker's own stream: jitter and shortages are drawn from it, two draws per bin. */
  random: SeededRandom;
  /** The units of a SKU a person counting the bin finds in it (a count presentation is blind); none found without it. */
  countUnits?: (binId: string, sku: string) => number;
}

/** What one picker has done so far, as `stats()` reports it; today only tests read it. */
export interface PickerStats {
  /** Bins presented to this picker (repeats of the bin being worked on not counted). */
  presentations: number;
  confirmations: number;
  shortages: number;
  /** Bins replaced or withdrawn before the picker confirmed them. */
  abandoned: number;
  /** Clock milliseconds spent working on bins that were confirmed. */
  busyMs: number;
}

/**
 * The person at one port, in software. When a bin is presented, the picker works on it for
 * `handlingSeconds + units * pickSecondsPerUnit` (units over all its lines, scaled by seeded
 * jitter) of clock time, then confirms every line with the quantity asked, or, with
 * `shortageProbability`, fewer on the first line (picks only: in a putaway the units are in
 * the person's hands). A count (blind: no quantity shown) is confirmed with the units
 * `countUnits` says the bin holds, counted at the time per unit of a pick.
 *
 * A new presentation replaces the bin being worked on (its timer is cancelled); `null`
 * withdraws it. The same task and bin presented again while being worked on (a retained
 * redelivery after a reconnect) changes nothing, and one already confirmed is not confirmed
 * twice, so the controller sees at most one confirmation per task and bin.
 */
export class SimulatedPicker {
  readonly portId: string;
  private readonly timing: PickerTiming;
  private readonly clock: Clock;
  private readonly link: PickerScreen;
  private readonly random: SeededRandom;
  private readonly countUnits: (binId: string, sku: string) => number;
  private unsubscribe: (() => void) | null = null;
  private working: { presentation: PortPresentation; startMs: number; timer: TimerHandle } | null = null;
  private lastConfirmedKey: string | null = null;
  private readonly counters: PickerStats = { presentations: 0, confirmations: 0, shortages: 0, abandoned: 0, busyMs: 0 };

  constructor(options: SimulatedPickerOptions) {
    const { portId, clock, link, random, countUnits, ...timing } = options;
    this.countUnits = countUnits ?? (() => 0);
    this.timing = { ...defaultPickerTiming(), ...definedOnly(timing) };
    checkTiming(this.timing);
    this.portId = portId;
    this.clock = clock;
    this.link = link;
    this.random = random;
  }

  /** Starts watching the port screen. */
  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.link.onPresentation((presentation) => this.present(presentation));
  }

  /** Stops watching and drops the bin being worked on without confirming it. */
  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.abandonWork();
  }

  /** The bin being worked on, or null when idle. */
  get current(): PortPresentation | null {
    return this.working?.presentation ?? null;
  }

  stats(): PickerStats {
    return { ...this.counters };
  }

  /** Clock milliseconds the picker will spend on a bin of `quantity` units, before jitter. */
  nominalWorkMs(quantity: number): number {
    return pickerWorkSeconds(this.timing, quantity) * 1000;
  }

  private present(presentation: PortPresentation | null): void {
    if (presentation === null) {
      this.abandonWork();
      return;
    }
    const key = workKey(presentation);
    if (this.working && workKey(this.working.presentation) === key) return;
    if (key === this.lastConfirmedKey) return;
    this.abandonWork();
    this.counters.presentations++;
    // Exactly two draws per bin, so the shortage setting never shifts later bins' jitter.
    const jitter = 1 + (this.random.next() * 2 - 1) * this.timing.jitterFraction;
    const shortageDraw = this.random.next();
    const shortage = presentation.mode === 'pick' && shortageDraw < this.timing.shortageProbability;
    // A shortage is on the first line. Below the probability, shortageDraw / p is uniform in [0, 1): 0..quantity-1 units found.
    const found =
      presentation.mode === 'count'
        ? presentation.lines.map((line) => this.countUnits(presentation.binId, line.sku))
        : presentation.lines.map((line, i) => (shortage && i === 0 ? Math.floor((shortageDraw / this.timing.shortageProbability) * line.quantity) : line.quantity));
    const units = presentation.mode === 'count' ? found.reduce((sum, n) => sum + n, 0) : presentedUnits(presentation);
    const workMs = this.nominalWorkMs(units) * jitter;
    const startMs = this.clock.now();
    const timer = this.clock.setTimeout(() => this.finish(presentation, found, shortage), workMs);
    this.working = { presentation, startMs, timer };
  }

  private finish(presentation: PortPresentation, found: readonly number[], shortage: boolean): void {
    const working = this.working;
    if (!working || working.presentation !== presentation) return;
    this.working = null;
    this.lastConfirmedKey = workKey(presentation);
    this.counters.confirmations++;
    if (shortage) this.counters.shortages++;
    this.counters.busyMs += this.clock.now() - working.startMs;
    this.link.confirm({ taskId: presentation.taskId, binId: presentation.binId, lines: presentation.lines.map((line, i) => ({ lineId: line.lineId, quantity: found[i]! })) });
  }

  private abandonWork(): void {
    if (!this.working) return;
    this.clock.clearTimeout(this.working.timer);
    this.working = null;
    this.counters.abandoned++;
  }
}

function workKey(presentation: PortPresentation): string {
  return `${presentation.taskId}\u0000${presentation.binId}`;
}

function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function checkTiming(t: PickerTiming): void {
  if (!(t.pickSecondsPerUnit >= 0)) throw new RangeError(`pickSecondsPerUnit must be >= 0, got ${t.pickSecondsPerUnit}`);
  if (!(t.handlingSeconds >= 0)) throw new RangeError(`handlingSeconds must be >= 0, got ${t.handlingSeconds}`);
  if (!(t.shortageProbability >= 0 && t.shortageProbability <= 1)) throw new RangeError(`shortageProbability must be in [0, 1], got ${t.shortageProbability}`);
  if (!(t.jitterFraction >= 0 && t.jitterFraction <= 1)) throw new RangeError(`jitterFraction must be in [0, 1], got ${t.jitterFraction}`);
}
