import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLorrProblem } from '../../protocol/lorr/index.ts';
import { REPO_ROOT, runGridline } from '../support/processes.ts';
import { replayLorrOutput } from '../../sim/lorr/independent-replay.ts';

const RANDOM_PROBLEM = path.resolve(REPO_ROOT, 'bench', 'lorr2024', 'random.domain', 'random_32_32_20_100.json');

/**
 * The LoRR commands as a user runs them: a generated bigger team, the benchmark with our
 * planner, and the result file re-checked by the independent replay.
 */
describe('gridline bench lorr-problem and bench lorr', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gridline-lorr-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('generates a 150-robot problem and runs it with zero errors; the replay agrees', async () => {
    const generate = runGridline(['bench', 'lorr-problem', RANDOM_PROBLEM, '--team-size', '150', '--seed', '7', '--out-dir', dir]);
    expect(await generate.exited).toBe(0);
    const problemPath = generate.lines.at(-1)!;
    const problem = await loadLorrProblem(problemPath);
    expect(problem.teamSize).toBe(150);
    expect(new Set(problem.starts).size).toBe(150);

    const outputPath = path.join(dir, 'out.json');
    const bench = runGridline(['bench', 'lorr', problemPath, '--steps', '200', '--plan-time-limit-ms', '100', '--output', outputPath]);
    expect(await bench.exited).toBe(0);
    expect(bench.lines.join('\n')).toMatch(/errors\s+0 planner \(invalid steps\), 0 schedule/);
    const output = JSON.parse(readFileSync(outputPath, 'utf8'));
    const replay = replayLorrOutput(problem, output);
    expect(replay.errors).toEqual([]);
    expect(replay.numTaskFinished).toBe(output.numTaskFinished);
    expect(output.numTaskFinished).toBeGreaterThan(50);
  }, 60_000);
});
