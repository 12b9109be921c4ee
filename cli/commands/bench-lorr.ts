import { writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { createPlanningEntry } from '../../controller/planning/lorr-entry.ts';
import { startGuideWorker } from '../../controller/planning/guide-worker/guide-worker-helper.ts';
import { greedyEntry } from '../../sim/lorr/greedy-entry.ts';
import type { LorrEntry } from '../../protocol/lorr/lorr-entry.ts';
import { writeLorrOutput } from '../../sim/lorr/lorr-output.ts';
import { runLorr } from '../../sim/lorr/run-lorr.ts';
import { numberOption, UsageError, type CommandArgs } from '../errors.ts';
import { loadLorrProblemForCli } from '../load-lorr-problem.ts';
import { percentile } from '../../controller/kpi.ts';

/** Print a progress line every this many steps. */
const PROGRESS_EVERY_STEPS = 50;

/** Our entries; `close` (where there is one) stops helper threads after the run. */
const ENTRIES: Record<string, (now: () => number) => LorrEntry & { close?(): void }> = {
  epibt: (now) => createPlanningEntry({ now, guideHelper: startGuideWorker }),
  pibt: (now) => createPlanningEntry({ now, guideHelper: startGuideWorker, planner: 'pibt' }),
  greedy: () => greedyEntry(),
};


/**
 * `gridline bench lorr PROBLEM.json`: runs a League of Robot Runners 2024 problem under the start
 * kit's rules with one of our entries, prints progress and a summary on stderr/stdout, and
 * writes the start kit's result JSON with `--output`. Exit code 1 if the entry made planner or
 * schedule errors.
 */
export async function runBenchLorr(problemPath: string | undefined, values: CommandArgs): Promise<number> {
  if (!problemPath) throw new UsageError('bench lorr needs a problem file: gridline bench lorr PROBLEM.json');
  const steps = numberOption(values, 'steps', 1000, (n) => Number.isInteger(n) && n > 0);
  const planTimeLimitMs = numberOption(values, 'plan-time-limit-ms', 100);
  const entryName = (values.entry as string | undefined) ?? 'epibt';
  const makeEntry = ENTRIES[entryName];
  if (!makeEntry) throw new UsageError(`--entry must be one of ${Object.keys(ENTRIES).join(', ')} (got "${entryName}")`);
  const outputPath = values.output as string | undefined;

  const problem = await loadLorrProblemForCli(problemPath);
  const now = () => performance.now();
  process.stderr.write(
    `bench lorr: ${problem.name}, ${problem.map.height} x ${problem.map.width} map, ${problem.teamSize} robots, ${steps} steps, ${planTimeLimitMs} ms per step, entry ${entryName}\n`,
  );
  const wallStart = now();
  const entry = makeEntry(now);
  const result = runLorr(problem, entry, {
    steps,
    planTimeLimitMs,
    now,
    onProgress: (p) => {
      if (p.stepsDone % PROGRESS_EVERY_STEPS !== 0 && p.stepsDone !== steps) return;
      const p99Ms = percentile([...p.plannerTimesS].sort((a, b) => a - b), 99) * 1000;
      process.stderr.write(`  step ${p.stepsDone}/${steps}: ${p.numTaskFinished} tasks finished, planning p99 ${p99Ms.toFixed(1)} ms\n`);
    },
  });
  entry.close?.();
  const wallMs = now() - wallStart;
  if (outputPath) await writeFile(outputPath, JSON.stringify(writeLorrOutput(result)));

  const timesMs = result.plannerTimesS.map((s) => s * 1000);
  const sortedMs = [...timesMs].sort((a, b) => a - b);
  const meanMs = timesMs.reduce((sum, t) => sum + t, 0) / Math.max(1, timesMs.length);
  const lines = [
    `tasks finished          ${result.numTaskFinished} in ${steps} steps`,
    `errors                  ${result.numPlannerErrors} planner (invalid steps), ${result.numScheduleErrors} schedule`,
    `timeouts                ${result.numEntryTimeouts} steps over ${planTimeLimitMs} ms`,
    `planning per step       mean ${meanMs.toFixed(1)} ms, p99 ${percentile(sortedMs, 99).toFixed(1)} ms, max ${(sortedMs.at(-1) ?? 0).toFixed(1)} ms`,
    `preprocessing           ${result.preprocessMs.toFixed(0)} ms`,
    `wall time               ${(wallMs / 1000).toFixed(2)} s`,
    ...(outputPath ? [`result file             ${outputPath}`] : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return result.numPlannerErrors + result.numScheduleErrors === 0 ? 0 : 1;
}
