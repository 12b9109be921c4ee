/**
 * Identities held in memory only, each with a fresh random password: for a broker that lives
 * as long as one run (a test rig, a benchmark), where nothing is kept between runs.
 */
import type { MqttCredentials } from '../../protocol/bus/mqtt-bus.ts';
import { addIdentity } from './identity-admin.ts';
import type { Role } from './identities.ts';
import { MemoryIdentityStore } from './identity-store.ts';

export interface EphemeralIdentities {
  readonly store: MemoryIdentityStore;
  login(name: string): MqttCredentials;
}

export async function ephemeralIdentities(parts: readonly { name: string; role: Role; scope?: string }[]): Promise<EphemeralIdentities> {
  const store = new MemoryIdentityStore();
  const passwords = new Map<string, string>();
  for (const part of parts) passwords.set(part.name, (await addIdentity(store, null, part)).password);
  return {
    store,
    login(name) {
      const password = passwords.get(name);
      if (password === undefined) throw new Error(`no identity ${name} in this run`);
      return { username: name, password };
    },
  };
}
