import type { WmsEvent } from '../../protocol/wms/event-schemas.ts';
import type { WmsReply } from '../../protocol/wms/reply-schemas.ts';
import type { GridController } from '../grid-controller.ts';
import { Counter, exposition, Gauge, Histogram, type Family } from './prometheus.ts';

/** Request times from acceptance to the terminal event, seconds. */
const REQUEST_SECONDS = [5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600];
/** Control cycle wall time, seconds. */
const CYCLE_SECONDS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1];

/** What a broker tells of its traffic (the embedded one: EmbeddedBroker.stats). */
export interface BrokerStats {
  /** Messages clients published to it since it started. */
  readonly published: number;
  /** Clients connected now. */
  readonly clients: number;
}

/**
 * The facility's figures for a site's monitoring (Prometheus `/metrics`): WMS requests by type
 * and outcome, request times, bins presented per port, robots by state, control cycle times,
 * broker traffic and alarms. Counters are fed as things happen (`reply`, `event`,
 * `requestFinished`, `cycle`); the rest is read from the controller when rendered.
 */
export class FacilityMetrics {
  private readonly replies = new Counter('gridline_wms_replies_total', 'WMS requests answered, by request type and reply (accepted, or the rejection code).');
  private readonly ended = new Counter('gridline_wms_requests_ended_total', 'Accepted picks, putaways and counts that ended, by outcome (completed, cancelled, failed).');
  private readonly requestSeconds = new Histogram('gridline_request_seconds', 'Time from accepting a pick, putaway or count to its terminal event, seconds.', REQUEST_SECONDS);
  private readonly cycleSeconds = new Histogram('gridline_control_cycle_seconds', 'Wall time of one control cycle (allocation, traffic planning, order updates), seconds.', CYCLE_SECONDS);
  private readonly types = new Map<string, string>();
  private readonly families: Family[];

  constructor(controller: GridController, broker: () => BrokerStats | null = () => null) {
    this.families = [
      this.replies,
      this.ended,
      this.requestSeconds,
      new Gauge('gridline_bins_presented_total', 'Bins presented at each port since the controller started.', () => [...controller.ports.values()].map((port) => ({ labels: { port: port.id }, value: port.presentations })), 'counter'),
      new Gauge('gridline_open_requests', 'Picks and putaways accepted and not yet ended.', () => [{ value: controller.requests.size }]),
      new Gauge('gridline_robots', 'Robots by state (offline, idle, working, fault), and how many are paused, held, charging.', () => robotsByState(controller)),
      this.cycleSeconds,
      new Gauge('gridline_broker_messages_total', 'Messages published to the embedded broker since it started.', () => (broker() ? [{ value: broker()!.published }] : []), 'counter'),
      new Gauge('gridline_broker_clients', 'Clients connected to the embedded broker.', () => (broker() ? [{ value: broker()!.clients }] : [])),
      new Gauge('gridline_alarms_total', 'Alarms raised since the controller started.', () => [{ value: controller.alarmCount }], 'counter'),
      new Gauge('gridline_alarms_unacknowledged', 'Alarms of the latest kept that no one has acknowledged, by severity.', () => unacknowledged(controller)),
    ];
  }

  /** A reply went out (the WMS gateway's output). */
  reply(reply: WmsReply): void {
    const type = reply.type === 'accepted' ? (reply.requestType ?? 'unknown') : (reply.requestId !== null ? (this.types.get(reply.requestId) ?? 'unknown') : 'unknown');
    this.replies.inc({ type, outcome: reply.type === 'accepted' ? 'accepted' : reply.code });
  }

  /** A request came in: its type, for the reply's labels (a rejection does not say it). */
  request(requestId: string | null, type: string | undefined): void {
    if (requestId === null || type === undefined) return;
    this.types.set(requestId, type);
    // Only the latest requests' types are needed: a reply follows its request closely.
    if (this.types.size > 10_000) this.types.delete(this.types.keys().next().value!);
  }

  /** An event went out: a terminal one counts the request's outcome. */
  event(event: WmsEvent): void {
    if (event.type !== 'progress') this.ended.inc({ outcome: event.type });
  }

  /** A pick, putaway or count ended after `seconds`. */
  requestFinished(seconds: number): void {
    this.requestSeconds.observe(seconds);
  }

  /** A control cycle took `ms` of wall time. */
  cycle(ms: number): void {
    this.cycleSeconds.observe(ms / 1000);
  }

  /** The Prometheus text exposition. */
  render(): string {
    return exposition(this.families);
  }
}

function robotsByState(controller: GridController): { labels: { state: string }; value: number }[] {
  const counts = new Map<string, number>([
    ['offline', 0],
    ['idle', 0],
    ['working', 0],
    ['fault', 0],
    ['paused', 0],
    ['held', 0],
    ['charging', 0],
  ]);
  const add = (state: string) => counts.set(state, (counts.get(state) ?? 0) + 1);
  for (const robot of controller.robotViews()) {
    add(robot.state);
    if (robot.paused) add('paused');
    if (robot.hold !== null) add('held');
    if (robot.charging) add('charging');
  }
  return [...counts].map(([state, value]) => ({ labels: { state }, value }));
}

function unacknowledged(controller: GridController): { labels: { severity: string }; value: number }[] {
  const counts = new Map<string, number>([
    ['critical', 0],
    ['warning', 0],
    ['info', 0],
  ]);
  for (const alarm of controller.alarms) if (!alarm.acknowledged) counts.set(alarm.severity, (counts.get(alarm.severity) ?? 0) + 1);
  return [...counts].map(([severity, value]) => ({ labels: { severity }, value }));
}
