import type { MessageBus } from '../protocol/bus/message-bus.ts';
import type { Clock } from '../protocol/clock.ts';
import { generateInventory, type GridLayout } from '../protocol/layout/index.ts';
import { MasterControlLink } from '../protocol/vda5050/links.ts';
import type { OrderBody } from '../protocol/vda5050/types.ts';
import { WmsServerLink } from '../protocol/wms/links.ts';
import { PortServerLink } from '../protocol/console/links.ts';
import { ConsoleServerLink } from '../protocol/console/console-links.ts';
import { defaultControllerOptions, type ControllerOptions } from './controller-options.ts';
import { internalErrorReason } from './error-boundary.ts';
import { FacilityMetrics, type BrokerStats } from './metrics/facility-metrics.ts';
import { KpiSampler } from './kpi-history.ts';
import type { WmsOutput } from './gateway/wms-gateway.ts';
import { StockPublisher } from './gateway/stock-publisher.ts';
import { StockServerLink } from '../protocol/wms/stock-links.ts';
import { WmsIntake } from './gateway/wms-intake.ts';
import { WmsGateway } from './gateway/wms-gateway.ts';
import { PortScreenGateway } from './gateway/port-screen-gateway.ts';
import { ConsoleGateway } from './gateway/console-gateway.ts';
import { GridController, type CycleProfiler } from './grid-controller.ts';
import type { GridDimensions } from './inventory/types.ts';
import { RequestBook } from './requests/request-book.ts';
import { openStore, SqliteStore } from './store/sqlite-store.ts';
import { loadOrInitialiseInventory, StoredInventory } from './store/stored-inventory.ts';
import type { IdentityStore } from './security/identity-store.ts';

export interface ControllerStartOptions {
  layout: GridLayout;
  /** One connection to the broker (MQTT or in-memory), used by every link of the controller. */
  bus: MessageBus;
  clock: Clock;
  /** Folder of the SQLite store; in memory when absent (tests, benchmarks). */
  dataDir?: string;
  options?: Partial<ControllerOptions>;
  /** Sees every order as it is sent (invariant checks in scenario runs). */
  onOrderSent?: (serial: string, order: OrderBody) => void;
  /** Measures control cycles (benchmarks). */
  profiler?: CycleProfiler;
  /**
   * The site's identities: console commands are then checked against their user's role and
   * written to the audit log. Absent only on the in-process bus, where no one else can send.
   */
  identities?: IdentityStore;
  /** Wall-clock ms for the audit log's entries (the facility's clock may run faster); Date.now when absent. */
  wallClockMs?: () => number;
  /** The embedded broker's traffic, for /metrics; absent with an external broker. */
  brokerStats?: () => BrokerStats | null;
}

export interface RunningController {
  readonly controller: GridController;
  readonly gateway: WmsGateway;
  /** The operator console's end: layout, stacks and state out, commands in. */
  readonly console: ConsoleGateway;
  readonly store: SqliteStore;
  /** Open requests found in the store at start and planned again. */
  readonly resumed: { resumed: number; failed: number };
  /** The site's figures in Prometheus text (/metrics). */
  readonly metrics: FacilityMetrics;
  /** Takes the KPI samples the store keeps (the console's charts, gridline report). */
  readonly kpiSampler: KpiSampler;
  stop(): Promise<void>;
}

/**
 * The controller's composition root: store, inventory, core, gateways and links. The bus
 * decides whether it runs against a real broker or in-process.
 */
