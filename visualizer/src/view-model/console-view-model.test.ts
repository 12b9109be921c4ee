import { describe, expect, it } from 'vitest';
import { encodeHeights, type ConsoleReply } from '../../../protocol/console/console-messages.ts';
import {
  syntheticConsoleRobot,
  syntheticConsoleState,
  syntheticLayout,
  syntheticRobotState,
  syntheticRobotStateTopic,
  syntheticStacks,
  type SyntheticRobotStateOptions,
} from '../bench/synthetic-messages.ts';
import { robotOutcomeLines } from './command-outcome.ts';
import { ConsoleViewModel } from './console-view-model.ts';

const SITE = 'demo';
const LAYOUT_TOPIC = 'gridline/v1/demo/console/layout';
const STACKS_TOPIC = 'gridline/v1/demo/console/stacks';
const STATE_TOPIC = 'gridline/v1/demo/console/state';
const REPLY_TOPIC = 'gridline/v1/demo/console/reply/ann';

// 4 × 3 grid: row 0 = s p s c, row 1 = s s b s, row 2 = v s s s
const layout = syntheticLayout({
  site: SITE,
  columnsX: 4,
  columnsY: 3,
  depth: 5,
  robots: ['R1', 'R2'],
  cellKinds: 'spscssbsvsss',
  ports: [{ id: 'P1', x: 1, y: 0, mode: 'pick' }],
  chargers: [{ id: 'C1', x: 3, y: 0 }],
});
const heights = Uint8Array.from([3, 0, 5, 0, 1, 2, 0, 4, 0, 1, 1, 1]);

function newModel(): ConsoleViewModel {
  return new ConsoleViewModel({ site: SITE, user: 'ann', commandIdPrefix: 'test' });
}

function robotState(options: SyntheticRobotStateOptions): [string, string] {
  return [syntheticRobotStateTopic(options.serial), JSON.stringify(syntheticRobotState(options))];
}

function reply(commandId: string, extra: Partial<ConsoleReply> = {}): string {
  const message: ConsoleReply = { commandId, ok: true, code: 'OK', message: 'done', timestamp: '2026-01-01T00:00:01.000Z', ...extra };
  return JSON.stringify(message);
}

function loaded(): ConsoleViewModel {
  const vm = newModel();
  vm.handleMessage(LAYOUT_TOPIC, JSON.stringify(layout), 0);
  vm.handleMessage(STACKS_TOPIC, JSON.stringify(syntheticStacks(SITE, heights)), 0);
  return vm;
}

