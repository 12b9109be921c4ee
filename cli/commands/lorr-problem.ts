import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { formatAgentsFile, generateAgentStarts } from '../../protocol/lorr/index.ts';
import { numberOption, UsageError, type CommandArgs } from '../errors.ts';
import { loadLorrProblemForCli } from '../load-lorr-problem.ts';

/**
 * `gridline bench lorr-problem FROM.json --team-size N [--seed S] --out-dir DIR`: a LoRR problem
 * like FROM.json (same map, tasks and reveal factor) with N robots on seeded random free
 * cells. Writes DIR/NAME_N.json and DIR/agents/NAME_N.agents; the JSON points at FROM's map
 * and tasks, so only the generator, never the file, needs to be kept.
 */
export async function runLorrProblem(fromPath: string | undefined, values: CommandArgs): Promise<number> {
  if (!fromPath) throw new UsageError('bench lorr-problem needs a problem file to start from');
  const teamSize = numberOption(values, 'team-size', 0, (n) => Number.isInteger(n) && n > 0);
  if (teamSize === 0) throw new UsageError('bench lorr-problem: --team-size is required');
  const seed = numberOption(values, 'seed', 1, Number.isInteger);
  const outDir = resolve((values['out-dir'] as string | undefined) ?? '.');
  const problem = await loadLorrProblemForCli(fromPath);
  let starts;
  try {
    starts = generateAgentStarts(problem.map, teamSize, seed);
  } catch (error) {
    throw new UsageError(`bench lorr-problem: ${(error as Error).message}`);
  }
  const source = JSON.parse(await readFile(fromPath, 'utf8')) as Record<string, unknown>;
  const fromDir = dirname(resolve(fromPath));
  const name = `${basename(String(source.mapFile), '.map')}_${teamSize}`;
  await mkdir(join(outDir, 'agents'), { recursive: true });
  const agentsPath = join(outDir, 'agents', `${name}.agents`);
  await writeFile(agentsPath, formatAgentsFile(starts));
  const problemPath = join(outDir, `${name}.json`);
  const json = {
    ...source,
    mapFile: relative(outDir, resolve(fromDir, String(source.mapFile))),
    agentFile: relative(outDir, agentsPath),
    taskFile: relative(outDir, resolve(fromDir, String(source.taskFile))),
    teamSize,
    generatedFrom: { problem: basename(fromPath), seed },
  };
  await writeFile(problemPath, `${JSON.stringify(json, null, 4)}\n`);
  process.stdout.write(`${problemPath}\n`);
  return 0;
}
