/**
 * Composition root of the firmware bridge: one robot's MQTT connection (VDA 5050 vehicle
 * side), its serial port to the motor controller board, and the vehicle logic between them.
 */
import type { Clock } from '../protocol/clock.ts';
import type { MessageBus, LastWill } from '../protocol/bus/message-bus.ts';
import type { GridLayout } from '../protocol/layout/grid-layout.ts';
import { vehicleProfileOf } from '../protocol/layout/fleet.ts';
import type { VehicleProfile } from '../protocol/vda5050/vehicle-profile.ts';
import { connectionBrokenWill, VehicleLink } from '../protocol/vda5050/links.ts';
import { BoardSession, type BoardSessionOptions } from './board-session.ts';
import { defaultBridgeOptions, type BridgeOptions } from './bridge-options.ts';
import { BridgeVehicle } from './bridge-vehicle.ts';
import { layoutRouteMap } from './layout-route-map.ts';
import type { SerialTransport } from './serial-transport.ts';

export interface BridgeConfig {
  serialNumber: string;
  layout: GridLayout;
  clock: Clock;
  transport: SerialTransport;
  /** Opens the robot's broker connection with the given last will. */
  connectBus(clientId: string, will: LastWill): Promise<MessageBus>;
  options?: Partial<BridgeOptions>;
  /** The stationType and loadType values the robot handles; default: its vehicle type's in the layout, else Gridline's own. */
  profile?: VehicleProfile;
  session?: Partial<Omit<BoardSessionOptions, 'clock' | 'transport'>>;
  log?: (message: string) => void;
}

export interface RunningBridge {
  vehicle: BridgeVehicle;
  session: BoardSession;
  /** Stops the vehicle, closes the serial port, then announces OFFLINE and disconnects. */
  close(): Promise<void>;
}

/** MQTT client id of a bridge's connection. */
export function bridgeClientId(manufacturer: string, serialNumber: string): string {
  return `gridline-bridge-${manufacturer}-${serialNumber}`;
}

export async function startBridge(config: BridgeConfig): Promise<RunningBridge> {
  const options = defaultBridgeOptions({
    serialNumber: config.serialNumber,
    cellSizeXM: config.layout.cellSizeM.x,
    cellSizeYM: config.layout.cellSizeM.y,
    binHeightM: config.layout.binHeightM,
    ...config.options,
  });
  const address = { manufacturer: options.manufacturer, serialNumber: options.serialNumber };
  const bus = await config.connectBus(bridgeClientId(options.manufacturer, options.serialNumber), connectionBrokenWill(address, config.clock));
  const link = new VehicleLink(bus, config.clock, address);
  const session = new BoardSession({ clock: config.clock, transport: config.transport, ...config.session });
  const vehicle = new BridgeVehicle({
    options,
    clock: config.clock,
    grid: layoutRouteMap(config.layout),
    board: session,
    link,
    profile: config.profile ?? vehicleProfileOf(config.layout, options.serialNumber),
    ...(config.log ? { log: config.log } : {}),
  });
  await link.start();
  vehicle.start();
  return {
    vehicle,
    session,
    close: async () => {
      await vehicle.stop();
      await link.close();
    },
  };
}
