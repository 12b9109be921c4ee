import type { GridGraph } from './grid-graph.ts';
import type { LorrTaskView } from '../../protocol/lorr/index.ts';

/**
 * Greedy scheduler: every robot without a task takes the unassigned revealed task whose next
 * errand (the first one, for a task nobody has started) is nearest to it by grid distance.
 *
 * "Nearest" is found by a breadth-first search from the robot that stops at the first cell
 * holding such an errand, so its cost grows with how far the nearest free task is, not with
 * how many tasks there are. Robots are served in index order starting at `timestep mod robots`
 * (so no robot always comes last); several tasks on one cell go lowest task index first.
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

export class GreedyTaskAllocator {
  readonly graph: GridGraph;
  private readonly listHead: Int32Array;
  private readonly visitedStamp: Int32Array;
  private readonly queue: Int32Array;
  private stamp = 0;
  private listNext = new Int32Array(0);
  private taken = new Uint8Array(0);
  private readonly indexOfTask = new Map<number, number>();
  /** Robots given a task in the last call. */
  assignedLastCall = 0;
  /** Robots left without a task in the last call although free tasks remained. */
  deferredLastCall = 0;

  constructor(graph: GridGraph) {
    this.graph = graph;
    this.listHead = new Int32Array(graph.cellCount).fill(-1);
    this.visitedStamp = new Int32Array(graph.cellCount);
    this.queue = new Int32Array(Math.max(1, graph.freeCount));
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
      const cell = this.nearestListedCell(positions[r]!);
      if (cell < 0) continue;
      const index = this.listHead[cell]!;
      this.listHead[cell] = this.listNext[index]!;
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

  /** Nearest cell (BFS order, so ties go to the lower direction index) holding a listed task. */
  private nearestListedCell(start: number): number {
    if (this.listHead[start]! >= 0) return start;
    const stamp = ++this.stamp;
    const { neighbours } = this.graph;
    const { visitedStamp, queue, listHead } = this;
    visitedStamp[start] = stamp;
    queue[0] = start;
    let head = 0;
    let tail = 1;
    while (head < tail) {
      const cell = queue[head++]!;
      const base = cell * 4;
      for (let dir = 0; dir < 4; dir++) {
        const nb = neighbours[base + dir]!;
        if (nb < 0 || visitedStamp[nb] === stamp) continue;
        if (listHead[nb]! >= 0) return nb;
        visitedStamp[nb] = stamp;
        queue[tail++] = nb;
      }
    }
    return -1;
  }
}
