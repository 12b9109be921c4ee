import { describe, expect, it } from 'vitest';
import { createGridGraph } from './grid-graph.ts';
import { ACTION_CLOCKWISE, ACTION_COUNTER_CLOCKWISE, ACTION_FORWARD, ACTION_WAIT } from '../../protocol/lorr/index.ts';
import { actionToward, orientationAfter, RotationConverter } from './rotation.ts';
import { parseMiniMap } from './test-support/mini-lorr-world.ts';

describe('actionToward', () => {
  it('drives forward when facing the next cell and turns the shorter way otherwise', () => {
    expect(actionToward(0, 0)).toBe(ACTION_FORWARD);
    expect(actionToward(0, 1)).toBe(ACTION_CLOCKWISE); // east → south is clockwise
    expect(actionToward(0, 3)).toBe(ACTION_COUNTER_CLOCKWISE); // east → north
    expect(actionToward(3, 0)).toBe(ACTION_CLOCKWISE); // north → east
    expect(actionToward(1, 3)).toBe(ACTION_CLOCKWISE); // behind: a half turn starts clockwise
  });

  it('turns orientations the LoRR way', () => {
    expect(orientationAfter(0, ACTION_CLOCKWISE)).toBe(1);
    expect(orientationAfter(0, ACTION_COUNTER_CLOCKWISE)).toBe(3);
    expect(orientationAfter(2, ACTION_FORWARD)).toBe(2);
  });
});

describe('RotationConverter', () => {
  const map = parseMiniMap(['....', '....']);
  const graph = createGridGraph(map.width, map.height, map.passable);

  it('makes a robot wait when the robot ahead of it turns instead of moving on', () => {
    const converter = new RotationConverter(graph, 3);
    // Robots 0,1,2 in a row on the top line, all want to go east; robot 2 faces south.
    const actions = converter.convert(Int32Array.of(0, 1, 2), Uint8Array.of(0, 0, 1), Int32Array.of(1, 2, 3));
    expect(Array.from(actions)).toEqual([ACTION_WAIT, ACTION_WAIT, ACTION_COUNTER_CLOCKWISE]);
    expect(converter.blockedForward).toBe(2);
  });

  it('stops a whole rotation cycle when one member turns', () => {
    const converter = new RotationConverter(graph, 4);
    // 2x2 cycle 0→1→5→4→0; robot at 4 faces east instead of north.
    const actions = converter.convert(Int32Array.of(0, 1, 5, 4), Uint8Array.of(0, 1, 2, 0), Int32Array.of(1, 5, 4, 0));
    expect(Array.from(actions)).toEqual([ACTION_WAIT, ACTION_WAIT, ACTION_WAIT, ACTION_COUNTER_CLOCKWISE]);
  });

  it('lets robots follow each other when everybody faces their next cell', () => {
    const converter = new RotationConverter(graph, 2);
    const actions = converter.convert(Int32Array.of(0, 1), Uint8Array.of(0, 0), Int32Array.of(1, 2));
    expect(Array.from(actions)).toEqual([ACTION_FORWARD, ACTION_FORWARD]);
  });
});
