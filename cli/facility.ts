import { createHash } from 'node:crypto';
import { MemoryBroker } from '../protocol/bus/memory-bus.ts';
import { connectMqttBus, type MqttCredentials } from '../protocol/bus/mqtt-bus.ts';
import type { LastWill, MessageBus } from '../protocol/bus/message-bus.ts';
import { SimulatedClock, type Clock } from '../protocol/clock.ts';
import { RealClock } from '../protocol/real-clock.ts';
import { robotStartCells, vehicleProfileOf, withExternalRobots, withRobotCount, type GridLayout } from '../protocol/layout/index.ts';
import { WmsClientLink } from '../protocol/wms/links.ts';
import { bridgeClientId } from '../firmware-bridge/main.ts';
import { simulatedPickerClientId } from '../sim/pickers/create-pickers.ts';
import { parseCellNodeId } from '../protocol/vda5050/grid-nodes.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from '../controller/broker/embedded-broker.ts';
import { defaultControllerOptions, NETWORK_WAIT_OPTIONS, type ControllerOptions } from '../controller/controller-options.ts';
import type { CycleProfiler } from '../controller/grid-controller.ts';
import { startController, type RunningController } from '../controller/main.ts';
import { layoutKinematics } from '../sim/kinematics/robot-kinematics.ts';
import { GridWorld } from '../sim/world/grid-world.ts';
import { createVirtualFleet, virtualRobotClientId, type VirtualFleet } from '../sim/robot/virtual-fleet.ts';
import { FaultyVehicleBus, type VehicleFaults } from '../sim/faults/faulty-vehicle-bus.ts';
import { createPickers, type PickerCrew } from '../sim/pickers/create-pickers.ts';
import { DemoWms, type DemoWmsOptions } from '../sim/wms/demo-wms.ts';
import { InvariantChecker } from '../sim/scenario/invariant-checker.ts';
import { startHardwareInTheLoop, type HilFleet, type HilLink } from './hardware-in-the-loop.ts';
import { CONTROLLER_IDENTITY, DEMO_WMS_IDENTITY, MONITOR_IDENTITY, portScreenIdentity, prepareFacilityIdentities, type FacilityIdentities } from './facility-identities.ts';

export type FacilityTransport =
  /** Everything in this process on a simulated clock over an in-memory broker: deterministic. */
  | { kind: 'in-process' }
  /**
   * Real MQTT: the embedded broker on `port` of loopback (0 = ephemeral), or an external broker
   * `url`. With `tls`, the embedded broker also serves mqtts on `tls.host`:`tls.port` for the
   * parts that connect from elsewhere (the facility's own parts keep to loopback).
   */
  | { kind: 'mqtt'; url?: string; port?: number; speed: number; tls?: { host?: string; port: number; cert: string; key: string; ca?: string } };

export interface FacilityOptions {
  layout: GridLayout;
  transport: FacilityTransport;
  seed: number;
  /** Robots in the facility; the layout's count when absent. */
  robots?: number;
  /**
   * Robots of the fleet the facility does not start, besides the layout's external ones: they
   * connect on their own (another maker's vehicle), and the controller waits for them like any other.
   */
  externalRobots?: readonly string[];
  /** Folder of the controller's SQLite store; in memory when absent. */
  dataDir?: string;
  /** Demo WMS settings, or false to run without one. */
  wms?: Partial<DemoWmsOptions> | false;
  controller?: Partial<ControllerOptions>;
  /** Check DESIGN.md §5 invariants every `checkEveryMs` of facility time (0 = never). */
  checkEveryMs?: number;
  /** Keep every message (topic and payload) of an in-process run for its hash. */
  recordEventLog?: boolean;
  /** Measures the controller's control cycles in wall time (benchmarks). */
  profiler?: CycleProfiler;
  /** Sees every VDA 5050 message published (for conformance checks in tests). */
  onVdaMessage?: (topic: string, payload: string) => void;
  /**
   * The first `count` robots run as firmware bridge + board emulator pairs instead of virtual
   * robots, over an in-memory serial line or a socat pseudo-terminal pair.
   */
  hardwareInTheLoop?: { count: number; link: HilLink };
  /** Where the hardware-in-the-loop robots report link changes and errors. */
  log?: (line: string) => void;
  /**
   * Ports with no simulated picker: a person confirms there, through the port screen (e.g. in
   * a browser). The others get a simulated picker each.
   */
  manualPorts?: string[];
  /**
   * What the simulated people counting a bin find in it, given the units the controller records
   * (the simulated stock is the recorded stock unless a test says otherwise): a stock difference.
   */
  countedUnits?: (binId: string, sku: string, recorded: number) => number;
  /** Faults on the wire of these virtual robots, by serial number (tests of the robot edge). */
  vehicleFaults?: ReadonlyMap<string, VehicleFaults>;
  /**
   * Over MQTT every part logs in (identities in `dataDir`, or in memory without one). Create the
   * console's demo users on a first start (`people`) and an identity for `gridline wms` beside
   * the facility (`commandLineWms`). The embedded broker says `refusalLinesPerMinute` refusals
   * per identity a minute (default 5).
   */
  identities?: { people?: boolean; commandLineWms?: boolean; refusalLinesPerMinute?: number };
}

