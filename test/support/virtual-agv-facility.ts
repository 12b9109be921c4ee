/**
 * The default facility over a real broker with two vda-5050-lib vehicles (R013, R014) as
 * external robots beside two simulated robots, for the interop tests over the embedded aedes
 * broker and over Mosquitto. Records what a test checks: which robot served which retrieval,
 * every VDA 5050 message Gridline published (checked against the official 2.0.0 schemas). The
 * outside vehicles are mirrored into the simulator's world (outside-vehicle-mirror.ts), so its
 * invariant checks cover them and the simulated robots find the bins they moved.
 */
import { readFileSync } from 'node:fs';
import type { AgvController } from 'vda-5050-lib';
import { startFacility, type Facility } from '../../cli/facility.ts';
import { parseLayout, robotStartCells, startedSerials, withRobotCount, type GridLayout } from '../../protocol/layout/index.ts';
import { prepareFacilityIdentities } from '../../cli/facility-identities.ts';
import type { MqttCredentials } from '../../protocol/bus/mqtt-bus.ts';
import { loadOfficialValidators } from '../../protocol/vda5050/official-schemas.test-support.ts';
import { parseVdaTopic } from '../../protocol/vda5050/topics.ts';
import type { Order, State } from '../../protocol/vda5050/types.ts';
import { receiveCommand, type ConsoleReplyDraft } from '../../protocol/console/console-links.ts';
import type { ConsoleCommand } from '../../protocol/console/console-messages.ts';
import { REPO_ROOT } from './processes.ts';
import { startVirtualAgv, VIRTUAL_AGV_VEHICLE_TYPE } from './vda5050-lib-vehicle.ts';
import { OutsideVehicleMirror } from './outside-vehicle-mirror.ts';

export const OUTSIDE = ['R013', 'R014'] as const;
/** An operator's command without its id (one member of the union at a time). */
type CommandDraft = ConsoleCommand extends infer C ? (C extends unknown ? Omit<C, 'commandId'> : never) : never;
const SIMULATED = 2;
const CANCEL_ACTION_ID = 'interop-cancel';
const SEED = 5;
/** The console user the test's commands come from. */
const SUPERVISOR = 'interop-supervisor';

export interface VirtualAgvFacility {
  f: Facility;
  vehicles: AgvController[];
  /** Retrievals each outside vehicle was given: visit id → its bin and request. */
  retrievalsBy: Map<string, Map<string, { binId: string; requestId: string }>>;
  /** VDA 5050 messages Gridline published that the official schemas refuse. */
  schemaProblems: string[];
  /** Messages Gridline published, by kind. */
  published: Map<string, number>;
  /** What the outside vehicles reported that the physical world cannot have had. */
  mirrorProblems(): string[];
  /** With `cancelWhileDriving`: the cancel's action states that vehicle reported, in order, and its states then. */
  cancel: { sentAtMs: number | undefined; statuses: string[]; nodesAfter: number[] };
  /** Runs the clock's wall time on, sampling what is recorded, until `done` or `timeoutMs` (wall). */
  runUntil(done: () => boolean, timeoutMs: number): Promise<boolean>;
  /** Sends an operator's command; its reply, once given. */
  command(command: CommandDraft, timeoutMs?: number): Promise<ConsoleReplyDraft>;
  stop(): Promise<void>;
}

/**
 * The layout: the default facility with two simulated robots, the outside vehicles as external
 * robots of the vda-5050-lib vehicle type (with or without instant actions under their 1.1 name).
 */
function interopLayout(legacyInstantActions: boolean): GridLayout {
  const file = JSON.parse(readFileSync(`${REPO_ROOT}/protocol/layout/default-facility.json`, 'utf8')) as Record<string, unknown>;
  file.vehicleTypes = { 'vda5050-lib-virtual': { ...VIRTUAL_AGV_VEHICLE_TYPE, legacyInstantActions } };
  file.externalRobots = OUTSIDE.map((serialNumber) => ({ serialNumber, vehicleType: 'vda5050-lib-virtual' }));
  const parsed = parseLayout(JSON.stringify(file), 'interop');
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return withRobotCount(parsed.layout, SIMULATED);
}

/** An external broker configured from a data folder's identities (test/support/mosquitto.ts). */
export interface ExternalBroker {
  readonly url: string;
  /** Configures the broker again from the data folder's identities. */
  reload(): Promise<void>;
  readonly dataDir: string;
}

