/**
 * The firmware bridge's vehicle, its board session, an in-memory serial line and the board
 * emulator moving a robot in a small GridWorld, all on one simulated clock: every fault plays
 * out the same way on every run. The VDA 5050 side is a fake link the test drives directly.
 */
import { SimulatedClock } from '../../protocol/clock.ts';
import type { Action, InstantActions, Order, OrderBody, StateBody } from '../../protocol/vda5050/types.ts';
import { BoardSession } from '../../firmware-bridge/board-session.ts';
import { defaultBridgeOptions } from '../../firmware-bridge/bridge-options.ts';
import { BridgeVehicle, type BridgeVehicleLink } from '../../firmware-bridge/bridge-vehicle.ts';
import { layoutRouteMap } from '../../firmware-bridge/layout-route-map.ts';
import { MemorySerialLine } from '../../firmware-bridge/memory-serial-line.ts';
import { BoardEmulator } from '../../sim/board/board-emulator.ts';
import { gridWorldBody } from '../../sim/board/grid-world-body.ts';
import { layoutKinematics } from '../../sim/kinematics/robot-kinematics.ts';
import { rigLayout, rigWorld, RIG_SERIAL } from './bridge-rig.ts';

export function startSimulatedBridgeRig() {
  const clock = new SimulatedClock(0);
  const layout = rigLayout();
  const kinematics = layoutKinematics(layout);
  const world = rigWorld(layout);
  const line = new MemorySerialLine(clock, 1);
  const emulator = new BoardEmulator({
    clock,
    write: (bytes) => line.board.write(bytes),
    kinematics,
    gridDepth: layout.depth,
    startCell: { x: 0, y: 1 },
    body: gridWorldBody(world, RIG_SERIAL, { kinematics }),
  });
  line.board.onData((bytes) => emulator.receive(bytes));
  emulator.start();
  const session = new BoardSession({ clock, transport: line.host });
  let orderListener: (order: Order) => void = () => {};
  let instantListener: (message: InstantActions) => void = () => {};
  const link: BridgeVehicleLink = {
    onOrder: (listener) => (orderListener = listener),
    onInstantActions: (listener) => (instantListener = listener),
    onInvalidMessage: () => {},
    publishState: () => {},
    publishFactsheet: () => {},
  };
  const options = defaultBridgeOptions({
    serialNumber: RIG_SERIAL,
    cellSizeXM: layout.cellSizeM.x,
    cellSizeYM: layout.cellSizeM.y,
    binHeightM: layout.binHeightM,
    maxSpeedMps: kinematics.maxSpeedMps,
    accelerationMps2: kinematics.accelerationMps2,
    liftSpeedMps: kinematics.liftSpeedMps,
    portDropSeconds: kinematics.portDropSeconds,
  });
  const vehicle = new BridgeVehicle({ options, clock, grid: layoutRouteMap(layout), board: session, link });
  vehicle.start();
  let headerId = 0;
  const wrap = <T extends object>(body: T) => ({
    headerId: headerId++,
    timestamp: new Date(clock.now()).toISOString(),
    version: '2.0.0',
    manufacturer: 'gridline',
    serialNumber: RIG_SERIAL,
    ...body,
  });
  return {
    clock,
    world,
    emulator,
    session,
    vehicle,
    /** Advances the clock in 5 ms steps, letting promises (the port opening) settle between them. */
    advance: async (ms: number) => {
      for (let t = 0; t < ms; t += 5) {
        await new Promise((resolve) => setImmediate(resolve));
        clock.advance(5);
      }
      await new Promise((resolve) => setImmediate(resolve));
    },
    order: (body: OrderBody) => orderListener(wrap(body) as Order),
    instant: (actions: Action[]) => instantListener(wrap({ actions }) as InstantActions),
    state: (): StateBody => vehicle.snapshot(),
  };
}