export interface Facility {
  readonly clock: Clock;
  readonly controller: RunningController;
  readonly world: GridWorld;
  readonly fleet: VirtualFleet;
  /** Robots running through bridge + board emulator pairs (none unless asked for). */
  readonly hil: HilFleet | null;
  readonly pickers: PickerCrew;
  readonly wms: DemoWms | null;
  readonly checker: InvariantChecker;
  readonly broker: EmbeddedBroker | null;
  /** `mqtt://…` of the broker in use (MQTT transport only). */
  readonly brokerUrl: string | null;
  /** Who may connect (MQTT transport only): the facility's own parts and any added. */
  readonly identities: FacilityIdentities | null;
  /**
   * Opens one more client connection to the facility's broker (for tests that play a party on
   * the wire), logged in as `login` (over MQTT; the in-process transport checks no one).
   */
  connectBus(clientId: string, login?: MqttCredentials): Promise<MessageBus>;
  /** SHA-256 of the event log so far (in-process runs with recordEventLog). */
  eventLogHash(): string;
  eventLogLength(): number;
  /** Facility time since start, ms. */
  elapsedMs(): number;
  /** Advances a simulated clock (in-process only), running checks on the way. */
  advance(ms: number): void;
  stop(): Promise<void>;
}

/**
 * Composition root of a whole facility: the controller, the physical world, virtual robots,
 * simulated pickers and the demo WMS, over one transport. Used by `gridline start`, the
 * scenario runs, the benchmark and the integration tests.
 */
