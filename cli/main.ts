import { parseArgs } from 'node:util';
import { runStart } from './commands/start.ts';
import { runWms } from './commands/wms.ts';
import { runBenchScenario } from './commands/bench-scenario.ts';
import { runBenchGrid } from './commands/bench-grid.ts';
import { runBenchLorr } from './commands/bench-lorr.ts';
import { runBenchLorrVsStartKit } from './commands/bench-lorr-vs-startkit.ts';
import { runBenchBridge } from './commands/bench-bridge.ts';
import { runBenchConsole } from './commands/bench-console.ts';
import { runBenchBroker } from './commands/bench-broker.ts';
import { runBenchWms } from './commands/bench-wms.ts';
import { runLorrProblem } from './commands/lorr-problem.ts';
import { runScenario } from './commands/scenario.ts';
import { runBridge } from './commands/bridge.ts';
import { IDENTITIES_USAGE, runIdentities } from './commands/identities.ts';
import { AUDIT_USAGE, runAudit } from './commands/audit.ts';
import { REPORT_USAGE, runReport } from './commands/report.ts';
import { runSimBoard, SIM_BOARD_OPTIONS, SIM_BOARD_USAGE } from './commands/sim-board.ts';
import { UsageError } from './errors.ts';
import { StoreError } from '../controller/store/store-error.ts';

