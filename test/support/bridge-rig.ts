/**
 * One robot wired the way it runs on hardware, with the board emulated: the firmware bridge
 * talks to serialport's mock binding, whose other side is the board emulator moving a robot in
 * a small GridWorld; the VDA 5050 side is an in-memory broker where the test plays the
 * controller. Real time (scaled), because serialport's mock binding works on Node's event loop.
 */
import { SerialPortMock, type SerialPort } from 'serialport';
import { MemoryBroker } from '../../protocol/bus/memory-bus.ts';
import { connectMqttBus } from '../../protocol/bus/mqtt-bus.ts';
import { ephemeralIdentities } from '../../controller/security/ephemeral-identities.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../controller/broker/embedded-broker.ts';
import type { LastWill, MessageBus } from '../../protocol/bus/message-bus.ts';
import { parseLayout, type GridLayout } from '../../protocol/layout/index.ts';
import { RealClock } from '../../protocol/real-clock.ts';
import { MasterControlLink } from '../../protocol/vda5050/links.ts';
import { binAction as profileBinAction, GRIDLINE_VEHICLE_PROFILE } from '../../protocol/vda5050/vehicle-profile.ts';
import type { Action, OrderNode, OrderBody, State } from '../../protocol/vda5050/types.ts';
import { cellNodeId } from '../../protocol/vda5050/grid-nodes.ts';
import { startBridge, type RunningBridge } from '../../firmware-bridge/main.ts';
import { SerialPortTransport } from '../../firmware-bridge/serialport-transport.ts';
import type { BoardSessionOptions } from '../../firmware-bridge/board-session.ts';
import { BoardEmulator } from '../../sim/board/board-emulator.ts';
import type { BoardFaultOptions } from '../../sim/board/board-faults.ts';
import { gridWorldBody } from '../../sim/board/grid-world-body.ts';
import { layoutKinematics } from '../../sim/kinematics/robot-kinematics.ts';
import { GridWorld } from '../../sim/world/grid-world.ts';

export const RIG_SERIAL = 'hil1';
const MockBinding = SerialPortMock.binding;
const MANUFACTURER = 'gridline';

/**
 * 6 x 3 columns, 4 deep. Port at (5, 0). Column (2, 1) holds bins B0 (bottom) .. B2 (top),
 * so digging out B1 means setting B2 aside first. The robot starts at (0, 1).
 */
export const RIG_LAYOUT_JSON = {
  name: 'bridge-rig',
  columns: { x: 6, y: 3 },
  depth: 4,
  ports: [{ id: 'P1', x: 5, y: 0, mode: 'pick' }],
  robots: { count: 1 },
  inventory: { bins: [] },
};

export interface BridgeRig {
  clock: RealClock;
  world: GridWorld;
  emulator: BoardEmulator;
  bridge: RunningBridge;
  master: MasterControlLink;
  /** Every state the robot published, in order. */
  states: State[];
  latest(): State | undefined;
  /** Sends an order; returns its orderId. */
  sendOrder(body: OrderBody): void;
  sendInstantActions(actions: Action[]): void;
  /** Bytes that reach the bridge as if the board had sent them (line noise). */
  injectToBridge(bytes: Uint8Array): void;
  /** The serial device vanishes (the bridge's port closes with an error and cannot be reopened). */
  unplug(): void;
  /** The device is back. */
  plugIn(): void;
  /** MQTT rigs only: the broker goes away (clients lose their connection) and comes back on the same port. */
  stopBroker(): Promise<void>;
  restartBroker(): Promise<void>;
  close(): Promise<void>;
}

export interface BridgeRigOptions {
  /** Clock speed over real time. */
  speed?: number;
  faults?: Partial<BoardFaultOptions>;
  session?: Partial<Omit<BoardSessionOptions, 'clock' | 'transport'>>;
  /** Mock device path; unique per test file keeps parallel files apart. */
  path: string;
  /** The VDA 5050 side: an in-memory broker (default) or the embedded MQTT broker on loopback. */
  broker?: 'memory' | 'mqtt';
}

export function rigLayout(): GridLayout {
  const parsed = parseLayout(JSON.stringify(RIG_LAYOUT_JSON), 'bridge-rig');
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.layout;
}

/** The rig's world: the three bins of column (2, 1) and the robot at (0, 1). */
export function rigWorld(layout: GridLayout): GridWorld {
  const world = new GridWorld({
    columnsX: layout.columns.x,
    columnsY: layout.columns.y,
    depth: layout.depth,
    portCells: [{ x: 5, y: 0 }],
    portCapacity: 2,
    placements: [
      { binId: 'B0', x: 2, y: 1, level: 0 },
      { binId: 'B1', x: 2, y: 1, level: 1 },
      { binId: 'B2', x: 2, y: 1, level: 2 },
    ],
  });
  world.addRobot(RIG_SERIAL, { x: 0, y: 1 });
  return world;
}