describe('console view model: messages in', () => {
  it('takes the layout, the stacks and the VDA 5050 subscription of the fleet', () => {
    const vm = newModel();
    expect(vm.robotStateSubscription()).toBeNull();
    expect(vm.handleMessage(LAYOUT_TOPIC, JSON.stringify(layout), 0)).toEqual({ kind: 'layout', ok: true });
    expect(vm.robotStateSubscription()).toBe('uagv/v2/gridline/+/state');
    expect(vm.handleMessage(STACKS_TOPIC, JSON.stringify(syntheticStacks(SITE, heights)), 0)).toEqual({ kind: 'stacks', ok: true });
    expect(vm.totalBins).toBe(18);
    expect(vm.heightAt(2, 0)).toBe(5);
    expect(vm.heightAt(3, 1)).toBe(4);
    expect(vm.heightAt(9, 9)).toBe(0);
    expect(vm.robots.map((r) => r.serial)).toEqual(['R1', 'R2']);
    expect(vm.ports).toEqual([{ id: 'P1', cell: { x: 1, y: 0 }, mode: 'pick', open: true, machine: null, queue: [], presented: null }]);
  });

  it('keeps stacks that come before the layout and applies them once it arrives', () => {
    const vm = newModel();
    vm.handleMessage(STACKS_TOPIC, JSON.stringify(syntheticStacks(SITE, heights)), 0);
    expect(vm.heights).toBeNull();
    vm.handleMessage(LAYOUT_TOPIC, JSON.stringify(layout), 1);
    expect(vm.totalBins).toBe(18);
    expect(vm.badMessages.total).toBe(0);
  });

  it("counts the controller's robots, and joins them with what each robot reports", () => {
    const vm = loaded();
    expect(vm.robotCount()).toBe(0);
    const state = syntheticConsoleState(SITE, [
      syntheticConsoleRobot('R1', { state: 'working', job: 'dig B7', reservedCells: [[0, 0], [0, 1]] }),
      syntheticConsoleRobot('R2', { paused: true }),
      syntheticConsoleRobot('R3', { online: false, errors: [{ errorType: 'lost', errorLevel: 'FATAL' }] }),
    ]);
    expect(vm.handleMessage(STATE_TOPIC, JSON.stringify(state), 10)).toEqual({ kind: 'state', ok: true });
    expect(vm.robotCount()).toBe(3);
    expect(vm.listedRobots().map((r) => r.serial)).toEqual(['R1', 'R2', 'R3']);

    expect(vm.handleMessage(...robotState({ serial: 'R1', headerId: 1, xM: 1.4, yM: 0.5, lifting: 'pick', carrying: 'B7' }), 20)).toEqual({ kind: 'robotState', ok: true });
    const r1 = vm.robot('R1')!;
    expect(r1.reportedCell).toEqual({ x: 2, y: 1 });
    expect(r1).toMatchObject({ lifting: true, carrying: 'B7', error: false, paused: false });
    expect(r1.report).toMatchObject({ liftAction: 'pick', batteryPercent: 80 });
    expect(vm.robot('R2')).toMatchObject({ paused: true, reportedCell: null });
    expect(vm.robot('R3')).toMatchObject({ error: true, offline: true });

    // A robot the controller no longer lists keeps its scene index but leaves the count.
    vm.handleMessage(STATE_TOPIC, JSON.stringify(syntheticConsoleState(SITE, [syntheticConsoleRobot('R1')])), 30);
    expect(vm.robotCount()).toBe(1);
    expect(vm.robot('R3')!.controller).toBeNull();
    expect(vm.robot('R3')!.index).toBe(2);
  });

  it('flags a robot in error on a FATAL error or an emergency stop it reports, not on a warning', () => {
    const vm = loaded();
    vm.handleMessage(...robotState({ serial: 'R1', headerId: 1, xM: 0, yM: 0, fatalError: true }), 0);
    vm.handleMessage(...robotState({ serial: 'R2', headerId: 1, xM: 0.7, yM: 0, eStop: true }), 0);
    const warning = syntheticRobotState({ serial: 'R4', headerId: 1, xM: 0, yM: 1 });
    warning.errors = [{ errorType: 'orderUpdateError', errorLevel: 'WARNING' }];
    vm.handleMessage(syntheticRobotStateTopic('R4'), JSON.stringify(warning), 0);
    expect(vm.robot('R1')!.error).toBe(true);
    expect(vm.robot('R2')!.error).toBe(true);
    expect(vm.robot('R2')!.report!.eStop).toBe(true);
    expect(vm.robot('R4')!.error).toBe(false);
    // And it clears when the robot reports it fixed.
    vm.handleMessage(...robotState({ serial: 'R1', headerId: 2, xM: 0, yM: 0 }), 1);
    expect(vm.robot('R1')!.error).toBe(false);
  });

  it('moves robots towards their reported positions over the time between reports', () => {
    const vm = loaded();
    vm.handleMessage(...robotState({ serial: 'R2', headerId: 1, xM: 0, yM: 0 }), 1000);
    vm.handleMessage(...robotState({ serial: 'R2', headerId: 2, xM: 1.4, yM: 0 }), 1500);
    const index = vm.robot('R2')!.index;
    const out = { x: 0, y: 0 };
    expect(vm.robotPositionAt(index, 1750, out)).toBe(true);
    expect(out.x).toBeCloseTo(0.7, 10);
    expect(vm.motion.target(index)).toMatchObject({ toX: 1.4, toY: 0, durationMs: 500 });
    expect(vm.robot('R2')!.reportedCell).toEqual({ x: 2, y: 0 }); // the reported cell, not the drawn one
  });

  it('joins ports of the layout with their live state, and reads operator-blocked cells', () => {
    const vm = loaded();
    const state = syntheticConsoleState(SITE, [], {
      ports: [
        { id: 'P1', mode: 'pick', open: false, machine: 'mode closedByOperator, presentation presenting, room hasRoom', queue: ['B1', 'B2'], presented: 'B1' },
        { id: 'P9', mode: 'putaway', open: true, machine: 'mode open, presentation idle, room hasRoom', queue: [], presented: null },
      ],
      blockedCells: [[3, 2]],
    });
    vm.handleMessage(STATE_TOPIC, JSON.stringify(state), 0);
    expect(vm.ports).toEqual([
      { id: 'P1', cell: { x: 1, y: 0 }, mode: 'pick', open: false, machine: 'mode closedByOperator, presentation presenting, room hasRoom', queue: ['B1', 'B2'], presented: 'B1' },
      { id: 'P9', cell: null, mode: 'putaway', open: true, machine: 'mode open, presentation idle, room hasRoom', queue: [], presented: null },
    ]);
    expect(vm.blockedCells.has('3,2')).toBe(true);
  });

  it('ignores other topics and cleared retained messages', () => {
    const vm = loaded();
    expect(vm.handleMessage('gridline/v1/other/console/state', '{}', 0)).toEqual({ kind: 'ignored', ok: true });
    expect(vm.handleMessage('uagv/v2/othermaker/R1/state', JSON.stringify(syntheticRobotState({ serial: 'R1', headerId: 1, xM: 0, yM: 0 })), 0)).toEqual({ kind: 'ignored', ok: true });
    expect(vm.handleMessage('uagv/v2/gridline/R1/connection', '{}', 0)).toEqual({ kind: 'ignored', ok: true });
    expect(vm.handleMessage(STATE_TOPIC, '', 0)).toEqual({ kind: 'ignored', ok: true });
    expect(vm.badMessages.total).toBe(0);
  });
});

