import { manhattan, type GridGraph } from './grid-graph.ts';
import type { LorrTaskView } from '../../protocol/lorr/index.ts';

/**
 * Greedy scheduler: every robot without a task takes the unassigned revealed task of least
 * cost, cost = grid distance from the robot to the task's next errand + `lengthWeight` × the
 * task's length from there (Manhattan distance from errand to errand, in cells). With weight 0
 * that is the nearest task; with weight 1 the task that ends soonest (the start kit's rule); in
 * between, near tasks first with short ones preferred, which leaves fewer robots on long trips
 * through crowded aisles.
 *
 * The search is breadth-first from the robot and stops once the distance alone reaches the best
 * cost found, so its work grows with how far the best task is, not with how many tasks there
 * are. Robots are served in index order starting at `timestep mod robots` (so no robot always
 * comes last); equal costs go to the lower task index.
 *
 * Existing assignments are kept: a robot never loses its task here, so the rule "reassign only
 * until the robot reaches the first errand" holds trivially. An assignment to a task that is no
 * longer revealed (it was finished) is dropped. When the deadline passes, the robots not yet
 * served stay without a task until the next step.
 */
export interface AllocationInput {
  timestep: number;
  positions: Int32Array;
  tasks: readonly LorrTaskView[];
  /** Task id per robot, -1 none. */
  assignment: Int32Array;
}

export interface AllocatorOptions {
  /** Weight of a task's own length in its cost, against the distance to reach it (0: nearest task). */
  lengthWeight?: number;
}

export class GreedyTaskAllocator {
  readonly graph: GridGraph;
  private readonly lengthWeight: number;
  private readonly listHead: Int32Array;
  private readonly visitedStamp: Int32Array;
  private readonly queue: Int32Array;
  private readonly depth: Int32Array;
  private stamp = 0;
  private listNext = new Int32Array(0);
  private taken = new Uint8Array(0);
  /** Weighted length of each task (by index in this call's task list), cells. */
  private weightedLength = new Float64Array(0);
  private readonly indexOfTask = new Map<number, number>();
  /** Robots given a task in the last call. */
  assignedLastCall = 0;
  /** Robots left without a task in the last call although free tasks remained. */
  deferredLastCall = 0;

  constructor(graph: GridGraph, options: AllocatorOptions = {}) {
    this.graph = graph;
    this.lengthWeight = options.lengthWeight ?? 0;
    this.listHead = new Int32Array(graph.cellCount).fill(-1);
    this.visitedStamp = new Int32Array(graph.cellCount);
    this.queue = new Int32Array(Math.max(1, graph.freeCount));
    this.depth = new Int32Array(Math.max(1, graph.freeCount));
  }

  /**
   * Writes the new assignment (task id per robot) into `out`. `withinBudget` is asked before
   * each robot's search; when it says no, the remaining free robots wait for a later step.
   */
  assign(input: AllocationInput, out: Int32Array, withinBudget: () => boolean = () => true): Int32Array {
    const { tasks, positions } = input;
    const robots = positions.length;
    out.set(input.assignment);
    if (this.taken.length < tasks.length) {
      this.taken = new Uint8Array(tasks.length * 2);
      this.listNext = new Int32Array(tasks.length * 2);
      this.weightedLength = new Float64Array(tasks.length * 2);
    }
    const taken = this.taken;
    const indexOfTask = this.indexOfTask;
    indexOfTask.clear();
    for (let i = 0; i < tasks.length; i++) {
      indexOfTask.set(tasks[i]!.id, i);
      taken[i] = 0;
    }
    for (let r = 0; r < robots; r++) {
      const id = out[r]!;
      if (id < 0) continue;
      const index = indexOfTask.get(id);
      if (index === undefined || taken[index] === 1) {
        out[r] = -1;
        continue;
      }
      taken[index] = 1;
    }
    let open = 0;
    for (let i = tasks.length - 1; i >= 0; i--) {
      if (taken[i] === 1) continue;
      const task = tasks[i]!;
      if (task.errandsDone >= task.errands.length) continue;
      const cell = task.errands[task.errandsDone]!;
      this.listNext[i] = this.listHead[cell]!;
      this.listHead[cell] = i;
      let length = 0;
      for (let e = task.errandsDone + 1; e < task.errands.length; e++) length += manhattan(this.graph, task.errands[e - 1]!, task.errands[e]!);
      this.weightedLength[i] = this.lengthWeight * length;
      open++;
    }
    this.assignedLastCall = 0;
    this.deferredLastCall = 0;
    const first = robots > 0 ? input.timestep % robots : 0;
    for (let k = 0; k < robots && open > 0; k++) {
      const r = (first + k) % robots;
      if (out[r]! >= 0) continue;
      if (!withinBudget()) {
        this.deferredLastCall++;
        continue;
      }
      const index = this.cheapestTask(positions[r]!);
      if (index < 0) continue;
      taken[index] = 1;
      out[r] = tasks[index]!.id;
      open--;
      this.assignedLastCall++;
    }
    for (let i = 0; i < tasks.length; i++) {
      const task = tasks[i]!;
      if (task.errandsDone < task.errands.length) this.listHead[task.errands[task.errandsDone]!] = -1;
    }
    return out;
  }

  /**
   * Index of the listed task of least cost from `start` (-1 if none is reachable): a
   * breadth-first search that stops once the distance alone can no longer beat the best.
   */
  private cheapestTask(start: number): number {
    let best = Infinity;
    let bestIndex = -1;
    const { listHead, listNext, taken, weightedLength } = this;
    const consider = (cell: number, distance: number) => {
      for (let i = listHead[cell]!; i >= 0; i = listNext[i]!) {
        if (taken[i] === 1) continue;
        const cost = distance + weightedLength[i]!;
        if (cost < best || (cost === best && i < bestIndex)) {
          best = cost;
          bestIndex = i;
        }
      }
    };
    consider(start, 0);
    const stamp = ++this.stamp;
    const { neighbours } = this.graph;
    const { visitedStamp, queue, depth } = this;
    visitedStamp[start] = stamp;
    queue[0] = start;
    depth[0] = 0;
    let head = 0;
    let tail = 1;
    while (head < tail) {
      const cell = queue[head]!;
      const next = depth[head++]! + 1;
      if (next >= best) break;
      const base = cell * 4;
      for (let dir = 0; dir < 4; dir++) {
        const nb = neighbours[base + dir]!;
        if (nb < 0 || visitedStamp[nb] === stamp) continue;
        visitedStamp[nb] = stamp;
        if (listHead[nb]! >= 0) consider(nb, next);
        queue[tail] = nb;
        depth[tail++] = next;
      }
    }
    return bestIndex;
  }
}
