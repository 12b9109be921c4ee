import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { LorrProblem } from './lorr-problem.ts';
import { LorrFormatError, parseLorrAgents, parseLorrMap, parseLorrTasks } from './parse-lorr-files.ts';

async function readText(path: string, from: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new LorrFormatError(from, 0, `cannot read ${path}: ${(error as Error).message}`);
  }
}

function requiredString(json: Record<string, unknown>, key: string, file: string): string {
  const value = json[key];
  if (typeof value !== 'string' || value === '') throw new LorrFormatError(file, 0, `"${key}" must be a file path`);
  return value;
}

function requiredPositive(json: Record<string, unknown>, key: string, file: string, integer: boolean): number {
  const value = json[key];
  if (typeof value !== 'number' || !(value > 0) || (integer && !Number.isInteger(value))) {
    throw new LorrFormatError(file, 0, `"${key}" must be a positive ${integer ? 'integer' : 'number'}`);
  }
  return value;
}

/**
 * Loads a LoRR problem JSON (`mapFile`, `agentFile`, `taskFile`, `teamSize`, `numTasksReveal`;
 * paths relative to the JSON). The agents file may list more robots than `teamSize`: the first
 * `teamSize` are used, as the start kit does. The only IO of the LoRR contract; throws
 * LorrFormatError naming the file (and line) at fault.
 */
export async function loadLorrProblem(jsonPath: string): Promise<LorrProblem> {
  const file = basename(jsonPath);
  let json: unknown;
  try {
    json = JSON.parse(await readText(jsonPath, file));
  } catch (error) {
    if (error instanceof LorrFormatError) throw error;
    throw new LorrFormatError(file, 0, `not valid JSON: ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new LorrFormatError(file, 0, 'expected a JSON object');
  const fields = json as Record<string, unknown>;
  const base = dirname(jsonPath);
  const mapPath = resolve(base, requiredString(fields, 'mapFile', file));
  const agentPath = resolve(base, requiredString(fields, 'agentFile', file));
  const taskPath = resolve(base, requiredString(fields, 'taskFile', file));
  const teamSize = requiredPositive(fields, 'teamSize', file, true);
  const numTasksReveal = fields.numTasksReveal === undefined ? 1 : requiredPositive(fields, 'numTasksReveal', file, false);

  const map = parseLorrMap(await readText(mapPath, file), basename(mapPath));
  const allStarts = parseLorrAgents(await readText(agentPath, file), map, basename(agentPath));
  if (allStarts.length < teamSize) throw new LorrFormatError(basename(agentPath), 0, `lists ${allStarts.length} agents but teamSize is ${teamSize}`);
  const tasks = parseLorrTasks(await readText(taskPath, file), map, basename(taskPath));
  return { name: file.replace(/\.json$/, ''), map, starts: allStarts.slice(0, teamSize), tasks, teamSize, numTasksReveal };
}