describe('console view model: bad messages', () => {
  it('counts and describes each bad message and keeps what it had', () => {
    const vm = loaded();
    const good = syntheticConsoleState(SITE, [syntheticConsoleRobot('R1')]);
    vm.handleMessage(STATE_TOPIC, JSON.stringify(good), 0);

    expect(vm.handleMessage(STATE_TOPIC, '{not json', 1)).toEqual({ kind: 'state', ok: false });
    expect(vm.handleMessage(STATE_TOPIC, JSON.stringify({ ...good, robots: [{ serial: 'R1' }] }), 2)).toEqual({ kind: 'state', ok: false });
    expect(vm.handleMessage(LAYOUT_TOPIC, JSON.stringify({ ...layout, cellKinds: 'sss' }), 3)).toEqual({ kind: 'layout', ok: false });
    expect(vm.handleMessage(STACKS_TOPIC, JSON.stringify(syntheticStacks(SITE, new Uint8Array(5))), 4)).toEqual({ kind: 'stacks', ok: false });
    const tooHigh = heights.slice();
    tooHigh[5] = 6;
    expect(vm.handleMessage(STACKS_TOPIC, JSON.stringify(syntheticStacks(SITE, tooHigh)), 5)).toEqual({ kind: 'stacks', ok: false });
    expect(vm.handleMessage(STACKS_TOPIC, JSON.stringify({ site: SITE, timestamp: '2026-01-01T00:00:00Z', heightsBase64: '***' }), 6)).toEqual({ kind: 'stacks', ok: false });
    expect(vm.handleMessage(REPLY_TOPIC, JSON.stringify({ commandId: 'x', ok: 'yes' }), 7)).toEqual({ kind: 'reply', ok: false });
    const [topic] = robotState({ serial: 'R1', headerId: 1, xM: 0, yM: 0 });
    expect(vm.handleMessage(topic, JSON.stringify({ ...syntheticRobotState({ serial: 'R1', headerId: 1, xM: 0, yM: 0 }), batteryState: {} }), 8)).toEqual({ kind: 'robotState', ok: false });
    expect(vm.handleMessage(topic, JSON.stringify(syntheticRobotState({ serial: 'R2', headerId: 1, xM: 0, yM: 0 })), 9)).toEqual({ kind: 'robotState', ok: false });

    expect(vm.badMessages.total).toBe(9);
    expect(vm.badMessages.byKind).toEqual({ layout: 1, stacks: 3, state: 2, reply: 1, robotState: 2 });
    const texts = vm.badMessages.recent.map((b) => `${b.kind}: ${b.errors.join('; ')}`);
    expect(texts[0]).toMatch(/^state: state is not valid JSON/);
    expect(texts[1]).toContain('robots[0].state is required');
    expect(texts[2]).toBe('layout: layout cellKinds has 3 characters; a 4 × 3 grid needs 12');
    expect(texts[3]).toBe('stacks: stacks has 5 heights; the 4 × 3 grid has 12 columns');
    expect(texts[4]).toBe('stacks: stacks column (1, 1) holds 6 bins; the grid is 5 deep');
    expect(texts[5]).toBe('stacks: stacks heightsBase64 is not valid base64');
    expect(texts[7]).toContain('batteryState.batteryCharge: required field is missing');
    expect(texts[8]).toBe("robotState: serialNumber 'R2' does not match the topic's 'R1'");

    // What was good stays.
    expect(vm.robotCount()).toBe(1);
    expect(vm.layout!.columns).toEqual({ x: 4, y: 3 });
    expect(vm.totalBins).toBe(18);
    expect(vm.robot('R1')!.report).toBeNull();
  });

  it('never throws, whatever arrives', () => {
    const vm = loaded();
    const junk = ['null', '[]', '"x"', '42', '{"site":null}', '\u0000', JSON.stringify({ heightsBase64: encodeHeights(new Uint8Array(3)) })];
    for (const text of junk) {
      for (const topic of [LAYOUT_TOPIC, STACKS_TOPIC, STATE_TOPIC, REPLY_TOPIC, syntheticRobotStateTopic('R1')]) {
        expect(() => vm.handleMessage(topic, text, 0)).not.toThrow();
      }
    }
    expect(vm.badMessages.total).toBe(junk.length * 5);
    expect(vm.badMessages.recent.length).toBeLessThanOrEqual(20);
  });
});

