/**
 * The robot as the controller sees it when a motor controller board drives it: the vehicle
 * core (protocol/vda5050/vehicle/: VDA 5050 orders, instant actions and state) with the
 * bridge's body (bridge-body.ts: board commands from the board's status, PROTOCOL.md).
 */
import type { Clock } from '../protocol/clock.ts';
import type { GridRouteMap } from '../protocol/vda5050/grid-order-route.ts';
import type { FactsheetBody, StateBody } from '../protocol/vda5050/types.ts';
import { VehicleCore, type VehicleLinkPort } from '../protocol/vda5050/vehicle/vehicle-core.ts';
import type { VehicleProfile } from '../protocol/vda5050/vehicle-profile.ts';
import type { BoardSession } from './board-session.ts';
import { BRIDGE_ERROR_TYPES, BridgeBody } from './bridge-body.ts';
import type { BridgeOptions } from './bridge-options.ts';

/** The part of a VehicleLink the bridge uses; tests pass a fake. */
export type BridgeVehicleLink = VehicleLinkPort;

export interface BridgeVehicleOptions {
  options: BridgeOptions;
  clock: Clock;
  grid: Omit<GridRouteMap, 'profile'>;
  board: BoardSession;
  link: BridgeVehicleLink;
  /** The stationType and loadType values the robot handles in pick and drop; default Gridline's own. */
  profile?: VehicleProfile;
  /** Told every link change and every error the robot starts reporting, in plain words. */
  log?: (message: string) => void;
}

export class BridgeVehicle {
  private readonly core: VehicleCore;

  constructor(options: BridgeVehicleOptions) {
    const log = options.log ?? (() => {});
    const body = new BridgeBody({ options: options.options, clock: options.clock, grid: options.grid, board: options.board, log });
    this.core = new VehicleCore({
      body,
      link: options.link,
      clock: options.clock,
      mapId: options.options.mapId,
      statePeriodMs: options.options.statePeriodMs,
      ...(options.profile ? { profile: options.profile } : {}),
      // Link errors are told by the link's own log line already.
      onNewError: (e) => e.errorType !== BRIDGE_ERROR_TYPES.motorControllerLink && log(`${e.errorLevel} ${e.errorType}: ${e.errorDescription ?? ''}`),
    });
  }

  /** Starts the board session and the periodic state. */
  start(): void {
    this.core.start();
  }

  async stop(): Promise<void> {
    await this.core.stop();
  }

  /** The state message body as it would be published now. */
  snapshot(): StateBody {
    return this.core.snapshot();
  }

  factsheet(): FactsheetBody {
    return this.core.factsheet();
  }
}
