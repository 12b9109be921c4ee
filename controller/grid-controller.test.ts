import { describe, expect, it } from 'vitest';
import type { Action, OrderBody, State } from '../protocol/vda5050/types.ts';
import { tinyController } from './test-support/tiny-controller.ts';
import { idleState } from './test-support/robot-states.ts';
import { newVisit } from './requests/request-book.ts';

function recordingCommands() {
  const orders: { serial: string; order: OrderBody }[] = [];
  const instantActions: { serial: string; actions: Action[] }[] = [];
  return {
    orders,
    instantActions,
    port: {
      sendOrder: (serial: string, order: OrderBody) => void orders.push({ serial, order }),
      sendInstantActions: (serial: string, actions: Action[]) => void instantActions.push({ serial, actions }),
    },
  };
}

describe('GridController, robots reporting in', () => {
  it('raises an alarm once for a robot reporting a position off the grid, and never commands it', () => {
    const commands = recordingCommands();
    const controller = tinyController([], {}, commands.port);
    for (let i = 0; i < 5; i++) controller.handleState('R1', idleState('R1', 'dock-3'));
    expect(controller.alarms.map((a) => a.message)).toEqual(['reports an unknown position "dock-3"; not commanded until it reports a grid cell']);
    expect(commands.orders).toEqual([]);
    expect(commands.instantActions).toEqual([]);
  });

  it('refuses a second robot reporting a cell another robot holds', () => {
    const controller = tinyController([]);
    controller.handleState('R1', idleState('R1', 'c3_2'));
    controller.handleState('R2', idleState('R2', 'c3_2'));
    expect(controller.heldCells('R1')).toEqual([controller.grid.index(3, 2)]);
    expect(controller.heldCells('R2')).toEqual([]);
    expect(controller.alarms.map((a) => a.message)).toEqual(['cannot be placed at c3_2: cell is held by R1']);
  });

  it('asks each robot for its factsheet once (VDA 5050 factsheetRequest)', () => {
    const commands = recordingCommands();
    const controller = tinyController([], {}, commands.port);
    controller.handleState('R1', idleState('R1', 'c3_2'));
    controller.handleState('R1', idleState('R1', 'c3_2'));
    expect(commands.instantActions.map((c) => c.actions.map((a) => a.actionType))).toEqual([['factsheetRequest']]);
  });
});

describe('GridController, a retrieval', () => {
  it('releases to the robot only cells it holds, and asks for the pick once it stands on the column', () => {
    const commands = recordingCommands();
    const controller = tinyController([{ id: 'B1', x: 5, y: 2, level: 0, contents: [{ sku: 'S1', quantity: 4 }] }], {}, commands.port);
    controller.handleConnection('R1', { headerId: 0, timestamp: '2026-01-01T00:00:00.000Z', version: '2.0.0', manufacturer: 'gridline', serialNumber: 'R1', connectionState: 'ONLINE' });
    controller.handleState('R1', idleState('R1', 'c1_2'));
    controller.requests.add({ requestId: 'q1', clientId: 'c', type: 'pick', acceptedAtMs: 0, priority: 0, lines: [{ sku: 'S1', quantity: 1 }], done: new Map(), shortage: false, visits: [newVisit({ visitId: 'v1', requestId: 'q1', binId: 'B1', portId: 'P1', mode: 'pick', lines: [{ line: 0, sku: 'S1', quantity: 1 }] })] });
    controller.queueVisit(controller.requests.visit('v1')!, { priority: 0 });
    controller.controlCycle();

    expect(commands.orders).toHaveLength(1);
    const { order } = commands.orders[0]!;
    const held = new Set(controller.heldCells('R1').map((cell) => {
      const { x, y } = controller.grid.cellOf(cell);
      return `c${x}_${y}`;
    }));
    const released = order.nodes.filter((n) => n.released).map((n) => n.nodeId);
    expect(released.length).toBeGreaterThan(1);
    for (const node of released) expect(held.has(node)).toBe(true);
    expect(order.nodes.at(-1)!.nodeId).toBe('c5_2');
    // Travel first: the pick is decided when the robot stands on the column.
    expect(order.nodes.flatMap((n) => n.actions)).toEqual([]);
  });
});

describe('GridController, batteries', () => {
  const online = { headerId: 0, timestamp: '2026-01-01T00:00:00.000Z', version: '2.0.0', manufacturer: 'gridline', serialNumber: 'R1', connectionState: 'ONLINE' } as const;

  it('sends an idle robot with a low battery to a charger to charge, and frees it when charged', () => {
    const commands = recordingCommands();
    const controller = tinyController([], {}, commands.port);
    controller.handleConnection('R1', online);
    controller.handleState('R1', idleState('R1', 'c5_3', 20));
    controller.controlCycle();
    const order = commands.orders.at(-1)!.order;
    expect(order.nodes.at(-1)!.nodeId).toBe('c7_1');
    const charge = order.nodes.at(-1)!.actions[0]!;
    expect(charge.actionType).toBe('startCharging');
    expect(controller.robotStatus('R1')!.job).toMatch(/^charge-/);

    // At the charger, charging: the job waits until the battery is full enough.
    const atCharger = (percent: number): State => ({
      ...idleState('R1', 'c7_1', percent, true),
      orderId: order.orderId,
      lastNodeSequenceId: order.nodes.at(-1)!.sequenceId,
      actionStates: [{ actionId: charge.actionId, actionType: 'startCharging', actionStatus: 'FINISHED' }],
    });
    controller.handleState('R1', atCharger(50));
    controller.controlCycle();
    expect(controller.robotStatus('R1')!.job).toMatch(/^charge-/);
    controller.handleState('R1', atCharger(95));
    controller.controlCycle();
    expect(controller.robotStatus('R1')!.job).toBeNull();
  });

  it('gives a robot below the critical charge no new work when no charger is free', () => {
    const commands = recordingCommands();
    const controller = tinyController([{ id: 'B1', x: 5, y: 2, level: 0, contents: [{ sku: 'S1', quantity: 4 }] }], {}, commands.port);
    // Another robot holds the only charger.
    controller.handleState('R2', idleState('R2', 'c7_1', 50, true));
    controller.handleConnection('R1', online);
    controller.handleState('R1', idleState('R1', 'c1_2', 5));
    controller.requests.add({ requestId: 'q1', clientId: 'c', type: 'pick', acceptedAtMs: 0, priority: 0, lines: [{ sku: 'S1', quantity: 1 }], done: new Map(), shortage: false, visits: [newVisit({ visitId: 'v1', requestId: 'q1', binId: 'B1', portId: 'P1', mode: 'pick', lines: [{ line: 0, sku: 'S1', quantity: 1 }] })] });
    controller.queueVisit(controller.requests.visit('v1')!, { priority: 0 });
    controller.controlCycle();
    expect(controller.robotStatus('R1')!.job).toBeNull();
    expect(commands.orders.filter((o) => o.serial === 'R1')).toEqual([]);
  });
});
