import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { formatKpi } from '../../controller/kpi.ts';
import type { ControllerOptions } from '../../controller/controller-options.ts';
import { numberOption, UsageError, type CommandArgs } from '../errors.ts';
import { startFacility } from '../facility.ts';
import { startConsoleHttpServer, type ConsoleHttpServer } from '../../controller/http/console-http-server.ts';
import { CONSOLE_DIST_DIR, ensureConsoleBuilt } from '../console-build.ts';
import { loadLayout } from '../load-layout.ts';
import { isValidSerialNumber } from '../../protocol/vda5050/topics.ts';
import { startedSerials, withRobotCount } from '../../protocol/layout/index.ts';
import { portScreenIdentity } from '../facility-identities.ts';
import { SECRETS_FILE } from '../../controller/security/identity-store.ts';

const KPI_PERIOD_MS = 5_000; // wall-clock period of the KPI line
/** The demo WMS's rate: about what the default facility's 12 robots sustain (2 bins a request). */
export const DEFAULT_REQUESTS_PER_HOUR = 200;

/** `gridline start` (`npm start`): the demo facility until Ctrl-C or `--duration`. */
export async function runStart(values: CommandArgs): Promise<number> {
  const layout = await loadLayout(values.layout as string | undefined);
  const seed = numberOption(values, 'seed', 1, Number.isInteger);
  const speed = numberOption(values, 'speed', 1);
  const port = numberOption(values, 'port', 1883, (n) => Number.isInteger(n) && n >= 0 && n < 65536);
  const durationS = values.duration !== undefined ? numberOption(values, 'duration', 0) : undefined;
  const robots = values.robots !== undefined ? numberOption(values, 'robots', 0, (n) => Number.isInteger(n) && n > 0) : undefined;
  const dataDir = path.resolve((values.data as string | undefined) ?? 'data');
  const url = values.broker as string | undefined;
  const hilCount = numberOption(values, 'hardware-in-the-loop', 0, (n) => Number.isInteger(n) && n >= 0);
  const hilLink = (values['hil-link'] as string | undefined) ?? 'pty';
  if (hilLink !== 'pty' && hilLink !== 'memory') throw new UsageError(`--hil-link must be pty or memory (got "${hilLink}")`);
  const manualPorts = manualPortsOption(values['manual-ports'], layout.ports.map((p) => p.id));
  const externalRobots = externalRobotsOption(values['external-robots']);
  const started = new Set(startedSerials(robots !== undefined ? withRobotCount(layout, robots) : layout));
  const clash = externalRobots.filter((s) => started.has(s));
  if (clash.length > 0) throw new UsageError(`--external-robots: ${clash.join(', ')} ${clash.length === 1 ? 'is a robot' : 'are robots'} the facility starts; an external robot needs a serial number of its own (start fewer with --robots)`);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  // The console's MQTT goes through its own server to the embedded broker, which takes the
  // login session as the page's identity; an external broker cannot (see README "Security").
  const consoleWanted = !values['no-console'] && url === undefined;
  const consoleHost = (values['console-host'] as string | undefined) ?? '127.0.0.1';
  const consolePort = numberOption(values, 'console-port', 8080, (n) => Number.isInteger(n) && n >= 0 && n < 65536);
  const tls = tlsOption(values);
  // Built before anything starts, so a build problem stops nothing half-started.
  if (consoleWanted) await ensureConsoleBuilt((line) => out(`gridline: ${line}`));

  const facility = await startFacility({
    layout,
    transport: { kind: 'mqtt', speed, port, ...(url ? { url } : {}), ...(tls ? { tls: { host: tls.host, port: tls.port, cert: tls.cert, key: tls.key, ...(tls.ca ? { ca: tls.ca } : {}) } } : {}) },
    seed,
    ...(robots !== undefined ? { robots } : {}),
    ...(externalRobots.length > 0 ? { externalRobots } : {}),
    dataDir,
    wms: values['no-wms'] ? false : { requestsPerHour: numberOption(values, 'requests-per-hour', DEFAULT_REQUESTS_PER_HOUR) },
    ...(hilCount > 0 ? { hardwareInTheLoop: { count: hilCount, link: hilLink } } : {}),
    ...(manualPorts.length > 0 ? { manualPorts } : {}),
    identities: { people: consoleWanted, commandLineWms: true },
    controller: lowStockOption(values),
    log: (line) => out(`gridline: ${line}`),
  });
  const core = facility.controller.controller;
  out(`gridline: ${layout.name}: ${layout.columns.x} x ${layout.columns.y} columns, ${layout.depth} deep, ${core.inventory.binCount} bins, ${facility.fleet.robots.size + (facility.hil?.robots.size ?? 0)} robots, ports ${layout.ports.map((p) => `${p.id} (${p.mode})`).join(', ')}`);
  out(`gridline: broker ${facility.brokerUrl}${facility.broker ? ' (embedded)' : ''}, store ${dataDir}, speed ${speed}x${durationS ? `, for ${durationS} s` : ''}; Ctrl-C stops`);
  if (facility.broker?.tlsUrl) out(`gridline: broker over TLS ${facility.broker.tlsUrl}${tls?.ca ? ' (robots may log in with client certificates of the site CA)' : ''}`);
  for (const robot of facility.hil?.robots.values() ?? []) {
    const line = robot.devices ? `serial line ${robot.devices.host} <-> ${robot.devices.board} (socat)` : 'serial line in memory';
    out(`gridline: robot ${robot.serialNumber} runs through the firmware bridge and the board emulator, ${line}`);
  }
  let consoleServer: ConsoleHttpServer | undefined;
  if (consoleWanted) {
    try {
      consoleServer = await startConsoleHttpServer({
        host: consoleHost,
        port: consolePort,
        distDir: CONSOLE_DIST_DIR,
        site: core.options.site,
        // Browsers may reach it by this machine's name too: a name another site's page could
        // rebind to this machine's address must be named here to be answered.
        allowedHosts: [hostname(), ...commaList(values['console-name'], '--console-name needs host names, e.g. --console-name console.store.example')],
        identities: facility.identities!.store,
        ...(tls ? { tls: { cert: tls.cert, key: tls.key } } : {}),
        auditLog: (limit) => facility.controller.store.audit.entries(limit),
        metrics: () => facility.controller.metrics.render(),
        kpiHistory: (hours) => {
          const now = facility.clock.now();
          return facility.controller.store.kpiHistory.samplesBetween(now - hours * 3_600_000, now + 1);
        },
        ...(facility.broker ? { mqttStream: facility.broker.handleStream } : {}),
      });
    } catch (error) {
      await facility.stop();
      throw error;
    }
    out(`gridline: console ${consoleServer.url} (port screens: ${consoleServer.url}port.html?port=${layout.ports[0]?.id ?? 'P1'})`);
  } else if (url !== undefined && !values['no-console']) {
    out('gridline: no console with an external broker: the console logs its users in through the embedded broker only (README, "Security")');
  }
  const identities = facility.identities!;
  if (identities.createdLogins.length > 0) {
    out(`gridline: console users created (passwords shown this once; "gridline identities rotate NAME" sets a new one):`);
    for (const login of identities.createdLogins) out(`gridline:   ${login.name.padEnd(10)} ${login.password}   (${login.role})`);
  } else if (consoleWanted) {
    out(`gridline: console users: "gridline identities list --data ${dataDir}"; a forgotten password: "gridline identities rotate NAME --data ${dataDir}"`);
  }
  if (manualPorts.length > 0) {
    out(`gridline: no simulated picker at ${manualPorts.join(', ')}: confirm there through the port screen, logged in as:`);
    // A password goes to the output (and so to logs) only when it was just made.
    for (const portId of manualPorts) {
      const name = portScreenIdentity(portId);
      const password = identities.createdParts.has(name) ? identities.credentialsOf(name).password : `(in ${path.join(dataDir, SECRETS_FILE)})`;
      out(`gridline:   ${name.padEnd(10)} ${password}   (port screen of ${portId})`);
    }
  }
  const external = core.layout.robots.external.map((r) => r.serialNumber);
  if (external.length > 0) {
    const topic = `${core.options.interfaceName}/v2/${core.options.manufacturer}/{serialNumber}/…`;
    out(`gridline: external robots ${external.join(', ')}: not started here; they connect to ${facility.brokerUrl} as VDA 5050 2.0.0 vehicles (${topic}), and no robot is given work until every robot of the fleet has reported where it stands (or ${core.options.fleetWaitMs / 1000} s have passed)`);
    const unknown = external.filter((serial) => facility.identities!.store.get(serial)?.role !== 'robot');
    if (unknown.length > 0) out(`gridline: ${unknown.join(', ')} cannot log in yet: give each an identity, e.g. "gridline identities add ${unknown[0]} --role robot --data ${dataDir}"`);
  }
  if (facility.controller.resumed.resumed + facility.controller.resumed.failed > 0) {
    out(`gridline: ${facility.controller.resumed.resumed} open requests resumed from the store, ${facility.controller.resumed.failed} failed`);
  }

  // What people at the ports do, as it happens: the picks, putaways and counts being confirmed.
  const startedMs = facility.clock.now();
  const stamp = () => `t=${((facility.clock.now() - startedMs) / 1000).toFixed(1)}s`;
  core.addObserver({
    visitFailed: (visit, reason) => out(`${stamp()}  failed   ${visit.requestId}: ${reason}`),
    visitConfirmed: (visit, quantities) => {
      const what = quantities.map((q) => `${q.quantity} x ${q.sku}${q.recorded !== undefined && q.recorded !== q.quantity ? ` (${q.recorded} recorded)` : ''}`).join(', ');
      const [verb, preposition] = visit.mode === 'pick' ? ['picked ', 'from'] : visit.mode === 'putaway' ? ['stored ', 'into'] : ['counted', 'in'];
      out(`${stamp()}  ${verb}  ${what} ${preposition} bin ${visit.binId} at ${visit.portId} for ${visit.requestId}`);
    },
  });

  let alarmsShown = 0;
  const report = setInterval(() => {
    out(formatKpi(core.kpis()));
    const unseen = Math.min(core.alarmCount - alarmsShown, core.alarms.length);
    for (const alarm of core.alarms.slice(core.alarms.length - unseen)) out(`  alarm ${alarm.source}: ${alarm.message.split('\n')[0]}`);
    alarmsShown = core.alarmCount;
  }, KPI_PERIOD_MS);

  let durationTimer: NodeJS.Timeout | undefined;
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
    if (durationS !== undefined) durationTimer = setTimeout(resolve, (durationS * 1000) / speed);
  });
  clearTimeout(durationTimer);
  clearInterval(report);
  out('gridline: stopping');
  await consoleServer?.close();
  out(formatKpi(core.kpis()));
  await facility.stop();
  out('gridline: stopped cleanly');
  return 0;
}

