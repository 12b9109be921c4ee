/**
 * Which columns are being worked on, so that two jobs never disturb one stack at once.
 * A dig lock belongs to the job digging a column (no other job lifts from or drops onto it);
 * an incoming drop is a bin on its way to a column (it counts against the free space, and the
 * column cannot be dug until the bin has landed).
 */
export class ColumnClaims {
  private readonly digLocks = new Map<number, string>();
  private readonly incoming = new Map<number, number>();

  digLockHolder(cell: number): string | undefined {
    return this.digLocks.get(cell);
  }

  lockForDig(cell: number, jobId: string): void {
    const holder = this.digLocks.get(cell);
    if (holder !== undefined && holder !== jobId) throw new Error(`column ${cell} is already dug by ${holder}`);
    this.digLocks.set(cell, jobId);
  }

  unlockDig(cell: number, jobId: string): void {
    if (this.digLocks.get(cell) === jobId) this.digLocks.delete(cell);
  }

  incomingDrops(cell: number): number {
    return this.incoming.get(cell) ?? 0;
  }

  addIncoming(cell: number): void {
    this.incoming.set(cell, this.incomingDrops(cell) + 1);
  }

  removeIncoming(cell: number): void {
    const n = this.incomingDrops(cell) - 1;
    if (n < 0) throw new Error(`no drop was on its way to column ${cell}`);
    if (n === 0) this.incoming.delete(cell);
    else this.incoming.set(cell, n);
  }

  /** A column can be dug when nobody else digs it and nothing is about to land on it. */
  canDig(cell: number, jobId: string): boolean {
    const holder = this.digLocks.get(cell);
    return (holder === undefined || holder === jobId) && this.incomingDrops(cell) === 0;
  }
}