export async function startVirtualAgvFacility(options: {
  broker: ExternalBroker | { embedded: true };
  speed: number;
  legacyInstantActions: boolean;
  requests: number;
  /** Sends this vehicle a cancelOrder (§6.6.3) while it drives a leg, once it has served a retrieval. */
  cancelWhileDriving?: string;
}): Promise<VirtualAgvFacility> {
  const layout = interopLayout(options.legacyInstantActions);
  const official = loadOfficialValidators();
  const schemaProblems: string[] = [];
  const published = new Map<string, number>();
  // The outside vehicles and the test's own tap need identities too. An external broker knows
  // only the identities it was configured with: they are all made first, then it is configured.
  const extra = [...OUTSIDE.map((name) => ({ name, role: 'robot' as const })), { name: 'interop-tap', role: 'monitor' as const }, { name: SUPERVISOR, role: 'supervisor' as const }];
  const logins = new Map<string, MqttCredentials>();
  const external = 'url' in options.broker ? options.broker : null;
  if (external) {
    const identities = await prepareFacilityIdentities(external.dataDir, {
      robots: startedSerials(layout),
      ports: layout.ports.map((p) => p.id),
      demoWms: options.requests > 0,
      commandLineWms: false,
      monitor: true,
      people: false,
    });
    for (const { name, role } of extra) logins.set(name, await identities.add(name, role));
    await external.reload();
  }
  const f = await startFacility({
    layout,
    transport: { kind: 'mqtt', speed: options.speed, ...(external ? { url: external.url } : { port: 0 }) },
    ...(external ? { dataDir: external.dataDir } : {}),
    seed: SEED,
    wms: options.requests > 0 ? { totalRequests: options.requests, requestsPerHour: 400, maxOpenRequests: 6 } : false,
    checkEveryMs: 1_000,
    onVdaMessage: (topic, payload) => {
      const parsed = parseVdaTopic(topic);
      if (!parsed) return;
      // Gridline publishes orders and instant actions, and its simulated robots' messages.
      const ours = parsed.kind === 'order' || parsed.kind === 'instantActions' || !(OUTSIDE as readonly string[]).includes(parsed.address.serialNumber);
      if (!ours) return;
      published.set(parsed.kind, (published.get(parsed.kind) ?? 0) + 1);
      const errors = official[parsed.kind](JSON.parse(payload));
      if (errors.length > 0 && schemaProblems.length < 20) schemaProblems.push(`${topic}: ${errors.join('; ')}`);
    },
  });
  // The outside vehicles stand where no simulated robot starts, away from the ports.
  const taken = new Set(robotStartCells(layout, SEED).map((c) => `${c.x},${c.y}`));
  const cells = [{ x: 9, y: 9 }, { x: 16, y: 11 }, { x: 10, y: 10 }, { x: 17, y: 12 }].filter((c) => !taken.has(`${c.x},${c.y}`)).slice(0, OUTSIDE.length);
  const core = f.controller.controller;
  if (!external) for (const { name, role } of extra) logins.set(name, await f.identities!.add(name, role));
  const tap = await f.connectBus('interop-tap', logins.get('interop-tap'));
  const mirrors: OutsideVehicleMirror[] = [];
  for (const [i, serial] of OUTSIDE.entries()) {
    const mirror = new OutsideVehicleMirror(f.world, serial, cells[i]!, layout.cellSizeM);
    mirrors.push(mirror);
    await tap.subscribe(`uagv/v2/gridline/${serial}/order`, (_topic, payload) => mirror.onOrder(JSON.parse(payload) as Order), { qos: 1 });
    await tap.subscribe(`uagv/v2/gridline/${serial}/state`, (_topic, payload) => mirror.onState(JSON.parse(payload) as State));
  }
  const vehicles: AgvController[] = [];
  for (const [i, serialNumber] of OUTSIDE.entries()) {
    vehicles.push(await startVirtualAgv({ brokerUrl: f.brokerUrl!, login: logins.get(serialNumber)!, serialNumber, cell: cells[i]!, cellSizeM: layout.cellSizeM, mapId: core.options.mapId, timeLapse: options.speed }));
  }

  const retrievalsBy = new Map<string, Map<string, { binId: string; requestId: string }>>(OUTSIDE.map((s) => [s, new Map()]));
  const cancel: VirtualAgvFacility['cancel'] = { sentAtMs: undefined, statuses: [], nodesAfter: [] };
  let driving = false;
  if (options.cancelWhileDriving) {
    await tap.subscribe(`uagv/v2/gridline/${options.cancelWhileDriving}/state`, (_topic, payload) => {
      const state = JSON.parse(payload) as State;
      driving = state.driving;
      if (cancel.sentAtMs === undefined) return;
      const status = state.actionStates.find((a) => a.actionId === CANCEL_ACTION_ID)?.actionStatus;
      if (status && status !== cancel.statuses.at(-1)) {
        cancel.statuses.push(status);
        cancel.nodesAfter.push(state.nodeStates.length);
      }
    });
  }
  const sample = () => {
    for (const view of core.robotViews()) if (view.job?.kind === 'retrieve') retrievalsBy.get(view.serial)?.set(view.job.id, { binId: view.job.binId, requestId: view.job.requestId });
    const serial = options.cancelWhileDriving;
    // Once it has served a retrieval, while it drives with cells released ahead.
    if (serial && cancel.sentAtMs === undefined && driving && retrievalsBy.get(serial)!.size >= 2 && core.heldCells(serial).length >= 3) {
      cancel.sentAtMs = f.elapsedMs();
      core.edge.sendInstantActions(serial, [{ actionType: 'cancelOrder', actionId: CANCEL_ACTION_ID, blockingType: 'HARD' }]);
    }
  };
  const runUntil = async (done: () => boolean, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) return false;
      sample();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    sample();
    return true;
  };
  let commands = 0;
  return {
    f,
    vehicles,
    retrievalsBy,
    schemaProblems,
    published,
    mirrorProblems: () => mirrors.flatMap((m) => m.problems),
    cancel,
    runUntil,
    async command(command, timeoutMs = 30_000) {
      let reply: ConsoleReplyDraft | undefined;
      f.controller.console.handle(receiveCommand(SUPERVISOR, JSON.stringify({ commandId: `interop-${++commands}`, ...command })), (r) => (reply = r));
      if (!(await runUntil(() => reply !== undefined, timeoutMs))) throw new Error(`no reply to ${command.type} within ${timeoutMs} ms`);
      return reply!;
    },
    async stop() {
      await tap.close();
      for (const vehicle of vehicles) await vehicle.stop();
      await f.stop();
    },
  };
}
