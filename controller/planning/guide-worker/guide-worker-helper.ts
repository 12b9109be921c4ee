import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { GuideHelper, GuideHelperSetup } from '../guide-helper.ts';
import { createSharedWants, EPOCH, STOP } from './shared-wants.ts';
import type { GuideWorkerData } from './guide-worker-thread.ts';

/**
 * The guide-path helper on a worker thread (the adapter for guide-helper.ts): the planning
 * thread writes its wants into shared memory and drains finished paths synchronously from a
 * message port (`receiveMessageOnPort`), so a step never waits for the worker and the worker
 * never waits for a step. The worker does not keep the process alive; `close` stops it.
 *
 * Every path that comes back is checked again by the entry (GuidePaths.adopt); a message that
 * is not `{ agent, path: Int32Array }` for a known robot is dropped here.
 */
export function startGuideWorker({ graph, flow, agentCount }: GuideHelperSetup): GuideHelper {
  const wants = createSharedWants(agentCount);
  const { port1, port2 } = new MessageChannel();
  const data: GuideWorkerData = {
    // Plain copies of the graph's arrays: the worker only reads them.
    graph: { width: graph.width, cellCount: graph.cellCount, neighbours: graph.neighbours, compactOf: graph.compactOf },
    flow,
    wants,
    port: port2,
  };
  const worker = new Worker(new URL('./guide-worker-bootstrap.mjs', import.meta.url), { workerData: data, transferList: [port2] });
  worker.unref();
  port1.unref();
  let closed = false;
  // A worker that fails leaves the entry planning alone, as without a helper.
  worker.on('error', () => undefined);
  return {
    want(agent, start, goal, urgent) {
      wants.start[agent] = start;
      wants.goal[agent] = goal;
      if (urgent) Atomics.store(wants.urgent, agent, 1);
    },
    idle(agent) {
      wants.goal[agent] = -1;
      Atomics.store(wants.urgent, agent, 0);
    },
    publish() {
      Atomics.add(wants.control, EPOCH, 1);
      Atomics.notify(wants.control, EPOCH);
    },
    drain(take) {
      if (closed) return;
      for (let message = receiveMessageOnPort(port1); message !== undefined; message = receiveMessageOnPort(port1)) {
        const { agent, path } = (message.message ?? {}) as { agent?: unknown; path?: unknown };
        if (typeof agent !== 'number' || !Number.isInteger(agent) || agent < 0 || agent >= agentCount || !(path instanceof Int32Array)) continue;
        take(agent, path);
      }
    },
    close() {
      if (closed) return;
      closed = true;
      Atomics.store(wants.control, STOP, 1);
      Atomics.notify(wants.control, EPOCH);
      port1.close();
      void worker.terminate();
    },
  };
}
