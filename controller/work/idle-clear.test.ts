import { describe, expect, it } from 'vitest';
import type { OrderBody } from '../../protocol/vda5050/types.ts';
import { controllerOnLayoutFile } from '../test-support/tiny-controller.ts';
import { idleState } from '../test-support/robot-states.ts';
import type { ControllerOptions } from '../controller-options.ts';

/**
 * Idle robots and the ports: on a 12 x 12 grid with one pick port in the middle of the top
 * edge (5, 0), which has a lane, an idle robot 8 cells below the port stays where it is at the
 * default idle-clear distance (6) and drives off to park beyond it when the distance is 9.
 */
function rig(options: Partial<ControllerOptions>) {
  const orders: { serial: string; order: OrderBody }[] = [];
  const file = {
    name: 'idle-clear',
    columns: { x: 12, y: 12 },
    depth: 4,
    ports: [{ id: 'P1', x: 5, y: 0, mode: 'pick' }],
    robots: { count: 0 },
    externalRobots: [{ serialNumber: 'R1' }],
    inventory: { bins: [] },
  };
  const controller = controllerOnLayoutFile(file, options, { sendOrder: (serial, order) => void orders.push({ serial, order }), sendInstantActions() {} });
  controller.handleConnection('R1', { headerId: 0, timestamp: '2026-01-01T00:00:00.000Z', version: '2.0.0', manufacturer: 'gridline', serialNumber: 'R1', connectionState: 'ONLINE' });
  controller.handleState('R1', idleState('R1', 'c5_8'));
  controller.controlCycle();
  return { controller, orders };
}

/** Manhattan distance from node id `cX_Y` to the port at (5, 0). */
function cellsFromPort(nodeId: string): number {
  const [x, y] = nodeId.slice(1).split('_').map(Number) as [number, number];
  return Math.abs(x - 5) + y;
}

describe('idle robots near a port with a lane', () => {
  it('stay put outside the default idle-clear distance', () => {
    const { controller, orders } = rig({});
    expect(controller.robotStatus('R1')!.job).toBeNull();
    expect(orders).toEqual([]);
  });

  it('leave to park beyond a larger idle-clear distance, at the nearest cell past it', () => {
    const { controller, orders } = rig({ idleClearDistanceCells: 9 });
    expect(controller.robotStatus('R1')!.job).toMatch(/^park-/);
    const goal = orders.at(-1)!.order.nodes.at(-1)!.nodeId;
    expect(cellsFromPort(goal)).toBe(10);
  });
});
