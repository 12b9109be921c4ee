/**
 * Test helper: the tiny controller (tiny-controller.ts) with every order and instant action it
 * sends recorded, its simulated clock, and robots played by hand.
 */
import { SimulatedClock } from '../../protocol/clock.ts';
import type { Action, OrderBody, State } from '../../protocol/vda5050/types.ts';
import { newVisit } from '../requests/request-book.ts';
import { tinyController, type TinyBin } from './tiny-controller.ts';
import { idleState } from './robot-states.ts';

/** The robot on its order, having reached route index `index`, still driving. */
export function onOrder(serial: string, order: OrderBody, index: number): State {
  const node = order.nodes.find((n) => n.sequenceId === 2 * index)!;
  return { ...idleState(serial, node.nodeId), orderId: order.orderId, orderUpdateId: order.orderUpdateId, lastNodeSequenceId: 2 * index, nodeStates: [{ nodeId: 'x', sequenceId: 2 * index + 2, released: true }], driving: true };
}

export const online = (serial: string) => ({ headerId: 0, timestamp: '2026-01-01T00:00:00.000Z', version: '2.0.0', manufacturer: 'gridline', serialNumber: serial, connectionState: 'ONLINE' as const });

export function recordingRig(bins: TinyBin[] = [{ id: 'B1', x: 5, y: 2, level: 0, contents: [{ sku: 'S1', quantity: 4 }] }]) {
  const orders: { serial: string; order: OrderBody }[] = [];
  const instant: { serial: string; actions: Action[] }[] = [];
  const clock = new SimulatedClock();
  const controller = tinyController(
    bins,
    {},
    {
      sendOrder: (serial, order) => void orders.push({ serial, order }),
      sendInstantActions: (serial, actions) => void instant.push({ serial, actions }),
    },
    clock,
  );
  const addRobot = (serial: string, nodeId: string) => {
    controller.handleConnection(serial, online(serial));
    controller.handleState(serial, idleState(serial, nodeId));
  };
  /** A pick request of one piece from the bin, queued for retrieval to P1. */
  const queueRetrieval = (binId = 'B1') => {
    controller.requests.add({ requestId: `q-${binId}`, clientId: 'c', type: 'pick', acceptedAtMs: 0, priority: 0, lines: [{ sku: 'S1', quantity: 1 }], done: new Map(), shortage: false, visits: [newVisit({ visitId: `v-${binId}`, requestId: `q-${binId}`, binId, portId: 'P1', mode: 'pick', lines: [{ line: 0, sku: 'S1', quantity: 1 }] })] });
    controller.queueVisit(controller.requests.visit(`v-${binId}`)!, { priority: 0 });
  };
  const actionTypes = (serial: string) => instant.filter((i) => i.serial === serial).flatMap((i) => i.actions.map((a) => a.actionType));
  return { controller, clock, orders, instant, addRobot, queueRetrieval, actionTypes };
}
