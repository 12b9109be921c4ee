/**
 * Conformance: every kind of message Gridline's links publish validates against the OFFICIAL
 * VDA 5050 2.0.0 JSON schemas (with the documented errata corrected).
 */
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../clock.ts';
import { MemoryBroker } from '../bus/memory-bus.ts';
import { connectionBrokenWill, MasterControlLink, VehicleLink } from './links.ts';
import { loadOfficialValidators, OFFICIAL_SCHEMA_ERRATA } from './official-schemas.test-support.ts';
import {
  sampleFactsheetBody,
  sampleHeader,
  sampleInstantActions,
  sampleOrderBody,
  sampleOrderUpdateBody,
  sampleStateDriving,
  sampleStateHandlingBin,
} from './sample-messages.test-support.ts';
import { parseVdaTopic } from './topics.ts';
import type { VdaTopicKind } from './types.ts';

const official = loadOfficialValidators();

async function publishEveryKindOfMessage(): Promise<{ kind: VdaTopicKind; message: unknown }[]> {
  const clock = new SimulatedClock();
  const broker = new MemoryBroker(clock);
  const address = { manufacturer: 'gridline', serialNumber: 'R-001' };
  const captured: { kind: VdaTopicKind; message: unknown }[] = [];
  await broker.connect({ clientId: 'tap' }).subscribe('#', (topic, payload) => {
    captured.push({ kind: parseVdaTopic(topic)!.kind, message: JSON.parse(payload) });
  });

  const vehicleBus = broker.connect({ clientId: 'R-001', will: connectionBrokenWill(address, clock) });
  const vehicle = new VehicleLink(vehicleBus, clock, address);
  const controller = new MasterControlLink(broker.connect({ clientId: 'mc' }), clock, { manufacturer: 'gridline' });
  await controller.start();
  await vehicle.start();
  clock.advance(100);
  controller.sendOrder('R-001', sampleOrderBody());
  controller.sendOrder('R-001', sampleOrderUpdateBody());
  controller.sendInstantActions('R-001', sampleInstantActions());
  vehicle.publishState(sampleStateDriving());
  vehicle.publishState(sampleStateHandlingBin());
  vehicle.publishVisualization({ agvPosition: sampleStateDriving().agvPosition!, velocity: { vx: 1 } });
  vehicle.publishFactsheet(sampleFactsheetBody());
  await vehicle.close();
  clock.runAll();

  // The last will as the broker would publish it.
  captured.push({ kind: 'connection', message: JSON.parse(connectionBrokenWill(address, clock).payload) });
  return captured;
}

describe('messages published by the links conform to the official VDA 5050 2.0.0 schemas', () => {
  it('covers every topic and every message validates', async () => {
    const captured = await publishEveryKindOfMessage();
    expect(new Set(captured.map((c) => c.kind))).toEqual(new Set(['order', 'instantActions', 'state', 'visualization', 'connection', 'factsheet']));
    expect(captured).toHaveLength(10);
    for (const { kind, message } of captured) expect({ kind, errors: official[kind](message) }).toEqual({ kind, errors: [] });
  });

  it('the official validators do reject a non-conforming message', () => {
    const { driving: _d, ...state } = { ...sampleHeader(), ...sampleStateDriving(), operatingMode: 'AUTO' };
    expect(official.state(state).join('\n')).toMatch(/driving|operatingMode/);
    expect(official.order({ ...sampleHeader(), ...sampleOrderBody(), orderUpdateId: -1 })).not.toEqual([]);
  });
});

describe('errata corrected in the official 2.0.0 schema files', () => {
  const asPublished = loadOfficialValidators({ applyErrata: false });

  it('lists each erratum once', () => {
    expect(OFFICIAL_SCHEMA_ERRATA.map((e) => e.kind)).toEqual(['instantActions', 'state', 'state', 'factsheet']);
  });

  it('instantActions as published demands actionName, which the spec text calls actionType (§Topic "instantActions")', () => {
    const message = { ...sampleHeader(), actions: sampleInstantActions() };
    expect(asPublished.instantActions(message).join('\n')).toMatch(/actionName/);
    expect(official.instantActions(message)).toEqual([]);
  });

  it('state as published refuses the PAUSED action status the text names (§6.11 Table 1), and a node position without theta (§6.7)', () => {
    const paused = { ...sampleHeader(), ...sampleStateHandlingBin(), paused: true };
    paused.actionStates = paused.actionStates.map((a) => ({ ...a, actionStatus: 'PAUSED' as const }));
    paused.nodeStates = paused.nodeStates.map((n) => ({ ...n, nodePosition: { x: 1, y: 2, mapId: 'grid-1' } })) as typeof paused.nodeStates;
    expect(paused.actionStates.length).toBeGreaterThan(0);
    expect(paused.nodeStates.length).toBeGreaterThan(0);
    const errors = asPublished.state(paused).join('\n');
    expect(errors).toMatch(/actionStatus/);
    expect(errors).toMatch(/theta/);
    expect(official.state(paused)).toEqual([]);
  });

  it('factsheet as published checks nothing below the top level; corrected, it does', () => {
    const broken = { ...sampleHeader(), ...sampleFactsheetBody(), typeSpecification: { seriesName: 7 } };
    expect(asPublished.factsheet(broken)).toEqual([]);
    expect(official.factsheet(broken)).not.toEqual([]);
  });
});