export const USAGE = `gridline: control software for cube-storage micro-fulfillment grids

Usage:
  gridline start [options]              run the demo facility: broker, controller, simulated robots
                                        and pickers, demo WMS; prints a KPI line every few seconds
      --robots N          robots in the facility (default: the layout's count)
      --layout FILE       grid layout JSON (default: protocol/layout/default-facility.json)
      --seed N            seed of the demo WMS and robot placement (default 1)
      --speed X           time factor, 1 = real time (default 1)
      --duration S        stop after S seconds of facility time (default: until Ctrl-C)
      --broker URL        use this MQTT broker instead of starting the embedded one
      --port N            port of the embedded broker (default 1883)
      --data DIR          folder of the controller's SQLite store (default ./data)
      --no-wms            do not run the demo WMS (send requests with 'gridline wms')
      --requests-per-hour N   the demo WMS's request rate (default 200)
      --hardware-in-the-loop K   run K of the robots as firmware bridge + board emulator
                          pairs instead of virtual robots (default 0)
      --hil-link pty|memory   their serial lines: socat pseudo-terminal pairs (default) or
                          in memory
      --manual-ports P1[,P2...]   no simulated picker at these ports: a person confirms
                          there through the port screen
      --low-stock N       a SKU with fewer available units is low: a stock/low event (default 5)
      --low-stock-sku SKU:N   that SKU's own threshold (repeated for several)
      --external-robots R013[,R014...]   robots of the fleet not started here: VDA 5050
                          vehicles that connect on their own (the controller waits for them)
      --console-host H    interface of the operator console's web server (default 127.0.0.1)
      --console-port N    its port (default 8080; 0 picks a free one)
      --console-name N[,N...]   host names browsers reach it by besides IP addresses,
                          localhost and this machine's name (e.g. console.store.example)
      --no-console        do not serve the console
      --tls-cert FILE --tls-key FILE   the site's certificate (scripts/make-certificates.sh):
                          the broker also serves mqtts on --mqtts-port (default 8883) of
                          --mqtts-host (default 0.0.0.0; plain MQTT stays on loopback), and
                          the console HTTPS
      --tls-ca FILE       the site CA: robots may log in with client certificates it signed
  gridline wms pick --sku S --qty N [--port P]        send one pick and print its events
      (--line SKU:QTY, repeated, for an order of several lines; --priority 0-9; --due ISO-TIME)
  gridline wms putaway --sku S --qty N [--bin B]      send one putaway
  gridline wms count (--bin B | --sku S) [--port P]   count a bin, or every bin of a SKU (a cycle count)
  gridline wms status --request-id ID                 ask for a request's state
  gridline wms inventory (--sku S | --bin B)          ask where stock is
  gridline wms cancel --request-id ID                 cancel a queued request
      --broker URL (default mqtt://127.0.0.1:1883)  --site NAME (default demo)
      --id ID (request id; default generated)  --timeout S (default 600)
      --user NAME (a WMS identity; default cli-wms)  --client-id ID (default: the user)
  gridline bridge --serial PATH --serial-number ID [--baud N] [--broker URL] [--layout FILE]
                                        one robot's firmware bridge: VDA 5050 over MQTT (default
                                        broker mqtt://127.0.0.1:1883) to its motor controller's
                                        serial port (default 115200 baud); the layout gives the grid
      --user NAME (the robot's identity; default its serial number)
      --cert FILE --key FILE   log in with the robot's client certificate instead (mqtts)
    both log in with --password-file FILE or GRIDLINE_PASSWORD; beside a facility, its
    --data DIR (default ./data) holds the passwords of its own parts; --ca FILE trusts the
    site CA for an mqtts:// broker
${IDENTITIES_USAGE}${AUDIT_USAGE}${REPORT_USAGE}${SIM_BOARD_USAGE}  gridline scenario [--seed N] [--duration S] [--robots N] [--requests-per-hour N]
                                        run the facility in-process on a simulated clock and print
                                        the event log's hash, KPIs and invariant results
  gridline bench scenario [--hours H] [--seed N]
                                        the default facility for H simulated hours at full speed
  gridline bench grid [--hours H] [--seed N] [--robots N] [--idle-clear-cells N]
                                        the controller on a 100 x 100 grid, 1,000 robots (--robots
                                        3000: the dense variant), 20 ports; idle robots kept N (9)
                                        cells from the ports
      (both: --prepare-look-ahead N, bin preparation N queued retrievals ahead per port; 0 off)
  gridline bench lorr PROBLEM.json [--steps N] [--plan-time-limit-ms L] [--output OUT.json]
                     [--entry epibt|pibt|greedy]
                                        a League of Robot Runners 2024 problem under the start kit's
                                        rules (default 1000 steps, 100 ms, epibt); OUT.json in its format
  gridline bench lorr-vs-startkit PROBLEM.json [--steps N] [--plan-time-limit-ms L]
                     (--start-kit DIR | --start-kit-binary FILE) [--build-dir DIR] [--out-dir DIR]
                                        the LoRR start kit's default entry and Gridline's on the same
                                        problem (1000 steps, 1000 ms), both replayed; counts, ratio.
                                        DIR: a checkout of the start kit (or GRIDLINE_LORR_START_KIT),
                                        built once into --build-dir (~/.cache/gridline/...)
  gridline bench bridge [--count N]      serial codec throughput, and the emergency stop's latency
                                        through the firmware bridge to a socat pty (N stops, 1000)
  gridline bench console [--frames N]    the console's scene in headless Chromium: 160,000 bins and
                                        1,000 robots; draw calls, triangles, frame and update times
  gridline bench broker [--count N] [--robots R] [--rounds K]
                                        what authorisation costs the embedded broker: N robot
                                        states (200,000) from R robots (50) with access control
                                        and without, K rounds (3) alternating; messages/s, ratio
  gridline bench wms [--count N] [--seed S] [--warm-up N]
                                        an order wave: N mixed requests (2,000) from WMS clients over
                                        the real broker within 2 s, after a warm-up wave of N (500);
                                        reply time p50/p95/p99/max
  gridline bench lorr-problem FROM.json --team-size N [--seed S] [--out-dir DIR]
                                        the same problem with N robots on seeded random free cells
`;