describe('console view model: selection and commands', () => {
  it('details a robot: both views, reserved cells and its move', () => {
    const vm = loaded();
    vm.handleMessage(STATE_TOPIC, JSON.stringify(syntheticConsoleState(SITE, [syntheticConsoleRobot('R1', { job: 'dig B7', reservedCells: [[2, 1], [2, 2]] })])), 0);
    vm.handleMessage(...robotState({ serial: 'R1', headerId: 1, xM: 1.4, yM: 0.5 }), 0);
    expect(vm.select({ kind: 'robot', serial: 'R1' }, 0)).toBeNull();
    const details = vm.selectionDetails();
    expect(details).toMatchObject({ kind: 'robot', robot: { serial: 'R1', controller: { job: 'dig B7' }, reportedCell: { x: 2, y: 1 } }, reservedCells: [[2, 1], [2, 2]], move: { toX: 1.4, toY: 0.5 } });
    expect(vm.selectedCell()).toEqual({ x: 2, y: 1 });
  });

  it('selecting a column asks the controller what it holds and shows the answer', () => {
    const vm = loaded();
    vm.handleMessage(...robotState({ serial: 'R2', headerId: 1, xM: 0, yM: 0 }), 0);
    const query = vm.selectCell(0, 0, 100)!;
    expect(query).toMatchObject({ type: 'queryColumn', x: 0, y: 0 });
    expect(vm.selectionDetails()).toMatchObject({ kind: 'column', x: 0, y: 0, cellKind: 'storage', height: 3, depth: 5, robotsHere: ['R2'], query: { status: 'pending', detail: null } });

    const column = { x: 0, y: 0, bins: [{ binId: 'B1', level: 0, contents: [{ sku: 'SKU-1', quantity: 4 }] }] };
    vm.handleMessage(REPLY_TOPIC, reply(query.commandId, { column }), 150);
    expect(vm.selectionDetails()).toMatchObject({ kind: 'column', query: { status: 'answered', detail: column } });
    // The column's answer is the details panel's; the last-reply line is for the operator's controls.
    expect(vm.lastReply).toBeNull();
  });

  it("asks nothing for a user who gives no commands (a viewer's page publishes nothing)", () => {
    const vm = new ConsoleViewModel({ site: SITE, user: 'vic', commandIdPrefix: 'v', queryColumns: false });
    vm.handleMessage(LAYOUT_TOPIC, JSON.stringify(layout), 0);
    vm.handleMessage(STACKS_TOPIC, JSON.stringify(syntheticStacks(SITE, heights)), 0);
    expect(vm.selectCell(0, 0, 100)).toBeNull();
    expect(vm.selectionDetails()).toMatchObject({ kind: 'column', x: 0, y: 0, height: 3, query: null });
    expect(vm.pendingCommands()).toEqual([]);
  });

  it("drops a column's answer that comes after the selection moved on", () => {
    const vm = loaded();
    const first = vm.selectCell(0, 0, 0)!;
    const second = vm.selectCell(2, 0, 10)!;
    vm.handleMessage(REPLY_TOPIC, reply(first.commandId, { column: { x: 0, y: 0, bins: [] } }), 20);
    expect(vm.selectionDetails()).toMatchObject({ kind: 'column', x: 2, y: 0, query: { commandId: second.commandId, status: 'pending' } });
  });

  it('selects the port when its cell is clicked, and nothing outside the grid', () => {
    const vm = loaded();
    expect(vm.selectCell(1, 0, 0)).toBeNull();
    expect(vm.selectionDetails()).toMatchObject({ kind: 'port', port: { id: 'P1', cell: { x: 1, y: 0 } } });
    expect(vm.selectCell(7, 7, 0)).toBeNull();
    expect(vm.selection).toBeNull();
  });

  it('details an operator-blocked column', () => {
    const vm = loaded();
    vm.handleMessage(STATE_TOPIC, JSON.stringify(syntheticConsoleState(SITE, [], { blockedCells: [[3, 1]] })), 0);
    vm.selectCell(3, 1, 0);
    expect(vm.selectionDetails()).toMatchObject({ kind: 'column', blockedByOperator: true, height: 4 });
  });

  it('pairs replies with the commands sent, shows the latest, and times out the unanswered', () => {
    const vm = new ConsoleViewModel({ site: SITE, user: 'ann', commandIdPrefix: 'pg', replyTimeoutMs: 1000, robotReplyTimeoutMs: 1000 });
    const stop = vm.command({ type: 'emergencyStopAll' }, 0);
    const close = vm.command({ type: 'closePort', portId: 'P1' }, 10);
    expect(stop.commandId).not.toBe(close.commandId);
    vm.handleMessage(REPLY_TOPIC, reply('someone-else-1'), 20);
    expect(vm.foreignReplies).toBe(1);
    expect(vm.lastReply).toBeNull();
    vm.handleMessage(REPLY_TOPIC, reply(close.commandId, { ok: false, code: 'UNKNOWN_PORT', message: 'no port P1' }), 30);
    expect(vm.lastReply).toMatchObject({ command: { type: 'closePort' }, reply: { ok: false, message: 'no port P1' } });
    expect(vm.pendingCommands().map((s) => s.command.commandId)).toEqual([stop.commandId]);
    expect(vm.expireCommands(1000).map((s) => s.command.type)).toEqual(['emergencyStopAll']);
    expect(vm.commandLog.map((s) => [s.command.type, s.timedOut])).toEqual([
      ['closePort', false],
      ['emergencyStopAll', true],
    ]);
    vm.handleMessage(REPLY_TOPIC, reply(stop.commandId, { message: 'all robots stopped' }), 1500);
    expect(vm.lastReply).toMatchObject({ command: { type: 'emergencyStopAll' }, reply: { ok: true, message: 'all robots stopped' }, timedOut: false });
    expect(vm.commandLog).toHaveLength(2);
  });
});

