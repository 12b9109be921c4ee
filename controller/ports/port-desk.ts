import { MAX_PRESENTATION_LINES, type ConfirmedLine } from '../../protocol/console/port-messages.ts';
import type { CoreServices } from '../core-services.ts';
import type { Presented } from '../machines/port-machine.ts';
import type { Visit } from '../requests/request-book.ts';
import type { JobRunner } from '../work/job-runner.ts';
import type { Slotting } from '../work/slotting.ts';
import { compareUrgency, type Urgency } from '../work/urgency.ts';
import type { PortStation } from './port-station.ts';

/**
 * The ports' side of the work: bins arriving are presented one at a time, each with every line
 * it serves at the port (of one request or several), a person's confirmation settles each
 * line, and the bin then goes back to storage (or stays for visits that wait for it there).
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
   * The person at a port confirmed the presented bin: for each line shown, the pieces actually
   * picked (or put). Returns a reason when the confirmation does not match what is presented:
   * another task or bin, a line missing, unknown or twice, more pieces than a line asked.
   * The stock changes and what they mean to each request are kept in one batch; the port
   * moves on only once that is durable, so a confirmation that fails leaves the bin presented
   * and nothing changed.
   */
  confirm(portId: string, taskId: string, binId: string, lines: readonly ConfirmedLine[]): string | undefined {
    const { ports, requests, stock } = this.core;
    const port = ports.get(portId);
    if (!port) return `unknown port ${portId}`;
    const shown = port.presented;
    if (!shown) return `port ${portId} presents no bin`;
    if (shown.taskId !== taskId || shown.binId !== binId) return `port ${portId} presents bin ${shown.binId} for task ${shown.taskId}, not ${binId} for ${taskId}`;
    const problem = checkLines(shown, lines, this.core.options.maxUnitsPerBin);
    if (problem) return `port ${portId}, task ${taskId}: ${problem}`;
    const confirmed = new Map(lines.map((line) => [line.lineId, line.quantity]));
    const visits = visitIdsOf(shown).map((visitId) => requests.visit(visitId));
    stock.atomically(() => {
      for (const visit of visits) {
        // A visit whose request ended while its bin was presented (another bin of it failed) changes nothing.
        if (!visit || visit.state !== 'presented') continue;
        const quantities = shown.lines.filter((line) => line.visitId === visit.visitId).map((line) => confirmed.get(line.lineId)!);
        const settled = requests.settle(visit, quantities);
        if (visit.mode === 'pick') stock.afterCommit(() => visit.lines.forEach((line) => this.slotting.recordPick(line.sku)));
        requests.confirmed(visit, settled);
      }
      requests.binConfirmed(port.id);
    });
    this.moveOn(port, binId, true);
    return undefined;
  }

  /**
   * A confirmation at the port failed (an internal error): the presented bin goes back as it
   * is, and its visits, unless the confirmation was kept, fail with `reason` (their requests end).
   */
  abandon(portId: string, taskId: string, reason: string): void {
    const port = this.core.ports.get(portId);
    if (!port?.presented || port.presented.taskId !== taskId) return;
    // Failed first: the requests' other bins then go back instead of being presented.
    for (const visitId of visitIdsOf(port.presented)) {
      const visit = this.core.requests.visit(visitId);
      if (visit && visit.state !== 'done') this.core.requests.failed(visit, reason);
    }
    this.moveOn(port, port.presented.binId, false);
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
   * The port is done with its presented bin. With `keepForWaiting`, a bin that other visits at
   * this port wait for (accepted while it was presented) stays and is presented again for them;
   * otherwise it is taken back, and the next one presented. The bin's return is queued before
   * anything that could fail, so it is never left at the port.
   */
  private moveOn(port: PortStation, binId: string, keepForWaiting: boolean): void {
    if (keepForWaiting && this.joinable(port, binId).length > 0) {
      port.confirmedAndKept(binId);
      this.presentNext(port);
      this.core.allocation.due = true;
      return;
    }
    port.confirmed(binId);
    this.jobs.queueReturn(binId);
    this.presentNext(port);
    // A robot waiting on the port's cell for this bin is free now; allocation gives it the bin.
    const waiter = this.core.fleet.get(this.core.traffic.holderOf(port.cell) ?? '');
    if (waiter?.job?.kind === 'takeBackWait' && !waiter.leg) this.jobs.finish(waiter);
    this.core.allocation.due = true;
  }

  /**
   * Presents the next bin waiting at the port with every line it serves there: the visit it
   * came for, and the visits of other requests at this port that wait for the same bin and
   * have not started (batching: they join it, and their own retrievals are dropped).
   */
  private presentNext(port: PortStation): void {
    if (port.presented || port.queue.length === 0 || !port.open) return;
    const binId = this.mostUrgentWaiting(port);
    port.takeWaiting(binId);
    const arrived = this.core.requests.visitsOfBin(binId).filter((v) => v.portId === port.id && v.state === 'atPort');
    const visits: Visit[] = [];
    let lineCount = 0;
    for (const visit of [...arrived, ...this.joinable(port, binId)]) {
      if ((visits.length > 0 && visit.mode !== visits[0]!.mode) || lineCount + visit.lines.length > MAX_PRESENTATION_LINES) continue;
      if (visit.state === 'queued') {
        this.jobs.dropQueuedRetrieval(visit.visitId);
        this.core.requests.started(visit);
        this.core.requests.arrived(visit);
      }
      visits.push(visit);
      lineCount += visit.lines.length;
    }
    if (visits.length === 0) {
      // A bin with no visit (its request was cancelled or failed) goes straight back.
      port.awaitReturn(binId);
      this.jobs.queueReturn(binId);
      this.presentNext(port);
      return;
    }
    const lines = visits.flatMap((visit) => visit.lines.map((line, i) => ({ lineId: `${visit.visitId}:${i}`, visitId: visit.visitId, requestId: visit.requestId, sku: line.sku, quantity: line.quantity })));
    port.present({ binId, taskId: visits[0]!.visitId, mode: visits[0]!.mode, lines });
    this.core.requests.presented(port.id, visits);
  }

  /** Visits at this port for the bin that have not started, most urgent first (see compareUrgency), then first accepted. */
  private joinable(port: PortStation, binId: string): Visit[] {
    const waiting = this.core.requests.visitsOfBin(binId).filter((v) => v.portId === port.id && v.state === 'queued');
    return waiting
      .map((visit, order) => ({ visit, order, urgency: this.urgencyOf([visit]) }))
      .sort((a, b) => compareUrgency(a.urgency, b.urgency) || a.order - b.order)
      .map((w) => w.visit);
  }

  /**
   * The bin waiting at the port to present next: the one whose visits are most urgent (first
   * come among equals). A bin with no visit left goes first: it only goes back.
   */
  private mostUrgentWaiting(port: PortStation): string {
    let best = port.queue[0]!;
    let bestUrgency: Urgency | null = null;
    for (const binId of port.queue) {
      const visits = this.core.requests.visitsOfBin(binId).filter((v) => v.portId === port.id && v.state === 'atPort');
      if (visits.length === 0) return binId;
      const urgency = this.urgencyOf(visits);
      if (bestUrgency === null || compareUrgency(urgency, bestUrgency) < 0) {
        best = binId;
        bestUrgency = urgency;
      }
    }
    return best;
  }

  /** The most urgent of the visits' requests. */
  private urgencyOf(visits: readonly Visit[]): Urgency {
    let most: Urgency = { priority: -1 };
    for (const visit of visits) {
      const request = this.core.requests.get(visit.requestId);
      if (request && compareUrgency(request, most) < 0) most = request;
    }
    return most;
  }
}

