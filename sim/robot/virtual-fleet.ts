/**
 * Builds a fleet of virtual robots, each on its own bus connection (as separate vehicles
 * would be), for scenario runs: in-process over a MemoryBroker or against a real broker.
 */
import type { Clock } from '../../protocol/clock.ts';
import type { LastWill, MessageBus } from '../../protocol/bus/message-bus.ts';
import { connectionBrokenWill, VehicleLink } from '../../protocol/vda5050/links.ts';
import type { VdaAddress } from '../../protocol/vda5050/topics.ts';
import type { VehicleProfile } from '../../protocol/vda5050/vehicle-profile.ts';
import type { RobotKinematics } from '../kinematics/robot-kinematics.ts';
import type { GridCell, GridWorld } from '../world/grid-world.ts';
import { VirtualRobot } from './virtual-robot.ts';

/** Opens one client connection to the broker with the given last will. */
export type BusFactory = (clientId: string, will: LastWill) => MessageBus | Promise<MessageBus>;

export interface VirtualFleetOptions {
  robots: readonly { serialNumber: string; startCell: GridCell }[];
  manufacturer: string;
  /** First topic level; defaults to `uagv`. */
  interfaceName?: string;
  clock: Clock;
  world: GridWorld;
  mapId: string;
  kinematics?: RobotKinematics;
  /** Period of unconditional state messages per robot, clock milliseconds. */
  statePeriodMs?: number;
  /** Each robot's vehicle profile (e.g. `vehicleProfileOf(layout, serial)`); Gridline's own when absent. */
  profileOf?: (serialNumber: string) => VehicleProfile;
  connectBus: BusFactory;
}

export interface VirtualFleet {
  /** By serial number, in the order given. */
  readonly robots: ReadonlyMap<string, VirtualRobot>;
  /** Stops every robot and closes its link cleanly (OFFLINE, no last will). */
  close(): Promise<void>;
}

/** MQTT client id of a virtual robot's connection. */
export function virtualRobotClientId(manufacturer: string, serialNumber: string): string {
  return `gridline-sim-${manufacturer}-${serialNumber}`;
}

/**
 * Connects, subscribes and starts each robot in turn: each link announces ONLINE, then its
 * robot publishes its first state.
 */
export async function createVirtualFleet(options: VirtualFleetOptions): Promise<VirtualFleet> {
  const robots = new Map<string, VirtualRobot>();
  const links = new Map<string, VehicleLink>();
  for (const { serialNumber, startCell } of options.robots) {
    if (robots.has(serialNumber)) throw new Error(`serial number ${serialNumber} appears twice in the fleet`);
    const address: VdaAddress = { manufacturer: options.manufacturer, serialNumber, ...(options.interfaceName ? { interfaceName: options.interfaceName } : {}) };
    const bus = await options.connectBus(virtualRobotClientId(options.manufacturer, serialNumber), connectionBrokenWill(address, options.clock));
    const link = new VehicleLink(bus, options.clock, address);
    const robot = new VirtualRobot({
      serialNumber,
      startCell,
      clock: options.clock,
      world: options.world,
      link,
      mapId: options.mapId,
      ...(options.kinematics ? { kinematics: options.kinematics } : {}),
      ...(options.statePeriodMs !== undefined ? { statePeriodMs: options.statePeriodMs } : {}),
      ...(options.profileOf ? { profile: options.profileOf(serialNumber) } : {}),
    });
    await link.start();
    robot.start();
    robots.set(serialNumber, robot);
    links.set(serialNumber, link);
  }
  return {
    robots,
    async close() {
      for (const robot of robots.values()) robot.stop();
      for (const link of links.values()) await link.close();
    },
  };
}
