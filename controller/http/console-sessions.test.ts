import { beforeEach, describe, expect, it } from 'vitest';
import { addIdentity } from '../security/identity-admin.ts';
import { MemoryIdentityStore } from '../security/identity-store.ts';
import { ConsoleSessions } from './console-sessions.ts';

describe('console sessions', () => {
  let identities: MemoryIdentityStore;
  const passwords = new Map<string, string>();
  let nowMs = 1_000_000;
  const sessions = (maxFailures = 5) => new ConsoleSessions({ identities, now: () => nowMs, maxFailures, failureWindowMs: 60_000 });

  beforeEach(async () => {
    identities = new MemoryIdentityStore();
    for (const [name, role, scope] of [
      ['ann', 'operator', undefined],
      ['sue', 'supervisor', undefined],
      ['port-P1', 'port', 'P1'],
    ] as const) {
      passwords.set(name, (await addIdentity(identities, null, { name, role, ...(scope ? { scope } : {}) })).password);
    }
  });

  it('counts guesses sent at once before checking any: no more than the limit are checked', async () => {
    const s = sessions(3);
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => s.login('ann', `guess ${i}`, '10.0.0.9')));
    expect(results.filter((r) => !r.ok && r.status === 401)).toHaveLength(3);
    expect(results.filter((r) => !r.ok && r.status === 429)).toHaveLength(5);
  });

  it("cannot be used to lock a person out from elsewhere: the limit is per name and address", async () => {
    const s = sessions(2);
    for (let i = 0; i < 3; i++) await s.login('sue', `guess ${i}`, '10.0.0.66');
    expect(await s.login('sue', passwords.get('sue')!, '10.0.0.66')).toMatchObject({ ok: false, status: 429 });
    expect(await s.login('sue', passwords.get('sue')!, '10.0.0.7')).toMatchObject({ ok: true });
  });

  it("keeps an address's guesses at other names counted across a valid login there", async () => {
    const s = sessions(1); // an address may fail 4 times in all
    for (const name of ['x1', 'x2', 'x3']) expect(await s.login(name, 'guess', '10.0.0.66')).toMatchObject({ status: 401 });
    expect(await s.login('port-P1', passwords.get('port-P1')!, '10.0.0.66')).toMatchObject({ ok: true });
    expect(await s.login('x4', 'guess', '10.0.0.66')).toMatchObject({ status: 401 });
    expect(await s.login('ann', passwords.get('ann')!, '10.0.0.66')).toMatchObject({ ok: false, status: 429 });
    nowMs += 60_000;
    expect(await s.login('ann', passwords.get('ann')!, '10.0.0.66')).toMatchObject({ ok: true });
  });

  it('ends the browser\'s earlier session at a new login, and a session whose scope changed', async () => {
    const s = sessions();
    const first = await s.login('ann', passwords.get('ann')!, '10.0.0.1');
    if (!first.ok) throw new Error('login');
    const second = await s.login('ann', passwords.get('ann')!, '10.0.0.1', first.token);
    if (!second.ok) throw new Error('login');
    expect(s.lookup(first.token)).toBeUndefined();
    expect(s.lookup(second.token)?.identity.name).toBe('ann');
    const port = await s.login('port-P1', passwords.get('port-P1')!, '10.0.0.2');
    if (!port.ok) throw new Error('login');
    identities.put({ ...identities.get('port-P1')!, scope: 'P2' });
    expect(s.lookup(port.token)).toBeUndefined();
  });

  it('lets a session expire', async () => {
    const s = sessions();
    const login = await s.login('ann', passwords.get('ann')!, '10.0.0.1');
    if (!login.ok) throw new Error('login');
    nowMs += 12 * 3_600_000;
    expect(s.lookup(login.token)).toBeUndefined();
  });
});
