import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadLorrProblem } from './load-lorr-problem.ts';
import { forwardCell, taskPoolSize, turnClockwise, turnCounterClockwise } from './lorr-problem.ts';
import { LorrFormatError, parseLorrAgents, parseLorrMap, parseLorrTasks } from './parse-lorr-files.ts';

// Formats: bench/lorr2024/README.md, "Files".

const MAP = ['type octile', 'height 2', 'width 3', 'map', '.@E', 'S.T'].join('\n');
const BENCH = fileURLToPath(new URL('../../bench/lorr2024/', import.meta.url));

function formatError(fn: () => unknown): LorrFormatError {
  try {
    fn();
  } catch (error) {
    if (error instanceof LorrFormatError) return error;
    throw error;
  }
  throw new Error('expected a LorrFormatError');
}

describe('LoRR map files', () => {
  it('reads free symbols . E S and obstacles @ T, cells numbered row * width + col', () => {
    const map = parseLorrMap(MAP);
    expect([map.width, map.height]).toEqual([3, 2]);
    expect(Array.from(map.passable)).toEqual([1, 0, 1, 1, 1, 0]);
  });

  it('names the file and line of a short row, an unknown symbol and a bad header', () => {
    expect(formatError(() => parseLorrMap(MAP.replace('S.T', 'S.'), 'x.map')).message).toBe('x.map:6: map row 1 has 2 symbols, expected 3');
    expect(formatError(() => parseLorrMap(MAP.replace('S.T', 'S.?'), 'x.map')).message).toBe('x.map:6: unknown map symbol "?" at column 2');
    expect(formatError(() => parseLorrMap(MAP.replace('width 3', 'wide 3'), 'x.map')).line).toBe(3);
    expect(formatError(() => parseLorrMap(MAP.replace('\nS.T', ''), 'x.map')).message).toBe('x.map: expected 2 map rows, found 1');
  });

  it('moves forward by orientation and refuses to leave the map', () => {
    const map = parseLorrMap(MAP);
    expect([0, 1, 2, 3].map((o) => forwardCell(map, 4, o))).toEqual([5, -1, 3, 1]);
    expect(forwardCell(map, 2, 0)).toBe(-1);
    expect([turnClockwise(3), turnCounterClockwise(0)]).toEqual([0, 3]);
  });
});

describe('LoRR agents and tasks files', () => {
  const map = parseLorrMap(MAP);

  it('reads agents after an optional # line, and refuses obstacles and shared starts', () => {
    expect(Array.from(parseLorrAgents('# v\n2\n0\n4\n', map))).toEqual([0, 4]);
    expect(Array.from(parseLorrAgents('1\n3', map))).toEqual([3]);
    expect(formatError(() => parseLorrAgents('2\n0\n1', map, 'a.agents')).message).toBe('a.agents:3: start cell 1 (row 0, col 1) is an obstacle');
    expect(formatError(() => parseLorrAgents('2\n0\n0', map, 'a.agents')).message).toBe("a.agents:3: start cell 0 is also agent 0's start");
    expect(formatError(() => parseLorrAgents('3\n0\n4', map, 'a.agents')).message).toBe('a.agents: declares 3 agents but lists 2');
  });

  it('reads tasks as comma-separated errands and names a bad line', () => {
    expect(parseLorrTasks('# v\n2\n0,4\n3\n', map).map((t) => Array.from(t))).toEqual([[0, 4], [3]]);
    expect(formatError(() => parseLorrTasks('1\n0,9', map, 't.tasks')).message).toBe('t.tasks:2: errand 9 is outside the 2 x 3 map');
    expect(formatError(() => parseLorrTasks('1\n0,,4', map, 't.tasks')).line).toBe(2);
  });

  it('sizes the pool as numTasksReveal x teamSize, truncated like the start kit', () => {
    expect(taskPoolSize({ numTasksReveal: 1.5, teamSize: 100 })).toBe(150);
    expect(taskPoolSize({ numTasksReveal: 1.5, teamSize: 3 })).toBe(4);
  });
});

describe('loading a LoRR problem', () => {
  it('loads random_32_32_20_100 with paths relative to the json', async () => {
    const problem = await loadLorrProblem(`${BENCH}random.domain/random_32_32_20_100.json`);
    expect(problem).toMatchObject({ name: 'random_32_32_20_100', teamSize: 100, numTasksReveal: 1.5 });
    expect([problem.map.width, problem.map.height, problem.starts.length, problem.tasks.length]).toEqual([32, 32, 100, 100_000]);
    expect(problem.starts[0]).toBe(360);
    expect(Array.from(problem.tasks[0] ?? [])).toEqual([627, 871]);
  });

  it('reports a missing file against the problem json', async () => {
    await expect(loadLorrProblem(`${BENCH}nope.json`)).rejects.toThrow(/nope\.json: cannot read/);
  });
});
