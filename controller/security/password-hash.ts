/**
 * Password hashes for the identity file. Two forms per credential, both made when the password
 * is set (the only time it is known):
 * - `scrypt$<log2 N>$<r>$<p>$<salt>$<hash>` (base64), checked by the embedded broker and the
 *   console's login;
 * - Mosquitto's own `$7$<iterations>$<salt>$<hash>` (PBKDF2-HMAC-SHA512, base64), written into
 *   the password file generated for an external Mosquitto broker (it cannot read scrypt).
 *
 * A person's password may be weak, so people's credentials get the expensive settings; a
 * machine's secret is 144 random bits, which no work factor makes any stronger, so those get
 * cheap settings and a fleet of a thousand robots can connect in a second.
 */
import { createHmac, pbkdf2, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export type HashStrength = 'person' | 'machine';

const SCRYPT_LOG2_N: Record<HashStrength, number> = { person: 15, machine: 10 };
const SCRYPT_R = 8;
const SCRYPT_P = 1;
const SCRYPT_KEY_BYTES = 32;
const SALT_BYTES = 16;
/** PBKDF2-SHA512 iterations (OWASP's figure for people; Mosquitto's own default for machines). */
const PBKDF2_ITERATIONS: Record<HashStrength, number> = { person: 210_000, machine: 101 };
/** Mosquitto's salt (12 bytes) and SHA-512 output (64 bytes). */
const MOSQUITTO_SALT_BYTES = 12;
const MOSQUITTO_HASH_BYTES = 64;

export interface PasswordHashes {
  /** `scrypt$…`, checked by Gridline itself. */
  readonly scrypt: string;
  /** `$7$…`, for a Mosquitto password file. */
  readonly mosquitto: string;
}

/** A fresh secret for a machine identity: 24 characters of base64url (144 random bits). */
export function generateSecret(): string {
  return randomBytes(18).toString('base64url');
}

export async function hashPassword(password: string, strength: HashStrength): Promise<PasswordHashes> {
  const log2N = SCRYPT_LOG2_N[strength];
  const salt = randomBytes(SALT_BYTES);
  const key = await scryptKey(password, salt, log2N, SCRYPT_R, SCRYPT_P);
  const mosquittoSalt = randomBytes(MOSQUITTO_SALT_BYTES);
  const iterations = PBKDF2_ITERATIONS[strength];
  const mosquittoKey = await new Promise<Buffer>((resolve, reject) =>
    pbkdf2(password, mosquittoSalt, iterations, MOSQUITTO_HASH_BYTES, 'sha512', (error, derived) => (error ? reject(error) : resolve(derived))),
  );
  return {
    scrypt: `scrypt$${log2N}$${SCRYPT_R}$${SCRYPT_P}$${salt.toString('base64')}$${key.toString('base64')}`,
    mosquitto: `$7$${iterations}$${mosquittoSalt.toString('base64')}$${mosquittoKey.toString('base64')}`,
  };
}

/** True when `password` matches a `scrypt$…` hash; false for a wrong password or a malformed hash. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const parsed = parseScryptHash(hash);
  if (!parsed) return false;
  const key = await scryptKey(password, parsed.salt, parsed.log2N, parsed.r, parsed.p);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/**
 * Spends about the time a check of a person's password takes, for a name that has no identity,
 * so a wrong name answers no faster than a person's wrong password. A machine's hash is cheaper
 * (SCRYPT_LOG2_N.machine), so timing can still tell a machine name from an unknown one; machine
 * names (serial numbers, port ids) are no secret, and failed logins are limited per address.
 */
export async function spendVerifyTime(password: string): Promise<void> {
  await scryptKey(password, Buffer.alloc(SALT_BYTES), SCRYPT_LOG2_N.person, SCRYPT_R, SCRYPT_P);
}

/** Checks a Mosquitto `$7$` hash (used by tests that compare both forms). */
export async function verifyMosquittoHash(password: string, hash: string): Promise<boolean> {
  const match = /^\$7\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(hash);
  if (!match) return false;
  const expected = Buffer.from(match[3]!, 'base64');
  const derived = await new Promise<Buffer>((resolve, reject) =>
    pbkdf2(password, Buffer.from(match[2]!, 'base64'), Number(match[1]), expected.length, 'sha512', (error, key) => (error ? reject(error) : resolve(key))),
  );
  return timingSafeEqual(derived, expected);
}

/**
 * Remembers passwords already checked, as a keyed digest that never leaves this process, so a
 * robot reconnecting after a network blip costs a digest instead of an scrypt. An entry is bound
 * to the hash it was checked against: a rotated credential is checked afresh.
 */
export class VerifiedPasswords {
  private readonly key = randomBytes(32);
  private readonly verified = new Map<string, { hash: string; digest: Buffer }>();

  async verify(name: string, password: string, hash: string): Promise<boolean> {
    const digest = createHmac('sha256', this.key).update(name).update('\0').update(password).digest();
    const known = this.verified.get(name);
    if (known && known.hash === hash && timingSafeEqual(known.digest, digest)) return true;
    const ok = await verifyPassword(password, hash);
    if (ok) this.verified.set(name, { hash, digest });
    return ok;
  }
}

function parseScryptHash(hash: string): { log2N: number; r: number; p: number; salt: Buffer; key: Buffer } | null {
  const parts = hash.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [log2N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![log2N, r, p].every((n) => Number.isInteger(n) && n > 0) || log2N > 20 || r > 32 || p > 16) return null;
  return { log2N, r, p, salt: Buffer.from(parts[4]!, 'base64'), key: Buffer.from(parts[5]!, 'base64') };
}

function scryptKey(password: string, salt: Buffer, log2N: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** log2N;
  // scrypt needs 128·N·r bytes; Node's default ceiling (32 MiB) is just short of N = 2^15, r = 8.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) => scrypt(password, salt, SCRYPT_KEY_BYTES, options, (error, key) => (error ? reject(error) : resolve(key))));
}
