import type { ConsoleStateDraft } from '../../protocol/console/console-links.ts';
import type { CellXY, ConsoleAlarm, ConsolePort, ConsoleRequest, ConsoleRobot } from '../../protocol/console/console-messages.ts';
import type { GridController } from '../grid-controller.ts';
import type { ActiveRequest, VisitState } from '../requests/request-book.ts';
import { describeJob } from './job-words.ts';
import { describeStateValue } from '../machines/machine-record.ts';

/** Requests in one state message at most (the schema's limit), and alarms. */
export const MAX_CONSOLE_REQUESTS = 200;
export const MAX_CONSOLE_ALARMS = 100;

/** How far a visit has come, 0..1, for a request's fraction done. */
const VISIT_PROGRESS: Record<VisitState, number> = { queued: 0, underway: 0.25, atPort: 0.5, presented: 0.75, done: 1, cancelled: 1 };

/**
 * Builds the operator console's state message (`console/state`) from the controller: every
 * robot, every port, blocked cells, KPIs, requests and the latest alarms. Cheap enough to run
 * twice a second at 1,000 robots (one pass over robots, ports and open requests; no search).
 *
 * The request book forgets a request when it ends, so the builder keeps the requests it saw
 * open; one gone from the book has ended, and its visits tell how: all done (completed),
 * all queued ones cancelled (cancelled), or one that went wrong (failed). The most recent
 * MAX_CONSOLE_REQUESTS ended requests are kept.
 */
export class ConsoleStateBuilder {
  private seenOpen = new Map<string, ActiveRequest>();
  /** Ended requests, oldest first. */
  private readonly ended: ConsoleRequest[] = [];

  constructor(private readonly controller: GridController) {}

  build(): ConsoleStateDraft {
    const c = this.controller;
    const width = c.grid.width;
    const xy = (cell: number): CellXY => {
      const x = cell % width;
      return [x, (cell - x) / width];
    };
    const robots: ConsoleRobot[] = [];
    const heading = new Map<string, { binId: string; queuedAtMs: number }[]>();
    for (const view of c.robotViews()) {
      const job = view.job;
      if (job?.kind === 'retrieve') {
        let list = heading.get(job.portId);
        if (!list) heading.set(job.portId, (list = []));
        list.push({ binId: job.binId, queuedAtMs: job.queuedAtMs });
      }
      robots.push({
        serial: view.serial,
        state: clip(view.state, 64),
        machine: clip(describeStateValue(view.machine), 400),
        job: job ? describeJob(job, width, view.inService) : null,
        online: view.online,
        paused: view.paused,
        inService: view.inService,
        batteryPercent: Math.min(100, Math.max(0, view.batteryPercent)),
        charging: view.charging,
        errors: view.errors.map((e) => ({
          errorType: clip(e.errorType, 100),
          errorLevel: e.errorLevel,
          ...(e.errorDescription !== undefined ? { errorDescription: clip(e.errorDescription, 1000) } : {}),
        })),
        reservedCells: c.heldCells(view.serial).map(xy),
        carrying: c.inventory.binOnRobot(view.serial) ?? null,
        capabilities: view.capabilities ? view.capabilities.slice(0, 200).map((a) => clip(a, 200)) : null,
        hold: view.hold === null ? null : clip(view.hold, 1000),
      });
    }
    const ports: ConsolePort[] = [];
    for (const port of c.ports.values()) {
      const presented = port.presented?.binId ?? null;
      const coming = (heading.get(port.id) ?? []).sort((a, b) => a.queuedAtMs - b.queuedAtMs).map((h) => h.binId);
      ports.push({
        id: port.id,
        mode: port.mode,
        open: c.portTakesVisits(port.id),
        machine: clip(describeStateValue(port.state), 200),
        queue: [...(presented ? [presented] : []), ...port.queue, ...coming],
        presented,
      });
    }
    const k = c.kpis();
    return {
      emergencyStop: c.emergencyStop,
      robots,
      ports,
      blockedCells: c.blockedCells().map(xy),
      quarantinedBins: c.inventory.quarantinedBins().slice(0, 1000).map((q) => ({ binId: q.binId, reason: clip(q.reason, 1000) })),
      kpis: {
        binsPerPortHour: k.binsPerPortHour,
        robotUtilisation: Math.min(1, Math.max(0, k.robotUtilisation)),
        openRequests: k.openRequests,
        completedRequests: k.completedRequests,
        binsPresented: k.binsPresented,
        requestTimeP50S: k.requestTimeP50S,
        requestTimeP95S: k.requestTimeP95S,
        loadsVerified: k.loadsVerified,
        loadsUnverified: k.loadsUnverified,
        ordersWithCutoff: k.withCutoff,
        onTimeShare: k.onTimeShare,
      },
      requests: this.requests(),
      alarms: c.alarms.slice(-MAX_CONSOLE_ALARMS).map(
        (a): ConsoleAlarm => ({ id: a.id, at: new Date(a.atMs).toISOString(), source: clip(a.source, 100), severity: a.severity, message: clip(a.message, 2000), acknowledgedBy: a.acknowledged ? clip(a.acknowledged.by, 64) : null }),
      ),
    };
  }

