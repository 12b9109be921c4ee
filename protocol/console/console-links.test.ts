import { describe, expect, it } from 'vitest';
import { MemoryBroker } from '../bus/memory-bus.ts';
import { SimulatedClock } from '../clock.ts';
import { ConsoleClientLink, ConsoleServerLink, receiveCommand, type ConsoleLayoutDraft, type ConsoleStateDraft, type ReceivedConsoleCommand } from './console-links.ts';
import type { ConsoleLayout, ConsoleReply, ConsoleState } from './console-messages.ts';
import { consoleLayoutTopic, consoleStateTopic } from './topics.ts';

const layout: ConsoleLayoutDraft = {
  name: 'two by three',
  columns: { x: 2, y: 3 },
  depth: 4,
  cellSizeM: { x: 0.7, y: 0.5 },
  binHeightM: 0.33,
  cellKinds: 'psssvc',
  ports: [{ id: 'P1', x: 0, y: 0, mode: 'pick' }],
  chargers: [{ id: 'C1', x: 1, y: 2 }],
  robots: ['R001'],
  vda: { interfaceName: 'uagv', manufacturer: 'gridline' },
};

const state: ConsoleStateDraft = {
  emergencyStop: false,
  robots: [
    {
      serial: 'R001',
      state: 'working',
      machine: 'connection online, placement placed, health ok, work working, operator running, hold free, service working, battery notCharging, release none',
      job: 'bring bin B1 to port P1 for r-1',
      online: true,
      paused: false,
      inService: false,
      batteryPercent: 80,
      charging: false,
      errors: [{ errorType: 'orderError', errorLevel: 'WARNING', errorDescription: 'late' }],
      reservedCells: [[1, 1], [1, 0]],
      carrying: null,
      capabilities: ['pick (NODE)', 'startPause (INSTANT)'],
      hold: null,
    },
  ],
  ports: [{ id: 'P1', mode: 'pick', open: true, machine: 'mode open, presentation idle, room hasRoom', queue: ['B1'], presented: null }],
  blockedCells: [[0, 2]],
  quarantinedBins: [{ binId: 'B9', reason: 'robot R001 reports load B7 after picking bin B9' }],
  kpis: { binsPerPortHour: 100, robotUtilisation: 0.5, openRequests: 1, completedRequests: 2, binsPresented: 3, requestTimeP50S: 40, requestTimeP95S: 90, loadsVerified: 3, loadsUnverified: 0, ordersWithCutoff: 4, onTimeShare: 0.75 },
  requests: [{ requestId: 'r-1', type: 'pick', status: 'inProgress', progress: '0 of 1 bin done, 0 of 2 pieces picked', fraction: 0.25, acceptedAt: '2026-01-01T00:00:00.000Z' }],
  alarms: [{ id: 1, at: '2026-01-01T00:00:00.000Z', source: 'R001', severity: 'warning', message: 'fault', acknowledgedBy: null }],
};

function rig() {
  const clock = new SimulatedClock();
  const broker = new MemoryBroker(clock, 5);
  const server = new ConsoleServerLink(broker.connect({ clientId: 'controller' }), clock, { site: 'site1' });
  const connectConsole = async (clientId = 'console') => {
    const bus = broker.connect({ clientId });
    const client = new ConsoleClientLink(bus, { site: 'site1', user: 'ann' });
    const seen = { layouts: [] as ConsoleLayout[], heights: [] as Uint8Array[], states: [] as ConsoleState[], replies: [] as ConsoleReply[], invalid: [] as [string, string[]][] };
    client.onLayout((l) => void seen.layouts.push(l));
    client.onStacks((h) => void seen.heights.push(h));
    client.onState((s) => void seen.states.push(s));
    client.onReply((r) => void seen.replies.push(r));
    client.onInvalidMessage((topic, errors) => void seen.invalid.push([topic, errors]));
    await client.start();
    return { bus, client, seen };
  };
  return { clock, broker, server, connectConsole };
}

