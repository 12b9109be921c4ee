import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { percentile } from '../../controller/kpi.ts';
import { createPlanningEntry } from '../../controller/planning/lorr-entry.ts';
import { startGuideWorker } from '../../controller/planning/guide-worker/guide-worker-helper.ts';
import type { LorrProblem } from '../../protocol/lorr/lorr-problem.ts';
import { replayLorrOutput } from '../../sim/lorr/independent-replay.ts';
import { writeLorrOutput } from '../../sim/lorr/lorr-output.ts';
import { runLorr } from '../../sim/lorr/run-lorr.ts';
import { numberOption, UsageError, type CommandArgs } from '../errors.ts';
import { loadLorrProblemForCli } from '../load-lorr-problem.ts';
import { prepareStartKit, type StartKit } from './start-kit-build.ts';

/** Preprocessing allowed to both entries, ms (the start kit's competition setting allows more; neither needs it). */
const PREPROCESS_LIMIT_MS = 60_000;
/** Seconds between progress lines while the start kit runs. */
const START_KIT_HEARTBEAT_S = 60;
/** Gridline's progress line every this many steps. */
const PROGRESS_EVERY_STEPS = 100;

/** What one entry's result file says, once the independent replay has checked it. */
export interface EntryOutcome {
  readonly name: string;
  readonly outputPath: string;
  readonly numTaskFinished: number;
  readonly replayedTaskFinished: number;
  readonly replayErrors: readonly string[];
  readonly numPlannerErrors: number;
  readonly numScheduleErrors: number;
  readonly numEntryTimeouts: number;
  /** Planning time per step, ms. */
  readonly planningMs: readonly number[];
  readonly wallS: number;
}

/**
 * `npm run bench:lorr-vs-startkit -- PROBLEM.json --steps N --plan-time-limit-ms L`: the League
 * of Robot Runners start kit's default entry and Gridline's entry on the same problem, one
 * after the other on this machine (so that the ratio, not an absolute count from another day,
 * is the figure). Builds the start kit once if needed (start-kit-build.ts), runs it, runs
 * Gridline's entry under the same rules and limits, replays both result files with the
 * independent replay, and prints both counts and their ratio. Exit code 1 when a result file
 * does not replay to its own count, or Gridline's entry made errors or ran out of time.
 */
export async function runBenchLorrVsStartKit(problemPath: string | undefined, values: CommandArgs): Promise<number> {
  if (!problemPath) throw new UsageError('bench lorr-vs-startkit needs a problem file: gridline bench lorr-vs-startkit PROBLEM.json');
  const steps = numberOption(values, 'steps', 1000, (n) => Number.isInteger(n) && n > 0);
  const planTimeLimitMs = numberOption(values, 'plan-time-limit-ms', 1000, (n) => Number.isInteger(n) && n > 0);
  const progress = (line: string) => process.stderr.write(`bench lorr-vs-startkit: ${line}\n`);
  const problem = await loadLorrProblemForCli(problemPath);
  const startKit = await prepareStartKit(
    { startKit: values['start-kit'] as string | undefined, startKitBinary: values['start-kit-binary'] as string | undefined, buildDir: values['build-dir'] as string | undefined },
    process.env,
    progress,
  );
  const outDir = path.resolve((values['out-dir'] as string | undefined) ?? mkdtempSync(path.join(tmpdir(), 'gridline-lorr-vs-startkit-')));
  mkdirSync(outDir, { recursive: true });
  progress(`${problem.name}: ${problem.teamSize} robots, ${steps} steps at ${planTimeLimitMs} ms; result files in ${outDir}`);

  const gridline = runGridlineEntry(problem, steps, planTimeLimitMs, path.join(outDir, 'gridline.json'), progress);
  const reference = await runStartKit(startKit, path.resolve(problemPath), problem, steps, planTimeLimitMs, outDir, progress);

  process.stdout.write(`${formatComparison(problem, steps, planTimeLimitMs, reference, gridline).join('\n')}\n`);
  const replayed = (o: EntryOutcome) => o.replayErrors.length === 0 && o.replayedTaskFinished === o.numTaskFinished;
  const clean = gridline.numPlannerErrors + gridline.numScheduleErrors + gridline.numEntryTimeouts === 0;
  return replayed(gridline) && replayed(reference) && clean ? 0 : 1;
}

function runGridlineEntry(problem: LorrProblem, steps: number, planTimeLimitMs: number, outputPath: string, progress: (line: string) => void): EntryOutcome {
  progress(`Gridline's entry: running`);
  const now = () => performance.now();
  const started = now();
  // Guide paths (dense grids) are also planned on a second core, as the start kit's rules allow.
  const entry = createPlanningEntry({ now, guideHelper: startGuideWorker });
  const result = runLorr(problem, entry, {
    steps,
    planTimeLimitMs,
    preprocessTimeLimitMs: PREPROCESS_LIMIT_MS,
    now,
    onProgress: (p) => {
      if (p.stepsDone % PROGRESS_EVERY_STEPS === 0 || p.stepsDone === steps) progress(`Gridline's entry: step ${p.stepsDone}/${steps}, ${p.numTaskFinished} tasks finished`);
    },
  });
  entry.close();
  const wallS = (now() - started) / 1000;
  const output = writeLorrOutput(result);
  writeFileSync(outputPath, JSON.stringify(output));
  return outcomeOf('Gridline', problem, output, outputPath, wallS);
}

