import { describe, expect, it } from 'vitest';
import { formatAgentsFile, generateAgentStarts } from './generate-agents.ts';
import { parseLorrAgents, parseLorrMap } from './parse-lorr-files.ts';

const map = parseLorrMap(['type octile', 'height 3', 'width 4', 'map', '..@.', '.@..', '....'].join('\n'), 'tiny.map');

describe('generateAgentStarts', () => {
  it('draws distinct free cells, the same for one seed and different for another', () => {
    const a = generateAgentStarts(map, 6, 1);
    expect(new Set(a).size).toBe(6);
    for (const cell of a) expect(map.passable[cell]).toBe(1);
    expect(Array.from(generateAgentStarts(map, 6, 1))).toEqual(Array.from(a));
    expect(Array.from(generateAgentStarts(map, 6, 2))).not.toEqual(Array.from(a));
  });

  it('fills every free cell when asked for all of them, and refuses more', () => {
    expect(new Set(generateAgentStarts(map, 10, 3)).size).toBe(10);
    expect(() => generateAgentStarts(map, 11, 3)).toThrow(/11 agents on 10 free cells/);
  });

  it('writes a file the agents parser reads back', () => {
    const starts = generateAgentStarts(map, 5, 4);
    expect(Array.from(parseLorrAgents(formatAgentsFile(starts), map, 'gen.agents'))).toEqual(Array.from(starts));
  });
});
