import type { PortMode } from '../../protocol/layout/index.ts';
import { MachineRecord } from '../machines/machine-record.ts';
import { portMachine, type PortStateValue, type Presented } from '../machines/port-machine.ts';

/**
 * One port: the bins in it in arrival order, the one presented to the person there, and the
 * bins coming in. Capacity counts bins present plus bins on their way, so a robot is sent to
 * the port only when there will be room for its bin. Whether it is open, what it presents and
 * whether it has room are its machine's state (port-machine.ts); every change of the counts
 * goes through the methods here, which tell the machine when the load changes.
 */
export class PortStation {
  /** Bins in the port waiting to be presented, first come first presented. */
  private readonly waiting: string[] = [];
  /** Bins confirmed by the picker and waiting for a robot to take them back. */
  private readonly toReturn = new Set<string>();
  /** Robots on their way with a bin for this port. */
  private inboundBins = 0;
  /** Retrieval jobs for this port that have started (digging, carrying, or driving here). */
  retrievalsUnderway = 0;
  /** Bins presented since start, for the KPI. */
  presentations = 0;
  readonly lifecycle: MachineRecord<typeof portMachine>;

  constructor(
    readonly id: string,
    readonly cell: number,
    readonly mode: PortMode,
    capacityBins: number,
  ) {
    this.lifecycle = new MachineRecord(portMachine, { open: mode !== 'closed', capacityBins });
  }

  get state(): PortStateValue {
    return this.lifecycle.snapshot.value as PortStateValue;
  }

  /** Open in the layout (an operator may still have closed it: see `takesVisits`). */
  get open(): boolean {
    return this.state.mode !== 'closedInLayout';
  }

  /** Whether new retrievals for it may start: open, and not closed by an operator. */
  get takesVisits(): boolean {
    return this.state.mode === 'open';
  }

  get closedByOperator(): boolean {
    return this.state.mode === 'closedByOperator';
  }

  /** The bin presented to the person there, and for which visits; null when none is. */
  get presented(): Presented | null {
    return this.lifecycle.snapshot.context.presented;
  }

  hasRoom(): boolean {
    return this.state.room === 'hasRoom';
  }

  /** Bins waiting to be presented, first first. */
  get queue(): readonly string[] {
    return this.waiting;
  }

  /** Bins confirmed and waiting to be taken back. */
  get awaitingReturn(): ReadonlySet<string> {
    return this.toReturn;
  }

  get inbound(): number {
    return this.inboundBins;
  }

  /** Bins in the port now: queued, presented, and waiting to be taken back. */
  get binsHeld(): number {
    return this.waiting.length + (this.presented ? 1 : 0) + this.toReturn.size;
  }

  /** Bins in the port now plus bins on their way. */
  get load(): number {
    return this.binsHeld + this.inboundBins;
  }

  /** An operator closes the port (CLOSE) or opens it again (OPEN). */
  setOperatorOpen(open: boolean): void {
    this.lifecycle.send({ type: open ? 'OPEN' : 'CLOSE' });
  }

  /** A robot set off with a bin for the port (+1), or will not come after all (-1). */
  expectBins(delta: 1 | -1): void {
    this.inboundBins += delta;
    this.loadChanged();
  }

  /** A bin came in: it waits to be presented (the load stays: it was on its way). */
  binArrived(binId: string): void {
    this.inboundBins--;
    this.waiting.push(binId);
  }

  /**
   * The next bin to present, taken off the waiting line; undefined when none waits. The caller
   * presents it or sends it back at once, so the load stays.
   */
  takeNextWaiting(): string | undefined {
    return this.waiting.shift();
  }

  /** Takes a bin off the waiting line out of turn (a more urgent one); false when it is not waiting. */
  takeWaiting(binId: string): boolean {
    const i = this.waiting.indexOf(binId);
    if (i < 0) return false;
    this.waiting.splice(i, 1);
    return true;
  }

  /** Presents a bin taken off the waiting line, with every line it serves here (the load stays). */
  present(presented: Presented): void {
    this.lifecycle.send({ type: 'PRESENT', ...presented });
    this.presentations++;
  }

  /**
   * The person is done with the presented bin, but it stays for more visits waiting for it
   * here: it is the next bin presented (the load stays).
   */
  confirmedAndKept(binId: string): void {
    this.lifecycle.send({ type: 'CONFIRMED' });
    this.waiting.unshift(binId);
  }

  /** The person is done with the presented bin: it waits for a robot to take it back (the load stays). */
  confirmed(binId: string): void {
    this.lifecycle.send({ type: 'CONFIRMED' });
    this.toReturn.add(binId);
  }

  /** The bin waits at the port for a robot to take it back. */
  awaitReturn(binId: string): void {
    this.toReturn.add(binId);
    this.loadChanged();
  }

  /** A robot lifted the bin off the port. */
  returned(binId: string): void {
    this.toReturn.delete(binId);
    this.loadChanged();
  }

  private loadChanged(): void {
    this.lifecycle.send({ type: 'LOAD_CHANGED', load: this.load });
  }
}
