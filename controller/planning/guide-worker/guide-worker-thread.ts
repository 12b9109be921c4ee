import { type MessagePort, workerData } from 'node:worker_threads';
import { FlowSearch, type SearchGraph, type TrafficFlow } from '../flow-search.ts';
import { EPOCH, STOP, type SharedWants } from './shared-wants.ts';

/**
 * The guide worker's loop (started by guide-worker-helper.ts): searches guide paths against
 * the planning thread's live flow, urgent robots first (no path to follow), then every robot
 * that wants one in turn, and posts each path on `port`. It never writes the flow: the planning
 * thread adds a path's moves when it adopts it. Each robot is searched at most once per
 * publish (unless marked urgent again); when none is left it waits for the next publish, so a
 * small fleet does not keep a core busy. It ends when STOP is set (or when terminated).
 *
 * Its searches use Manhattan distance as the heuristic (the distance maps stay on the planning
 * thread), and see the robot's own current path in the flow (the planning thread's own searches
 * take it out first): a small bias against crossing it, which adoption tolerates.
 */
export interface GuideWorkerData {
  graph: SearchGraph;
  flow: TrafficFlow;
  wants: SharedWants;
  port: MessagePort;
}

/** Longest wait for a publish before looking again, ms. */
const IDLE_WAIT_MS = 50;

export function runGuideWorker({ graph, flow, wants, port }: GuideWorkerData): void {
  const search = new FlowSearch(graph, flow);
  const agents = wants.goal.length;
  let turn = 0;
  let urgentFrom = 0;
  /** Per robot: the publish (EPOCH) in which it was last searched, -1 never. */
  const searchedIn = new Int32Array(agents).fill(-1);
  const nextUrgent = (): number => {
    for (let k = 0; k < agents; k++) {
      const a = (urgentFrom + k) % agents;
      if (Atomics.load(wants.urgent, a) === 1 && wants.goal[a]! >= 0) {
        urgentFrom = (a + 1) % agents;
        return a;
      }
    }
    return -1;
  };
  const nextInTurn = (epoch: number): number => {
    for (let k = 0; k < agents; k++) {
      const a = (turn + k) % agents;
      if (wants.goal[a]! >= 0 && wants.goal[a] !== wants.start[a] && searchedIn[a] !== epoch) {
        turn = (a + 1) % agents;
        return a;
      }
    }
    return -1;
  };
  while (Atomics.load(wants.control, STOP) === 0) {
    const epoch = Atomics.load(wants.control, EPOCH);
    let agent = nextUrgent();
    if (agent < 0) agent = nextInTurn(epoch);
    if (agent < 0) {
      Atomics.wait(wants.control, EPOCH, epoch, IDLE_WAIT_MS);
      continue;
    }
    Atomics.store(wants.urgent, agent, 0);
    searchedIn[agent] = epoch;
    const start = wants.start[agent]!;
    const goal = wants.goal[agent]!;
    if (goal < 0 || start === goal) continue;
    const path = search.search(start, goal, null);
    if (path !== null) port.postMessage({ agent, path }, [path.buffer as ArrayBuffer]);
  }
  port.close();
}

runGuideWorker(workerData as GuideWorkerData);
