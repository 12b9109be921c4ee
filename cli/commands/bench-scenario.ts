import { formatKpi } from '../../controller/kpi.ts';
import { numberOption, type CommandArgs } from '../errors.ts';
import { loadLayout } from '../load-layout.ts';
import { runInProcessScenario } from '../scenario-run.ts';

/**
 * `npm run bench:scenario`: the default facility for simulated hours, in-process at full
 * speed. Prints throughput against the ports' capacity, utilisation, request times, and the
 * speed-up over real time.
 */
export async function runBenchScenario(values: CommandArgs): Promise<number> {
  const layout = await loadLayout(values.layout as string | undefined);
  const hours = numberOption(values, 'hours', 1);
  const seed = numberOption(values, 'seed', 1, Number.isInteger);
  process.stderr.write(`bench scenario: ${layout.name}, ${layout.robots.count} robots, ${layout.ports.length} ports, ${hours} simulated hour(s), seed ${seed}\n`);
  const result = await runInProcessScenario({
    layout,
    seed,
    durationMs: hours * 3_600_000,
    wms: { requestsPerHour: 3000 },
    checkEveryMs: 1000,
    onProgress: (f) => process.stderr.write(`  ${formatKpi(f.controller.controller.kpis())}\n`),
  });
  // A port presents one bin per picker cycle: handling plus picking a typical line.
  const pickerCycleS = 4 + 1.5 * 2;
  const capacityPerPortHour = 3600 / pickerCycleS;
  const k = result.kpi;
  const lines = [
    `bins per port-hour      ${k.binsPerPortHour.toFixed(0)} (ports' capacity about ${capacityPerPortHour.toFixed(0)}: ${((100 * k.binsPerPortHour) / capacityPerPortHour).toFixed(0)}%)`,
    `bins presented          ${k.binsPresented}`,
    `robot utilisation       ${(k.robotUtilisation * 100).toFixed(1)}%`,
    `requests                sent ${result.wms.sent}, completed ${result.wms.completed}, rejected ${result.wms.rejected}, open at end ${result.wms.open}`,
    `request time            p50 ${k.requestTimeP50S.toFixed(1)} s, p95 ${k.requestTimeP95S.toFixed(1)} s`,
    `simulated               ${(result.simulatedMs / 1000).toFixed(0)} s`,
    `wall time               ${(result.wallMs / 1000).toFixed(2)} s`,
    `speed-up                ${(result.simulatedMs / result.wallMs).toFixed(0)}x real time`,
    `invariants              ${result.violations.length === 0 ? 'all held' : result.violations.join('\n                        ')}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return result.violations.length === 0 ? 0 : 1;
}
