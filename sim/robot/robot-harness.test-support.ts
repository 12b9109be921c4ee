/**
 * Test harness for VirtualRobot: a fake link that records every published state (with a
 * header, validated against the real VDA 5050 state schema) and order builders for grid paths.
 */
import { SimulatedClock } from '../../protocol/clock.ts';
import { cellNodeId } from '../../protocol/vda5050/grid-nodes.ts';
import { dropAction, pickAction } from '../../protocol/vda5050/vehicle-profile.ts';
import type { Action, FactsheetBody, InstantActions, Order, OrderEdge, OrderNode, State, StateBody } from '../../protocol/vda5050/types.ts';
import { validateVdaMessage } from '../../protocol/vda5050/validate.ts';
import { defaultKinematics } from '../kinematics/robot-kinematics.ts';
import { GridWorld, type BinPlacement } from '../world/grid-world.ts';
import { VirtualRobot, type VehicleLinkPort } from './virtual-robot.ts';

export const MAP_ID = 'grid-test';
export const SERIAL = 'R1';
const START_MS = Date.UTC(2026, 0, 1);

export class FakeVehicleLink implements VehicleLinkPort {
  readonly states: State[] = [];
  readonly factsheets: FactsheetBody[] = [];
  /** Problems found by validating published states; a test expects this to stay empty. */
  readonly invalidStates: string[] = [];
  private orderListener: ((order: Order) => void) | undefined;
  private instantListener: ((message: InstantActions) => void) | undefined;
  private invalidListener: ((topic: string, errors: string[]) => void) | undefined;
  private headerId = 0;
  private orderHeaderId = 0;

  constructor(private readonly clock: SimulatedClock) {}

  onOrder(listener: (order: Order) => void): void {
    this.orderListener = listener;
  }
  onInstantActions(listener: (message: InstantActions) => void): void {
    this.instantListener = listener;
  }
  onInvalidMessage(listener: (topic: string, errors: string[]) => void): void {
    this.invalidListener = listener;
  }

  publishState(body: StateBody): void {
    const message = { headerId: this.headerId++, timestamp: new Date(this.clock.now()).toISOString(), version: '2.0.0', manufacturer: 'gridline', serialNumber: SERIAL, ...body };
    const checked = validateVdaMessage('state', message);
    if (!checked.ok) this.invalidStates.push(...checked.errors);
    this.states.push(structuredClone(message));
  }

  publishFactsheet(body: FactsheetBody): void {
    this.factsheets.push(body);
  }

  // ---- what master control would send ----

  sendOrder(order: Omit<Order, 'headerId' | 'timestamp' | 'version' | 'manufacturer' | 'serialNumber'>): void {
    this.orderListener!({ headerId: this.orderHeaderId++, timestamp: new Date(this.clock.now()).toISOString(), version: '2.0.0', manufacturer: 'gridline', serialNumber: SERIAL, ...order });
  }

  sendInstantActions(...actions: Action[]): void {
    this.instantListener!({ headerId: 0, timestamp: new Date(this.clock.now()).toISOString(), version: '2.0.0', manufacturer: 'gridline', serialNumber: SERIAL, actions });
  }

  sendInvalid(topic: string, errors: string[]): void {
    this.invalidListener!(topic, errors);
  }

  get lastState(): State {
    return this.states[this.states.length - 1]!;
  }
}

export function instantAction(actionType: string, actionId = `${actionType}-1`): Action {
  return { actionType, actionId, blockingType: 'HARD' };
}

export { dropAction, pickAction };

export interface PathOrder {
  orderId?: string;
  orderUpdateId?: number;
  /** Cells in driving order; the first is where the robot stands (or the stitching node). */
  cells: [number, number][];
  /** How many leading nodes are released; default all. */
  released?: number;
  /** Node actions by index into `cells`. */
  actions?: Record<number, Action[]>;
  /** sequenceId of the first node; default 0. */
  firstSequenceId?: number;
}

export function pathOrder(p: PathOrder): Omit<Order, 'headerId' | 'timestamp' | 'version' | 'manufacturer' | 'serialNumber'> {
  const released = p.released ?? p.cells.length;
  const first = p.firstSequenceId ?? 0;
  const nodes: OrderNode[] = p.cells.map(([x, y], i) => ({
    nodeId: cellNodeId(x, y),
    sequenceId: first + 2 * i,
    released: i < released,
    actions: p.actions?.[i] ?? [],
  }));
  const edges: OrderEdge[] = nodes.slice(1).map((to, i) => ({
    edgeId: `${nodes[i]!.nodeId}-${to.nodeId}`,
    sequenceId: first + 2 * i + 1,
    released: i + 1 < released,
    startNodeId: nodes[i]!.nodeId,
    endNodeId: to.nodeId,
    actions: [],
  }));
  return { orderId: p.orderId ?? 'order-1', orderUpdateId: p.orderUpdateId ?? 0, nodes, edges };
}

/** Cells (x, 0) for x from `from` to `to` inclusive, either direction. */
export function row(from: number, to: number, y = 0): [number, number][] {
  const cells: [number, number][] = [];
  const step = to >= from ? 1 : -1;
  for (let x = from; x !== to + step; x += step) cells.push([x, y]);
  return cells;
}

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
  const link = new FakeVehicleLink(clock);
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
