import { createActor, type Actor } from 'xstate';
import { portMachine } from '../machines/port-machine.ts';
import type { PortMode } from '../../protocol/layout/index.ts';

/**
 * One port: the bins in it in arrival order, the one presented to the person there, and the
 * bins coming in. Capacity counts bins present plus bins on their way, so a robot is sent to
 * the port only when there will be room for its bin.
 */
export class PortStation {
  /** Bins in the port waiting to be presented, first come first presented. */
  readonly queue: string[] = [];
  /** Bins confirmed by the picker and waiting for a robot to take them back. */
  readonly awaitingReturn = new Set<string>();
  presented: { binId: string; visitId: string } | null = null;
  /** Robots on their way with a bin for this port. */
  inbound = 0;
  /** Retrieval jobs for this port that have started (digging, carrying, or driving here). */
  retrievalsUnderway = 0;
  /** Bins presented since start, for the KPI. */
  presentations = 0;
  readonly actor: Actor<typeof portMachine>;

  constructor(
    readonly id: string,
    readonly cell: number,
    public mode: PortMode,
    private readonly capacityBins: number,
  ) {
    this.actor = createActor(portMachine, { input: { open: mode !== 'closed' } });
    this.actor.start();
  }

  get open(): boolean {
    return this.mode !== 'closed';
  }

  /** Bins in the port now: queued, presented, and waiting to be taken back. */
  get binsHeld(): number {
    return this.queue.length + (this.presented ? 1 : 0) + this.awaitingReturn.size;
  }

  /** Bins in the port now plus bins on their way. */
  get load(): number {
    return this.binsHeld + this.inbound;
  }

  hasRoom(): boolean {
    return this.load < this.capacityBins;
  }
}