const OPTIONS = {
  ...SIM_BOARD_OPTIONS,
  robots: { type: 'string' },
  layout: { type: 'string' },
  seed: { type: 'string' },
  speed: { type: 'string' },
  duration: { type: 'string' },
  broker: { type: 'string' },
  port: { type: 'string' },
  data: { type: 'string' },
  'no-wms': { type: 'boolean' },
  'requests-per-hour': { type: 'string' },
  sku: { type: 'string' },
  qty: { type: 'string' },
  line: { type: 'string', multiple: true },
  'prepare-look-ahead': { type: 'string' },
  'idle-clear-cells': { type: 'string' },
  priority: { type: 'string' },
  due: { type: 'string' },
  bin: { type: 'string' },
  'request-id': { type: 'string' },
  id: { type: 'string' },
  site: { type: 'string' },
  timeout: { type: 'string' },
  hours: { type: 'string' },
  steps: { type: 'string' },
  'plan-time-limit-ms': { type: 'string' },
  output: { type: 'string' },
  entry: { type: 'string' },
  'team-size': { type: 'string' },
  count: { type: 'string' },
  rounds: { type: 'string' },
  frames: { type: 'string' },
  'console-host': { type: 'string' },
  'console-port': { type: 'string' },
  'console-name': { type: 'string' },
  'no-console': { type: 'boolean' },
  'out-dir': { type: 'string' },
  'serial-number': { type: 'string' },
  'hardware-in-the-loop': { type: 'string' },
  'hil-link': { type: 'string' },
  'manual-ports': { type: 'string' },
  'warm-up': { type: 'string' },
  'start-kit': { type: 'string' },
  'start-kit-binary': { type: 'string' },
  'build-dir': { type: 'string' },
  'low-stock': { type: 'string' },
  'low-stock-sku': { type: 'string', multiple: true },
  'external-robots': { type: 'string' },
  user: { type: 'string' },
  'password-file': { type: 'string' },
  'client-id': { type: 'string' },
  role: { type: 'string' },
  out: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  host: { type: 'string' },
  'websockets-port': { type: 'string' },
  limit: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'tls-ca': { type: 'string' },
  'mqtts-port': { type: 'string' },
  'mqtts-host': { type: 'string' },
  ca: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  scope: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Runs the command line; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    process.stderr.write(`gridline: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [command, sub] = parsed.positionals;
  if (parsed.values.help || !command) {
    process.stdout.write(USAGE);
    return command || parsed.values.help ? 0 : 2;
  }
  try {
    switch (command) {
      case 'start':
        return await runStart(parsed.values);
      case 'wms':
        return await runWms(sub, parsed.values);
      case 'scenario':
        return await runScenario(parsed.values);
      case 'bridge':
        return await runBridge(parsed.values);
      case 'identities':
        return await runIdentities(sub, parsed.positionals[2], parsed.values);
      case 'audit':
        return await runAudit(parsed.values);
      case 'report':
        return await runReport(parsed.values);
      case 'sim':
        if (sub === 'board') return await runSimBoard(parsed.values);
        process.stderr.write(`gridline: unknown sim command "${sub ?? ''}"; try: gridline sim board\n`);
        return 2;
      case 'bench':
        if (sub === 'scenario') return await runBenchScenario(parsed.values);
        if (sub === 'grid') return await runBenchGrid(parsed.values);
        if (sub === 'lorr') return await runBenchLorr(parsed.positionals[2], parsed.values);
        if (sub === 'lorr-vs-startkit') return await runBenchLorrVsStartKit(parsed.positionals[2], parsed.values);
        if (sub === 'lorr-problem') return await runLorrProblem(parsed.positionals[2], parsed.values);
        if (sub === 'bridge') return await runBenchBridge(parsed.values);
        if (sub === 'console') return await runBenchConsole(parsed.values);
        if (sub === 'broker') return await runBenchBroker(parsed.values);
        if (sub === 'wms') return await runBenchWms(parsed.values);
        process.stderr.write(`gridline: unknown benchmark "${sub ?? ''}"; try: gridline bench scenario, grid, lorr, lorr-vs-startkit, lorr-problem, bridge, console, broker or wms\n`);
        return 2;
      default:
        process.stderr.write(`gridline: unknown command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`gridline: ${error.message}\n`);
      return 2;
    }
    if (error instanceof StoreError || (error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      // Problems of the machine or the data folder, not of the program: say what, no stack.
      process.stderr.write(`gridline: ${(error as Error).message}\n`);
      return 1;
    }
    throw error;
  }
}

