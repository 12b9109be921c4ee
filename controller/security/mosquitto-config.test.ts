import { describe, expect, it } from 'vitest';
import { addIdentity } from './identity-admin.ts';
import { MemoryIdentityStore } from './identity-store.ts';
import { mosquittoConfig } from './mosquitto-config.ts';

describe('Mosquitto configuration', () => {
  it('writes each identity its own password line and the ACL of its rules, and ties them together', async () => {
    const store = new MemoryIdentityStore();
    await addIdentity(store, null, { name: 'R001', role: 'robot' });
    await addIdentity(store, null, { name: 'port-P1', role: 'port', scope: 'P1' });
    const config = mosquittoConfig({
      identities: store.list(),
      topics: { site: 'demo', interfaceName: 'uagv', manufacturer: 'gridline' },
      passwordFile: '/etc/gridline/passwd',
      aclFile: '/etc/gridline/acl',
      listeners: [{ port: 1883 }, { port: 9001, websockets: true, host: '127.0.0.1' }],
    });
    expect(config.passwords.split('\n').sort()).toEqual(['', `R001:${store.get('R001')!.mosquittoHash}`, `port-P1:${store.get('port-P1')!.mosquittoHash}`].sort());
    expect(config.acl).toContain('user R001\ntopic write uagv/v2/gridline/R001/state\n');
    expect(config.acl).toContain('topic read uagv/v2/gridline/R001/order\n');
    expect(config.acl).toContain('user port-P1\ntopic read gridline/v1/demo/port/P1/presentation\ntopic write gridline/v1/demo/port/P1/confirm\n');
    expect(config.acl).not.toMatch(/R002|#\s*$/m);
    expect(config.conf).toMatch(/^allow_anonymous false$/m);
    expect(config.conf).toMatch(/^password_file \/etc\/gridline\/passwd$/m);
    expect(config.conf).toMatch(/^acl_file \/etc\/gridline\/acl$/m);
    expect(config.conf).toMatch(/^listener 1883\nuse_username_as_clientid true$/m);
    expect(config.conf).toMatch(/^listener 9001 127\.0\.0\.1\nuse_username_as_clientid true\nprotocol websockets$/m);
  });

  it('refuses, by name, identities Mosquitto cannot log in (a ":" in the name)', async () => {
    const store = new MemoryIdentityStore();
    await addIdentity(store, null, { name: 'AB:01', role: 'robot' });
    expect(() =>
      mosquittoConfig({ identities: store.list(), topics: { site: 'demo', interfaceName: 'uagv', manufacturer: 'gridline' }, passwordFile: '/p', aclFile: '/a', listeners: [{ port: 1883 }] }),
    ).toThrow(/cannot hold a name with ":": AB:01/);
  });
});