export async function startBridgeRig(options: BridgeRigOptions): Promise<BridgeRig> {
  const clock = new RealClock(options.speed ?? 4);
  const layout = rigLayout();
  const kinematics = layoutKinematics(layout);
  const world = rigWorld(layout);

  let binding: MockBindingPort | undefined;
  const emulator = new BoardEmulator({
    clock,
    write: (bytes) => {
      if (binding?.isOpen) binding.emitData(Buffer.from(bytes));
    },
    kinematics,
    gridDepth: layout.depth,
    startCell: { x: 0, y: 1 },
    body: gridWorldBody(world, RIG_SERIAL, { kinematics }),
    ...(options.faults ? { faults: options.faults } : {}),
  });
  emulator.start();

  MockBinding.createPort(options.path, { echo: false, record: false });
  const transport = new SerialPortTransport(options.path, 115_200, 'mock', (port: SerialPort | SerialPortMock) => {
    const opened = port.port as unknown as MockBindingPort;
    binding = opened;
    // What the bridge writes reaches the board once the mock port has taken it.
    const write = opened.write.bind(opened);
    opened.write = async (buffer: Buffer) => {
      await write(buffer);
      emulator.receive(new Uint8Array(buffer));
    };
  });

  const router = new MemoryBroker(clock);
  const identities = await ephemeralIdentities([
    { name: 'rig-master', role: 'controller' },
    { name: RIG_SERIAL, role: 'robot' },
  ]);
  const startBroker = (port: number) =>
    startEmbeddedBroker({
      port,
      access: { identities: identities.store, topics: { site: 'rig', interfaceName: 'uagv', manufacturer: MANUFACTURER }, controllerClientIds: ['rig-master'], log: () => {} },
    });
  let broker: EmbeddedBroker | undefined = options.broker === 'mqtt' ? await startBroker(0) : undefined;
  const brokerPort = broker?.port ?? 0;
  const buses: MessageBus[] = [];
  const connect = async (clientId: string, will: LastWill | undefined, identity: string) => {
    const bus = broker
      ? await connectMqttBus(broker.url, { clientId, credentials: identities.login(identity), reconnectPeriodMs: 100, ...(will ? { will } : {}) })
      : router.connect({ clientId, ...(will ? { will } : {}) });
    buses.push(bus);
    return bus;
  };
  const master = new MasterControlLink(await connect('rig-master', undefined, 'rig-master'), clock, { manufacturer: MANUFACTURER });
  const states: State[] = [];
  master.onState((serial, state) => serial === RIG_SERIAL && states.push(state));
  await master.start();

  const bridge = await startBridge({
    serialNumber: RIG_SERIAL,
    layout,
    clock,
    transport,
    connectBus: (clientId, will) => connect(clientId, will, RIG_SERIAL),
    options: { manufacturer: MANUFACTURER, statePeriodMs: 1_000 },
    ...(options.session ? { session: options.session } : {}),
  });

  return {
    clock,
    world,
    emulator,
    bridge,
    master,
    states,
    latest: () => states[states.length - 1],
    sendOrder: (body) => void master.sendOrder(RIG_SERIAL, body),
    sendInstantActions: (actions) => void master.sendInstantActions(RIG_SERIAL, actions),
    injectToBridge: (bytes) => {
      if (binding?.isOpen) binding.emitData(Buffer.from(bytes));
    },
    unplug: () => {
      const gone = binding;
      binding = undefined;
      MockBinding.reset(); // the device node is gone: reopening fails until plugIn
      gone?.pendingRead?.(new Error('device disconnected'));
    },
    plugIn: () => MockBinding.createPort(options.path, { echo: false, record: false }),
    stopBroker: async () => {
      await broker?.close();
      broker = undefined;
    },
    restartBroker: async () => {
      broker = await startBroker(brokerPort);
    },
    close: async () => {
      await bridge.close();
      emulator.stop();
      for (const bus of buses) await bus.close();
      await broker?.close();
      MockBinding.reset();
    },
  };
}

/** The mock binding's port object, as far as the rig uses it. */
interface MockBindingPort {
  isOpen: boolean;
  emitData(data: Buffer): void;
  write(buffer: Buffer): Promise<void>;
  pendingRead: ((err?: Error) => void) | null;
}

// ---- building orders -------------------------------------------------------------------------

let actionCounter = 0;

/** A released node at cell (x, y) with the given actions. */
export function node(x: number, y: number, sequenceId: number, actions: Action[] = [], released = true): OrderNode {
  return { nodeId: cellNodeId(x, y), sequenceId, released, actions };
}

/** A pick or drop of the Gridline vehicle profile; (5, 0) is the rig's port P1. */
export function binAction(actionType: 'pick' | 'drop', binId: string, x: number, y: number, level: number): Action {
  actionCounter++;
  const atPort = x === 5 && y === 0;
  return profileBinAction(actionType, `${actionType}-${binId}-${actionCounter}`, { loadId: binId, x, y, level, ...(atPort ? { portId: 'P1' } : {}) }, GRIDLINE_VEHICLE_PROFILE, 0.33);
}

/** An order over the given nodes (sequence ids 0, 2, 4, … as given) with edges between them. */
export function orderOver(orderId: string, orderUpdateId: number, nodes: OrderNode[]): OrderBody {
  const edges = nodes.slice(1).map((n, i) => ({
    edgeId: `${nodes[i]!.nodeId}-${n.nodeId}`,
    sequenceId: nodes[i]!.sequenceId + 1,
    released: n.released,
    startNodeId: nodes[i]!.nodeId,
    endNodeId: n.nodeId,
    actions: [],
  }));
  return { orderId, orderUpdateId, nodes, edges };
}

export function instant(actionType: string): Action {
  actionCounter++;
  return { actionId: `${actionType}-${actionCounter}`, actionType, blockingType: 'HARD' };
}