/**
 * `--tls-cert FILE --tls-key FILE [--tls-ca FILE] [--mqtts-port N] [--mqtts-host H]`: the site's
 * certificate (scripts/make-certificates.sh makes one) for mqtts and the console's HTTPS; the CA
 * lets robots log in with client certificates. Both files or neither.
 */
export function tlsOption(values: CommandArgs): { cert: string; key: string; ca?: string; port: number; host: string } | null {
  const certFile = values['tls-cert'] as string | undefined;
  const keyFile = values['tls-key'] as string | undefined;
  if (certFile === undefined && keyFile === undefined) {
    if (values['tls-ca'] !== undefined || values['mqtts-port'] !== undefined) throw new UsageError('--tls-ca and --mqtts-port need --tls-cert and --tls-key');
    return null;
  }
  if (certFile === undefined || keyFile === undefined) throw new UsageError('--tls-cert and --tls-key go together (the certificate and its private key, PEM)');
  const read = (option: string, file: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(`--${option} ${file}: ${(error as Error).message}`);
    }
  };
  const caFile = values['tls-ca'] as string | undefined;
  return {
    cert: read('tls-cert', certFile),
    key: read('tls-key', keyFile),
    ...(caFile !== undefined ? { ca: read('tls-ca', caFile) } : {}),
    port: numberOption(values, 'mqtts-port', 8883, (n) => Number.isInteger(n) && n >= 0 && n < 65536),
    host: (values['mqtts-host'] as string | undefined) ?? '0.0.0.0',
  };
}

