/**
 * A simulated grid robot that speaks VDA 5050 2.0.0 as a vehicle: the vehicle core
 * (protocol/vda5050/vehicle/) with a virtual body (virtual-body.ts) that moves in the
 * GridWorld. It takes orders and instant actions from its link, drives cell by cell over the
 * released base of its order, digs and sets down bins, and publishes its state on every change
 * and periodically. Everything is timed by the injected Clock.
 */
import type { Clock } from '../../protocol/clock.ts';
import type { FactsheetBody, StateBody } from '../../protocol/vda5050/types.ts';
import { VehicleCore, type VehicleLinkPort } from '../../protocol/vda5050/vehicle/vehicle-core.ts';
import type { VehicleProfile } from '../../protocol/vda5050/vehicle-profile.ts';
import { defaultKinematics, type RobotKinematics } from '../kinematics/robot-kinematics.ts';
import type { GridCell, GridWorld } from '../world/grid-world.ts';
import { VirtualRobotBody } from './virtual-body.ts';

export type { VehicleLinkPort } from '../../protocol/vda5050/vehicle/vehicle-core.ts';

export interface VirtualRobotOptions {
  serialNumber: string;
  startCell: GridCell;
  clock: Clock;
  world: GridWorld;
  kinematics?: RobotKinematics;
  link: VehicleLinkPort;
  /** Map id reported in agvPosition and node positions; one per grid. */
  mapId: string;
  /** Period of unconditional state messages, clock milliseconds; default 1 s. */
  statePeriodMs?: number;
  /** Battery state of charge at the start, percent; default 100. */
  initialChargePercent?: number;
  /** The stationType and loadType values the robot handles in pick and drop; default Gridline's own. */
  profile?: VehicleProfile;
}

export class VirtualRobot {
  readonly serialNumber: string;
  private readonly core: VehicleCore;

  constructor(options: VirtualRobotOptions) {
    this.serialNumber = options.serialNumber;
    const body = new VirtualRobotBody({
      serialNumber: options.serialNumber,
      startCell: options.startCell,
      clock: options.clock,
      world: options.world,
      kinematics: options.kinematics ?? defaultKinematics(),
      ...(options.initialChargePercent !== undefined ? { initialChargePercent: options.initialChargePercent } : {}),
    });
    this.core = new VehicleCore({
      body,
      link: options.link,
      clock: options.clock,
      mapId: options.mapId,
      ...(options.statePeriodMs !== undefined ? { statePeriodMs: options.statePeriodMs } : {}),
      ...(options.profile ? { profile: options.profile } : {}),
    });
  }

  /** Publishes the first state and starts the periodic state messages. */
  start(): void {
    this.core.start();
  }

  /** Stops publishing and cancels every timer; the robot freezes where it is. */
  stop(): void {
    void this.core.stop();
  }

  /** The state message body as it would be published now. */
  snapshot(): StateBody {
    return this.core.snapshot();
  }

  factsheet(): FactsheetBody {
    return this.core.factsheet();
  }
}
