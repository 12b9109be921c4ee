import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VDA_TOPIC_KINDS } from './types.ts';
import { parseConnection, parseFactsheet, parseInstantActions, parseOrder, parseState, parseVdaMessage } from './validate.ts';
import {
  sampleFactsheetBody,
  sampleHeader,
  sampleInstantActionsBody,
  sampleOrderBody,
  sampleOrderUpdateBody,
  sampleStateDriving,
  sampleStateHandlingBin,
} from './sample-messages.test-support.ts';

const order = () => ({ ...sampleHeader(), ...sampleOrderBody() });
const text = (value: unknown) => JSON.stringify(value);

function errorsOf(result: { ok: true } | { ok: false; errors: string[] }): string[] {
  return result.ok ? [] : result.errors;
}

describe('parseVdaMessage accepts well-formed messages', () => {
  it('parses an order with base and horizon into a typed value', () => {
    const result = parseOrder(text(order()));
    expect(result).toEqual({ ok: true, value: order() });
  });

  it('parses an order update whose sequence ids continue from the stitching node (§Orders and order update)', () => {
    expect(parseOrder(text({ ...sampleHeader(), ...sampleOrderUpdateBody() })).ok).toBe(true);
  });

  it('parses instant actions, states, connection and factsheet', () => {
    expect(parseInstantActions(text({ ...sampleHeader(), ...sampleInstantActionsBody() })).ok).toBe(true);
    expect(parseState(text({ ...sampleHeader(), ...sampleStateDriving() })).ok).toBe(true);
    expect(parseState(text({ ...sampleHeader(), ...sampleStateHandlingBin() })).ok).toBe(true);
    expect(parseConnection(text({ ...sampleHeader(), connectionState: 'ONLINE' })).ok).toBe(true);
    expect(parseFactsheet(text({ ...sampleHeader(), ...sampleFactsheetBody() })).ok).toBe(true);
  });

  it('accepts timestamps with a UTC offset, as ISO 8601 allows', () => {
    expect(parseConnection(text({ ...sampleHeader(), timestamp: '2026-01-01T01:00:00.12+01:00', connectionState: 'OFFLINE' })).ok).toBe(true);
  });

  it('drops fields the protocol does not define', () => {
    const result = parseConnection(text({ ...sampleHeader(), connectionState: 'ONLINE', vendorExtra: 1 }));
    expect(result.ok && 'vendorExtra' in result.value).toBe(false);
  });
});

describe('parseVdaMessage rejects malformed messages with path-based reasons', () => {
  it('reports invalid JSON instead of throwing', () => {
    expect(errorsOf(parseOrder('{"orderId":'))).toEqual([expect.stringMatching(/^message: not valid JSON/)]);
  });

  it('reports a non-object message', () => {
    expect(errorsOf(parseState('42'))).toEqual(['message: expected an object, got 42']);
  });

  it('names each missing required field', () => {
    const { safetyState: _s, batteryState: _b, ...state } = { ...sampleHeader(), ...sampleStateDriving() };
    expect(errorsOf(parseState(text(state)))).toEqual(['batteryState: required field is missing', 'safetyState: required field is missing']);
  });

  it('names wrong types with the expected type and the value received', () => {
    const bad = order();
    bad.nodes[2]!.sequenceId = -4;
    (bad.nodes[1] as { released: unknown }).released = 'yes';
    (bad as { headerId: unknown }).headerId = '7';
    expect(errorsOf(parseOrder(text(bad)))).toEqual([
      "headerId: expected an integer >= 0, got '7'",
      "nodes[1].released: expected a boolean, got 'yes'",
      'nodes[2].sequenceId: expected an integer >= 0, got -4',
    ]);
  });

  it('rejects a fractional sequence id', () => {
    const bad = order();
    bad.edges[0]!.sequenceId = 1.5;
    expect(errorsOf(parseOrder(text(bad)))).toContain('edges[0].sequenceId: expected an integer >= 0, got 1.5');
  });

  it('says "a number" for a negative value of a non-integer field, even when the value is whole', () => {
    const bad = order();
    bad.nodes[0]!.nodePosition = { x: 0, y: 0, mapId: 'grid', allowedDeviationXy: -2 };
    expect(errorsOf(parseOrder(text(bad)))).toEqual(['nodes[0].nodePosition.allowedDeviationXy: expected a number >= 0, got -2']);
  });

  it('lists the allowed values of a bad enum', () => {
    const bad = order();
    (bad.nodes[2]!.actions[0] as { blockingType: string }).blockingType = 'hard';
    expect(errorsOf(parseOrder(text(bad)))).toEqual(["nodes[2].actions[0].blockingType: expected one of NONE, SOFT, HARD, got 'hard'"]);
    expect(errorsOf(parseConnection(text({ ...sampleHeader(), connectionState: 'DISCONNECTED' })))).toEqual([
      "connectionState: expected one of ONLINE, OFFLINE, CONNECTIONBROKEN, got 'DISCONNECTED'",
    ]);
  });

  it('rejects an action parameter value that is an object (2.0.0 allows array, boolean, number, string)', () => {
    const bad = order();
    bad.nodes[2]!.actions[0]!.actionParameters![0]!.value = { nested: true } as never;
    expect(errorsOf(parseOrder(text(bad)))).toEqual([
      'nodes[2].actions[0].actionParameters[0].value: expected an array, boolean, number or string, got an object',
    ]);
  });

  it('rejects a timestamp that is not ISO 8601 with a time zone', () => {
    expect(errorsOf(parseConnection(text({ ...sampleHeader(), timestamp: '2026-01-01 00:00', connectionState: 'ONLINE' })))).toEqual([
      "timestamp: expected an ISO 8601 date-time with time zone (e.g. 2017-04-15T11:40:03.12Z), got '2026-01-01 00:00'",
    ]);
  });

  it('reads a state by the 2.0.0 text: theta optional on a node position (§6.7, §6.10.6) and the PAUSED action status (§6.11)', () => {
    const state = { ...sampleHeader(), ...sampleStateDriving() };
    delete (state.nodeStates[0]!.nodePosition as { theta?: number }).theta;
    state.actionStates = [{ actionId: 'pick-1', actionType: 'pick', actionStatus: 'PAUSED' }];
    const parsed = parseState(text(state));
    expect(parsed.ok).toBe(true);
    expect(parseState(text({ ...state, actionStates: [{ actionId: 'a', actionStatus: 'SLEEPING' }] })).ok).toBe(false);
  });

  it('requires the actions array of instant actions (§Topic "instantActions")', () => {
    expect(errorsOf(parseInstantActions(text(sampleHeader())))).toEqual(['actions: required field is missing']);
  });
});

