import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addIdentity, IdentityError, removeIdentity, rotateIdentity } from './identity-admin.ts';
import { FileIdentityStore, FileSecretStore, MemoryIdentityStore, MemorySecretStore } from './identity-store.ts';
import { verifyPassword } from './password-hash.ts';

describe('identity file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'gridline-identities-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps hashes only, readable by its owner only, and another process sees changes', async () => {
    const store = new FileIdentityStore(dir);
    const { password } = await addIdentity(store, null, { name: 'wms-a', role: 'wms' });
    const text = readFileSync(store.file, 'utf8');
    expect(text).not.toContain(password);
    expect(text).toContain('scrypt$');
    expect(statSync(store.file).mode & 0o777).toBe(0o600);

    const other = new FileIdentityStore(dir); // as the running broker sees it
    expect(other.get('wms-a')?.scope).toBe('wms-a');
    const before = other.version();
    await rotateIdentity(store, null, 'wms-a');
    expect(other.version()).not.toBe(before);
    expect(await verifyPassword(password, other.get('wms-a')!.passwordHash)).toBe(false);
    removeIdentity(store, null, 'wms-a');
    expect(other.get('wms-a')).toBeUndefined();
  });

  it('names a file that is not an identities file', () => {
    writeFileSync(path.join(dir, 'identities.json'), '{"version":1,"identities":[{"name":"x"}]}');
    expect(() => new FileIdentityStore(dir)).toThrow(/identities\.json is not a Gridline identities file/);
  });

  it("keeps managed identities' secrets in the secrets file, mode 0600", async () => {
    const secrets = new FileSecretStore(dir);
    const store = new FileIdentityStore(dir);
    const { password } = await addIdentity(store, secrets, { name: 'R001', role: 'robot', managed: true });
    expect(secrets.get('R001')).toBe(password);
    expect(statSync(secrets.file).mode & 0o777).toBe(0o600);
    const rotated = await rotateIdentity(store, secrets, 'R001');
    expect(new FileSecretStore(dir).get('R001')).toBe(rotated.password);
    removeIdentity(store, secrets, 'R001');
    expect(secrets.get('R001')).toBeUndefined();
  });
});

describe('identity administration', () => {
  it('one identity per name and per robot, client or port', async () => {
    const store = new MemoryIdentityStore();
    await addIdentity(store, null, { name: 'R001', role: 'robot' });
    await expect(addIdentity(store, null, { name: 'R001', role: 'wms' })).rejects.toThrow(IdentityError);
    await expect(addIdentity(store, null, { name: 'robot-one', role: 'robot', scope: 'R001' })).rejects.toThrow(/R001 speaks for robot R001 already/);
    await addIdentity(store, null, { name: 'port-P1', role: 'port', scope: 'P1' });
    expect(store.get('port-P1')?.scope).toBe('P1');
  });

  it('refuses names and scopes that cannot be topic levels, and short passwords for people', async () => {
    const store = new MemoryIdentityStore();
    await expect(addIdentity(store, null, { name: 'a/b', role: 'wms' })).rejects.toThrow(/A-Z a-z 0-9/);
    await expect(addIdentity(store, null, { name: 'w', role: 'wms', scope: '#' })).rejects.toThrow(/WMS client id/);
    await expect(addIdentity(store, null, { name: 'ann', role: 'operator', password: 'short' })).rejects.toThrow(/at least 12/);
    await expect(addIdentity(store, null, { name: 'ann', role: 'operator', scope: 'P1' })).rejects.toThrow(/no scope/);
    expect(store.list()).toEqual([]);
  });

  it('uses a given password, and a managed identity needs a secret store', async () => {
    const store = new MemoryIdentityStore();
    const { password, record } = await addIdentity(store, null, { name: 'ann', role: 'operator', password: 'twelve chars ok' });
    expect(password).toBe('twelve chars ok');
    expect(await verifyPassword('twelve chars ok', record.passwordHash)).toBe(true);
    await expect(addIdentity(store, null, { name: 'R9', role: 'robot', managed: true })).rejects.toThrow(/secret store/);
    const secrets = new MemorySecretStore();
    await addIdentity(store, secrets, { name: 'R9', role: 'robot', managed: true });
    expect(secrets.get('R9')).toHaveLength(24);
  });
});
