/**
 * One conformance suite for every body of the vehicle core: what a Gridline grid robot does on
 * the VDA 5050 2.0.0 side, whatever moves it. `describeVehicleConformance` runs it against a
 * harness: the simulator's virtual robot (sim/robot/virtual-robot.conformance.test.ts) and the
 * firmware bridge with the emulated motor controller board on a simulated clock
 * (test/integration/bridge-vehicle.conformance.test.ts).
 *
 * Every harness builds the same small grid (CONFORMANCE_GRID) with the robot at its start cell.
 * Tests wait for what they expect with a time limit rather than at exact times, because bodies
 * take different times (a board's link adds a few milliseconds to every command). Each test
 * names the section of VDA 5050 2.0.0 it checks.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cellNodeId, EMERGENCY_STOP_ACTION_TYPE, parseCellNodeId, RELEASE_EMERGENCY_STOP_ACTION_TYPE } from '../grid-nodes.ts';
import type { Action, ActionState, FactsheetBody, OrderBody, State } from '../types.ts';
import { binAction, GRIDLINE_VEHICLE_PROFILE, type VehicleProfile } from '../vehicle-profile.ts';
import { instantAction, pathOrder, row, type PathOrder } from './grid-orders.test-support.ts';

/** The grid every harness builds: 6 x 3 columns, 4 bins deep, a port and a charger. */
export const CONFORMANCE_GRID = {
  columns: { x: 6, y: 3 },
  depth: 4,
  cellSizeM: { x: 0.7, y: 0.5 },
  binHeightM: 0.33,
  port: { id: 'P1', x: 5, y: 0 },
  charger: { id: 'C1', x: 0, y: 2 },
  /** Where the robot stands at the start. */
  start: { x: 0, y: 1 },
  mapId: 'conformance',
  statePeriodMs: 1_000,
} as const;

/** The grid as a layout file (protocol/layout), for harnesses that read one. */
export function conformanceLayoutJson() {
  const g = CONFORMANCE_GRID;
  return {
    name: 'vehicle-conformance',
    columns: g.columns,
    depth: g.depth,
    cellSizeM: g.cellSizeM,
    binHeightM: g.binHeightM,
    ports: [{ ...g.port, mode: 'pick' }],
    chargers: [g.charger],
    robots: [{ serialNumber: 'R1', ...g.start }],
    inventory: { bins: [] },
  };
}

export interface ConformanceSetup {
  /** Bins standing in columns at the start; levels of a column are 0, 1, 2, … */
  placements?: { binId: string; x: number; y: number; level: number }[];
  /** The vehicle's profile; Gridline's own when absent. */
  profile?: VehicleProfile;
}

/** One vehicle on CONFORMANCE_GRID, played by a test as master control. */
export interface VehicleHarness {
  sendOrder(body: OrderBody): void;
  sendInstantActions(actions: Action[]): void;
  /** A message on the vehicle's topic `kind` that failed validation, as its link reports it; returns the topic. */
  sendInvalid(kind: 'order' | 'instantActions', errors: string[]): string;
  /** Advances the simulated clock by `ms`, letting the body's own work run on the way. */
  advance(ms: number): Promise<void>;
  /** Every state the vehicle published, in order. */
  states(): readonly State[];
  factsheets(): readonly FactsheetBody[];
  /** Published states and factsheets that failed the VDA 5050 2.0.0 schemas. */
  invalidMessages(): readonly string[];
  /** The bins of column (x, y), bottom first, and those in the port: the physical truth. */
  stackAt(x: number, y: number): readonly string[];
  portBins(x: number, y: number): readonly string[];
  close(): Promise<void>;
}

export type MakeHarness = (setup: ConformanceSetup) => Promise<VehicleHarness>;

// ---- building messages ----------------------------------------------------------------------

const S = CONFORMANCE_GRID.start;

/** An order over `cells` (see pathOrder). */
function orderOver(orderId: string, cells: PathOrder['cells'], options: Omit<PathOrder, 'orderId' | 'cells'> = {}): OrderBody {
  return pathOrder({ orderId, cells, ...options });
}

/** Cells (x, y) for x from `from` to `to` inclusive, on the start cell's row. */
const rowOf = (from: number, to: number): [number, number][] => row(from, to, S.y);

function pick(actionId: string, binId: string, x: number, y: number, level: number, profile: VehicleProfile = GRIDLINE_VEHICLE_PROFILE): Action {
  return binAction('pick', actionId, { loadId: binId, x, y, level }, profile, CONFORMANCE_GRID.binHeightM);
}

function drop(actionId: string, binId: string, x: number, y: number, level: number): Action {
  const atPort = x === CONFORMANCE_GRID.port.x && y === CONFORMANCE_GRID.port.y;
  return binAction('drop', actionId, { loadId: binId, x, y, level, ...(atPort ? { portId: CONFORMANCE_GRID.port.id } : {}) }, GRIDLINE_VEHICLE_PROFILE, CONFORMANCE_GRID.binHeightM);
}

const instant = instantAction;

// ---- reading states -------------------------------------------------------------------------