describe('order graph rules beyond the schema (§Topic "order": Concept and logic)', () => {
  it('requires nodes even and edges odd, each one more than the element before', () => {
    const bad = order();
    bad.nodes[1]!.sequenceId = 3;
    bad.edges[1]!.sequenceId = 4;
    expect(errorsOf(parseOrder(text(bad)))).toEqual([
      'nodes[1].sequenceId: expected 2 (two after nodes[0]), got 3',
      'nodes[1].sequenceId: expected an even number for a node, got 3',
      'nodes[2].sequenceId: expected 5 (two after nodes[1]), got 4',
      'edges[1].sequenceId: expected an odd number for an edge, got 4',
    ]);
  });

  it('requires each edge to connect consecutive nodes', () => {
    const bad = order();
    bad.edges[1]!.endNodeId = 'c9_9';
    expect(errorsOf(parseOrder(text(bad)))).toEqual(["edges[1].endNodeId: expected 'c2_0' (nodes[2].nodeId), got 'c9_9'"]);
  });

  it('requires one edge fewer than nodes and at least one node', () => {
    const bad = order();
    bad.edges.pop();
    expect(errorsOf(parseOrder(text(bad)))).toEqual(['edges: expected 4 edges for 5 nodes, got 3']);
    expect(errorsOf(parseOrder(text({ ...order(), nodes: [], edges: [] })))).toEqual(['nodes: an order needs at least one node']);
  });

  it('rejects a released node after an unreleased edge (the base is a prefix)', () => {
    const bad = order();
    bad.nodes[4]!.released = true;
    expect(errorsOf(parseOrder(text(bad)))).toEqual([
      'nodes[4].released: a released element cannot follow the unreleased edges[2] (the base must be a prefix)',
    ]);
  });

  it('rejects a released edge whose end node is unreleased', () => {
    const bad = order();
    bad.edges[2]!.released = true;
    expect(errorsOf(parseOrder(text(bad)))).toEqual([
      'edges[2].released: a released edge needs a released end node, but nodes[3] is unreleased',
    ]);
  });
});

describe('parseVdaMessage never throws', () => {
  it('returns a result for arbitrary strings on every topic', () => {
    fc.assert(
      fc.property(fc.constantFrom(...VDA_TOPIC_KINDS), fc.string({ unit: 'binary', maxLength: 200 }), (kind, input) => {
        const result = parseVdaMessage(kind, input);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('returns a result for arbitrary JSON values, including ones shaped like messages', () => {
    const near = fc.record({ headerId: fc.anything(), nodes: fc.array(fc.anything()), edges: fc.anything(), actions: fc.anything() }, { requiredKeys: [] });
    fc.assert(
      fc.property(fc.constantFrom(...VDA_TOPIC_KINDS), fc.oneof(fc.jsonValue(), near), (kind, value) => {
        const result = parseVdaMessage(kind, JSON.stringify(value) ?? 'undefined');
        if (!result.ok) expect(result.errors.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it('survives deeply nested JSON', () => {
    expect(parseOrder('['.repeat(100_000) + ']'.repeat(100_000)).ok).toBe(false);
  });
});
