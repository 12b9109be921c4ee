import type { LorrMap } from './lorr-problem.ts';

/** A malformed LoRR input file; `file` and `line` (1-based, 0 when not tied to a line) locate it. */
export class LorrFormatError extends Error {
  readonly code = 'LORR_FORMAT';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(line > 0 ? `${file}:${line}: ${reason}` : `${file}: ${reason}`);
    this.name = 'LorrFormatError';
  }
}

const FREE_SYMBOLS = new Set(['.', 'E', 'S']);
const OBSTACLE_SYMBOLS = new Set(['@', 'T']);

/** Lines with their 1-based numbers; a trailing `\r` is dropped (files written on Windows). */
function numberedLines(text: string): { text: string; line: number }[] {
  return text.split('\n').map((t, i) => ({ text: t.endsWith('\r') ? t.slice(0, -1) : t, line: i + 1 }));
}

function headerValue(file: string, entry: { text: string; line: number } | undefined, key: string): number {
  if (!entry) throw new LorrFormatError(file, 0, `missing "${key}" line`);
  const match = /^(\w+)\s+(\d+)\s*$/.exec(entry.text.trim());
  if (!match || match[1] !== key) throw new LorrFormatError(file, entry.line, `expected "${key} N", got "${entry.text}"`);
  const value = Number(match[2]);
  if (value <= 0) throw new LorrFormatError(file, entry.line, `${key} must be positive`);
  return value;
}

/**
 * Parses a `.map` file: `type octile`, `height H`, `width W`, `map`, then H rows of W symbols
 * (`@`/`T` obstacle, `.`/`E`/`S` free). Throws LorrFormatError.
 */
export function parseLorrMap(text: string, file = 'map'): LorrMap {
  const lines = numberedLines(text);
  const type = lines[0];
  if (!type || !/^type\s+\S+/.test(type.text.trim())) throw new LorrFormatError(file, 1, `expected "type octile", got "${type?.text ?? ''}"`);
  const height = headerValue(file, lines[1], 'height');
  const width = headerValue(file, lines[2], 'width');
  const mapLine = lines[3];
  if (!mapLine || mapLine.text.trim() !== 'map') throw new LorrFormatError(file, 4, `expected "map", got "${mapLine?.text ?? ''}"`);
  const passable = new Uint8Array(width * height);
  for (let row = 0; row < height; row++) {
    const entry = lines[4 + row];
    if (!entry) throw new LorrFormatError(file, 0, `expected ${height} map rows, found ${row}`);
    const symbols = entry.text.trimEnd();
    if (symbols.length !== width) throw new LorrFormatError(file, entry.line, `map row ${row} has ${symbols.length} symbols, expected ${width}`);
    for (let col = 0; col < width; col++) {
      const symbol = symbols[col] as string;
      if (FREE_SYMBOLS.has(symbol)) passable[row * width + col] = 1;
      else if (!OBSTACLE_SYMBOLS.has(symbol)) throw new LorrFormatError(file, entry.line, `unknown map symbol "${symbol}" at column ${col}`);
    }
  }
  for (const extra of lines.slice(4 + height)) {
    if (extra.text.trim() !== '') throw new LorrFormatError(file, extra.line, `unexpected text after the ${height} map rows`);
  }
  return { width, height, passable };
}

/** Non-blank lines after an optional first `#` comment line; the first is the count. */
function countedLines(text: string, file: string, what: string): { count: number; entries: { text: string; line: number }[] } {
  let lines = numberedLines(text).filter((l) => l.text.trim() !== '');
  if (lines[0]?.text.trimStart().startsWith('#')) lines = lines.slice(1);
  const countLine = lines[0];
  if (!countLine) throw new LorrFormatError(file, 0, `empty file: expected the number of ${what}`);
  if (!/^\d+$/.test(countLine.text.trim())) throw new LorrFormatError(file, countLine.line, `expected the number of ${what}, got "${countLine.text}"`);
  const count = Number(countLine.text.trim());
  const entries = lines.slice(1);
  if (entries.length < count) throw new LorrFormatError(file, 0, `declares ${count} ${what} but lists ${entries.length}`);
  return { count, entries: entries.slice(0, count) };
}

function cellOf(raw: string, map: LorrMap, file: string, line: number, what: string): number {
  const trimmed = raw.trim();
  if (!/^\d+$/.test(trimmed)) throw new LorrFormatError(file, line, `${what} "${raw}" is not a cell number`);
  const cell = Number(trimmed);
  if (cell >= map.width * map.height) throw new LorrFormatError(file, line, `${what} ${cell} is outside the ${map.height} x ${map.width} map`);
  if (map.passable[cell] !== 1) throw new LorrFormatError(file, line, `${what} ${cell} (row ${Math.floor(cell / map.width)}, col ${cell % map.width}) is an obstacle`);
  return cell;
}

/**
 * Parses an `.agents` file: optional `#` line, the count n, then n start cells. Returns all n
 * cells (the problem uses the first `teamSize`). Start cells must be free and distinct.
 */
export function parseLorrAgents(text: string, map: LorrMap, file = 'agents'): Int32Array {
  const { count, entries } = countedLines(text, file, 'agents');
  const starts = new Int32Array(count);
  const seen = new Map<number, number>();
  entries.forEach((entry, i) => {
    const cell = cellOf(entry.text, map, file, entry.line, 'start cell');
    const other = seen.get(cell);
    if (other !== undefined) throw new LorrFormatError(file, entry.line, `start cell ${cell} is also agent ${other}'s start`);
    seen.set(cell, i);
    starts[i] = cell;
  });
  return starts;
}

/**
 * Parses a `.tasks` file: optional `#` line, the count m, then m lines of comma-separated
 * errand cells (visited in that order). Every errand must be a free cell.
 */
export function parseLorrTasks(text: string, map: LorrMap, file = 'tasks'): Int32Array[] {
  const { count, entries } = countedLines(text, file, 'tasks');
  if (count === 0) throw new LorrFormatError(file, 0, 'a task file needs at least one task');
  return entries.map((entry) => {
    const parts = entry.text.split(',');
    if (parts.length === 0 || parts.some((p) => p.trim() === '')) throw new LorrFormatError(file, entry.line, `expected comma-separated cells, got "${entry.text}"`);
    return Int32Array.from(parts, (p) => cellOf(p, map, file, entry.line, 'errand'));
  });
}
