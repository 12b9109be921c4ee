import { formatKpi } from '../../controller/kpi.ts';
import { numberOption, type CommandArgs } from '../errors.ts';
import { loadLayout } from '../load-layout.ts';
import { runInProcessScenario } from '../scenario-run.ts';
import { DEFAULT_REQUESTS_PER_HOUR } from './start.ts';

/** `gridline scenario`: one deterministic in-process run; prints the event log hash. */
export async function runScenario(values: CommandArgs): Promise<number> {
  const layout = await loadLayout(values.layout as string | undefined);
  const seed = numberOption(values, 'seed', 1, Number.isInteger);
  const durationMs = numberOption(values, 'duration', 1800) * 1000;
  const requestsPerHour = numberOption(values, 'requests-per-hour', DEFAULT_REQUESTS_PER_HOUR);
  const robots = values.robots !== undefined ? numberOption(values, 'robots', 0, (n) => Number.isInteger(n) && n > 0) : undefined;
  const result = await runInProcessScenario({
    layout,
    seed,
    durationMs,
    ...(robots !== undefined ? { robots } : {}),
    wms: { requestsPerHour },
    onProgress: (f) => process.stderr.write(`  ${formatKpi(f.controller.controller.kpis())}\n`),
  });
  process.stdout.write(
    [
      `event log: ${result.eventCount} messages, sha256 ${result.eventLogHash}`,
      `kpi when the WMS stopped: ${formatKpi(result.kpiAtDuration)}`,
      `kpi at the end:           ${formatKpi(result.kpiFinal)}`,
      `wms: sent ${result.wms.sent}, accepted ${result.wms.accepted}, completed ${result.wms.completed}, failed ${result.wms.failed}, open ${result.wms.open}`,
      `invariants: ${result.violations.length === 0 ? 'all held' : `${result.violations.length} violations`}`,
      ...result.violations.map((v) => `  ${v}`),
      `wall ${(result.wallMs / 1000).toFixed(1)} s for ${(result.simulatedMs / 1000).toFixed(0)} s simulated`,
      '',
    ].join('\n'),
  );
  return result.violations.length === 0 ? 0 : 1;
}