describe('the console links', () => {
  it('give a console that connects late the retained layout, stacks and state, stamped with the clock', async () => {
    const w = rig();
    w.server.publishLayout(layout);
    w.server.publishStacks(new Uint8Array([0, 4, 3, 2, 0, 0]));
    w.server.publishState(state);
    w.clock.advance(1000);
    const c = await w.connectConsole();
    w.clock.advance(5);
    expect(c.seen.layouts).toEqual([{ site: 'site1', timestamp: '2026-01-01T00:00:00.000Z', ...layout }]);
    expect(Array.from(c.seen.heights[0]!)).toEqual([0, 4, 3, 2, 0, 0]);
    expect(c.seen.states).toEqual([{ site: 'site1', timestamp: '2026-01-01T00:00:00.000Z', ...state }]);
    expect(c.seen.invalid).toEqual([]);
  });

  it('carry commands to the controller and replies back', async () => {
    const w = rig();
    const received: ReceivedConsoleCommand[] = [];
    w.server.onCommand((command) => void received.push(command));
    await w.server.start();
    const c = await w.connectConsole();
    c.client.send({ commandId: 'k1', type: 'blockCell', x: 1, y: 2 });
    w.clock.advance(5);
    expect(received).toEqual([{ user: 'ann', ok: true, command: { commandId: 'k1', type: 'blockCell', x: 1, y: 2 } }]);
    // Replies go to their user's topic only.
    w.server.reply('bob', { commandId: 'k1', ok: true, code: 'OK', message: 'not for ann' });
    w.server.reply('ann', { commandId: 'k1', ok: false, code: 'NOT_ALLOWED', message: 'robot R001 stands on cell (1, 2)' });
    w.clock.advance(5);
    expect(c.seen.replies).toEqual([{ commandId: 'k1', ok: false, code: 'NOT_ALLOWED', message: 'robot R001 stands on cell (1, 2)', timestamp: '2026-01-01T00:00:00.005Z' }]);
  });

  it('hand the controller a bad command as data, with the commandId it gives, if any', async () => {
    const w = rig();
    const received: ReceivedConsoleCommand[] = [];
    w.server.onCommand((command) => void received.push(command));
    await w.server.start();
    const c = await w.connectConsole();
    c.client.sendRaw('{"commandId":"k2","type":"pauseRobot"}');
    c.client.sendRaw('{"commandId":"k3","type":"launchRockets"}');
    c.client.sendRaw('not json');
    c.client.sendRaw(`{"commandId":"${'x'.repeat(65)}","type":"resumeAll"}`);
    w.clock.advance(5);
    expect(received.map((r) => (r.ok ? 'ok' : r.commandId))).toEqual(['k2', 'k3', '', '']);
    expect(received[0]).toEqual({ user: 'ann', ok: false, commandId: 'k2', errors: ['serial is required'] });
    expect(received[2]).toMatchObject({ ok: false, errors: [expect.stringMatching(/^command is not valid JSON/)] });
  });

  it('tell the console of messages that break the contract, and deliver none of them', async () => {
    const w = rig();
    const c = await w.connectConsole();
    const controllerBus = w.broker.connect({ clientId: 'someone' });
    controllerBus.publish(consoleStateTopic('site1'), JSON.stringify({ site: 'site1', timestamp: '2026-01-01T00:00:00.000Z', ...state, emergencyStop: 'no' }));
    controllerBus.publish(consoleLayoutTopic('site1'), JSON.stringify({ site: 'site1', timestamp: '2026-01-01T00:00:00.000Z', ...layout, cellKinds: 'pss' }));
    w.clock.advance(5);
    expect(c.seen.states).toEqual([]);
    expect(c.seen.layouts).toEqual([]);
    expect(c.seen.invalid).toEqual([
      [consoleStateTopic('site1'), ['emergencyStop must be a boolean']],
      [consoleLayoutTopic('site1'), ['cellKinds has 3 cells; the grid has 6']],
    ]);
  });

  it('refuse to send what breaks the schema (a programming mistake)', async () => {
    const w = rig();
    const c = await w.connectConsole();
    expect(() => w.server.publishLayout({ ...layout, cellKinds: 'pxx' })).toThrow();
    expect(() => w.server.publishState({ ...state, requests: Array.from({ length: 201 }, () => state.requests[0]!) })).toThrow();
    expect(() => c.client.send({ commandId: '', type: 'resumeAll' })).toThrow();
  });
});

describe('receiveCommand', () => {
  it('accepts each command type', () => {
    for (const text of [
      '{"commandId":"a","type":"emergencyStopAll"}',
      '{"commandId":"a","type":"resumeAll"}',
      '{"commandId":"a","type":"sendToService","serial":"R001"}',
      '{"commandId":"a","type":"openPort","portId":"P1"}',
      '{"commandId":"a","type":"queryColumn","x":0,"y":3}',
    ]) {
      expect(receiveCommand('ann', text).ok, text).toBe(true);
    }
    expect(receiveCommand('ann', '{"commandId":"a","type":"queryColumn","x":-1,"y":3}')).toMatchObject({ ok: false, commandId: 'a' });
    expect(receiveCommand('ann', '[1]')).toMatchObject({ ok: false, commandId: '' });
  });
});
