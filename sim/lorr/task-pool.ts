import { taskPoolSize, type LorrProblem } from '../../protocol/lorr/lorr-problem.ts';
import type { LorrTaskView } from '../../protocol/lorr/lorr-entry.ts';

/** One errand completion: `[timestep, robot, taskId, errandsDone after it]` (the start kit's event). */
export type LorrEvent = [timestep: number, robot: number, taskId: number, errandsDone: number];

interface PoolTask {
  readonly id: number;
  readonly errands: Int32Array;
  errandsDone: number;
  assignedTo: number;
  readonly revealedAt: number;
}

/** A task as revealed, for the output's `tasks` list. */
export interface RevealedTask {
  readonly id: number;
  readonly revealedAt: number;
  readonly errands: Int32Array;
}

/**
 * The LoRR task system: the pool of revealed tasks (refilled from the task file in order,
 * wrapping), each robot's assignment with the start kit's validation, and errand completion.
 */
export class LorrTaskPool {
  private readonly open = new Map<number, PoolTask>();
  private readonly capacity: number;
  private nextTaskId = 0;
  /** Task id per robot, −1 for none. */
  readonly assignment: Int32Array;
  readonly revealed: RevealedTask[] = [];
  readonly events: LorrEvent[] = [];
  numTaskFinished = 0;

  constructor(private readonly problem: LorrProblem) {
    this.capacity = taskPoolSize(problem);
    this.assignment = new Int32Array(problem.teamSize).fill(-1);
  }

  /** Tops the pool up to its size with the next tasks of the file, revealed at `timestep`. */
  reveal(timestep: number): void {
    while (this.open.size < this.capacity) {
      const id = this.nextTaskId++;
      const errands = this.problem.tasks[id % this.problem.tasks.length] as Int32Array;
      this.open.set(id, { id, errands, errandsDone: 0, assignedTo: -1, revealedAt: timestep });
      this.revealed.push({ id, revealedAt: timestep, errands });
    }
  }

  /** Fresh snapshots of the open tasks, in reveal order. */
  views(): LorrTaskView[] {
    const out: LorrTaskView[] = [];
    for (const t of this.open.values()) out.push({ id: t.id, errands: t.errands, errandsDone: t.errandsDone, assignedTo: t.assignedTo, revealedAt: t.revealedAt });
    return out;
  }

  /**
   * Reasons the proposed assignment breaks the rules, empty if it is valid: one robot per task,
   * only revealed unfinished tasks, and no task moved once its robot reached the first errand.
   */
  validate(proposal: Int32Array): string[] {
    const reasons: string[] = [];
    if (proposal.length !== this.problem.teamSize) return [`assignment has ${proposal.length} entries for ${this.problem.teamSize} robots`];
    const holder = new Map<number, number>();
    for (let robot = 0; robot < proposal.length; robot++) {
      const id = proposal[robot] as number;
      const current = this.assignment[robot] as number;
      const currentTask = current >= 0 ? this.open.get(current) : undefined;
      if (currentTask && currentTask.errandsDone > 0 && id !== current) reasons.push(`robot ${robot} has opened task ${current} and may not leave it (proposed ${id})`);
      if (id === -1) continue;
      const task = this.open.get(id);
      if (!task) {
        reasons.push(`robot ${robot} proposed task ${id}, which is not revealed or already finished`);
        continue;
      }
      const other = holder.get(id);
      if (other !== undefined) reasons.push(`task ${id} proposed for robots ${other} and ${robot}`);
      holder.set(id, robot);
      if (task.errandsDone > 0 && task.assignedTo !== robot) reasons.push(`robot ${robot} proposed task ${id}, already opened by robot ${task.assignedTo}`);
    }
    return reasons;
  }

  /** Applies a proposal that `validate` accepted. */
  assign(proposal: Int32Array): void {
    for (let robot = 0; robot < this.assignment.length; robot++) {
      const current = this.assignment[robot] as number;
      const task = current >= 0 ? this.open.get(current) : undefined;
      if (task) task.assignedTo = -1;
    }
    for (let robot = 0; robot < proposal.length; robot++) {
      const id = proposal[robot] as number;
      this.assignment[robot] = id;
      if (id >= 0) (this.open.get(id) as PoolTask).assignedTo = robot;
    }
  }

  /**
   * After a step: each robot standing on the next errand of its task completes that errand (one
   * per step); completing the last finishes the task and frees the robot.
   */
  completeErrands(positions: Int32Array, timestep: number): void {
    for (let robot = 0; robot < this.assignment.length; robot++) {
      const id = this.assignment[robot] as number;
      if (id < 0) continue;
      const task = this.open.get(id) as PoolTask;
      if (positions[robot] !== task.errands[task.errandsDone]) continue;
      task.errandsDone++;
      this.events.push([timestep, robot, id, task.errandsDone]);
      if (task.errandsDone === task.errands.length) {
        this.open.delete(id);
        this.assignment[robot] = -1;
        this.numTaskFinished++;
      }
    }
  }
}