describe('console view model: stops, pauses and resumes confirmed per robot', () => {
  const confirmed = (serial: string, afterMs: number) => ({ serial, outcome: 'confirmed' as const, afterMs, detail: 'emergencyStop' });

  it('shows an emergency stop as pending until its reply, then how many robots confirmed and each that did not', () => {
    const vm = loaded();
    const stop = vm.command({ type: 'emergencyStopAll' }, 100);
    expect(vm.latestCommand?.command.commandId).toBe(stop.commandId);
    expect(vm.describe(vm.latestCommand!)).toMatchObject({ phase: 'pending', tone: 'pending', headline: 'emergency stop sent, waiting for robots to confirm…', robots: null });
    expect(vm.awaitingRobots().map((s) => s.command.commandId)).toEqual([stop.commandId]);
    expect(vm.commandFeed().map((c) => c.phase)).toEqual(['pending']);
    expect(vm.emergencyStopView()).toMatchObject({ requested: false, sent: true });
    // The stop's reply waits for the robots; a reply time of ~2 s is no timeout.
    expect(vm.expireCommands(12_000)).toEqual([]);

    const robots = [
      confirmed('R1', 240),
      { serial: 'R2', outcome: 'notConfirmed' as const, detail: 'emergencyStop; no state showed it within 2000 ms' },
      { serial: 'R3', outcome: 'notSupported' as const, detail: 'its factsheet lists neither emergencyStop nor startPause' },
    ];
    const message = 'emergency stop: 1 of 3 robots confirmed; R2 not confirmed: …; R3 not supported: …';
    vm.handleMessage(REPLY_TOPIC, reply(stop.commandId, { message, robots }), 2300);
    const outcome = vm.describe(vm.latestCommand!);
    // ok:true from the controller, but not every robot showed it: never shown as done.
    expect(outcome).toMatchObject({ phase: 'partial', tone: 'fail', headline: message, summary: 'emergency stop: 1 of 3 robots confirmed (slowest 240 ms)' });
    expect(outcome.robots).toMatchObject({ total: 3, confirmed: 1, notConfirmed: 1, notSupported: 1, slowestConfirmedMs: 240 });
    expect(outcome.robots!.problems.map((p) => p.serial)).toEqual(['R2', 'R3']);
    expect(robotOutcomeLines(outcome.robots!)).toEqual([
      '1 of 3 robots confirmed (slowest 240 ms)',
      'R2 not confirmed: emergencyStop; no state showed it within 2000 ms',
      'R3 not supported: its factsheet lists neither emergencyStop nor startPause',
    ]);
    expect(vm.awaitingRobots()).toEqual([]);
    expect(vm.commandFeed().map((c) => [c.type, c.phase])).toEqual([['emergencyStopAll', 'partial']]);
  });

  it('counts a stop as done only when every robot confirmed', () => {
    const vm = loaded();
    const stop = vm.command({ type: 'emergencyStopAll' }, 0);
    vm.handleMessage(REPLY_TOPIC, reply(stop.commandId, { message: 'emergency stop: 2 of 2 robots confirmed', robots: [confirmed('R1', 100), confirmed('R2', 380)] }), 500);
    expect(vm.describe(vm.lastReply!)).toMatchObject({ phase: 'done', tone: 'ok', summary: 'emergency stop: 2 of 2 robots confirmed (slowest 380 ms)', robots: { total: 2, confirmed: 2, problems: [] } });
    // A refusal is a failure, whatever the robots.
    const pause = vm.command({ type: 'pauseRobot', serial: 'R9' }, 600);
    expect(vm.describe(vm.latestCommand!).headline).toBe('pause of R9 sent, waiting for R9 to confirm…');
    vm.handleMessage(REPLY_TOPIC, reply(pause.commandId, { ok: false, code: 'UNKNOWN_ROBOT', message: 'robot "R9" has not reported to the controller' }), 650);
    expect(vm.describe(vm.latestCommand!)).toMatchObject({ phase: 'failed', tone: 'fail', headline: 'pause of R9 refused: robot "R9" has not reported to the controller' });
  });

  it('words a resume some robot did not confirm as a warning, and a stop with no reply as unknown', () => {
    const vm = new ConsoleViewModel({ site: SITE, user: 'ann', commandIdPrefix: 'x', replyTimeoutMs: 1000, robotReplyTimeoutMs: 5000 });
    const resume = vm.command({ type: 'resumeRobot', serial: 'R1' }, 0);
    vm.handleMessage(REPLY_TOPIC, reply(resume.commandId, { message: 'resume of R1: 0 of 1 robot confirmed; …', robots: [{ serial: 'R1', outcome: 'notConfirmed', detail: 'stopPause; no state showed it' }] }), 10);
    expect(vm.describe(vm.latestCommand!)).toMatchObject({ phase: 'partial', tone: 'warn' });

    const stop = vm.command({ type: 'emergencyStopAll' }, 100);
    const port = vm.command({ type: 'openPort', portId: 'P1' }, 100);
    expect(vm.expireCommands(1100).map((s) => s.command.type)).toEqual(['openPort']);
    expect(vm.describe(vm.latestCommand!)).toMatchObject({ phase: 'timedOut', headline: 'open port P1: no reply from the controller within 1 s' });
    expect(vm.commandFeed().map((c) => [c.commandId, c.phase])).toEqual([
      [stop.commandId, 'pending'],
      [port.commandId, 'timedOut'],
      [resume.commandId, 'partial'],
    ]);
    expect(vm.expireCommands(5100).map((s) => s.command.type)).toEqual(['emergencyStopAll']);
    expect(vm.describe(vm.latestCommand!)).toMatchObject({ phase: 'timedOut', tone: 'fail', headline: 'emergency stop: no reply from the controller within 5 s; whether the robots confirmed it is not known' });
    expect(vm.emergencyStopView().sent).toBe(false);
  });

  it('tells an emergency stop requested from one every robot shows', () => {
    const vm = loaded();
    const robots = [syntheticConsoleRobot('R1'), syntheticConsoleRobot('R2'), syntheticConsoleRobot('R3', { online: false })];
    vm.handleMessage(STATE_TOPIC, JSON.stringify(syntheticConsoleState(SITE, robots)), 0);
    expect(vm.emergencyStopView()).toEqual({ requested: false, sent: false, total: 3, showingStopped: 0, notShowing: ['R1', 'R2', 'R3'] });
    vm.handleMessage(STATE_TOPIC, JSON.stringify(syntheticConsoleState(SITE, robots, { emergencyStop: true })), 10);
    vm.handleMessage(...robotState({ serial: 'R1', headerId: 1, xM: 0, yM: 0, eStop: true }), 20);
    vm.handleMessage(...robotState({ serial: 'R2', headerId: 1, xM: 0.7, yM: 0 }), 20);
    vm.handleMessage(...robotState({ serial: 'R3', headerId: 1, xM: 1.4, yM: 0, eStop: true }), 20); // offline: its last word is not believed
    expect(vm.emergencyStopView()).toEqual({ requested: true, sent: false, total: 3, showingStopped: 1, notShowing: ['R2', 'R3'] });
    // A robot stopped by the standard startPause shows it by paused.
    vm.handleMessage(...robotState({ serial: 'R2', headerId: 2, xM: 0.7, yM: 0, paused: true }), 30);
    vm.handleMessage(STATE_TOPIC, JSON.stringify(syntheticConsoleState(SITE, [robots[0]!, robots[1]!, syntheticConsoleRobot('R3')], { emergencyStop: true })), 40);
    expect(vm.emergencyStopView()).toEqual({ requested: true, sent: false, total: 3, showingStopped: 3, notShowing: [] });
  });
});

