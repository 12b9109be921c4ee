/**
 * Puts a simulated picker at each port, each with its own bus connection and port screen
 * link (as separate screens would have), for scenario runs over a MemoryBroker or a real broker.
 */
import type { MessageBus } from '../../protocol/bus/message-bus.ts';
import type { Clock } from '../../protocol/clock.ts';
import { PortScreenLink } from '../../protocol/console/links.ts';
import { SeededRandom } from '../../protocol/random.ts';
import { SimulatedPicker, type PickerTiming } from './simulated-picker.ts';

export interface PickerCrewOptions {
  site: string;
  clock: Clock;
  /** Each picker draws from `new SeededRandom(`${seed}:picker:${portId}`)`, so adding a port leaves the others' draws unchanged. */
  seed: number | string;
  /** Opens one client connection to the broker. */
  connectBus: (clientId: string) => MessageBus | Promise<MessageBus>;
  /** Same timing for every picker; unset fields take `defaultPickerTiming()`. */
  timing?: Partial<PickerTiming>;
  /** What a person counting a bin finds in it (see SimulatedPickerOptions.countUnits). */
  countUnits?: (binId: string, sku: string) => number;
}

export interface PickerCrew {
  /** By port id, in the order given. */
  readonly pickers: ReadonlyMap<string, SimulatedPicker>;
  /** Stops every picker and closes its bus connection. */
  close(): Promise<void>;
}

/** MQTT client id of a simulated picker's screen connection. */
export function simulatedPickerClientId(site: string, portId: string): string {
  return `gridline-sim-picker-${site}-${portId}`;
}

/** Connects, subscribes and starts a picker per port; a bin already presented (retained) is worked on at once. */
export async function createPickers(portIds: readonly string[], options: PickerCrewOptions): Promise<PickerCrew> {
  const pickers = new Map<string, SimulatedPicker>();
  const buses: MessageBus[] = [];
  for (const portId of portIds) {
    if (pickers.has(portId)) throw new Error(`port ${portId} appears twice in the picker crew`);
    const bus = await options.connectBus(simulatedPickerClientId(options.site, portId));
    buses.push(bus);
    const link = new PortScreenLink(bus, options.clock, { site: options.site, portId });
    const picker = new SimulatedPicker({
      portId,
      clock: options.clock,
      link,
      random: new SeededRandom(`${options.seed}:picker:${portId}`),
      ...(options.countUnits ? { countUnits: options.countUnits } : {}),
      ...options.timing,
    });
    picker.start();
    await link.start();
    pickers.set(portId, picker);
  }
  return {
    pickers,
    async close() {
      for (const picker of pickers.values()) picker.stop();
      for (const bus of buses) await bus.close();
    },
  };
}
