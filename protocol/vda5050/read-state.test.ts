import { describe, expect, it } from 'vitest';
import { partKind, readState } from './read-state.ts';
import { sampleHeader, sampleStateDriving, sampleStateHandlingBin } from './sample-messages.test-support.ts';

const text = (value: unknown) => JSON.stringify(value);

// VDA 5050 2.0.0 §6.10.6 (state): what a master control needs from a state is its required
// fields; optional ones (position, velocity, load details, information, ...) may be left out.
describe('readState: a state read by the 2.0.0 text, tolerant of bad optional parts', () => {
  it('reads a valid state as it is, dropping nothing', () => {
    const reading = readState(text({ ...sampleHeader(), ...sampleStateDriving() }));
    expect(reading).toMatchObject({ ok: true, dropped: [] });
  });

  it('keeps a state whose optional parts are malformed, leaving those parts out and naming them', () => {
    const state = { ...sampleHeader(), ...sampleStateHandlingBin() } as Record<string, unknown>;
    state.agvPosition = { x: 'far away', y: 0, theta: 0, mapId: 'grid-1', positionInitialized: true };
    state.loads = [{ loadId: 'BIN-42', weight: 'heavy' }];
    state.nodeStates = [{ nodeId: 'c3_0', sequenceId: 6, released: true, nodePosition: { x: 2.1, y: 0, theta: 9, mapId: 'grid-1' } }];
    state.information = 'none';
    const reading = readState(text(state));
    if (!reading.ok) throw new Error(reading.errors.join('\n'));
    expect(reading.value.agvPosition).toBeUndefined();
    expect(reading.value.loads).toEqual([{ loadId: 'BIN-42' }]);
    expect(reading.value.nodeStates).toEqual([{ nodeId: 'c3_0', sequenceId: 6, released: true }]);
    expect(reading.value.information).toBeUndefined();
    expect(reading.value.lastNodeId).toBe('c2_0');
    expect(reading.dropped).toEqual([
      'nodeStates[0].nodePosition: theta: expected a number <= 3.14159265359, got 9',
      "agvPosition: x: expected a number, got 'far away'",
      "loads[0].weight: expected a number, got 'heavy'",
      "information: expected an array, got 'none'",
    ]);
    expect(reading.dropped.map(partKind)).toEqual(['nodeStates[].nodePosition', 'agvPosition', 'loads[].weight', 'information']);
  });

  it('refuses a state whose required parts are broken, with every problem named', () => {
    const state = { ...sampleHeader(), ...sampleStateDriving(), lastNodeId: 7, agvPosition: { x: 'far' } };
    const reading = readState(text(state));
    expect(reading.ok).toBe(false);
    if (!reading.ok) expect(reading.errors).toContain('lastNodeId: expected a string, got 7');
  });

  it('refuses what is not JSON, or not an object', () => {
    expect(readState('{').ok).toBe(false);
    expect(readState('[1]').ok).toBe(false);
  });
});