const statusOf = (s: State, actionId: string): ActionState['actionStatus'] | undefined => s.actionStates.find((a) => a.actionId === actionId)?.actionStatus;
const errorTypes = (s: State): string[] => s.errors.map((e) => e.errorType);
const references = (s: State, errorType: string) => s.errors.find((e) => e.errorType === errorType)?.errorReferences ?? [];

// ---- the suite ------------------------------------------------------------------------------

export function describeVehicleConformance(name: string, makeHarness: MakeHarness): void {
  describe(`${name}: VDA 5050 2.0.0 vehicle conformance`, () => {
    let open: VehicleHarness[] = [];
    async function harness(setup: ConformanceSetup = {}): Promise<VehicleHarness> {
      const h = await makeHarness(setup);
      open.push(h);
      return h;
    }
    afterEach(async () => {
      // Every state and factsheet any test published passes the VDA 5050 2.0.0 schemas.
      for (const h of open) {
        expect(h.invalidMessages()).toEqual([]);
        await h.close();
      }
      open = [];
    });

    const latest = (h: VehicleHarness): State => h.states()[h.states().length - 1]!;
    /** Advances in 50 ms steps until the latest state satisfies `ok`; fails with `what` and the state after `limitMs`. */
    async function until(h: VehicleHarness, ok: (s: State) => boolean, limitMs: number, what: string): Promise<State> {
      for (let t = 0; t <= limitMs; t += 50) {
        const s = h.states().at(-1);
        if (s && ok(s)) return s;
        await h.advance(50);
      }
      throw new Error(`${what} within ${limitMs} ms; latest state: ${JSON.stringify(latest(h))}`);
    }
    /** Advances `ms` and checks that `ok` held in every state published meanwhile. */
    async function throughout(h: VehicleHarness, ms: number, ok: (s: State) => boolean, what: string): Promise<void> {
      const from = h.states().length;
      await h.advance(ms);
      const broken = h.states().slice(from).find((s) => !ok(s));
      if (broken) throw new Error(`${what}: ${JSON.stringify(broken)}`);
    }
    const arrived = (nodeId: string) => (s: State) => s.lastNodeId === nodeId && s.nodeStates.length === 0 && !s.driving;

    describe('state (§6.10)', () => {
      it('reports its start cell as lastNodeId, its position in metres, an empty loads array and a battery before any order (§6.10.6)', async () => {
        const h = await harness();
        const s = latest(h);
        expect(s).toMatchObject({ orderId: '', lastNodeId: cellNodeId(S.x, S.y), nodeStates: [], edgeStates: [], loads: [], driving: false, paused: false, operatingMode: 'AUTOMATIC' });
        expect(s.agvPosition).toEqual({ x: S.x * 0.7, y: S.y * 0.5, theta: 0, mapId: CONFORMANCE_GRID.mapId, positionInitialized: true });
        expect(s.batteryState.batteryCharge).toBeGreaterThan(0);
        expect(s.safetyState).toEqual({ eStop: 'NONE', fieldViolation: false });
        expect(s.errors).toEqual([]);
      });

      it('publishes its state at least every statePeriodMs while nothing happens (§6.10.1)', async () => {
        const h = await harness();
        const from = h.states().length;
        const startMs = Date.parse(latest(h).timestamp);
        await h.advance(5_000);
        const times = [startMs, ...h.states().slice(from).map((s) => Date.parse(s.timestamp))];
        expect(times.length).toBeGreaterThanOrEqual(5);
        for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!, `gap before state ${i}`).toBeLessThanOrEqual(CONFORMANCE_GRID.statePeriodMs);
      });

      it('publishes on change, the changes of one instant in one message (§6.10.1)', async () => {
        const h = await harness();
        const from = h.states().length;
        h.sendOrder(orderOver('order-1', rowOf(0, 2)));
        h.sendInstantActions([instant('stateRequest', 'state-1')]);
        await h.advance(5);
        const next = h.states()[from]!;
        expect(next.orderId).toBe('order-1');
        expect(statusOf(next, 'state-1')).toBe('FINISHED');
      });

      it('lists the nodes ahead in nodeStates with their positions in metres (theta 0, the map id) and the edges in edgeStates (§6.10.6)', async () => {
        const h = await harness();
        h.sendOrder(orderOver('order-1', rowOf(0, 3), { released: 3 }));
        await h.advance(5);
        const s = latest(h);
        expect(s.nodeStates).toEqual([
          { nodeId: 'c1_1', sequenceId: 2, released: true, nodePosition: { x: 0.7, y: 0.5, theta: 0, mapId: CONFORMANCE_GRID.mapId } },
          { nodeId: 'c2_1', sequenceId: 4, released: true, nodePosition: { x: 1.4, y: 0.5, theta: 0, mapId: CONFORMANCE_GRID.mapId } },
          { nodeId: 'c3_1', sequenceId: 6, released: false, nodePosition: { x: 2.1, y: 0.5, theta: 0, mapId: CONFORMANCE_GRID.mapId } },
        ]);
        expect(s.edgeStates.map((e) => [e.edgeId, e.sequenceId, e.released])).toEqual([['c0_1-c1_1', 1, true], ['c1_1-c2_1', 3, true], ['c2_1-c3_1', 5, false]]);
      });
    });

    describe('orders (§6.6.2)', () => {
      it('takes a new order starting at its cell and drives the base node by node, dropping passed nodes and edges', async () => {
        const h = await harness();
        const from = h.states().length;
        h.sendOrder(orderOver('order-1', rowOf(0, 4)));
        const s = await until(h, arrived('c4_1'), 10_000, 'the end of the order');
        expect(s).toMatchObject({ orderId: 'order-1', lastNodeSequenceId: 8, edgeStates: [], errors: [] });
        expect(s.agvPosition).toMatchObject({ x: 2.8, y: 0.5 });
        const since = h.states().slice(from);
        const trail = since.map((x) => `${x.lastNodeId}/${x.lastNodeSequenceId}`).filter((id, i, all) => id !== all[i - 1]);
        expect(trail).toEqual(['c0_1/0', 'c1_1/2', 'c2_1/4', 'c3_1/6', 'c4_1/8']);
        expect(since.map((x) => x.nodeStates.length).filter((n, i, all) => n !== all[i - 1])).toEqual([4, 3, 2, 1, 0]);
        // Between nodes the state gives the distance since the last node (§6.10.6), at most one cell.
        const between = since.filter((x) => x.driving).map((x) => x.distanceSinceLastNode ?? -1);
        expect(between.length).toBeGreaterThan(0);
        expect(between.every((m) => m >= 0 && m <= CONFORMANCE_GRID.cellSizeM.x)).toBe(true);
        expect(between.some((m) => m > 0)).toBe(true);
      });

      it('takes the next order as soon as its state shows the previous one done: no nodes left, no action waiting or running (§6.6.2)', async () => {
        const h = await harness();
        h.sendOrder(orderOver('order-1', rowOf(0, 3)));
        const done = (s: State) => s.orderId === 'order-1' && s.lastNodeId === 'c3_1' && s.nodeStates.length === 0;
        // In 1 ms steps: the order goes out in the instant the state shows the previous one done.
        for (let t = 0; t < 10_000 && !done(latest(h)); t += 1) await h.advance(1);
        expect(done(latest(h))).toBe(true);
        h.sendOrder(orderOver('order-2', rowOf(3, 5)));
        await h.advance(5);
        expect(latest(h)).toMatchObject({ orderId: 'order-2', errors: [] });
        await until(h, arrived('c5_1'), 10_000, 'the second order done');
      });

      it('stops at the end of the base, never enters the horizon, and goes on when an update extends the base', async () => {
        const h = await harness();
        h.sendOrder(orderOver('order-1', rowOf(0, 4), { released: 3 }));
        await until(h, (s) => s.lastNodeId === 'c2_1' && !s.driving, 10_000, 'the end of the base');
        await throughout(h, 3_000, (s) => s.lastNodeId === 'c2_1' && s.agvPosition?.x === 1.4, 'stays at the end of the base');
        expect(latest(h).nodeStates.map((n) => [n.nodeId, n.released])).toEqual([['c3_1', false], ['c4_1', false]]);
        // The update starts at the last base node (c2_1, sequenceId 4) and replaces the horizon.
        h.sendOrder(orderOver('order-1', rowOf(2, 5), { orderUpdateId: 1, firstSequenceId: 4 }));
        const s = await until(h, arrived('c5_1'), 10_000, 'the end of the extended base');
        expect(s).toMatchObject({ orderUpdateId: 1, lastNodeSequenceId: 10, errors: [] });
      });

      it('replaces the horizon with the update\'s and keeps the base', async () => {
        const h = await harness();
        h.sendOrder(orderOver('order-1', [[0, 1], [1, 1], [2, 1], [3, 1]], { released: 2 }));
        await h.advance(5);
        h.sendOrder(orderOver('order-1', [[1, 1], [1, 0], [2, 0]], { orderUpdateId: 1, firstSequenceId: 2, released: 1 }));
        await h.advance(5);
        expect(latest(h).orderUpdateId).toBe(1);
        expect(latest(h).nodeStates.map((n) => [n.nodeId, n.sequenceId, n.released])).toEqual([
          ['c1_1', 2, true],
          ['c1_0', 4, false],
          ['c2_0', 6, false],
        ]);
      });

      it('discards an order with the orderId and orderUpdateId it has already (§6.6.2)', async () => {
        const h = await harness();
        const order = orderOver('order-1', rowOf(0, 3), { released: 2 });
        h.sendOrder(order);
        await h.advance(300);
        h.sendOrder(order);
        await h.advance(5);
        expect(latest(h)).toMatchObject({ orderId: 'order-1', orderUpdateId: 0, errors: [] });
        const s = await until(h, (x) => x.lastNodeId === 'c1_1' && !x.driving, 10_000, 'the end of the base');
        expect(s.nodeStates.map((n) => n.nodeId)).toEqual(['c2_1', 'c3_1']);
      });

      it('does not run the actions of the stitching node again (§6.6.2)', async () => {
        const h = await harness({ placements: [{ binId: 'B0', x: 1, y: 1, level: 0 }, { binId: 'B1', x: 1, y: 1, level: 1 }] });
        const pickB1 = pick('pick-1', 'B1', 1, 1, 1);
        h.sendOrder(orderOver('order-1', [[0, 1], [1, 1], [2, 1]], { released: 2, actions: { 1: [pickB1] } }));
        await until(h, (s) => statusOf(s, 'pick-1') === 'FINISHED', 20_000, 'the pick');
        h.sendOrder(orderOver('order-1', [[1, 1], [2, 1]], { orderUpdateId: 1, firstSequenceId: 2, actions: { 0: [pickB1] } }));
        const s = await until(h, arrived('c2_1'), 10_000, 'the end of the update');
        expect(s.actionStates.filter((a) => a.actionId === 'pick-1')).toEqual([{ actionId: 'pick-1', actionType: 'pick', actionStatus: 'FINISHED' }]);
        expect(s.errors).toEqual([]);
        expect(h.stackAt(1, 1)).toEqual(['B0']);
      });
    });

    describe('order rejection (§6.6.4)', () => {
      it('rejects a new order while another is in progress with an orderError naming it (§7.1 headerId, topic, orderId, orderUpdateId) and keeps going', async () => {
        const h = await harness();
        h.sendOrder(orderOver('order-1', rowOf(0, 3)));
        h.sendOrder(orderOver('order-2', rowOf(0, 1)));
        await h.advance(5);
        const s = latest(h);
        expect(s.orderId).toBe('order-1');
        expect(errorTypes(s)).toEqual(['orderError']);
        expect(s.errors[0]!.errorLevel).toBe('WARNING');
        expect(references(s, 'orderError')).toEqual([
          { referenceKey: 'headerId', referenceValue: expect.stringMatching(/^\d+$/) },
          { referenceKey: 'topic', referenceValue: 'order' },
          { referenceKey: 'orderId', referenceValue: 'order-2' },
          { referenceKey: 'orderUpdateId', referenceValue: '0' },
        ]);
        await until(h, arrived('c3_1'), 10_000, 'the first order done');
      });

      it('rejects a new order whose first node is not where it stands with a noRouteError naming the node', async () => {
        const h = await harness();
        h.sendOrder(orderOver('order-1', rowOf(1, 2)));
        await h.advance(2_000);
        const s = latest(h);
        expect(s).toMatchObject({ orderId: '', lastNodeId: 'c0_1' });
        expect(errorTypes(s)).toEqual(['noRouteError']);
        expect(references(s, 'noRouteError')).toEqual(expect.arrayContaining([{ referenceKey: 'orderId', referenceValue: 'order-1' }, { referenceKey: 'nodeId', referenceValue: 'c1_1' }]));
      });

      it.each([
        ['an unreleased first node', orderOver('bad', rowOf(0, 1), { released: 0 }), /must be released/],
        ['a cell outside the grid', orderOver('bad', [[0, 1], [-1, 1]]), /outside the grid/],
        ['a node id that is not a grid cell', { ...orderOver('bad', [[0, 1]]), nodes: [{ nodeId: 'dock', sequenceId: 0, released: true, actions: [] }] }, /not a grid cell/],
        ['cells that are not neighbours', orderOver('bad', [[0, 1], [2, 1]]), /not a neighbour/],
        ['an action it does not know', orderOver('bad', rowOf(0, 1), { actions: { 1: [{ actionType: 'dance', actionId: 'a1', blockingType: 'NONE' }] } }), /unknown action type 'dance'/],
        ['a pick naming another column', orderOver('bad', rowOf(0, 1), { actions: { 1: [pick('p1', 'B', 3, 1, 0)] } }), /not the node's cell/],
        ['a pick below the grid\'s depth', orderOver('bad', rowOf(0, 1), { actions: { 1: [pick('p1', 'B', 1, 1, 4)] } }), /level 4/],
      ])('rejects an order with %s as an orderError and stays put', async (_name, order, reason) => {
        const h = await harness();
        h.sendOrder(order);
        await h.advance(2_000);
        const s = latest(h);
        expect(s).toMatchObject({ orderId: '', lastNodeId: 'c0_1', nodeStates: [] });
        expect(errorTypes(s)).toEqual(['orderError']);
        expect(s.errors[0]!.errorDescription).toMatch(reason);
      });

      it('rejects an order whose node/edge graph is malformed as a validationError', async () => {
        const h = await harness();
        const order = orderOver('bad', rowOf(0, 2));
        h.sendOrder({ ...order, edges: order.edges.slice(0, 1) });
        await h.advance(5);
        expect(errorTypes(latest(h))).toEqual(['validationError']);
        expect(latest(h).orderId).toBe('');
      });

      it('reports a message that failed validation as a validationError naming its topic (§7.1)', async () => {
        const h = await harness();
        const topic = h.sendInvalid('order', ['nodes[0].sequenceId: expected an integer >= 0, got -1']);
        await h.advance(5);
        expect(latest(h).errors).toEqual([
          {
            errorType: 'validationError',
            errorLevel: 'WARNING',
            errorDescription: `${topic}: nodes[0].sequenceId: expected an integer >= 0, got -1`,
            errorReferences: [{ referenceKey: 'topic', referenceValue: 'order' }],
          },
        ]);
      });

      it('keeps a rejection warning until a new order is accepted', async () => {
        const h = await harness();
        h.sendOrder(orderOver('bad', [[0, 1], [2, 1]]));
        await h.advance(3_000);
        expect(errorTypes(latest(h))).toEqual(['orderError']);
        h.sendOrder(orderOver('good', rowOf(0, 1)));
        await h.advance(5);
        expect(latest(h)).toMatchObject({ orderId: 'good', errors: [] });
      });

      it('rejects an update with a lower orderUpdateId as an orderUpdateError and keeps its order', async () => {
        const h = await harness();
        h.sendOrder(orderOver('order-1', rowOf(0, 3), { released: 2 }));
        h.sendOrder(orderOver('order-1', rowOf(1, 3), { orderUpdateId: 2, released: 2, firstSequenceId: 2 }));
        h.sendOrder(orderOver('order-1', rowOf(1, 3), { orderUpdateId: 1, released: 2, firstSequenceId: 2 }));
        await h.advance(5);
        const s = latest(h);
        expect(s.orderUpdateId).toBe(2);
        expect(errorTypes(s)).toEqual(['orderUpdateError']);
        expect(references(s, 'orderUpdateError')).toEqual(expect.arrayContaining([{ referenceKey: 'orderId', referenceValue: 'order-1' }, { referenceKey: 'orderUpdateId', referenceValue: '1' }]));
        await until(h, (x) => x.lastNodeId === 'c2_1' && !x.driving, 10_000, 'the end of the base');
      });

      it('rejects an update that does not start at the last base node as an orderUpdateError', async () => {
        const h = await harness();
        h.sendOrder(orderOver('order-1', rowOf(0, 4), { released: 3 }));
        h.sendOrder(orderOver('order-1', rowOf(1, 4), { orderUpdateId: 1, firstSequenceId: 2 }));
        await h.advance(5);
        expect(latest(h).orderUpdateId).toBe(0);
        expect(errorTypes(latest(h))).toEqual(['orderUpdateError']);
        expect(latest(h).errors[0]!.errorDescription).toMatch(/not the last base node 'c2_1'/);
        await h.advance(8_000);
        expect(latest(h).lastNodeId).toBe('c2_1');
      });

      it('rejects a new order while an emergency stop is in force as an orderError', async () => {
        const h = await harness();
        h.sendInstantActions([instant(EMERGENCY_STOP_ACTION_TYPE)]);
        await until(h, (s) => s.safetyState.eStop === 'REMOTE', 2_000, 'the emergency stop');
        h.sendOrder(orderOver('order-1', rowOf(0, 1)));
        await h.advance(5);
        expect(latest(h).orderId).toBe('');
        expect(latest(h).errors.find((e) => e.errorType === 'orderError')?.errorDescription).toMatch(/emergency stop/);
      });
    });

    describe('action states (§6.11)', () => {
      it('gives released node actions WAITING at once, horizon actions only once released; RUNNING, then FINISHED, with the bin in loads under the profile\'s loadType (§6.10.6)', async () => {
        const h = await harness({ placements: [{ binId: 'B1', x: 1, y: 1, level: 0 }] });
        h.sendOrder(orderOver('order-1', rowOf(0, 2), { released: 2, actions: { 1: [pick('pick-1', 'B1', 1, 1, 0)], 2: [drop('drop-1', 'B1', 2, 1, 0)] } }));
        await h.advance(5);
        expect(latest(h).actionStates).toEqual([{ actionId: 'pick-1', actionType: 'pick', actionStatus: 'WAITING' }]);
        await until(h, (s) => statusOf(s, 'pick-1') === 'RUNNING', 10_000, 'the pick running');
        expect(latest(h).loads).toEqual([]);
        const picked = await until(h, (s) => statusOf(s, 'pick-1') === 'FINISHED', 20_000, 'the pick finished');
        expect(picked.loads).toEqual([{ loadId: 'B1', loadType: GRIDLINE_VEHICLE_PROFILE.loadType }]);
        h.sendOrder(orderOver('order-1', rowOf(1, 2), { orderUpdateId: 1, firstSequenceId: 2, actions: { 1: [drop('drop-1', 'B1', 2, 1, 0)] } }));
        await h.advance(5);
        expect(statusOf(latest(h), 'drop-1')).toBe('WAITING');
        const dropped = await until(h, (s) => statusOf(s, 'drop-1') === 'FINISHED', 20_000, 'the drop finished');
        expect(dropped.loads).toEqual([]);
        expect(h.stackAt(1, 1)).toEqual([]);
        expect(h.stackAt(2, 1)).toEqual(['B1']);
      });

      it('digs a bin out of a column and delivers it into the port', async () => {
        const h = await harness({ placements: [{ binId: 'B0', x: 1, y: 1, level: 0 }, { binId: 'B1', x: 1, y: 1, level: 1 }] });
        h.sendOrder(
          orderOver('dig', [[0, 1], [1, 1], [2, 1], [1, 1], [1, 0], [2, 0], [3, 0], [4, 0], [5, 0]], {
            actions: { 1: [pick('p1', 'B1', 1, 1, 1)], 2: [drop('d1', 'B1', 2, 1, 0)], 3: [pick('p2', 'B0', 1, 1, 0)], 8: [drop('d2', 'B0', 5, 0, 0)] },
          }),
        );
        const s = await until(h, (x) => arrived('c5_0')(x) && x.actionStates.every((a) => a.actionStatus === 'FINISHED'), 60_000, 'the order done');
        expect(s.actionStates.map((a) => a.actionId)).toEqual(['p1', 'd1', 'p2', 'd2']);
        expect(h.stackAt(1, 1)).toEqual([]);
        expect(h.stackAt(2, 1)).toEqual(['B1']);
        expect(h.portBins(5, 0)).toEqual(['B0']);
      });

      it('fails an action that cannot be done with a resultDescription and an actionError naming actionId and actionType, then carries on', async () => {
        const h = await harness();
        h.sendOrder(orderOver('order-1', rowOf(0, 2), { actions: { 1: [pick('pick-1', 'B9', 1, 1, 0)] } }));
        const s = await until(h, (x) => statusOf(x, 'pick-1') === 'FAILED', 20_000, 'the pick failed');
        expect(s.actionStates[0]!.resultDescription).toEqual(expect.any(String));
        expect(s.errors.find((e) => e.errorType === 'actionError')).toMatchObject({
          errorLevel: 'WARNING',
          errorReferences: [
            { referenceKey: 'actionId', referenceValue: 'pick-1' },
            { referenceKey: 'actionType', referenceValue: 'pick' },
          ],
        });
        await until(h, arrived('c2_1'), 20_000, 'the rest of the order');
        expect(latest(h).loads).toEqual([]);
      });

      it('reports a running action PAUSED while paused and RUNNING again after stopPause (§6.11 Table 1)', async () => {
        const h = await harness({ placements: [{ binId: 'B1', x: S.x, y: S.y, level: 0 }] });
        h.sendOrder(orderOver('order-1', [[S.x, S.y]], { actions: { 0: [pick('pick-1', 'B1', S.x, S.y, 0)] } }));
        await until(h, (s) => statusOf(s, 'pick-1') === 'RUNNING', 2_000, 'the pick running');
        await h.advance(300);
        h.sendInstantActions([instant('startPause')]);
        await until(h, (s) => s.paused === true, 2_000, 'paused');
        expect(statusOf(latest(h), 'pick-1')).toBe('PAUSED');
        await throughout(h, 5_000, (s) => statusOf(s, 'pick-1') === 'PAUSED' && s.loads?.length === 0, 'held while paused');
        h.sendInstantActions([instant('stopPause')]);
        await h.advance(5);
        expect(statusOf(latest(h), 'pick-1')).toBe('RUNNING');
        const s = await until(h, (x) => statusOf(x, 'pick-1') === 'FINISHED', 10_000, 'the pick finished');
        expect(s.loads).toEqual([{ loadId: 'B1', loadType: GRIDLINE_VEHICLE_PROFILE.loadType }]);
      });
    });

    describe('instant actions (§6.9)', () => {
      it('startPause: FINISHED and paused once it stands, no motion while paused; stopPause resumes the order (§6.8.2)', async () => {
        const h = await harness();
        h.sendOrder(orderOver('order-1', rowOf(0, 5)));
        await until(h, (s) => s.driving, 2_000, 'driving');
        h.sendInstantActions([instant('startPause', 'pause-1')]);
        const paused = await until(h, (s) => s.paused === true, 2_000, 'paused');
        expect(paused.driving).toBe(false);
        expect(statusOf(paused, 'pause-1')).toBe('FINISHED');
        const where = paused.agvPosition;
        await throughout(h, 3_000, (s) => s.paused === true && !s.driving && s.agvPosition?.x === where?.x && s.lastNodeId === paused.lastNodeId, 'held where it paused');
        expect(paused.lastNodeId).not.toBe('c5_1');
        h.sendInstantActions([instant('stopPause', 'resume-1')]);
        await h.advance(5);
        expect(latest(h).paused).toBe(false);
        expect(statusOf(latest(h), 'resume-1')).toBe('FINISHED');
        await until(h, arrived('c5_1'), 10_000, 'the end after resuming');
      });

      it('cancelOrder: stops at the next node, fails the waiting actions with a resultDescription, empties nodeStates and edgeStates, then FINISHED (§6.6.3)', async () => {
        const h = await harness({ placements: [{ binId: 'B5', x: 5, y: 1, level: 0 }] });
        h.sendOrder(orderOver('order-1', rowOf(0, 5), { actions: { 5: [pick('pick-5', 'B5', 5, 1, 0)] } }));
        await until(h, (s) => s.driving, 2_000, 'driving');
        h.sendInstantActions([instant('cancelOrder', 'cancel-1')]);
        await h.advance(5);
        expect(statusOf(latest(h), 'pick-5')).toBe('FAILED');
        expect(latest(h).actionStates.find((a) => a.actionId === 'pick-5')!.resultDescription).toEqual(expect.any(String));
        const s = await until(h, (x) => statusOf(x, 'cancel-1') === 'FINISHED', 5_000, 'the cancel finished');
        expect(s).toMatchObject({ orderId: 'order-1', driving: false, nodeStates: [], edgeStates: [] });
        expect(['c1_1', 'c2_1']).toContain(s.lastNodeId);
        await throughout(h, 3_000, (x) => x.lastNodeId === s.lastNodeId && !x.driving, 'stands after the cancel');
        expect(h.stackAt(5, 1)).toEqual(['B5']);
        // A cancelled order takes no more updates; a new order from where it stands is taken.
        const here = parseCellNodeId(s.lastNodeId)!;
        h.sendOrder(orderOver('order-1', rowOf(here.x, 3), { orderUpdateId: 1, firstSequenceId: s.lastNodeSequenceId }));
        await h.advance(5);
        expect(errorTypes(latest(h))).toEqual(['orderUpdateError']);
        h.sendOrder(orderOver('order-2', rowOf(here.x, 3)));
        await h.advance(5);
        expect(latest(h)).toMatchObject({ orderId: 'order-2', errors: [] });
        await until(h, arrived('c3_1'), 10_000, 'the new order done');
      });

      it('cancelOrder lets a running pick complete: the bin comes up, then the cancel is FINISHED (§6.6.3)', async () => {
        const h = await harness({ placements: [{ binId: 'B1', x: S.x, y: S.y, level: 0 }] });
        h.sendOrder(orderOver('order-1', rowOf(0, 2), { actions: { 0: [pick('pick-1', 'B1', S.x, S.y, 0)] } }));
        await until(h, (s) => statusOf(s, 'pick-1') === 'RUNNING', 2_000, 'the pick running');
        await h.advance(300);
        h.sendInstantActions([instant('cancelOrder', 'cancel-1')]);
        await h.advance(5);
        expect(statusOf(latest(h), 'cancel-1')).toBe('RUNNING');
        const s = await until(h, (x) => statusOf(x, 'cancel-1') === 'FINISHED', 10_000, 'the cancel finished');
        expect(statusOf(s, 'pick-1')).toBe('FINISHED');
        expect(s).toMatchObject({ lastNodeId: 'c0_1', nodeStates: [], loads: [{ loadId: 'B1', loadType: GRIDLINE_VEHICLE_PROFILE.loadType }] });
      });

      it('cancelOrder without an order fails with a noOrderToCancel warning naming the actionId (§6.6.3)', async () => {
        const h = await harness();
        h.sendInstantActions([instant('cancelOrder', 'cancel-1')]);
        await h.advance(5);
        const s = latest(h);
        expect(s.actionStates).toEqual([{ actionId: 'cancel-1', actionType: 'cancelOrder', actionStatus: 'FAILED', resultDescription: expect.any(String) }]);
        expect(s.errors).toEqual([{ errorType: 'noOrderToCancel', errorLevel: 'WARNING', errorDescription: expect.any(String), errorReferences: [{ referenceKey: 'actionId', referenceValue: 'cancel-1' }] }]);
      });

      it('factsheetRequest publishes the factsheet: the actions it runs, its loadType and stationTypes (§6.16)', async () => {
        const h = await harness();
        h.sendInstantActions([instant('factsheetRequest', 'fs-1')]);
        await h.advance(5);
        expect(statusOf(latest(h), 'fs-1')).toBe('FINISHED');
        expect(h.factsheets()).toHaveLength(1);
        const fs = h.factsheets()[0]!;
        expect(fs.loadSpecification.loadSets?.map((l) => l.loadType)).toEqual([GRIDLINE_VEHICLE_PROFILE.loadType]);
        expect(fs.protocolFeatures.agvActions.map((a) => a.actionType)).toEqual(
          expect.arrayContaining(['pick', 'drop', 'startCharging', 'stopCharging', 'startPause', 'stopPause', 'cancelOrder', 'factsheetRequest', 'stateRequest', EMERGENCY_STOP_ACTION_TYPE, RELEASE_EMERGENCY_STOP_ACTION_TYPE]),
        );
        expect(fs.protocolLimits.timing.defaultStateInterval).toBe(CONFORMANCE_GRID.statePeriodMs / 1000);
        const stationType = fs.protocolFeatures.agvActions.find((a) => a.actionType === 'pick')?.actionParameters?.find((p) => p.key === 'stationType');
        expect(stationType?.description).toContain(GRIDLINE_VEHICLE_PROFILE.stationType.column);
        expect(stationType?.description).toContain(GRIDLINE_VEHICLE_PROFILE.stationType.port);
      });

      it('stateRequest is FINISHED and the state goes out at once, not at the next period', async () => {
        const h = await harness();
        await h.advance(300);
        const from = h.states().length;
        h.sendInstantActions([instant('stateRequest', 'state-1')]);
        await h.advance(5);
        expect(h.states().slice(from).some((s) => statusOf(s, 'state-1') === 'FINISHED')).toBe(true);
      });

      it('startCharging runs on a charger cell (node action), stopCharging ends it (instant), and startCharging elsewhere fails', async () => {
        const h = await harness();
        h.sendInstantActions([instant('startCharging', 'charge-0')]);
        await h.advance(5);
        expect(latest(h).actionStates.find((a) => a.actionId === 'charge-0')).toMatchObject({ actionStatus: 'FAILED', resultDescription: 'cell (0, 1) is not a charger' });
        expect(latest(h).batteryState.charging).toBe(false);
        const { x, y } = CONFORMANCE_GRID.charger;
        h.sendOrder(orderOver('charge', [[S.x, S.y], [x, y]], { actions: { 1: [{ actionType: 'startCharging', actionId: 'charge-1', blockingType: 'HARD' }] } }));
        const charging = await until(h, (s) => statusOf(s, 'charge-1') === 'FINISHED', 10_000, 'charging');
        await until(h, (s) => s.batteryState.charging, 1_000, 'the battery charging');
        expect(charging.lastNodeId).toBe(cellNodeId(x, y));
        h.sendInstantActions([instant('stopCharging', 'charge-2')]);
        await until(h, (s) => statusOf(s, 'charge-2') === 'FINISHED', 2_000, 'stopCharging finished');
        await until(h, (s) => !s.batteryState.charging, 1_000, 'the battery not charging');
      });

      it('emergencyStop: eStop REMOTE and a FATAL emergencyStop error while it lasts, no motion; releaseEmergencyStop ends it and the order goes on', async () => {
        const h = await harness();
        h.sendOrder(orderOver('order-1', rowOf(0, 5)));
        await until(h, (s) => s.driving, 2_000, 'driving');
        h.sendInstantActions([instant(EMERGENCY_STOP_ACTION_TYPE, 'estop-1')]);
        const stopped = await until(h, (s) => s.safetyState.eStop === 'REMOTE' && !s.driving, 2_000, 'stopped');
        expect(statusOf(stopped, 'estop-1')).toBe('FINISHED');
        expect(stopped.errors.filter((e) => e.errorType === 'emergencyStop').map((e) => e.errorLevel)).toEqual(['FATAL']);
        await throughout(h, 3_000, (s) => s.safetyState.eStop === 'REMOTE' && !s.driving && s.lastNodeId === stopped.lastNodeId, 'held');
        h.sendInstantActions([instant(RELEASE_EMERGENCY_STOP_ACTION_TYPE, 'release-1')]);
        const released = await until(h, (s) => statusOf(s, 'release-1') === 'FINISHED', 2_000, 'released');
        expect(released.safetyState.eStop).toBe('NONE');
        expect(errorTypes(released)).toEqual([]);
        await until(h, arrived('c5_1'), 10_000, 'the end after the release');
      });

      it('fails an instant action it does not know with an actionError naming the actionId', async () => {
        const h = await harness();
        h.sendInstantActions([instant('fly', 'fly-1')]);
        await h.advance(5);
        const s = latest(h);
        expect(s.actionStates).toEqual([{ actionId: 'fly-1', actionType: 'fly', actionStatus: 'FAILED', resultDescription: expect.stringMatching(/fly/) }]);
        expect(references(s, 'actionError')).toEqual(expect.arrayContaining([{ referenceKey: 'actionId', referenceValue: 'fly-1' }]));
      });
    });

    describe('vehicle profile (protocol/vda5050/VEHICLE-PROFILE.md, §6.8.1 pick and drop)', () => {
      const other: VehicleProfile = { ...GRIDLINE_VEHICLE_PROFILE, stationType: { column: 'shelfColumn', port: 'shelfPort' }, loadType: 'tote' };

      it('takes pick and drop with its own stationType and loadType, reports and announces its loadType, and rejects other values naming the parameter', async () => {
        const h = await harness({ profile: other, placements: [{ binId: 'B1', x: 1, y: 1, level: 0 }] });
        h.sendOrder(orderOver('gridline', rowOf(0, 1), { actions: { 1: [pick('p0', 'B1', 1, 1, 0)] } }));
        await h.advance(5);
        expect(errorTypes(latest(h))).toEqual(['orderError']);
        expect(latest(h).errors[0]!.errorDescription).toMatch(/actionParameters\.stationType/);
        expect(latest(h).errors[0]!.errorDescription).toMatch(/actionParameters\.loadType/);
        h.sendOrder(orderOver('own', rowOf(0, 1), { actions: { 1: [pick('p1', 'B1', 1, 1, 0, other)] } }));
        const s = await until(h, (x) => statusOf(x, 'p1') === 'FINISHED', 20_000, 'the pick');
        expect(s.loads).toEqual([{ loadId: 'B1', loadType: 'tote' }]);
        h.sendInstantActions([instant('factsheetRequest')]);
        await h.advance(5);
        expect(h.factsheets()[0]!.loadSpecification.loadSets?.map((l) => l.loadType)).toEqual(['tote']);
      });
    });
  });
}
