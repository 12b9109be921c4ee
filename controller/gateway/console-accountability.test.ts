import { describe, expect, it } from 'vitest';
import { MemoryBroker } from '../../protocol/bus/memory-bus.ts';
import { SimulatedClock } from '../../protocol/clock.ts';
import { ConsoleClientLink } from '../../protocol/console/console-links.ts';
import type { ConsoleCommand, ConsoleReply } from '../../protocol/console/console-messages.ts';
import { parseLayout } from '../../protocol/layout/index.ts';
import { startController } from '../main.ts';
import { addIdentity } from '../security/identity-admin.ts';
import { MemoryIdentityStore } from '../security/identity-store.ts';

/**
 * Console commands with identities: each runs only if its user's role allows it, goes to the
 * audit log with its outcome before the reply, is answered on its user's own reply topic, and
 * is never run twice under one command id, not even after a restart.
 */
function layout() {
  const parsed = parseLayout(
    JSON.stringify({ name: 'audit-test', columns: { x: 4, y: 2 }, depth: 2, ports: [{ id: 'P1', x: 0, y: 0, mode: 'pick' }], robots: { count: 1 }, inventory: { bins: [] } }),
    'audit-test',
  );
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return parsed.layout;
}

async function rig(identities: MemoryIdentityStore, dataDir?: string) {
  const clock = new SimulatedClock();
  const broker = new MemoryBroker(clock);
  let wallMs = 1_800_000_000_000;
  const running = await startController({ layout: layout(), bus: broker.connect({ clientId: 'controller' }), clock, options: { fleetWaitMs: 0 }, identities, wallClockMs: () => wallMs, ...(dataDir ? { dataDir } : {}) });
  const users = new Map<string, { link: ConsoleClientLink; replies: ConsoleReply[] }>();
  for (const user of ['ann', 'sue', 'vic']) {
    const link = new ConsoleClientLink(broker.connect({ clientId: `console-${user}` }), { site: 'demo', user });
    const replies: ConsoleReply[] = [];
    link.onReply((r) => void replies.push(r));
    await link.start();
    users.set(user, { link, replies });
  }
  const send = (user: string, command: ConsoleCommand) => {
    wallMs += 1000;
    users.get(user)!.link.send(command);
    clock.advance(10);
  };
  return { clock, running, users, send };
}

async function people() {
  const identities = new MemoryIdentityStore();
  await addIdentity(identities, null, { name: 'ann', role: 'operator', password: 'ann password 1' });
  await addIdentity(identities, null, { name: 'sue', role: 'supervisor', password: 'sue password 1' });
  await addIdentity(identities, null, { name: 'vic', role: 'viewer', password: 'vic password 1' });
  return identities;
}

describe('console commands with identities', () => {
  it('runs what the role allows, refuses the rest, and answers each user on their own topic', async () => {
    const w = await rig(await people());
    w.send('ann', { commandId: 'a1', type: 'closePort', portId: 'P1' });
    w.send('ann', { commandId: 'a2', type: 'clearQuarantine', binId: 'B1' });
    w.send('vic', { commandId: 'v1', type: 'closePort', portId: 'P1' });
    w.send('sue', { commandId: 's1', type: 'openPort', portId: 'P1' });
    const ann = w.users.get('ann')!.replies.map((r) => [r.commandId, r.code]);
    expect(ann).toEqual([
      ['a1', 'OK'],
      ['a2', 'NOT_ALLOWED'],
    ]);
    expect(w.users.get('ann')!.replies[1]!.message).toBe("ann: clearQuarantine is a supervisor's command");
    expect(w.users.get('vic')!.replies.map((r) => [r.commandId, r.code, r.message])).toEqual([['v1', 'NOT_ALLOWED', 'vic: a viewer gives no commands']]);
    expect(w.users.get('sue')!.replies.map((r) => [r.commandId, r.code])).toEqual([['s1', 'OK']]);
    expect(w.running.controller.ports.get('P1')!.open).toBe(true);
    const log = w.running.store.audit.entries(10).reverse();
    expect(log.map((e) => [e.user, e.role, e.commandId, e.outcome])).toEqual([
      ['ann', 'operator', 'a1', 'done'],
      ['ann', 'operator', 'a2', 'refused: NOT_ALLOWED'],
      ['vic', 'viewer', 'v1', 'refused: NOT_ALLOWED'],
      ['sue', 'supervisor', 's1', 'done'],
    ]);
    expect(log.map((e) => e.at)).toEqual(['2027-01-15T08:00:01.000Z', '2027-01-15T08:00:02.000Z', '2027-01-15T08:00:03.000Z', '2027-01-15T08:00:04.000Z']);
    expect(JSON.parse(log[0]!.command)).toEqual({ commandId: 'a1', type: 'closePort', portId: 'P1' });
    expect(log[0]!.detail).toMatch(/P1/);
    await w.running.stop();
  });

  it('refuses a command id used before, even after a restart, and raises it', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(tmpdir(), 'gridline-audit-'));
    try {
      const identities = await people();
      const first = await rig(identities, dir);
      first.send('ann', { commandId: 'k1', type: 'closePort', portId: 'P1' });
      first.send('ann', { commandId: 'k1', type: 'closePort', portId: 'P1' }); // a QoS 1 redelivery: the same reply, nothing run
      expect(first.users.get('ann')!.replies.map((r) => r.code)).toEqual(['OK', 'OK']);
      first.send('ann', { commandId: 'k2', type: 'openPort', portId: 'P1' });
      await first.running.stop();

      const second = await rig(identities, dir);
      second.send('ann', { commandId: 'k1', type: 'closePort', portId: 'P1' }); // replayed later
      const replies = second.users.get('ann')!.replies;
      expect(replies.map((r) => [r.commandId, r.code])).toEqual([['k1', 'NOT_ALLOWED']]);
      expect(replies[0]!.message).toMatch(/given before; it is not run again/);
      expect(second.running.controller.ports.get('P1')!.open).toBe(true);
      expect(second.running.controller.alarms.map((a) => a.message)).toContainEqual(expect.stringMatching(/ann sent command k1 \(closePort\) again/));
      expect(second.running.store.audit.entries(10)).toHaveLength(2);
      await second.running.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
