import { createActor, type Actor } from 'xstate';
import { taskMachine } from '../machines/task-machine.ts';
import type { Job, RetrieveJob, ReturnJob } from './jobs.ts';

/** Only these are ever queued; digs, charges and parking go straight to a robot. */
export type QueuedJob = RetrieveJob | ReturnJob;

/**
 * Jobs waiting for a robot, in the order queued, and the task machine of every job not yet
 * ended (queued or running).
 */
export class WorkQueue {
  readonly jobs: QueuedJob[] = [];
  private readonly tasks = new Map<string, Actor<typeof taskMachine>>();

  /** Queues a job; its task machine starts. */
  enqueue(job: QueuedJob): void {
    this.startTask(job);
    this.jobs.push(job);
  }

  /** Queues again a job a robot gave back (its task machine runs on). */
  requeue(job: QueuedJob): void {
    this.jobs.push(job);
  }

  /** Starts a job's task machine (queued until assigned). */
  startTask(job: Job): void {
    const actor = createActor(taskMachine);
    actor.start();
    this.tasks.set(job.id, actor);
  }

  send(jobId: string, event: 'ASSIGN' | 'UNASSIGN'): void {
    this.tasks.get(jobId)?.send({ type: event });
  }

  /** Ends a job's task machine in a final state and forgets it. */
  endTask(jobId: string, event: 'FINISH' | 'FAIL' | 'CANCEL'): void {
    const actor = this.tasks.get(jobId);
    if (!actor) return;
    actor.send({ type: event });
    actor.stop();
    this.tasks.delete(jobId);
  }

  /** Takes these jobs out of the queue (they were given to robots). */
  removeAll(taken: ReadonlySet<Job>): void {
    for (let i = this.jobs.length - 1; i >= 0; i--) if (taken.has(this.jobs[i]!)) this.jobs.splice(i, 1);
  }

  /**
   * Drops the request's queued retrievals (their task machines end cancelled), newest first.
   */
  dropRetrievalsOf(requestId: string): void {
    for (let i = this.jobs.length - 1; i >= 0; i--) {
      const job = this.jobs[i]!;
      if (job.kind === 'retrieve' && job.requestId === requestId) {
        this.jobs.splice(i, 1);
        this.endTask(job.id, 'CANCEL');
      }
    }
  }

  get size(): number {
    return this.jobs.length;
  }
}

/** Returns before retrievals: they free port room. */
export function jobRank(job: QueuedJob): number {
  return job.kind === 'return' ? 0 : 1;
}
