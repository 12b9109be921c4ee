import { formatKpi } from '../../controller/kpi.ts';
import { layoutKinematics } from '../../sim/kinematics/robot-kinematics.ts';
import { numberOption, type CommandArgs } from '../errors.ts';
import { loadLayout } from '../load-layout.ts';
import { describePreparation, prepareOption, runInProcessScenario, scenarioSummaryLines } from '../scenario-run.ts';
import { demoUnitsPerBin, portCapacity } from '../port-capacity.ts';
import type { PortMode } from '../../protocol/layout/index.ts';

/** Offered load: well above what the facility serves, so the figures show its capacity. */
const REQUESTS_PER_HOUR = 1_200;
const MAX_OPEN_REQUESTS = 60;

/**
 * `npm run bench:scenario`: the default facility for simulated hours, in-process at full
 * speed, under more load than it can serve. Prints bins per port-hour against what each port
 * could do at best (its person, its cell), robot utilisation, request times, and the speed-up over
 * real time; then lets every open request finish and checks every invariant.
 */
export async function runBenchScenario(values: CommandArgs): Promise<number> {
  const layout = await loadLayout(values.layout as string | undefined);
  const hours = numberOption(values, 'hours', 1);
  const seed = numberOption(values, 'seed', 1, Number.isInteger);
  process.stderr.write(`bench scenario: ${layout.name}, ${layout.robots.count} robots, ${layout.ports.length} ports, ${hours} simulated hour(s), seed ${seed}, ${REQUESTS_PER_HOUR} requests/h offered, ${describePreparation(values)}\n`);
  const result = await runInProcessScenario({
    layout,
    seed,
    durationMs: hours * 3_600_000,
    wms: { requestsPerHour: REQUESTS_PER_HOUR, maxOpenRequests: MAX_OPEN_REQUESTS },
    controller: prepareOption(values),
    checkEveryMs: 1000,
    onProgress: (f) => process.stderr.write(`  ${formatKpi(f.controller.controller.kpis())}\n`),
  });
  const k = result.kpiAtDuration;
  const hoursRun = k.elapsedMs / 3_600_000;
  const capacities = k.ports.map((p) => ({ ...p, capacity: portCapacity(p.mode as PortMode, demoUnitsPerBin(p.mode as PortMode), layoutKinematics(layout)) }));
  const portLines = capacities.map((p) => {
    const perHour = p.presented / hoursRun;
    const c = p.capacity;
    return `  ${p.portId} (${p.mode})`.padEnd(24) + `${perHour.toFixed(0)} bins/h of ${c.binsPerHour.toFixed(0)} (${((100 * perHour) / c.binsPerHour).toFixed(0)}%; picker ${c.pickerBinsPerHour.toFixed(0)}, port cell ${c.portCellBinsPerHour.toFixed(0)})`;
  });
  const totalCapacity = capacities.reduce((sum, p) => sum + p.capacity.binsPerHour, 0);
  const lines = [
    `bins per port-hour      ${k.binsPerPortHour.toFixed(0)}; all ports ${(k.binsPresented / hoursRun).toFixed(0)} bins/h of ${totalCapacity.toFixed(0)} they could do (${((100 * k.binsPresented) / hoursRun / totalCapacity).toFixed(0)}%)`,
    ...portLines,
    `robot utilisation       ${(k.robotUtilisation * 100).toFixed(1)}%`,
    `request time            p50 ${k.requestTimeP50S.toFixed(1)} s, p95 ${k.requestTimeP95S.toFixed(1)} s (${MAX_OPEN_REQUESTS} open at a time: time includes queueing)`,
    ...scenarioSummaryLines(result),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return result.violations.length === 0 ? 0 : 1;
}
