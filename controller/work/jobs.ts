/**
 * Robot work. A job is a bin retrieval to a port (digging out the bins above it on the way),
 * help with a retrieval's digging, a bin's return from a port to a column, a charge, a
 * parking move, or a wait on a port's cell for a bin to take back. A job runs as legs: drive
 * to a cell, then optionally pick or drop a bin there. The next leg is derived from where the bin
 * is now, so a job resumes correctly after any interruption, a controller restart included.
 */
export type Job = RetrieveJob | ReturnJob | DigJob | PrepareJob | ChargeJob | ParkJob | TakeBackWaitJob;

export interface RetrieveJob {
  readonly kind: 'retrieve';
  readonly id: string;
  readonly binId: string;
  readonly portId: string;
  readonly requestId: string;
  /** 0..9, higher first (the WMS line priority). */
  readonly priority: number;
  /** Clock ms of the request's cut-off (its dueTime), if it has one: earliest first within a priority. */
  readonly dueAtMs?: number | undefined;
  /** Clock ms when the job was queued: first come, first served within a priority. */
  readonly queuedAtMs: number;
}

/** Takes a bin to storage: from a port, or one a robot already holds. */
export interface ReturnJob {
  readonly kind: 'return';
  readonly id: string;
  readonly binId: string;
  readonly queuedAtMs: number;
}

/**
 * Helps a retrieval dig: lifts blockers off the column the retrieval digs and sets them
 * aside, so that several robots share the work (DESIGN.md §2). Done when no blocker is left
 * for it; the retrieval's own robot always lifts the wanted bin.
 */
export interface DigJob {
  readonly kind: 'dig';
  readonly id: string;
  /** The retrieval this dig helps. */
  readonly retrievalId: string;
  /** The column dug. */
  readonly column: number;
  readonly queuedAtMs: number;
}

/**
 * Bin preparation: while robots are free, a queued retrieval's bin is dug up to the top of its
 * stack (blockers set aside nearby) and, when its column is far from its port, moved onto a
 * column near the port; the retrieval, once its port has room, is then a short lift and
 * drive. Holds the bin's column (a dig lock) until the bin is lifted or the job ends; the
 * retrieval starts only once it is let go. The same job stages empty bins near putaway ports
 * (EmptyBinStaging), for retrievals not yet asked for.
 */
export interface PrepareJob {
  readonly kind: 'prepare';
  readonly id: string;
  /** The queued retrieval whose bin is prepared (its visit's id); absent for an empty bin staged for a putaway port. */
  readonly retrievalId?: string;
  readonly binId: string;
  readonly portId: string;
  /** The column the bin was in when the job started (the one it locks). */
  readonly column: number;
  readonly queuedAtMs: number;
}

/** Drives to a charger, charges until the battery is full enough, then frees the robot. */
export interface ChargeJob {
  readonly kind: 'charge';
  readonly id: string;
  /** The charger's cell. */
  readonly charger: number;
  readonly queuedAtMs: number;
}

export interface ParkJob {
  readonly kind: 'park';
  readonly id: string;
  readonly cell: number;
  readonly queuedAtMs: number;
}

/**
 * A robot that has just dropped a bin at a port stays on the port's cell for a bin that the
 * person there is about to confirm, and takes it back in the same visit: cheaper than another
 * robot driving in and out of the port's cell for it. Ends when the bin is confirmed (the
 * robot then takes it back), when it waits for its own bin and another robot bringing a bin
 * comes near (that one will take it back instead), or at `untilMs`.
 */
export interface TakeBackWaitJob {
  readonly kind: 'takeBackWait';
  readonly id: string;
  readonly portId: string;
  /** The bin the robot has just dropped there. */
  readonly droppedBinId: string;
  /** Clock ms when the robot stops waiting whatever happens. */
  readonly untilMs: number;
  readonly queuedAtMs: number;
}

export interface LegAction {
  readonly type: 'pick' | 'drop';
  readonly binId: string;
  /** The column (or port cell) worked on, and the stack level (0 = bottom; 0 at a port). */
  readonly x: number;
  readonly y: number;
  readonly level: number;
  /** Set when the bin goes into or out of a port. */
  readonly portId?: string;
}

export interface Leg {
  readonly goal: number;
  readonly action?: LegAction;
  /** Start charging at the goal (VDA 5050 `startCharging`, a charger cell). */
  readonly startCharging?: boolean;
}
