import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SqliteStore, STORE_FILE_NAME } from '../../controller/store/sqlite-store.ts';
import { FileIdentityStore } from '../../controller/security/identity-store.ts';
import { verifyPassword } from '../../controller/security/password-hash.ts';
import { main } from '../main.ts';

/** Runs the gridline command in this process; its exit code and what it printed. */
async function gridline(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  try {
    return { code: await main(args), out, err };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

describe('gridline identities and gridline audit', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'gridline-cli-identities-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('adds, lists, rotates and removes identities, showing a generated password once', async () => {
    const added = await gridline('identities', 'add', 'wms-north', '--role', 'wms', '--data', dir);
    expect(added.code).toBe(0);
    const password = /^password: (\S{24})$/m.exec(added.out)![1]!;
    expect(await verifyPassword(password, new FileIdentityStore(dir).get('wms-north')!.passwordHash)).toBe(true);
    expect(readFileSync(path.join(dir, 'identities.json'), 'utf8')).not.toContain(password);

    const port = await gridline('identities', 'add', 'screen-1', '--role', 'port', '--scope', 'P1', '--data', dir);
    expect(port.out).toMatch(/^added screen-1: port for P1$/m);
    const list = await gridline('identities', 'list', '--data', dir);
    expect(list.out).toMatch(/^screen-1\s+port for P1\s+added/m);
    expect(list.out).toMatch(/^wms-north\s+wms\s+added/m);
    expect(list.out).not.toContain(password);

    const rotated = await gridline('identities', 'rotate', 'wms-north', '--data', dir);
    const newPassword = /^password: (\S{24})$/m.exec(rotated.out)![1]!;
    expect(newPassword).not.toBe(password);
    expect(await verifyPassword(newPassword, new FileIdentityStore(dir).get('wms-north')!.passwordHash)).toBe(true);

    expect((await gridline('identities', 'remove', 'wms-north', '--data', dir)).out).toBe('removed wms-north (wms)\n');
    expect(new FileIdentityStore(dir).get('wms-north')).toBeUndefined();
  });

  it('says what is wrong with a request, exit code 2, and changes nothing', async () => {
    const badRole = await gridline('identities', 'add', 'x', '--role', 'admin', '--data', dir);
    expect(badRole.code).toBe(2);
    expect(badRole.err).toMatch(/--role is one of: controller \(/);
    await gridline('identities', 'add', 'x', '--role', 'viewer', '--data', dir);
    const twice = await gridline('identities', 'add', 'x', '--role', 'viewer', '--data', dir);
    expect(twice.code).toBe(2);
    expect(twice.err).toMatch(/exists already/);
    expect((await gridline('identities', 'rotate', 'nobody', '--data', dir)).err).toMatch(/no identity named nobody/);
    expect((await gridline('identities', 'add', 'a/b', '--role', 'wms', '--data', dir)).err).toMatch(/A-Z a-z 0-9/);
    expect(new FileIdentityStore(dir).list().map((r) => r.name)).toEqual(['x']);
  });

  it('init makes what a first start makes; mosquitto writes its configuration from them', async () => {
    const init = await gridline('identities', 'init', '--robots', '3', '--data', dir);
    expect(init.code).toBe(0);
    expect(init.out).toMatch(/^console user supervisor \(supervisor\): password \S{24}$/m);
    const names = new FileIdentityStore(dir).list().map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['controller', 'R001', 'R002', 'R003', 'port-P1', 'demo-wms', 'cli-wms', 'supervisor', 'operator', 'viewer']));
    expect(names).not.toContain('R004');
    expect(statSync(path.join(dir, 'facility-secrets.json')).mode & 0o777).toBe(0o600);

    const out = path.join(dir, 'mosquitto');
    const written = await gridline('identities', 'mosquitto', '--out', out, '--port', '18830', '--data', dir);
    expect(written.code).toBe(0);
    expect(readFileSync(path.join(out, 'passwd'), 'utf8')).toMatch(/^R001:\$7\$101\$/m);
    expect(readFileSync(path.join(out, 'acl'), 'utf8')).toContain('user R002\ntopic write uagv/v2/gridline/R002/state\n');
    expect(readFileSync(path.join(out, 'mosquitto.conf'), 'utf8')).toMatch(/^listener 18830$/m);
    expect(statSync(path.join(out, 'passwd')).mode & 0o777).toBe(0o600);
  });

  it('audit prints the operators\' commands, newest first', async () => {
    const store = new SqliteStore(path.join(dir, STORE_FILE_NAME), { columnsX: 2, columnsY: 2, depth: 2 });
    store.audit.record({ atMs: Date.UTC(2026, 0, 2, 3, 4, 5), user: 'ann', role: 'operator', commandId: 'c1', command: '{"type":"closePort","portId":"P1"}', outcome: 'done', detail: 'port P1 closed' });
    store.audit.record({ atMs: Date.UTC(2026, 0, 2, 3, 5, 0), user: 'vic', role: 'viewer', commandId: 'c2', command: '{"type":"emergencyStopAll"}', outcome: 'refused: NOT_ALLOWED', detail: 'a viewer gives no commands' });
    store.close();
    const audit = await gridline('audit', '--data', dir);
    expect(audit.code).toBe(0);
    expect(audit.out.split('\n')).toEqual([
      '2026-01-02T03:05:00.000Z  vic (viewer)  {"type":"emergencyStopAll"}  refused: NOT_ALLOWED: a viewer gives no commands',
      '2026-01-02T03:04:05.000Z  ann (operator)  {"type":"closePort","portId":"P1"}  done: port P1 closed',
      '',
    ]);
    expect((await gridline('audit', '--data', path.join(dir, 'none'))).code).toBe(1);
  });
});
