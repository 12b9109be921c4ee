/**
 * The firmware bridge's vehicle, its board session, an in-memory serial line and the board
 * emulator moving a robot in a small GridWorld, all on one simulated clock: every fault plays
 * out the same way on every run. The VDA 5050 side is the vehicle core's fake link, which the
 * test drives directly and which records every state and factsheet.
 */
import { SimulatedClock } from '../../protocol/clock.ts';
import { parseLayout, type GridLayout } from '../../protocol/layout/index.ts';
import type { Action, OrderBody, StateBody } from '../../protocol/vda5050/types.ts';
import { FakeVehicleLink } from '../../protocol/vda5050/vehicle/fake-vehicle-link.test-support.ts';
import type { VehicleProfile } from '../../protocol/vda5050/vehicle-profile.ts';
import { BoardSession } from '../../firmware-bridge/board-session.ts';
import { defaultBridgeOptions } from '../../firmware-bridge/bridge-options.ts';
import { BridgeVehicle } from '../../firmware-bridge/bridge-vehicle.ts';
import { layoutRouteMap } from '../../firmware-bridge/layout-route-map.ts';
import { MemorySerialLine } from '../../firmware-bridge/memory-serial-line.ts';
import { BoardEmulator } from '../../sim/board/board-emulator.ts';
import { gridWorldBody } from '../../sim/board/grid-world-body.ts';
import { layoutKinematics } from '../../sim/kinematics/robot-kinematics.ts';
import { GridWorld, type BinPlacement } from '../../sim/world/grid-world.ts';
import { rigLayout, rigWorld, RIG_SERIAL } from './bridge-rig.ts';

export interface SimulatedBridgeRigOptions {
  /** A layout file's JSON (the robot starts at its first placed robot's cell); the bridge rig's when absent. */
  layoutJson?: object;
  /** Bins in columns at the start (with `layoutJson`); the rig's three bins of column (2, 1) otherwise. */
  placements?: BinPlacement[];
  profile?: VehicleProfile;
  mapId?: string;
  /** Bits per second of the in-memory serial line; without one, frames take 1 ms whatever their size. */
  baudRate?: number;
}

export function startSimulatedBridgeRig(rigOptions: SimulatedBridgeRigOptions = {}) {
  const clock = new SimulatedClock(0);
  const layout = rigOptions.layoutJson ? parsed(rigOptions.layoutJson) : rigLayout();
  const start = layout.robots.placed?.[0] ?? { x: 0, y: 1 };
  const kinematics = layoutKinematics(layout);
  const world = rigOptions.layoutJson ? layoutWorld(layout, rigOptions.placements ?? [], start) : rigWorld(layout);
  const line = new MemorySerialLine(clock, 1, 'memory-serial-line', rigOptions.baudRate);
  const emulator = new BoardEmulator({
    clock,
    write: (bytes) => line.board.write(bytes),
    kinematics,
    gridDepth: layout.depth,
    startCell: { x: start.x, y: start.y },
    body: gridWorldBody(world, RIG_SERIAL, { kinematics }),
  });
  line.board.onData((bytes) => emulator.receive(bytes));
  emulator.start();
  const session = new BoardSession({ clock, transport: line.host });
  const link = new FakeVehicleLink(clock, RIG_SERIAL);
  const options = defaultBridgeOptions({
    serialNumber: RIG_SERIAL,
    cellSizeXM: layout.cellSizeM.x,
    cellSizeYM: layout.cellSizeM.y,
    binHeightM: layout.binHeightM,
    maxSpeedMps: kinematics.maxSpeedMps,
    accelerationMps2: kinematics.accelerationMps2,
    liftSpeedMps: kinematics.liftSpeedMps,
    portDropSeconds: kinematics.portDropSeconds,
    ...(rigOptions.mapId ? { mapId: rigOptions.mapId } : {}),
  });
  const vehicle = new BridgeVehicle({ options, clock, grid: layoutRouteMap(layout), board: session, link, ...(rigOptions.profile ? { profile: rigOptions.profile } : {}) });
  vehicle.start();
  return {
    clock,
    world,
    emulator,
    session,
    vehicle,
    link,
    /** Advances the clock in 5 ms steps, letting promises (the port opening) settle between them. */
    advance: async (ms: number) => {
      for (let t = 0; t < ms; t += 5) {
        await new Promise((resolve) => setImmediate(resolve));
        clock.advance(Math.min(5, ms - t));
      }
      await new Promise((resolve) => setImmediate(resolve));
    },
    order: (body: OrderBody) => void link.sendOrder(body),
    instant: (actions: Action[]) => link.sendInstantActions(...actions),
    state: (): StateBody => vehicle.snapshot(),
  };
}

function parsed(json: object): GridLayout {
  const result = parseLayout(JSON.stringify(json), 'simulated-bridge-rig');
  if (!result.ok) throw new Error(result.errors.join('; '));
  return result.layout;
}

/** A GridWorld of the layout's grid, ports and chargers, with `placements` and the robot at `start`. */
function layoutWorld(layout: GridLayout, placements: BinPlacement[], start: { x: number; y: number }): GridWorld {
  const world = new GridWorld({
    columnsX: layout.columns.x,
    columnsY: layout.columns.y,
    depth: layout.depth,
    portCells: layout.ports.map((p) => ({ x: p.x, y: p.y })),
    portCapacity: 2,
    chargerCells: layout.chargers.map((c) => ({ x: c.x, y: c.y })),
    blockedCells: layout.blocked,
    placements,
  });
  world.addRobot(RIG_SERIAL, { x: start.x, y: start.y });
  return world;
}
