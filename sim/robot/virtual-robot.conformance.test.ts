/**
 * The vehicle conformance suite against the simulator's virtual robot, on a simulated clock.
 */
import { SimulatedClock } from '../../protocol/clock.ts';
import { vdaTopic } from '../../protocol/vda5050/topics.ts';
import { FakeVehicleLink } from '../../protocol/vda5050/vehicle/fake-vehicle-link.test-support.ts';
import { CONFORMANCE_GRID, describeVehicleConformance, type VehicleHarness } from '../../protocol/vda5050/vehicle/vehicle-conformance.test-support.ts';
import { defaultKinematics } from '../kinematics/robot-kinematics.ts';
import { GridWorld } from '../world/grid-world.ts';
import { VirtualRobot } from './virtual-robot.ts';

describeVehicleConformance('virtual robot', async (setup): Promise<VehicleHarness> => {
  const g = CONFORMANCE_GRID;
  const clock = new SimulatedClock(Date.UTC(2026, 0, 1));
  const world = new GridWorld({
    columnsX: g.columns.x,
    columnsY: g.columns.y,
    depth: g.depth,
    portCells: [g.port],
    portCapacity: 2,
    chargerCells: [g.charger],
    placements: setup.placements ?? [],
  });
  const link = new FakeVehicleLink(clock, 'R1');
  const robot = new VirtualRobot({
    serialNumber: 'R1',
    startCell: g.start,
    clock,
    world,
    kinematics: { ...defaultKinematics(), cellSizeXM: g.cellSizeM.x, cellSizeYM: g.cellSizeM.y, binHeightM: g.binHeightM },
    link,
    mapId: g.mapId,
    statePeriodMs: g.statePeriodMs,
    ...(setup.profile ? { profile: setup.profile } : {}),
  });
  robot.start();
  clock.advance(0);
  return {
    sendOrder: (body) => void link.sendOrder(body),
    sendInstantActions: (actions) => link.sendInstantActions(...actions),
    sendInvalid: (kind, errors) => {
      const topic = vdaTopic({ manufacturer: 'gridline', serialNumber: 'R1' }, kind);
      link.sendInvalid(topic, errors);
      return topic;
    },
    advance: async (ms) => clock.advance(ms),
    states: () => link.states,
    factsheets: () => link.factsheets,
    invalidMessages: () => link.invalidStates,
    stackAt: (x, y) => world.stackAt(x, y),
    portBins: (x, y) => world.portBins(x, y),
    close: async () => robot.stop(),
  };
});
