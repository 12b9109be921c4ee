import type { Job, RetrieveJob, ReturnJob } from './jobs.ts';

/** Only these are ever queued; digs, charges and parking go straight to a robot. */
export type QueuedJob = RetrieveJob | ReturnJob;

/**
 * Jobs waiting for a robot, in the order queued. (A retrieval's lifecycle is its visit's
 * machine, visit-machine.ts; other jobs live only while a robot has them.)
 */
export class WorkQueue {
  readonly jobs: QueuedJob[] = [];

  /** Queues a job, or queues again one a robot gave back. */
  enqueue(job: QueuedJob): void {
    this.jobs.push(job);
  }

  /** Takes these jobs out of the queue (they were given to robots). */
  removeAll(taken: ReadonlySet<Job>): void {
    for (let i = this.jobs.length - 1; i >= 0; i--) if (taken.has(this.jobs[i]!)) this.jobs.splice(i, 1);
  }

  /** Drops the request's queued retrievals. */
  dropRetrievalsOf(requestId: string): void {
    for (let i = this.jobs.length - 1; i >= 0; i--) {
      const job = this.jobs[i]!;
      if (job.kind === 'retrieve' && job.requestId === requestId) this.jobs.splice(i, 1);
    }
  }

  /** Drops the queued retrieval with this id (a visit's id), if queued. */
  dropRetrieval(id: string): void {
    const i = this.jobs.findIndex((job) => job.kind === 'retrieve' && job.id === id);
    if (i >= 0) this.jobs.splice(i, 1);
  }

  get size(): number {
    return this.jobs.length;
  }
}

/** Returns before retrievals: they free port room. */
export function jobRank(job: QueuedJob): number {
  return job.kind === 'return' ? 0 : 1;
}