export async function startController(start: ControllerStartOptions): Promise<RunningController> {
  const options = defaultControllerOptions(start.options);
  const { layout, bus, clock } = start;
  const dimensions: GridDimensions = { columnsX: layout.columns.x, columnsY: layout.columns.y, depth: layout.depth };
  const store = start.dataDir ? openStore(start.dataDir, dimensions) : new SqliteStore(':memory:', dimensions);
  const inventory = loadOrInitialiseInventory(store, dimensions, () => generateInventory(layout));
  const robotLink = new MasterControlLink(bus, clock, { interfaceName: options.interfaceName, manufacturer: options.manufacturer });
  const onOrderSent = start.onOrderSent;
  const commands = onOrderSent
    ? {
        sendOrder: (serial: string, order: OrderBody) => {
          onOrderSent(serial, order);
          return robotLink.sendOrder(serial, order);
        },
        sendInstantActions: robotLink.sendInstantActions.bind(robotLink),
      }
    : robotLink;
  // Every control cycle's wall time goes to /metrics (and to a benchmark's own profiler, if given).
  let metrics: FacilityMetrics | null = null;
  const profiler: CycleProfiler = {
    now: start.profiler ? () => start.profiler!.now() : () => performance.now(),
    record: (ms) => {
      metrics?.cycle(ms);
      start.profiler?.record(ms);
    },
  };
  const controller = new GridController(layout, new StoredInventory(inventory, store), new RequestBook(), commands, clock, options, profiler);
  metrics = new FacilityMetrics(controller, start.brokerStats);
  const facilityMetrics = metrics;
  controller.kpiRecorder.onRequestTime = (seconds) => facilityMetrics.requestFinished(seconds);
  const wmsLink = new WmsServerLink(bus, clock, { site: options.site, maxRequestBytes: options.maxWmsPayloadBytes });
  // What goes out to the WMS is counted for /metrics.
  const wmsOut: WmsOutput = {
    buildReply: (reply) => wmsLink.buildReply(reply),
    buildEvent: (event) => wmsLink.buildEvent(event),
    sendReply: (clientId, reply) => {
      wmsLink.sendReply(clientId, reply);
      facilityMetrics.reply(reply);
    },
    sendEvent: (clientId, event) => {
      wmsLink.sendEvent(clientId, event);
      facilityMetrics.event(event);
    },
  };
  const gateway = new WmsGateway(controller, store, wmsOut, clock);
  const portLink = new PortServerLink(bus, clock, { site: options.site });
  const portScreens = new PortScreenGateway(controller, portLink);
  const consoleLink = new ConsoleServerLink(bus, clock, { site: options.site });
  const identities = start.identities;
  // Commands the last run left waiting on the robots: their outcome is unknown, and said so.
  store.audit.settleInterrupted('the controller stopped before this command was answered');
  const accountability = identities ? { roleOf: (user: string) => identities.get(user)?.role, audit: store.audit, now: start.wallClockMs ?? Date.now } : null;
  const consoleGateway = new ConsoleGateway(controller, consoleLink, clock, layout, options, accountability);

  // Every inbound message is handled through the one error boundary: an internal error is
  // raised as an alarm, the work it interrupted is ended (the robot held, the request or the
  // command answered), and the controller keeps running.
  const boundary = controller.boundary;
  robotLink.onConnection(boundary.wrap('robot link', (serial, connection) => controller.handleConnection(serial, connection)));
  robotLink.onState(
    boundary.wrap(
      (serial) => serial,
      (serial, state, dropped) => controller.handleState(serial, state, dropped),
      (error, serial) => controller.holdAfterInternalError(serial, `sent a state the controller failed on (${internalErrorReason(error)})`),
    ),
  );
  robotLink.onFactsheet(boundary.wrap('robot link', (serial, factsheet) => controller.edge.onFactsheet(serial, factsheet)));
  robotLink.onInvalidMessage(boundary.wrap('robot link', (topic, errors) => controller.edge.onInvalidMessage(topic, errors)));
  // Requests that arrive together are kept with one commit (a wave of orders: see WmsIntake).
  const wmsIntake = new WmsIntake(gateway, store, boundary, clock);
  wmsLink.onRequest((clientId, parsed) => {
    facilityMetrics.request(parsed.ok ? parsed.request.requestId : parsed.requestId, parsed.ok ? parsed.request.type : undefined);
    wmsIntake.receive(clientId, parsed);
  });
  portLink.onConfirm(boundary.wrap((portId) => `port ${portId}`, (portId, result) => portScreens.handle(portId, result), (error, portId, result) => portScreens.recover(portId, result, error)));
  consoleLink.onCommand(boundary.wrap('console', (command) => void consoleGateway.handle(command), (error, command) => consoleGateway.recover(command, error)));

  const resumed = gateway.resumeOpenRequests();
  await Promise.all([robotLink.start(), wmsLink.start(), portLink.start(), consoleLink.start()]);
  // What operators set before a restart (stop, pauses, service, closed ports, blocked cells) holds again.
  controller.keepOperatorStateIn(store.operatorState);
  controller.alarmBook.keepIn(store.alarms);
  controller.start();
  consoleGateway.start();
  const kpiSampler = new KpiSampler(controller, store.kpiHistory, clock);
  kpiSampler.start();
  // Stock levels for the WMS: a retained snapshot, changes, low stock (stock-publisher.ts).
  const stock = new StockPublisher(controller.inventory, clock, options, new StockServerLink(bus, options.site), (work) => controller.boundary.run('stock', work));
  stock.start();
  return {
    controller,
    gateway,
    console: consoleGateway,
    store,
    resumed,
    metrics: facilityMetrics,
    kpiSampler,
    async stop() {
      kpiSampler.stop();
      stock.stop();
      gateway.beginShutdown();
      consoleGateway.stop();
      controller.stop();
      await bus.close();
      store.close();
    },
  };
}
