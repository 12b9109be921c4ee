import { SeededRandom } from '../random.ts';
import type { LorrMap } from './lorr-problem.ts';

/**
 * `count` distinct free cells of the map, drawn uniformly with a seeded generator (the same
 * seed always gives the same cells), for LoRR problems with more robots than a shipped
 * agents file holds. Throws when the map has fewer free cells than `count`.
 */
export function generateAgentStarts(map: LorrMap, count: number, seed: number | string): Int32Array {
  const free: number[] = [];
  for (let cell = 0; cell < map.passable.length; cell++) if (map.passable[cell] === 1) free.push(cell);
  if (!Number.isInteger(count) || count < 1 || count > free.length) throw new RangeError(`cannot place ${count} agents on ${free.length} free cells`);
  const random = new SeededRandom(seed);
  // Partial Fisher–Yates: the first `count` entries become a uniform sample.
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random.next() * (free.length - i));
    [free[i], free[j]] = [free[j]!, free[i]!];
  }
  return Int32Array.from(free.slice(0, count));
}

/** The `.agents` file text for the start cells (the 2024 format: a `#` line, the count, a cell a line). */
export function formatAgentsFile(starts: Int32Array): string {
  return `# version for LoRR 2024\n${starts.length}\n${Array.from(starts).join('\n')}\n`;
}
