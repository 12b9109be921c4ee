import { describe, expect, it } from 'vitest';
import { generateSecret, hashPassword, verifyMosquittoHash, verifyPassword, VerifiedPasswords } from './password-hash.ts';

describe('password hashes', () => {
  it('checks the password it was made from and no other, in both forms', async () => {
    const hashes = await hashPassword('correct horse battery', 'machine');
    expect(hashes.scrypt).toMatch(/^scrypt\$10\$8\$1\$/);
    expect(hashes.mosquitto).toMatch(/^\$7\$101\$/);
    expect(await verifyPassword('correct horse battery', hashes.scrypt)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hashes.scrypt)).toBe(false);
    expect(await verifyMosquittoHash('correct horse battery', hashes.mosquitto)).toBe(true);
    expect(await verifyMosquittoHash('wrong', hashes.mosquitto)).toBe(false);
  });

  it('salts: the same password hashes differently twice', async () => {
    const [a, b] = await Promise.all([hashPassword('same', 'machine'), hashPassword('same', 'machine')]);
    expect(a.scrypt).not.toBe(b.scrypt);
    expect(a.mosquitto).not.toBe(b.mosquitto);
  });

  it("gives people's passwords the expensive settings", async () => {
    const hashes = await hashPassword('a person chose this', 'person');
    expect(hashes.scrypt).toMatch(/^scrypt\$15\$8\$1\$/);
    expect(hashes.mosquitto).toMatch(/^\$7\$210000\$/);
    expect(await verifyPassword('a person chose this', hashes.scrypt)).toBe(true);
  });

  it('refuses malformed hashes instead of throwing', async () => {
    for (const bad of ['', 'scrypt$', 'scrypt$99$8$1$AA==$AA==', 'bcrypt$x', 'scrypt$10$8$1$AA==']) expect(await verifyPassword('x', bad)).toBe(false);
  });

  it('generates 24-character secrets, different each time', () => {
    const secrets = new Set(Array.from({ length: 50 }, generateSecret));
    expect(secrets.size).toBe(50);
    for (const s of secrets) expect(s).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });

  it('remembers a checked password only for the hash it was checked against', async () => {
    const cache = new VerifiedPasswords();
    const first = await hashPassword('secret-one', 'machine');
    expect(await cache.verify('R001', 'secret-one', first.scrypt)).toBe(true);
    expect(await cache.verify('R001', 'secret-two', first.scrypt)).toBe(false);
    const rotated = await hashPassword('secret-two', 'machine');
    expect(await cache.verify('R001', 'secret-one', rotated.scrypt)).toBe(false);
    expect(await cache.verify('R001', 'secret-two', rotated.scrypt)).toBe(true);
  });
});