/** Runs the start kit's `lifelong` on the problem; its log goes next to its result file. */
async function runStartKit(startKit: StartKit, problemPath: string, problem: LorrProblem, steps: number, planTimeLimitMs: number, outDir: string, progress: (line: string) => void): Promise<EntryOutcome> {
  const outputPath = path.join(outDir, 'start-kit.json');
  const logPath = path.join(outDir, 'start-kit.log');
  progress(`start kit ${startKit.version}: running (it uses most of each step's ${planTimeLimitMs} ms: about ${Math.ceil((steps * planTimeLimitMs) / 60_000)} min; log in ${logPath})`);
  const started = performance.now();
  const log = openSync(logPath, 'w');
  const heartbeat = setInterval(() => progress(`start kit: running (${Math.round((performance.now() - started) / 1000)} s)`), START_KIT_HEARTBEAT_S * 1000);
  try {
    // outputScreen 1: the full result file, with the schedule the replay needs.
    const args = ['--inputFile', problemPath, '--output', outputPath, '--simulationTime', String(steps), '--planTimeLimit', String(planTimeLimitMs), '--preprocessTimeLimit', String(PREPROCESS_LIMIT_MS), '--outputScreen', '1', '--logDetailLevel', '2'];
    const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      const child = spawn(startKit.binary, args, { cwd: path.dirname(startKit.binary), stdio: ['ignore', log, log] });
      child.once('error', reject);
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    if (ended.code !== 0) {
      const tail = readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-10).join('\n');
      // A kill by SIGKILL is most often the kernel's out-of-memory killer: at 10,000 robots the start kit takes about 13 GB.
      const how = ended.signal === 'SIGKILL' ? 'was killed (SIGKILL: out of memory? at 10,000 robots it needs about 13 GB)' : ended.signal ? `was stopped by ${ended.signal}` : `ended with exit code ${ended.code}`;
      throw new UsageError(`the start kit ${how}; the end of ${logPath}:\n${tail || '(empty)'}`);
    }
  } finally {
    clearInterval(heartbeat);
    closeSync(log);
  }
  const wallS = (performance.now() - started) / 1000;
  let output: unknown;
  try {
    output = JSON.parse(readFileSync(outputPath, 'utf8'));
  } catch (error) {
    throw new Error(`the start kit's result file ${outputPath} cannot be read: ${(error as Error).message}`);
  }
  return outcomeOf(`start kit ${startKit.version}`, problem, output, outputPath, wallS);
}

/** Reads the figures of a result file in the start kit's format and replays it independently. */
export function outcomeOf(name: string, problem: LorrProblem, output: unknown, outputPath: string, wallS: number): EntryOutcome {
  const file = (typeof output === 'object' && output !== null ? output : {}) as Record<string, unknown>;
  const count = (key: string) => (typeof file[key] === 'number' ? (file[key] as number) : Number.NaN);
  const replay = replayLorrOutput(problem, output);
  const times = Array.isArray(file.plannerTimes) ? (file.plannerTimes as unknown[]).filter((t): t is number => typeof t === 'number').map((s) => s * 1000) : [];
  return {
    name,
    outputPath,
    numTaskFinished: count('numTaskFinished'),
    replayedTaskFinished: replay.numTaskFinished,
    replayErrors: replay.errors,
    numPlannerErrors: count('numPlannerErrors'),
    numScheduleErrors: count('numScheduleErrors'),
    numEntryTimeouts: count('numEntryTimeouts'),
    planningMs: times,
    wallS,
  };
}

/** The side-by-side table, the replays' verdicts and the ratio. */
export function formatComparison(problem: LorrProblem, steps: number, planTimeLimitMs: number, reference: EntryOutcome, gridline: EntryOutcome): string[] {
  const column = (o: EntryOutcome, f: (o: EntryOutcome) => string) => f(o).padEnd(28);
  const row = (label: string, f: (o: EntryOutcome) => string) => `${label.padEnd(26)}${column(reference, f)}${f(gridline)}`;
  const timing = (o: EntryOutcome) => {
    if (o.planningMs.length === 0) return 'not reported';
    const sorted = [...o.planningMs].sort((a, b) => a - b);
    const mean = sorted.reduce((s, t) => s + t, 0) / sorted.length;
    return `${mean.toFixed(0)} / ${percentile(sorted, 99).toFixed(0)} / ${sorted.at(-1)!.toFixed(0)}`;
  };
  const replay = (o: EntryOutcome) =>
    o.replayErrors.length > 0 ? `${o.replayErrors.length} errors: ${o.replayErrors[0]}` : o.replayedTaskFinished === o.numTaskFinished ? `agrees (${o.replayedTaskFinished})` : `DISAGREES: ${o.replayedTaskFinished}`;
  const ratio = reference.replayedTaskFinished > 0 ? gridline.replayedTaskFinished / reference.replayedTaskFinished : Number.NaN;
  return [
    `${problem.name}: ${problem.teamSize} robots, ${steps} steps, ${planTimeLimitMs} ms per step`,
    row('', (o) => o.name),
    row('tasks finished', (o) => String(o.numTaskFinished)),
    row('independent replay', replay),
    row('planner errors', (o) => String(o.numPlannerErrors)),
    row('schedule errors', (o) => String(o.numScheduleErrors)),
    row('timeouts', (o) => String(o.numEntryTimeouts)),
    row('planning ms mean/p99/max', timing),
    row('wall time', (o) => `${o.wallS.toFixed(0)} s`),
    `ratio                     ${Number.isFinite(ratio) ? ratio.toFixed(2) : 'n/a'}x (Gridline / start kit, replayed tasks finished)`,
    `result files              ${reference.outputPath}, ${gridline.outputPath}`,
  ];
}