  /** Open requests (oldest first), then the most recently ended, MAX_CONSOLE_REQUESTS in all. */
  private requests(): ConsoleRequest[] {
    const open = new Map<string, ActiveRequest>();
    for (const request of this.controller.requests.all()) open.set(request.requestId, request);
    for (const [requestId, request] of this.seenOpen) if (!open.has(requestId)) this.recordEnded(request);
    this.seenOpen = open;
    const out: ConsoleRequest[] = [];
    for (const request of open.values()) {
      if (out.length >= MAX_CONSOLE_REQUESTS) return out;
      out.push(describeRequest(request, null));
    }
    for (let i = this.ended.length - 1; i >= 0 && out.length < MAX_CONSOLE_REQUESTS; i--) out.push(this.ended[i]!);
    return out;
  }

  private recordEnded(request: ActiveRequest): void {
    const visits = request.visits;
    const outcome = visits.every((v) => v.state === 'done') ? 'completed' : visits.every((v) => v.state === 'done' || v.state === 'cancelled') ? 'cancelled' : 'failed';
    this.ended.push(describeRequest(request, outcome));
    if (this.ended.length > MAX_CONSOLE_REQUESTS) this.ended.shift();
  }
}

/** A request's status, progress in words and share done; `outcome` once it has ended. */
function describeRequest(request: ActiveRequest, outcome: 'completed' | 'failed' | 'cancelled' | null): ConsoleRequest {
  let pieces = 0;
  for (const quantity of request.done.values()) pieces += quantity;
  let wanted = pieces;
  let binsDone = 0;
  let progress = 0;
  let started = false;
  for (const visit of request.visits) {
    progress += VISIT_PROGRESS[visit.state];
    if (visit.state === 'done') binsDone++;
    else if (visit.state !== 'cancelled') for (const line of visit.lines) wanted += line.quantity;
    if (visit.state !== 'queued') started = true;
  }
  const n = request.visits.length;
  const verb = request.type === 'pick' ? 'picked' : 'put away';
  // A count has no pieces asked for (a blind count): its bins tell its progress.
  const words = request.type === 'count' ? `${binsDone} of ${n} bin${n === 1 ? '' : 's'} counted` : `${binsDone} of ${n} bin${n === 1 ? '' : 's'} done, ${pieces} of ${wanted} pieces ${verb}`;
  const fraction = outcome === 'completed' ? 1 : n === 0 ? 0 : Math.min(1, progress / n);
  return {
    requestId: request.requestId,
    type: request.type,
    status: outcome ?? (started ? 'inProgress' : 'queued'),
    progress: clip(outcome ? `${outcome}: ${words}` : words, 200),
    fraction,
    acceptedAt: new Date(request.acceptedAtMs).toISOString(),
  };
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
