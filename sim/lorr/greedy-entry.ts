import {
  ACTION_CLOCKWISE,
  ACTION_COUNTER_CLOCKWISE,
  ACTION_FORWARD,
  ACTION_WAIT,
  forwardCell,
  type LorrMap,
  type LorrProblem,
} from '../../protocol/lorr/lorr-problem.ts';
import { SeededRandom } from '../../protocol/random.ts';
import type { LorrEntry, LorrStepInput, LorrStepOutput } from '../../protocol/lorr/lorr-entry.ts';
import { assignNearestTasks } from './nearest-task-assignment.ts';

const UNREACHABLE = 0xffff;
/** Chance per step that a robot ignores its distance table and takes any free neighbour. */
const SIDESTEP_PROBABILITY = 0.1;
/** Cap on cached distance tables, in cells (2 bytes each): 32 Mi cells = 64 MiB. */
const CACHE_CELL_BUDGET = 32 * 1024 * 1024;

/** Breadth-first distances (moves, ignoring turns) to `target` over free cells; UNREACHABLE beyond 65 534. */
function distancesTo(map: LorrMap, target: number): Uint16Array {
  const dist = new Uint16Array(map.width * map.height).fill(UNREACHABLE);
  const queue = new Int32Array(map.width * map.height);
  let head = 0;
  let tail = 0;
  dist[target] = 0;
  queue[tail++] = target;
  while (head < tail) {
    const cell = queue[head++] as number;
    const d = (dist[cell] as number) + 1;
    if (d >= UNREACHABLE) break;
    for (let o = 0; o < 4; o++) {
      const next = forwardCell(map, cell, o);
      if (next < 0 || map.passable[next] !== 1 || dist[next] !== UNREACHABLE) continue;
      dist[next] = d;
      queue[tail++] = next;
    }
  }
  return dist;
}

/**
 * A deliberately simple baseline for tests: nearest-task scheduling, then each robot in index
 * order turns toward a neighbour closer to its next errand (by breadth-first distance; one step
 * in ten, seeded, toward any free neighbour instead, which unjams most head-on blocks) and moves
 * forward only into a cell that is empty now and not claimed by an earlier robot this step, so
 * its steps are always valid; distance tables are cached
 * per target (slow on large maps with many robots).
 */
export function greedyEntry(seed = 1): LorrEntry {
  const random = new SeededRandom(seed);
  let map: LorrMap = { width: 1, height: 1, passable: new Uint8Array(1) };
  const cache = new Map<number, Uint16Array>();
  let maxCached = 1;
  let occupiedNow = new Uint8Array(1);
  let claimed = new Uint8Array(1);

  function distances(target: number): Uint16Array {
    let dist = cache.get(target);
    if (dist) {
      cache.delete(target);
      cache.set(target, dist);
      return dist;
    }
    dist = distancesTo(map, target);
    if (cache.size >= maxCached) cache.delete(cache.keys().next().value as number);
    cache.set(target, dist);
    return dist;
  }

  return {
    initialize(problem: LorrProblem): void {
      map = problem.map;
      maxCached = Math.max(8, Math.floor(CACHE_CELL_BUDGET / (map.width * map.height)));
      occupiedNow = new Uint8Array(map.width * map.height);
      claimed = new Uint8Array(map.width * map.height);
      cache.clear();
    },
    step(input: LorrStepInput): LorrStepOutput {
      const n = input.positions.length;
      const assignment = assignNearestTasks(input, map.width);
      const actions = new Uint8Array(n).fill(ACTION_WAIT);
      const nextErrand = new Map<number, number>();
      for (const task of input.tasks) nextErrand.set(task.id, task.errands[task.errandsDone] as number);
      for (const cell of input.positions) occupiedNow[cell] = 1;
      const claimedCells: number[] = [];
      for (let robot = 0; robot < n; robot++) {
        const taskId = assignment[robot] as number;
        const target = taskId >= 0 ? nextErrand.get(taskId) : undefined;
        const cell = input.positions[robot] as number;
        if (target === undefined || target === cell) continue;
        const dist = distances(target);
        const here = dist[cell] as number;
        const facing = input.orientations[robot] as number;
        // One step in ten a robot takes any free neighbour: this unjams most head-on blocks.
        const sidestep = random.next() < SIDESTEP_PROBABILITY;
        // Try the facing direction first, then right, left, behind.
        for (const turn of [0, 1, 3, 2]) {
          const o = (facing + turn) & 3;
          const next = forwardCell(map, cell, o);
          if (next < 0 || map.passable[next] !== 1 || (!sidestep && (dist[next] as number) >= here)) continue;
          if (occupiedNow[next] === 1 || claimed[next] === 1) continue;
          if (turn === 0) {
            actions[robot] = ACTION_FORWARD;
            claimed[next] = 1;
            claimedCells.push(next);
          } else {
            actions[robot] = turn === 3 ? ACTION_COUNTER_CLOCKWISE : ACTION_CLOCKWISE;
          }
          break;
        }
      }
      for (const cell of input.positions) occupiedNow[cell] = 0;
      for (const cell of claimedCells) claimed[cell] = 0;
      return { actions, assignment };
    },
  };
}
