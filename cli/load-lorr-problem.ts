import { loadLorrProblem } from '../protocol/lorr/load-lorr-problem.ts';
import type { LorrProblem } from '../protocol/lorr/lorr-problem.ts';
import { LorrFormatError } from '../protocol/lorr/parse-lorr-files.ts';
import { UsageError } from './errors.ts';

/** Loads a LoRR problem; a malformed file is the user's mistake (exit code 2), not a bug. */
export async function loadLorrProblemForCli(path: string): Promise<LorrProblem> {
  try {
    return await loadLorrProblem(path);
  } catch (error) {
    if (error instanceof LorrFormatError) throw new UsageError(error.message);
    throw error;
  }
}