/** The visits a presentation serves, in the order shown. */
function visitIdsOf(shown: Presented): string[] {
  return [...new Set(shown.lines.map((line) => line.visitId))];
}

/** Why `lines` do not confirm exactly the lines shown (each once, at most what it asked; a count at most what a bin holds), or undefined. */
function checkLines(shown: Presented, lines: readonly ConfirmedLine[], maxUnitsPerBin: number): string | undefined {
  const asked = new Map(shown.lines.map((line) => [line.lineId, line.quantity]));
  const seen = new Set<string>();
  for (const line of lines) {
    const quantity = asked.get(line.lineId);
    if (quantity === undefined) return `line ${line.lineId} is not presented (lines: ${[...asked.keys()].join(', ')})`;
    if (seen.has(line.lineId)) return `line ${line.lineId} is confirmed twice`;
    seen.add(line.lineId);
    if (shown.mode === 'count') {
      if (line.quantity > maxUnitsPerBin) return `line ${line.lineId}: ${line.quantity} counted, more than the ${maxUnitsPerBin} units a bin may hold`;
    } else if (line.quantity > quantity) return `line ${line.lineId}: ${line.quantity} confirmed, ${quantity} asked`;
  }
  const missing = [...asked.keys()].filter((id) => !seen.has(id));
  if (missing.length > 0) return `every presented line must be confirmed; missing ${missing.join(', ')}`;
  return undefined;
}
