import type { CoreServices } from '../core-services.ts';
import type { Visit } from '../requests/request-book.ts';
import type { JobRunner } from '../work/job-runner.ts';
import type { Slotting } from '../work/slotting.ts';
import type { PortStation } from './port-station.ts';

/**
 * The ports' side of the work: bins arriving are presented one at a time, a person's
 * confirmation settles the visit, and the bin then goes back to storage.
 */
export class PortDesk {
  constructor(
    private readonly core: CoreServices,
    private readonly jobs: JobRunner,
    private readonly slotting: Slotting,
  ) {}

  /** Bins the store has at ports (a restart) are taken back to storage; their visits, if any, are planned again with their requests. */
  returnBinsLeftAtPorts(): void {
    for (const port of this.core.ports.values()) {
      for (const binId of this.core.inventory.binsAtPort(port.id)) {
        port.awaitReturn(binId);
        this.jobs.queueReturn(binId);
      }
    }
  }

  /**
   * The person at a port confirmed the presented bin: `quantity` pieces picked (or put).
   * Returns a reason when the confirmation does not match what is presented. The stock change
   * and what it means to the request are kept in one batch; the port moves on only once that
   * is durable, so a confirmation that fails leaves the bin presented and nothing changed.
   */
  confirm(portId: string, visitId: string, binId: string, quantity: number): string | undefined {
    const { ports, requests, stock } = this.core;
    const port = ports.get(portId);
    if (!port) return `unknown port ${portId}`;
    if (!port.presented) return `port ${portId} presents no bin`;
    if (port.presented.visitId !== visitId || port.presented.binId !== binId) return `port ${portId} presents bin ${port.presented.binId} for task ${port.presented.visitId}, not ${binId} for ${visitId}`;
    const visit = requests.visit(visitId);
    if (visit) {
      stock.atomically(() => {
        const confirmed = requests.settle(visit, quantity);
        if (visit.mode === 'pick') stock.afterCommit(() => visit.lines.forEach((line) => this.slotting.recordPick(line.sku)));
        requests.confirmed(visit, confirmed);
      });
    }
    this.moveOn(port, binId);
    return undefined;
  }

  /**
   * A confirmation at the port failed (an internal error): the presented bin goes back as it
   * is, and its visit, unless the confirmation was kept, fails with `reason` (its request ends).
   */
  abandon(portId: string, visitId: string, reason: string): void {
    const port = this.core.ports.get(portId);
    if (!port?.presented || port.presented.visitId !== visitId) return;
    const visit = this.core.requests.visit(visitId);
    // Failed first: the request's other bins then go back instead of being presented.
    if (visit && visit.state !== 'done') this.core.requests.failed(visit, reason);
    this.moveOn(port, port.presented.binId);
  }

  /** A bin was set down at the port: it queues there to be presented. */
  arrived(port: PortStation, binId: string, visit: Visit | undefined): void {
    port.binArrived(binId);
    this.core.requests.arrived(visit);
    this.presentNext(port);
  }

  /** A bin was lifted off the port: it no longer awaits its return. */
  left(portId: string, binId: string): void {
    this.core.ports.get(portId)!.returned(binId);
  }

  /**
   * The port is done with its presented bin: it is taken back, and the next one presented. The
   * bin's return is queued before anything that could fail, so it is never left at the port.
   */
  private moveOn(port: PortStation, binId: string): void {
    port.confirmed(binId);
    this.jobs.queueReturn(binId);
    this.presentNext(port);
    // A robot waiting on the port's cell for this bin is free now; allocation gives it the bin.
    const waiter = this.core.fleet.get(this.core.traffic.holderOf(port.cell) ?? '');
    if (waiter?.job?.kind === 'takeBackWait' && !waiter.leg) this.jobs.finish(waiter);
    this.core.allocation.due = true;
  }

  private presentNext(port: PortStation): void {
    if (port.presented || port.queue.length === 0 || !port.open) return;
    const binId = port.takeNextWaiting()!;
    const visit = this.visitAtPort(port.id, binId);
    if (!visit) {
      // A bin with no visit (its request was cancelled or failed) goes straight back.
      port.awaitReturn(binId);
      this.jobs.queueReturn(binId);
      this.presentNext(port);
      return;
    }
    port.present(binId, visit.visitId);
    this.core.requests.presented(visit);
  }

  private visitAtPort(portId: string, binId: string): Visit | undefined {
    for (const request of this.core.requests.all()) {
      for (const visit of request.visits) if (visit.portId === portId && visit.binId === binId && visit.state === 'atPort') return visit;
    }
    return undefined;
  }
}
