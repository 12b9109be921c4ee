import type { GridGraph } from './grid-graph.ts';
import { directionBetween } from './grid-graph.ts';
import { ACTION_CLOCKWISE, ACTION_COUNTER_CLOCKWISE, ACTION_FORWARD, ACTION_WAIT } from '../../protocol/lorr/index.ts';

/**
 * Turns next-cell decisions into LoRR actions for robots that can only drive forward.
 *
 * A robot facing its next cell drives forward (F). A robot whose next cell is beside or behind
 * it turns toward it the shorter way (R clockwise, C counter-clockwise; R when it is behind) and
 * so stays in its cell this step. Staying robots (W or a turn) can break the plan: another robot
 * may have planned to move into a cell that its occupant no longer leaves. So every robot whose
 * next cell is held by a robot that stays is made to wait too, and so on along the chain. This
 * only ever cancels moves, so a plan free of vertex and swap conflicts stays free of them, and a
 * cycle of robots whose one member turns stops as a whole.
 *
 * O(agents); no allocation after construction.
 */
export class RotationConverter {
  readonly graph: GridGraph;
  private readonly enteringAgent: Int32Array;
  private readonly moves: Uint8Array;
  private readonly stack: Int32Array;
  readonly actions: Uint8Array;
  /** Robots whose forward move was cancelled in the last conversion. */
  blockedForward = 0;

  constructor(graph: GridGraph, agentCount: number) {
    this.graph = graph;
    this.enteringAgent = new Int32Array(graph.cellCount).fill(-1);
    this.moves = new Uint8Array(agentCount);
    this.stack = new Int32Array(agentCount);
    this.actions = new Uint8Array(agentCount);
  }

  /** Actions for the plan; the result is `this.actions`, valid until the next call. */
  convert(positions: Int32Array, orientations: Uint8Array, next: Int32Array): Uint8Array {
    const n = this.actions.length;
    const { actions, moves, stack, enteringAgent } = this;
    let top = 0;
    for (let a = 0; a < n; a++) {
      const from = positions[a]!;
      const to = next[a]!;
      moves[a] = 0;
      if (to === from) {
        actions[a] = ACTION_WAIT;
        stack[top++] = a;
        continue;
      }
      enteringAgent[to] = a;
      const action = actionToward(orientations[a]!, directionBetween(this.graph, from, to));
      actions[a] = action;
      if (action === ACTION_FORWARD) moves[a] = 1;
      else stack[top++] = a;
    }
    this.blockedForward = 0;
    while (top > 0) {
      const staying = stack[--top]!;
      const follower = enteringAgent[positions[staying]!]!;
      if (follower >= 0 && follower !== staying && moves[follower] === 1) {
        moves[follower] = 0;
        actions[follower] = ACTION_WAIT;
        this.blockedForward++;
        stack[top++] = follower;
      }
    }
    for (let a = 0; a < n; a++) {
      if (next[a] !== positions[a]) enteringAgent[next[a]!] = -1;
    }
    return actions;
  }
}

/**
 * The action that drives toward a neighbour in direction `dir` (0 E 1 S 2 W 3 N) for a robot
 * facing `facing`: F when facing it, else a quarter turn the shorter way (R when behind).
 */
export function actionToward(facing: number, dir: number): number {
  if (dir < 0) throw new Error('next cell is not a neighbour');
  const turns = (dir - facing + 4) & 3;
  if (turns === 0) return ACTION_FORWARD;
  if (turns === 3) return ACTION_COUNTER_CLOCKWISE;
  return ACTION_CLOCKWISE;
}

/** Orientation after an action: R adds a quarter turn clockwise, C removes one. */
export function orientationAfter(facing: number, action: number): number {
  if (action === ACTION_CLOCKWISE) return (facing + 1) & 3;
  if (action === ACTION_COUNTER_CLOCKWISE) return (facing + 3) & 3;
  return facing;
}