/** `--external-robots R013,R014`: serial numbers (VDA 5050 alphabet), comma-separated. */
export function externalRobotsOption(raw: unknown): string[] {
  const serials = commaList(raw, '--external-robots needs serial numbers, e.g. --external-robots R013,R014');
  const bad = serials.filter((s) => !isValidSerialNumber(s));
  if (bad.length > 0) throw new UsageError(`--external-robots: ${bad.join(', ')}: a serial number uses only A-Z a-z 0-9 _ . : -`);
  return serials;
}

/** `--manual-ports P1,P2`: port ids of the layout, comma-separated. */
export function manualPortsOption(raw: unknown, layoutPorts: readonly string[]): string[] {
  const ids = commaList(raw, '--manual-ports needs port ids, e.g. --manual-ports P1,P2');
  const unknown = ids.filter((id) => !layoutPorts.includes(id));
  if (unknown.length > 0) throw new UsageError(`--manual-ports: ${unknown.join(', ')} ${unknown.length === 1 ? 'is not a port' : 'are not ports'} of the layout; its ports are ${layoutPorts.join(', ')}`);
  return ids;
}

/**
 * Low-stock thresholds, units: `--low-stock N` for every SKU, `--low-stock-sku SKU:N` (repeated)
 * for one; a SKU whose available units fall below its threshold gets a low-stock event.
 */
export function lowStockOption(values: CommandArgs): Partial<Pick<ControllerOptions, 'lowStockUnits' | 'lowStockUnitsBySku'>> {
  const units = (text: string, what: string): number => {
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new UsageError(`${what}: "${text}" must be a whole number of units >= 0`);
    return Number(text);
  };
  const options: Partial<Pick<ControllerOptions, 'lowStockUnits' | 'lowStockUnitsBySku'>> = {};
  if (values['low-stock'] !== undefined) options.lowStockUnits = units(String(values['low-stock']), '--low-stock');
  const bySku = values['low-stock-sku'];
  if (Array.isArray(bySku) && bySku.length > 0) {
    const thresholds: Record<string, number> = {};
    for (const entry of bySku) {
      const match = /^(.+):([^:]+)$/.exec(String(entry));
      if (!match) throw new UsageError(`--low-stock-sku "${String(entry)}" must be SKU:UNITS, e.g. --low-stock-sku SKU-00001:20`);
      thresholds[match[1]!] = units(match[2]!, `--low-stock-sku ${match[1]}`);
    }
    options.lowStockUnitsBySku = thresholds;
  }
  return options;
}

/** A comma-separated option's values, trimmed and each once; none when the option is absent. */
function commaList(raw: unknown, whenEmpty: string): string[] {
  if (raw === undefined) return [];
  const values = String(raw)
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  if (values.length === 0) throw new UsageError(whenEmpty);
  return [...new Set(values)];
}
