import type { SearchGraph, TrafficFlow } from './flow-search.ts';

/**
 * A helper that plans guide paths beside the planning thread (the port; guide-worker/ has the
 * worker-thread adapter). The entry tells it, once a step, which robots want a path from where
 * to where; the helper searches against the live shared flow whenever it can and hands back
 * finished paths, which the entry adopts only if they still fit (GuidePaths.adopt). Nothing
 * the helper returns is trusted: a late, stale or broken path is simply not adopted.
 */
export interface GuideHelper {
  /** The robot wants a path from `start` to `goal`; `urgent` when it has none to follow now. */
  want(agent: number, start: number, goal: number, urgent: boolean): void;
  /** The robot wants no path (no task, or standing on its goal). */
  idle(agent: number): void;
  /** Tells the helper a step's wants are written. */
  publish(): void;
  /** Hands every path finished since the last call to `take` (agent, path from start to goal). */
  drain(take: (agent: number, path: Int32Array) => void): void;
  /** Stops the helper; it hands back nothing more. */
  close(): void;
}

export interface GuideHelperSetup {
  graph: SearchGraph;
  /** The entry's flow, in shared memory: the helper reads it, only the entry writes it. */
  flow: TrafficFlow;
  agentCount: number;
}

export type GuideHelperFactory = (setup: GuideHelperSetup) => GuideHelper;
