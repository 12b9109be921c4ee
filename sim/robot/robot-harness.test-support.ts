/**
 * Test harness for VirtualRobot: the vehicle core's fake link (it records every published
 * state, with a header, validated against the real VDA 5050 state schema) and order builders
 * for grid paths.
 */
import { SimulatedClock } from '../../protocol/clock.ts';
import { dropAction, pickAction } from '../../protocol/vda5050/vehicle-profile.ts';
import { FakeVehicleLink } from '../../protocol/vda5050/vehicle/fake-vehicle-link.test-support.ts';
import { instantAction, pathOrder, row, type PathOrder } from '../../protocol/vda5050/vehicle/grid-orders.test-support.ts';
import { defaultKinematics } from '../kinematics/robot-kinematics.ts';
import { GridWorld, type BinPlacement } from '../world/grid-world.ts';
import { VirtualRobot } from './virtual-robot.ts';

export { FakeVehicleLink };

export const MAP_ID = 'grid-test';
export const SERIAL = 'R1';
const START_MS = Date.UTC(2026, 0, 1);

export { instantAction, pathOrder, row, type PathOrder };
export { dropAction, pickAction };

export interface Rig {
  clock: SimulatedClock;
  world: GridWorld;
  link: FakeVehicleLink;
  robot: VirtualRobot;
  /** Milliseconds since the rig started. */
  elapsedMs(): number;
}

export function makeRig(options: { placements?: BinPlacement[]; startCell?: { x: number; y: number }; statePeriodMs?: number; depth?: number; initialChargePercent?: number } = {}): Rig {
  const clock = new SimulatedClock(START_MS);
  const world = new GridWorld({
    columnsX: 8,
    columnsY: 6,
    depth: options.depth ?? 4,
    portCells: [{ x: 7, y: 0 }],
    portCapacity: 2,
    chargerCells: [{ x: 0, y: 5 }],
    blockedCells: [{ x: 4, y: 4 }],
    placements: options.placements ?? [],
  });
  const link = new FakeVehicleLink(clock, SERIAL);
  const robot = new VirtualRobot({
    serialNumber: SERIAL,
    startCell: options.startCell ?? { x: 0, y: 0 },
    clock,
    world,
    kinematics: defaultKinematics(),
    link,
    mapId: MAP_ID,
    statePeriodMs: options.statePeriodMs ?? 1000,
    initialChargePercent: options.initialChargePercent ?? 100,
  });
  robot.start();
  clock.advance(0);
  return { clock, world, link, robot, elapsedMs: () => clock.now() - START_MS };
}
