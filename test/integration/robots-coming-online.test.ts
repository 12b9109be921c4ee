import { afterEach, describe, expect, it } from 'vitest';
import { MemoryBroker } from '../../protocol/bus/memory-bus.ts';
import { SimulatedClock } from '../../protocol/clock.ts';
import { parseLayout, type GridLayout } from '../../protocol/layout/index.ts';
import { parseCellNodeId } from '../../protocol/vda5050/grid-nodes.ts';
import type { OrderBody } from '../../protocol/vda5050/types.ts';
import { startController, type RunningController } from '../../controller/main.ts';
import type { ControllerOptions } from '../../controller/controller-options.ts';
import { layoutKinematics } from '../../sim/kinematics/robot-kinematics.ts';
import { createVirtualFleet, type VirtualFleet } from '../../sim/robot/virtual-fleet.ts';
import { InvariantChecker } from '../../sim/scenario/invariant-checker.ts';
import { GridWorld } from '../../sim/world/grid-world.ts';

/**
 * Robots come online one by one (over a real broker, each robot's connection takes a while;
 * after a restart, robots report whenever they reconnect). A cell nobody holds in the
 * controller's reservation table may then still have a robot on it that has not reported yet.
 * Here R001 starts next to the port, so the controller sends it to park on the nearest free
 * storage cell, (2, 0), which is where R002 stands, still silent. Over MQTT at 40x this is
 * what made R001 drive into a robot that came online a moment later.
 */
const LAYOUT_FILE = {
  name: 'robots-coming-online',
  columns: { x: 6, y: 3 },
  depth: 4,
  ports: [{ id: 'P1', x: 0, y: 0, mode: 'pick' }],
  robots: [
    { serialNumber: 'R001', x: 1, y: 0 },
    { serialNumber: 'R002', x: 2, y: 0 },
  ],
  inventory: { bins: [] },
};
const R002_LATE_MS = 5_000;

interface Rig {
  clock: SimulatedClock;
  controller: RunningController;
  world: GridWorld;
  checker: InvariantChecker;
  /** Orders as sent, with the clock ms since start. */
  orders: { atMs: number; serial: string; order: OrderBody }[];
  startRobot(serial: string): Promise<void>;
  /** Runs the clock `ms` on, checking every invariant every 100 ms. */
  run(ms: number): void;
  elapsedMs(): number;
}

const fleets: VirtualFleet[] = [];
const controllers: RunningController[] = [];

afterEach(async () => {
  for (const fleet of fleets.splice(0)) await fleet.close();
  for (const controller of controllers.splice(0)) await controller.stop();
});

async function startRig(options: Partial<ControllerOptions> = {}): Promise<Rig> {
  const parsed = parseLayout(JSON.stringify(LAYOUT_FILE), LAYOUT_FILE.name);
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const layout: GridLayout = parsed.layout;
  const clock = new SimulatedClock();
  const startedMs = clock.now();
  const broker = new MemoryBroker(clock);
  const orders: Rig['orders'] = [];
  let checker: InvariantChecker | undefined;
  const controller = await startController({
    layout,
    bus: broker.connect({ clientId: 'controller' }),
    clock,
    options,
    onOrderSent: (serial, order) => {
      orders.push({ atMs: clock.now() - startedMs, serial, order });
      checker?.checkOrder(clock.now() - startedMs, serial, order);
    },
  });
  controllers.push(controller);
  const core = controller.controller;
  const world = new GridWorld({ columnsX: layout.columns.x, columnsY: layout.columns.y, depth: layout.depth, portCells: layout.ports.map((p) => ({ x: p.x, y: p.y })), portCapacity: 3 });
  checker = new InvariantChecker(
    world,
    {
      holderOf: (nodeId) => {
        const cell = parseCellNodeId(nodeId);
        return cell && core.grid.inside(cell.x, cell.y) ? core.traffic.holderOf(core.grid.index(cell.x, cell.y)) : undefined;
      },
      reservationProblems: () => core.traffic.checkConsistency(),
      inventoryProblems: () => core.inventory.checkConsistency(),
    },
    { protocolViolations: () => [] },
  );
  const elapsedMs = () => clock.now() - startedMs;
  const rig: Rig = {
    clock,
    controller,
    world,
    checker,
    orders,
    elapsedMs,
    async startRobot(serial) {
      const start = layout.robots.placed!.find((r) => r.serialNumber === serial)!;
      fleets.push(
        await createVirtualFleet({
          robots: [{ serialNumber: serial, startCell: { x: start.x, y: start.y } }],
          manufacturer: 'gridline',
          clock,
          world,
          mapId: 'grid',
          kinematics: layoutKinematics(layout),
          connectBus: (clientId, will) => broker.connect({ clientId, will }),
        }),
      );
    },
    run(ms) {
      for (let t = 0; t < ms; t += 100) {
        clock.advance(100);
        checker!.checkNow(elapsedMs());
      }
    },
  };
  return rig;
}

describe('robots coming online one by one', () => {
  it('gives no robot a cell before every robot of the layout has reported where it stands', async () => {
    const rig = await startRig();
    await rig.startRobot('R001');
    rig.run(R002_LATE_MS);
    const ordersBeforeR002 = [...rig.orders];
    await rig.startRobot('R002');
    rig.run(30_000);

    expect(rig.checker.violations).toEqual([]);
    expect(rig.controller.controller.alarms.map((a) => `${a.source}: ${a.message}`)).toEqual([]);
    expect(ordersBeforeR002).toEqual([]);
    expect(rig.controller.controller.robotsAwaited()).toEqual([]);
    // R001 did park once R002 had reported: off the port's approach, and not on R002's cell.
    const parkOrders = rig.orders.filter((o) => o.serial === 'R001');
    expect(parkOrders.length).toBeGreaterThan(0);
    expect(parkOrders[0]!.atMs).toBeGreaterThanOrEqual(R002_LATE_MS);
    expect(rig.world.occupiedCells('R001')).not.toEqual([{ x: 1, y: 0 }]);
    expect(rig.world.occupiedCells('R002')).toEqual([{ x: 2, y: 0 }]);
  });

  it('goes on without a robot that never reports once fleetWaitMs has passed, and raises it', async () => {
    const rig = await startRig({ fleetWaitMs: 10_000 });
    await rig.startRobot('R001');
    rig.run(9_000);
    expect(rig.orders).toEqual([]);
    expect(rig.controller.controller.robotsAwaited()).toEqual(['R002']);

    rig.run(11_000);
    expect(rig.orders.filter((o) => o.serial === 'R001').length).toBeGreaterThan(0);
    expect(rig.orders[0]!.atMs).toBeGreaterThanOrEqual(10_000);
    expect(rig.world.occupiedCells('R001')).not.toEqual([{ x: 1, y: 0 }]);
    const alarms = rig.controller.controller.alarms.map((a) => a.message);
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toContain('went on without robots R002');
    expect(rig.checker.violations).toEqual([]);
  });

  it('with fleetWaitMs 0, commands each robot as soon as it reports', async () => {
    const rig = await startRig({ fleetWaitMs: 0 });
    await rig.startRobot('R001');
    rig.run(1_000);
    expect(rig.orders.filter((o) => o.serial === 'R001').length).toBeGreaterThan(0);
    expect(rig.orders[0]!.atMs).toBeLessThan(1_000);
    expect(rig.controller.controller.robotsAwaited()).toEqual([]);
    expect(rig.controller.controller.alarms).toEqual([]);
  });
});
