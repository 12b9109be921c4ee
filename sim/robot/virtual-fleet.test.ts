import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../protocol/clock.ts';
import { MemoryBroker } from '../../protocol/bus/memory-bus.ts';
import { MasterControlLink } from '../../protocol/vda5050/links.ts';
import type { Connection, State } from '../../protocol/vda5050/types.ts';
import { vdaTopic } from '../../protocol/vda5050/topics.ts';
import { defaultKinematics, runDurationSeconds } from '../kinematics/robot-kinematics.ts';
import { GridWorld } from '../world/grid-world.ts';
import { pathOrder, row } from './robot-harness.test-support.ts';
import { createVirtualFleet } from './virtual-fleet.ts';

const MANUFACTURER = 'gridline';

async function setUp() {
  const clock = new SimulatedClock();
  const broker = new MemoryBroker(clock, 0);
  const world = new GridWorld({ columnsX: 6, columnsY: 3, depth: 4 });
  const master = new MasterControlLink(broker.connect({ clientId: 'controller' }), clock, { manufacturer: MANUFACTURER });
  const states: [string, State][] = [];
  const connections: [string, Connection['connectionState']][] = [];
  const invalid: string[] = [];
  master.onState((serial, state) => states.push([serial, state]));
  master.onConnection((serial, c) => connections.push([serial, c.connectionState]));
  master.onInvalidMessage((topic, errors) => invalid.push(`${topic}: ${errors.join('; ')}`));
  await master.start();
  const fleet = await createVirtualFleet({
    robots: [
      { serialNumber: 'R1', startCell: { x: 0, y: 0 } },
      { serialNumber: 'R2', startCell: { x: 0, y: 2 } },
    ],
    manufacturer: MANUFACTURER,
    clock,
    world,
    mapId: 'grid-1',
    statePeriodMs: 1000,
    connectBus: (clientId, will) => broker.connect({ clientId, will }),
  });
  clock.advance(0);
  return { clock, broker, world, master, fleet, states, connections, invalid };
}

describe('createVirtualFleet over a MemoryBroker', () => {
  it('connects each robot (ONLINE), publishes valid states, and drives an order sent by master control', async () => {
    const { clock, master, states, connections, invalid, fleet } = await setUp();
    expect(connections).toEqual([['R1', 'ONLINE'], ['R2', 'ONLINE']]);
    expect(states.map(([serial]) => serial)).toEqual(['R1', 'R2']);

    master.sendOrder('R1', pathOrder({ cells: row(0, 3) }));
    clock.advance(Math.round(runDurationSeconds(3 * defaultKinematics().cellSizeXM, defaultKinematics()) * 1000));
    const last = states.filter(([serial]) => serial === 'R1').at(-1)![1];
    expect(last).toMatchObject({ orderId: 'order-1', lastNodeId: 'c3_0', driving: false });
    expect(states.filter(([serial]) => serial === 'R2').at(-1)![1].lastNodeId).toBe('c0_2');
    // The controller's link validates every state it hears: none was invalid.
    expect(invalid).toEqual([]);
    await fleet.close();
  });

  it('turns an invalid order on the wire into a validationError in the robot state', async () => {
    const { clock, broker, states, fleet } = await setUp();
    broker.connect({ clientId: 'intruder' }).publish(vdaTopic({ manufacturer: MANUFACTURER, serialNumber: 'R2' }, 'order'), '{"orderId": 7}');
    clock.advance(0);
    const last = states.filter(([serial]) => serial === 'R2').at(-1)![1];
    expect(last.errors).toEqual([expect.objectContaining({ errorType: 'validationError', errorLevel: 'WARNING' })]);
    expect(last.errors[0]!.errorDescription).toMatch(/orderId/);
    await fleet.close();
  });

  it('announces OFFLINE on a clean close and stops publishing', async () => {
    const { clock, connections, states, fleet } = await setUp();
    await fleet.close();
    clock.advance(0);
    expect(connections.slice(-2)).toEqual([['R1', 'OFFLINE'], ['R2', 'OFFLINE']]);
    const count = states.length;
    clock.advance(5000);
    expect(states.length).toBe(count);
  });

  it('refuses a fleet with a serial number twice', async () => {
    const clock = new SimulatedClock();
    const broker = new MemoryBroker(clock);
    const world = new GridWorld({ columnsX: 2, columnsY: 2, depth: 1 });
    await expect(
      createVirtualFleet({
        robots: [
          { serialNumber: 'R1', startCell: { x: 0, y: 0 } },
          { serialNumber: 'R1', startCell: { x: 1, y: 0 } },
        ],
        manufacturer: MANUFACTURER,
        clock,
        world,
        mapId: 'm',
        connectBus: (clientId, will) => broker.connect({ clientId, will }),
      }),
    ).rejects.toThrow(/twice/);
  });
});