export async function startFacility(options: FacilityOptions): Promise<Facility> {
  const controllerOptions = defaultControllerOptions({ ...networkWaitsAtSpeed(options.transport), ...options.controller });
  const counted: GridLayout = options.robots !== undefined ? withRobotCount(options.layout, options.robots) : options.layout;
  const layout = options.externalRobots?.length ? withExternalRobots(counted, options.externalRobots) : counted;
  const transport = options.transport;
  // Checked before anything starts.
  const manualPorts = new Set(options.manualPorts ?? []);
  const unknownPorts = [...manualPorts].filter((id) => !layout.ports.some((p) => p.id === id));
  if (unknownPorts.length > 0) throw new RangeError(`manual ports ${unknownPorts.join(', ')} are not in the layout; its ports are ${layout.ports.map((p) => p.id).join(', ')}`);
  const clock: Clock = transport.kind === 'in-process' ? new SimulatedClock() : new RealClock(transport.speed);
  const startedMs = clock.now();
  const hash = createHash('sha256');
  let logLength = 0;

  const starts = (layout.robots.placed ?? robotStartCells(layout, options.seed)).map((r) => ({ serialNumber: r.serialNumber, startCell: { x: r.x, y: r.y } }));
  const controllerClientId = `gridline-controller-${controllerOptions.site}`;
  const identities =
    transport.kind === 'mqtt'
      ? await prepareFacilityIdentities(options.dataDir, {
          robots: starts.map((r) => r.serialNumber),
          ports: layout.ports.map((p) => p.id),
          demoWms: options.wms !== false,
          commandLineWms: options.identities?.commandLineWms ?? false,
          monitor: options.onVdaMessage !== undefined,
          people: options.identities?.people ?? false,
        })
      : null;
  /** Which identity each of the facility's own client ids logs in as. */
  const identityOfClient = new Map<string, string>([[controllerClientId, CONTROLLER_IDENTITY]]);
  for (const { serialNumber } of starts) {
    identityOfClient.set(virtualRobotClientId(controllerOptions.manufacturer, serialNumber), serialNumber);
    identityOfClient.set(bridgeClientId(controllerOptions.manufacturer, serialNumber), serialNumber);
  }
  for (const port of layout.ports) identityOfClient.set(simulatedPickerClientId(controllerOptions.site, port.id), portScreenIdentity(port.id));

  let broker: EmbeddedBroker | null = null;
  let brokerUrl: string | null = null;
  let connect: (clientId: string, will?: LastWill, login?: MqttCredentials) => Promise<MessageBus>;
  // Every connection the facility opens, closed at stop (open MQTT clients keep a process alive).
  const buses: MessageBus[] = [];
  const track = (bus: MessageBus) => (buses.push(bus), bus);
  if (transport.kind === 'in-process') {
    const router = new MemoryBroker(clock);
    if (options.recordEventLog) {
      router.tap((topic, payload) => {
        hash.update(`${clock.now()} ${topic} ${payload}\n`);
        logLength++;
      });
    }
    if (options.onVdaMessage) router.tap((topic, payload) => topic.startsWith(`${controllerOptions.interfaceName}/`) && options.onVdaMessage!(topic, payload));
    connect = async (clientId, will) => track(router.connect({ clientId, ...(will ? { will } : {}) }));
  } else {
    const known = identities!;
    if (transport.url) brokerUrl = transport.url;
    else {
      broker = await startEmbeddedBroker({
        port: transport.port ?? 0,
        ...(transport.tls ? { tls: transport.tls } : {}),
        access: {
          identities: known.store,
          topics: { site: controllerOptions.site, interfaceName: controllerOptions.interfaceName, manufacturer: controllerOptions.manufacturer },
          controllerClientIds: [controllerClientId],
          log: (line) => options.log?.(`broker ${line}`),
          ...(options.identities?.refusalLinesPerMinute !== undefined ? { refusalLinesPerMinute: options.identities.refusalLinesPerMinute } : {}),
        },
      });
      brokerUrl = broker.url;
    }
    const url = brokerUrl;
    // With an external broker the controller keeps its session while it restarts, so WMS
    // requests and port confirmations sent meanwhile wait for it (QoS 1). The embedded broker
    // lives and dies with the controller: nothing to keep.
    const persistentSession = transport.url !== undefined;
    connect = async (clientId, will, login) => {
      // The facility's own parts read their password afresh on every reconnection: one rotated
      // while they run ("gridline identities rotate") is the one they log in with next.
      const name = identityOfClient.get(clientId) ?? clientId;
      const credentials = login ?? (() => known.credentialsOf(name));
      return track(await connectMqttBus(url, { clientId, credentials, ...(will ? { will } : {}), ...(clientId === controllerClientId && persistentSession ? { persistentSession } : {}) }));
    };
    if (options.onVdaMessage) {
      const tap = await connect(`gridline-tap-${process.pid}`, undefined, known.credentialsOf(MONITOR_IDENTITY));
      await tap.subscribe(`${controllerOptions.interfaceName}/v2/${controllerOptions.manufacturer}/#`, options.onVdaMessage);
    }
  }

  let checker: InvariantChecker | undefined;
  const controller = await startController({
    layout,
    bus: await connect(controllerClientId),
    clock,
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    options: controllerOptions,
    onOrderSent: (serial, order) => checker?.checkOrder(clock.now() - startedMs, serial, order),
    ...(options.profiler ? { profiler: options.profiler } : {}),
    ...(identities ? { identities: identities.store } : {}),
    brokerStats: () => broker?.stats() ?? null,
  });
  const core = controller.controller;

  const world = new GridWorld({
    columnsX: layout.columns.x,
    columnsY: layout.columns.y,
    depth: layout.depth,
    portCells: layout.ports.map((p) => ({ x: p.x, y: p.y })),
    portCapacity: controllerOptions.portCapacityBins,
    chargerCells: layout.chargers.map((c) => ({ x: c.x, y: c.y })),
    blockedCells: layout.blocked,
    placements: core.inventory
      .allBins()
      .map((binId) => ({ binId, location: core.inventory.location(binId) }))
      .flatMap(({ binId, location }) => (location.kind === 'column' ? [{ binId, x: location.x, y: location.y, level: location.level }] : [])),
  });
  const hilCount = options.hardwareInTheLoop?.count ?? 0;
  if (!(Number.isInteger(hilCount) && hilCount >= 0 && hilCount <= starts.length)) {
    throw new RangeError(`hardware-in-the-loop robots must be a whole number from 0 to the ${starts.length} robots, got ${hilCount}`);
  }
  const kinematics = layoutKinematics(layout);
  const hil =
    hilCount > 0
      ? await startHardwareInTheLoop({
          robots: starts.slice(0, hilCount),
          link: options.hardwareInTheLoop!.link,
          layout,
          clock,
          speed: transport.kind === 'mqtt' ? transport.speed : 1,
          world,
          kinematics,
          manufacturer: controllerOptions.manufacturer,
          interfaceName: controllerOptions.interfaceName,
          connectBus: connect,
          log: options.log ?? (() => {}),
        })
      : null;
  const fleet = await createVirtualFleet({
    robots: starts.slice(hilCount),
    manufacturer: controllerOptions.manufacturer,
    interfaceName: controllerOptions.interfaceName,
    clock,
    world,
    mapId: controllerOptions.mapId,
    kinematics,
    profileOf: (serial) => vehicleProfileOf(layout, serial),
    connectBus: async (clientId, will) => {
      const bus = await connect(clientId, will);
      const serial = starts.find((r) => virtualRobotClientId(controllerOptions.manufacturer, r.serialNumber) === clientId)?.serialNumber;
      const faults = serial === undefined ? undefined : options.vehicleFaults?.get(serial);
      return faults ? new FaultyVehicleBus(bus, faults) : bus;
    },
  });

  // The physical world matches the store: bins the controller last saw on a robot or at a
  // port are there (robots start at the layout's cells, or cells spread by the seed).
  for (const binId of core.inventory.allBins()) {
    const location = core.inventory.location(binId);
    // Only virtual robots get their bin back: a bridge robot's board reports a closed gripper,
    // not which bin it holds, so a bridge robot that held a bin at a restart is a known gap.
    if (location.kind === 'robot' && fleet.robots.has(location.serial)) world.restoreHeldBin(location.serial, binId);
    if (location.kind === 'port') {
      const port = layout.ports.find((p) => p.id === location.portId)!;
      world.restorePortBin({ x: port.x, y: port.y }, binId);
    }
  }

  const crew = await createPickers(
    layout.ports.map((p) => p.id).filter((id) => !manualPorts.has(id)),
    {
      site: controllerOptions.site,
      clock,
      seed: options.seed,
      connectBus: (clientId) => connect(clientId),
      countUnits: (binId, sku) => {
        const recorded = core.inventory.contents(binId).find((line) => line.sku === sku)?.quantity ?? 0;
        return options.countedUnits ? options.countedUnits(binId, sku, recorded) : recorded;
      },
    },
  );

  let wms: DemoWms | null = null;
  if (options.wms !== false) {
    const clientId = DEMO_WMS_IDENTITY;
    const link = new WmsClientLink(await connect(`gridline-${clientId}`, undefined, identities?.credentialsOf(DEMO_WMS_IDENTITY)), { site: controllerOptions.site, clientId });
    await link.start();
    const stock = core.inventory.knownSkus().map((sku) => ({ sku, quantity: core.inventory.available(sku) }));
    // Request ids from the start time stay unique when a facility starts again on a store that
    // remembers earlier runs' ids.
    const requestIdPrefix = `demo-${Math.floor(clock.now() / 1000).toString(36)}`;
    wms = new DemoWms({ link, clock, stock, requestIdPrefix, options: { seed: options.seed, ...(options.wms ?? {}) } });
    wms.start();
  }

  const ledger = { protocolViolations: (o?: { final?: boolean }) => wms?.protocolViolations(o) ?? [] };
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
    ledger,
  );
  const checkEveryMs = options.checkEveryMs ?? 0;
  let checkTimer: unknown = null;
  if (checkEveryMs > 0) {
    const check = () => {
      checker!.checkNow(clock.now() - startedMs);
      checkTimer = clock.setTimeout(check, checkEveryMs);
    };
    checkTimer = clock.setTimeout(check, checkEveryMs);
  }

  return {
    clock,
    controller,
    world,
    fleet,
    hil,
    pickers: crew,
    wms,
    checker,
    broker,
    brokerUrl,
    identities,
    connectBus: (clientId, login) => {
      if (transport.kind === 'mqtt' && !login) throw new Error(`connectBus(${clientId}) over MQTT needs a login (facility.identities.add gives one)`);
      return connect(clientId, undefined, login);
    },
    eventLogHash: () => hash.copy().digest('hex'),
    eventLogLength: () => logLength,
    elapsedMs: () => clock.now() - startedMs,
    advance(ms: number) {
      if (!(clock instanceof SimulatedClock)) throw new Error('advance() needs the in-process transport');
      clock.advance(ms);
    },
    async stop() {
      if (checkTimer !== null) clock.clearTimeout(checkTimer);
      wms?.stop();
      await crew.close();
      await hil?.close();
      await fleet.close();
      await controller.stop();
      // Closing twice is harmless: the fleet and the controller closed their own already.
      await Promise.all(buses.map((bus) => bus.close()));
      await broker?.close();
    },
  };
}

/**
 * The controller's limits that wait on the network (a robot's answer over MQTT takes wall
 * time, whatever the clock's speed) in clock ms at the transport's speed: the defaults hold in
 * wall time. A simulated in-process clock keeps them as they are.
 */
function networkWaitsAtSpeed(transport: FacilityTransport): Partial<ControllerOptions> {
  if (transport.kind !== 'mqtt' || transport.speed <= 1) return {};
  const defaults = defaultControllerOptions();
  return Object.fromEntries(NETWORK_WAIT_OPTIONS.map((key) => [key, defaults[key] * transport.speed]));
}
