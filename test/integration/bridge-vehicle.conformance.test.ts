/**
 * The vehicle conformance suite against the firmware bridge: the bridge's vehicle and board
 * session over an in-memory serial line at 115 200 baud to the board emulator, which moves the
 * robot in a GridWorld, all on one simulated clock.
 */
import { vdaTopic } from '../../protocol/vda5050/topics.ts';
import { CONFORMANCE_GRID, conformanceLayoutJson, describeVehicleConformance, type VehicleHarness } from '../../protocol/vda5050/vehicle/vehicle-conformance.test-support.ts';
import { RIG_SERIAL } from '../support/bridge-rig.ts';
import { startSimulatedBridgeRig } from '../support/bridge-sim-rig.ts';

describeVehicleConformance('firmware bridge + board emulator', async (setup): Promise<VehicleHarness> => {
  const layoutJson = conformanceLayoutJson();
  const r = startSimulatedBridgeRig({
    layoutJson: { ...layoutJson, robots: [{ ...layoutJson.robots[0]!, serialNumber: RIG_SERIAL }] },
    placements: setup.placements ?? [],
    mapId: CONFORMANCE_GRID.mapId,
    // Frames take their time on the wire, as on the robot: a status and a done written together arrive apart.
    baudRate: 115_200,
    ...(setup.profile ? { profile: setup.profile } : {}),
  });
  // The bridge knows where the robot stands once the board's first status is in.
  for (let t = 0; t < 5_000 && !(r.link.states.at(-1)?.agvPosition && r.link.states.at(-1)!.errors.length === 0); t += 50) await r.advance(50);
  if (r.session.linkState !== 'ready') throw new Error(`the bridge did not link to the board: ${JSON.stringify(r.link.states.at(-1))}`);
  return {
    sendOrder: (body) => r.order(body),
    sendInstantActions: (actions) => r.instant(actions),
    sendInvalid: (kind, errors) => {
      const topic = vdaTopic({ manufacturer: 'gridline', serialNumber: RIG_SERIAL }, kind);
      r.link.sendInvalid(topic, errors);
      return topic;
    },
    advance: (ms) => r.advance(ms),
    states: () => r.link.states,
    factsheets: () => r.link.factsheets,
    invalidMessages: () => r.link.invalidStates,
    stackAt: (x, y) => r.world.stackAt(x, y),
    portBins: (x, y) => r.world.portBins(x, y),
    close: async () => {
      await r.vehicle.stop();
      r.emulator.stop();
    },
  };
});
