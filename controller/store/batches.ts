import type Database from 'better-sqlite3';

/** What a running batch owes memory if it rolls back, and the world once it commits. */
interface BatchFrame {
  readonly undo: (() => void)[];
  readonly afterCommit: (() => void)[];
}

/**
 * The store's transactions, as batches that keep memory in step with them: what a batch
 * registers with `onRollback` undoes a change in memory if its writes are taken back, what it
 * registers with `afterCommit` runs once they are durable (a message that reports them).
 */
export class Batches {
  private readonly frames: BatchFrame[] = [];
  /** Runs a function in a transaction, or in a savepoint inside one; made once (making one per batch costs more than the batch). */
  private readonly inTransaction: (fn: () => unknown) => unknown;

  constructor(db: Database.Database) {
    this.inTransaction = db.transaction((fn: () => unknown) => fn());
  }

  /**
   * Runs `fn` in one transaction: all its writes commit together or none do. Nests: a batch
   * inside another that throws takes back its own writes only. Throws what `fn` threw, after
   * the undoing (an AggregateError if an undo failed too).
   */
  apply<T>(fn: () => T): T {
    const frame: BatchFrame = { undo: [], afterCommit: [] };
    this.frames.push(frame);
    let result: T;
    try {
      result = this.inTransaction(fn) as T;
    } catch (error) {
      this.frames.pop();
      undoOrThrow(frame, error);
      throw error;
    }
    this.frames.pop();
    const outer = this.frames.at(-1);
    if (outer) {
      outer.undo.push(...frame.undo);
      outer.afterCommit.push(...frame.afterCommit);
    } else {
      const failures = runAll(frame.afterCommit);
      if (failures.length > 0) throw failures[0];
    }
    return result;
  }

  /**
   * Group commit: runs each step as its own batch (a step that throws takes back its own writes
   * only), all in one transaction, so the group costs one commit (one flush to disk) instead of
   * one per step. Once the group is durable, each step's `afterCommit` actions run, step by
   * step, in a second transaction (each step's again its own batch): what they write (a
   * request's first progress) is kept with one more commit, and what that registers runs once
   * it is durable. When a step's actions throw, its others are skipped, its writes of the second
   * transaction taken back, and `failed(index, error)` is told; a step that throws in the first
   * transaction is told the same way, at once. Throws if a commit fails: after the first, nothing
   * of the group was kept and no step's actions ran; after the second, the first is kept.
   */
  group(steps: readonly (() => void)[], failed: (index: number, error: unknown) => void): void {
    if (this.frames.length > 0) throw new Error('a group commit cannot run inside a batch');
    const outer: BatchFrame = { undo: [], afterCommit: [] };
    const actions: (() => void)[][] = steps.map(() => []);
    this.frames.push(outer);
    try {
      this.inTransaction(() => {
        steps.forEach((step, index) => {
          const frame: BatchFrame = { undo: [], afterCommit: [] };
          this.frames.push(frame);
          try {
            this.inTransaction(step);
          } catch (error) {
            this.frames.pop();
            undoOrThrow(frame, error);
            failed(index, error);
            return;
          }
          this.frames.pop();
          outer.undo.push(...frame.undo);
          actions[index] = frame.afterCommit;
        });
      });
    } catch (error) {
      this.frames.pop();
      undoOrThrow(outer, error);
      throw error;
    }
    this.frames.pop();
    this.apply(() => {
      actions.forEach((stepActions, index) => {
        try {
          this.apply(() => {
            for (const action of stepActions) action();
          });
        } catch (error) {
          failed(index, error);
        }
      });
    });
  }

  /** Registers the undoing of a change in memory made with the current batch's writes; nothing outside a batch. */
  onRollback(undo: () => void): void {
    this.frames.at(-1)?.undo.push(undo);
  }

  /** Runs `action` once the current batch has committed (at once outside a batch); dropped if it rolls back. */
  afterCommit(action: () => void): void {
    const frame = this.frames.at(-1);
    if (frame) frame.afterCommit.push(action);
    else action();
  }
}

/** Undoes a rolled-back frame's changes in memory, newest first; throws if an undo failed too. */
function undoOrThrow(frame: BatchFrame, error: unknown): void {
  const failures = runAll(frame.undo.reverse());
  if (failures.length > 0) throw new AggregateError([error, ...failures], 'a batch was rolled back, but its changes in memory could not all be undone');
}

/** Runs every action even if some throw; returns what they threw. */
function runAll(actions: readonly (() => void)[]): unknown[] {
  const failures: unknown[] = [];
  for (const action of actions) {
    try {
      action();
    } catch (error) {
      failures.push(error);
    }
  }
  return failures;
}
