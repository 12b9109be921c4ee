/**
 * Adding, rotating and removing identities (the `gridline identities` command and the
 * facility's first start). A password is returned only when it was generated here: it is
 * shown once and never stored, except a managed identity's, which goes to the secret store.
 */
import { generateSecret, hashPassword } from './password-hash.ts';
import { makeIdentity, PERSON_ROLES, SCOPED_ROLES, type IdentityRecord, type Role } from './identities.ts';
import type { IdentityStore, SecretStore } from './identity-store.ts';

/** A mistake in what was asked (an existing name, a taken scope): said to the person, not thrown as a bug. */
export class IdentityError extends Error {}

export interface NewIdentity {
  name: string;
  role: Role;
  /** Serial number, WMS client id or port id; the name when absent (scoped roles only). */
  scope?: string;
  /** Generated (24 random characters) when absent. */
  password?: string;
  /** The facility runs this part itself and keeps its password in the secret store. */
  managed?: boolean;
}

/** People's passwords must resist guessing; generated ones always do. */
const MIN_PERSON_PASSWORD_LENGTH = 12;

export async function addIdentity(store: IdentityStore, secrets: SecretStore | null, wanted: NewIdentity, now: Date = new Date()): Promise<{ record: IdentityRecord; password: string }> {
  const identity = makeIdentity(wanted.name, wanted.role, wanted.scope);
  if (store.get(identity.name)) throw new IdentityError(`an identity named ${identity.name} exists already (rotate its password with "gridline identities rotate ${identity.name}")`);
  if (SCOPED_ROLES.has(identity.role)) {
    const holder = store.list().find((r) => r.role === identity.role && r.scope === identity.scope);
    if (holder) throw new IdentityError(`${holder.name} speaks for ${identity.role} ${identity.scope} already: one identity each`);
  }
  const password = checkedPassword(wanted.password, identity.role);
  const hashes = await hashPassword(password, PERSON_ROLES.has(identity.role) ? 'person' : 'machine');
  const stamp = now.toISOString();
  const managed = wanted.managed ?? false;
  if (managed && !secrets) throw new Error('a managed identity needs a secret store');
  const record: IdentityRecord = { ...identity, passwordHash: hashes.scrypt, mosquittoHash: hashes.mosquitto, managed, createdAt: stamp, passwordSetAt: stamp };
  if (managed) secrets!.set(record.name, password);
  store.put(record);
  return { record, password };
}

/** A new password for `name` (generated when absent); connections made with the old one are dropped by the broker. */
export async function rotateIdentity(store: IdentityStore, secrets: SecretStore | null, name: string, newPassword?: string, now: Date = new Date()): Promise<{ record: IdentityRecord; password: string }> {
  const existing = store.get(name);
  if (!existing) throw new IdentityError(`no identity named ${name}`);
  const password = checkedPassword(newPassword, existing.role);
  const hashes = await hashPassword(password, PERSON_ROLES.has(existing.role) ? 'person' : 'machine');
  const record: IdentityRecord = { ...existing, passwordHash: hashes.scrypt, mosquittoHash: hashes.mosquitto, passwordSetAt: now.toISOString() };
  if (existing.managed) secrets?.set(name, password);
  store.put(record);
  return { record, password };
}

export function removeIdentity(store: IdentityStore, secrets: SecretStore | null, name: string): IdentityRecord {
  const existing = store.get(name);
  if (!existing) throw new IdentityError(`no identity named ${name}`);
  store.remove(name);
  secrets?.remove(name);
  return existing;
}

function checkedPassword(password: string | undefined, role: Role): string {
  if (password === undefined) return generateSecret();
  if (PERSON_ROLES.has(role) && password.length < MIN_PERSON_PASSWORD_LENGTH) {
    throw new IdentityError(`a console user's password needs at least ${MIN_PERSON_PASSWORD_LENGTH} characters`);
  }
  if (password.length === 0 || password.length > 256) throw new IdentityError('a password has 1 to 256 characters');
  return password;
}