describe('console view model: holds, capabilities and quarantined bins', () => {
  it("marks a held robot and details its hold and its factsheet's actions", () => {
    const vm = loaded();
    const hold = 'reported cell (3, 2), which it cannot have reached from (0, 0) in 0.4 s';
    vm.handleMessage(
      STATE_TOPIC,
      JSON.stringify(syntheticConsoleState(SITE, [syntheticConsoleRobot('R1', { hold, capabilities: ['pick (NODE)', 'startPause (INSTANT)'] }), syntheticConsoleRobot('R2')])),
      0,
    );
    expect(vm.robot('R1')).toMatchObject({ held: true, error: false });
    expect(vm.robot('R2')).toMatchObject({ held: false });
    vm.select({ kind: 'robot', serial: 'R1' }, 0);
    expect(vm.selectionDetails()).toMatchObject({ kind: 'robot', hold, capabilities: ['pick (NODE)', 'startPause (INSTANT)'] });
    vm.select({ kind: 'robot', serial: 'R2' }, 0);
    expect(vm.selectionDetails()).toMatchObject({ kind: 'robot', hold: null, capabilities: null });

    // Resumed: the controller lists no hold any more.
    vm.handleMessage(STATE_TOPIC, JSON.stringify(syntheticConsoleState(SITE, [syntheticConsoleRobot('R1'), syntheticConsoleRobot('R2')])), 10);
    expect(vm.robot('R1')!.held).toBe(false);
  });

  it('lists quarantined bins with their reasons and the reply to clearing each', () => {
    const vm = loaded();
    const quarantinedBins = [
      { binId: 'B7', reason: 'R1 reported load B9 after picking B7 at (2, 0)' },
      { binId: 'B12', reason: 'R2 reported no load after picking B12' },
    ];
    vm.handleMessage(STATE_TOPIC, JSON.stringify(syntheticConsoleState(SITE, [], { quarantinedBins })), 0);
    expect(vm.quarantinedBins()).toEqual([
      { binId: 'B7', reason: quarantinedBins[0]!.reason, clear: null },
      { binId: 'B12', reason: quarantinedBins[1]!.reason, clear: null },
    ]);

    const repliesBefore = vm.versions.replies;
    const clear = vm.command({ type: 'clearQuarantine', binId: 'B7' }, 100);
    expect(clear).toMatchObject({ type: 'clearQuarantine', binId: 'B7' });
    expect(vm.versions.replies).toBeGreaterThan(repliesBefore);
    expect(vm.quarantinedBins()[0]!.clear).toMatchObject({ phase: 'pending', headline: 'clear quarantine of bin B7 sent, waiting for the controller…' });
    vm.handleMessage(REPLY_TOPIC, reply(clear.commandId, { message: 'bin B7 is no longer quarantined' }), 150);
    expect(vm.quarantinedBins()[0]!.clear).toMatchObject({ phase: 'done', headline: 'bin B7 is no longer quarantined' });
    expect(vm.lastReply).toMatchObject({ command: { type: 'clearQuarantine' } });

    const unknown = vm.command({ type: 'clearQuarantine', binId: 'B12' }, 200);
    vm.handleMessage(REPLY_TOPIC, reply(unknown.commandId, { ok: false, code: 'UNKNOWN_BIN', message: 'bin B12 is not quarantined' }), 250);
    expect(vm.quarantinedBins()[1]!.clear).toMatchObject({ phase: 'failed', headline: 'clear quarantine of bin B12 refused: bin B12 is not quarantined' });

    // The next state no longer lists B7: it leaves the list, and its clear is forgotten.
    vm.handleMessage(STATE_TOPIC, JSON.stringify(syntheticConsoleState(SITE, [], { quarantinedBins: [quarantinedBins[1]!] })), 300);
    expect(vm.quarantinedBins().map((b) => b.binId)).toEqual(['B12']);
    vm.handleMessage(STATE_TOPIC, JSON.stringify(syntheticConsoleState(SITE, [], { quarantinedBins })), 400);
    expect(vm.quarantinedBins()[0]).toEqual({ binId: 'B7', reason: quarantinedBins[0]!.reason, clear: null });
  });
});
