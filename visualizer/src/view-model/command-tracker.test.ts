import { describe, expect, it } from 'vitest';
import type { ConsoleReply } from '../../../protocol/console/console-messages.ts';
import { CommandTracker, newCommandIdPrefix } from './command-tracker.ts';

function reply(commandId: string, ok = true, message = 'done'): ConsoleReply {
  return { commandId, ok, code: ok ? 'OK' : 'NOT_ALLOWED', message, timestamp: '2026-01-01T00:00:00.000Z' };
}

describe('command ids and reply pairing', () => {
  it('gives every command a unique id with the page prefix', () => {
    const tracker = new CommandTracker({ idPrefix: 'k3x' });
    const ids = new Set<string>();
    for (let i = 0; i < 100; i++) ids.add(tracker.create({ type: 'emergencyStopAll' }, i).commandId);
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^k3x-\d+$/);
    expect(tracker.pending()).toHaveLength(100);
  });

  it("draws each page's prefix at random, 20 letters, so a user's ids never repeat across pages", () => {
    const prefixes = new Set(Array.from({ length: 1000 }, () => newCommandIdPrefix()));
    expect(prefixes.size).toBe(1000);
    for (const prefix of prefixes) expect(prefix).toMatch(/^[a-z2-9]{20}$/);
    // Every letter of the alphabet turns up: the draw is not stuck on a few.
    expect(new Set([...prefixes].join('')).size).toBe(32);
    const id = new CommandTracker({ idPrefix: newCommandIdPrefix() }).create({ type: 'blockCell', x: 999, y: 999 }, 0).commandId;
    expect(id.length).toBeLessThanOrEqual(64);
  });

  it('pairs a reply with its command once, and ignores replies to other consoles', () => {
    const tracker = new CommandTracker({ idPrefix: 'a' });
    const stop = tracker.create({ type: 'emergencyStopAll' }, 100);
    const pause = tracker.create({ type: 'pauseRobot', serial: 'R1' }, 110);
    expect(tracker.handleReply(reply('other-console-1'), 120)).toBeNull();
    const paired = tracker.handleReply(reply(pause.commandId, false, 'robot R1 is offline'), 150);
    expect(paired).toMatchObject({ command: { type: 'pauseRobot', serial: 'R1' }, sentAtMs: 110, repliedAtMs: 150, reply: { ok: false, message: 'robot R1 is offline' } });
    expect(tracker.handleReply(reply(pause.commandId), 160)).toBeNull(); // a second reply pairs with nothing
    expect(tracker.pending().map((s) => s.command.commandId)).toEqual([stop.commandId]);
    expect(tracker.recent().map((s) => s.command.commandId)).toEqual([pause.commandId]);
  });

  it('marks unanswered commands as timed out, and still pairs a late reply', () => {
    const tracker = new CommandTracker({ idPrefix: 'a', replyTimeoutMs: 1000 });
    const open = tracker.create({ type: 'openPort', portId: 'P1' }, 0);
    expect(tracker.expire(999)).toEqual([]);
    expect(tracker.expire(1000).map((s) => s.command.commandId)).toEqual([open.commandId]);
    expect(tracker.expire(5000)).toEqual([]); // reported once
    const late = tracker.handleReply(reply(open.commandId), 6000)!;
    expect(late.timedOut).toBe(false);
    expect(tracker.recent()).toEqual([late]);
  });

  it('waits longer for a stop, a pause or a resume, whose reply waits for the robots', () => {
    const tracker = new CommandTracker({ idPrefix: 'a', replyTimeoutMs: 1000, robotReplyTimeoutMs: 4000 });
    const stop = tracker.create({ type: 'emergencyStopAll' }, 0);
    const pause = tracker.create({ type: 'pauseRobot', serial: 'R1' }, 0);
    const block = tracker.create({ type: 'blockCell', x: 1, y: 1 }, 0);
    expect(tracker.timeoutOf(stop)).toBe(4000);
    expect(tracker.timeoutOf(block)).toBe(1000);
    expect(tracker.expire(1000).map((s) => s.command.commandId)).toEqual([block.commandId]);
    expect(tracker.expire(4000).map((s) => s.command.commandId)).toEqual([stop.commandId, pause.commandId]);
    expect(tracker.awaiting(stop.commandId)?.timedOut).toBe(true);
    expect(new CommandTracker({ idPrefix: 'a' }).timeoutOf(stop)).toBe(30_000);
  });

  it('refuses a command the contract refuses', () => {
    const tracker = new CommandTracker({ idPrefix: 'a' });
    expect(() => tracker.create({ type: 'blockCell', x: -1, y: 0 }, 0)).toThrow();
    expect(() => new CommandTracker({ idPrefix: 'bad prefix' })).toThrow(RangeError);
  });
});
