/**
 * The identities a facility needs and the passwords its own parts log in with. On a first
 * start (no identities yet) this creates them: one per part the facility runs itself
 * (controller, simulated robots, pickers' port screens, the demo WMS; their passwords go to the
 * secrets file), and the console's three demo users, whose passwords are returned to be shown
 * once. Later starts find them and create only what is missing (a robot added with --robots).
 */
import { addIdentity } from '../controller/security/identity-admin.ts';
import { PERSON_ROLES, type Identity, type Role } from '../controller/security/identities.ts';
import { FileIdentityStore, FileSecretStore, MemoryIdentityStore, MemorySecretStore, type IdentityStore, type SecretStore } from '../controller/security/identity-store.ts';
import type { MqttCredentials } from '../protocol/bus/mqtt-bus.ts';

/** Names of the facility's own identities. */
export const CONTROLLER_IDENTITY = 'controller';
export const DEMO_WMS_IDENTITY = 'demo-wms';
export const MONITOR_IDENTITY = 'facility-monitor';
/** The WMS client `gridline wms` logs in as on the facility's machine (its password is in the data folder). */
export const COMMAND_LINE_WMS_IDENTITY = 'cli-wms';
export const portScreenIdentity = (portId: string) => `port-${portId}`;
/** The console's demo users, created on a first start when no console user exists. */
export const DEMO_PEOPLE: readonly { name: string; role: Role }[] = [
  { name: 'supervisor', role: 'supervisor' },
  { name: 'operator', role: 'operator' },
  { name: 'viewer', role: 'viewer' },
];

export interface FacilityParts {
  /** Robots this facility starts (virtual or through a bridge), by serial number. */
  readonly robots: readonly string[];
  readonly ports: readonly string[];
  readonly demoWms: boolean;
  /** An identity for `gridline wms` run beside the facility. */
  readonly commandLineWms: boolean;
  /** A read-only connection for invariant checks and tests that watch the wire. */
  readonly monitor: boolean;
  /** Create the console's demo users when there is no console user yet. */
  readonly people: boolean;
}

export interface Login {
  readonly name: string;
  readonly role: Role;
  readonly password: string;
}

export interface FacilityIdentities {
  readonly store: IdentityStore;
  readonly secrets: SecretStore;
  /** Console users created by this start, with their passwords (shown once, stored nowhere). */
  readonly createdLogins: readonly Login[];
  /** The facility's own parts whose identities this start created. */
  readonly createdParts: ReadonlySet<string>;
  /** The MQTT login of one of the facility's own parts. */
  credentialsOf(name: string): MqttCredentials;
  /** Adds an identity the facility does not run (tests playing a WMS, a robot of another maker). */
  add(name: string, role: Role, scope?: string): Promise<MqttCredentials & { identity: Identity }>;
}

export async function prepareFacilityIdentities(dataDir: string | undefined, parts: FacilityParts): Promise<FacilityIdentities> {
  const store: IdentityStore = dataDir ? new FileIdentityStore(dataDir) : new MemoryIdentityStore();
  const secrets: SecretStore = dataDir ? new FileSecretStore(dataDir) : new MemorySecretStore();
  const wanted: { name: string; role: Role; scope?: string }[] = [
    { name: CONTROLLER_IDENTITY, role: 'controller' },
    ...parts.robots.map((serial) => ({ name: serial, role: 'robot' as const })),
    ...parts.ports.map((portId) => ({ name: portScreenIdentity(portId), role: 'port' as const, scope: portId })),
    ...(parts.demoWms ? [{ name: DEMO_WMS_IDENTITY, role: 'wms' as const }] : []),
    ...(parts.commandLineWms ? [{ name: COMMAND_LINE_WMS_IDENTITY, role: 'wms' as const }] : []),
    ...(parts.monitor ? [{ name: MONITOR_IDENTITY, role: 'monitor' as const }] : []),
  ];
  const createdParts = new Set<string>();
  for (const part of wanted) {
    const existing = store.get(part.name);
    if (!existing) {
      await addIdentity(store, secrets, { ...part, managed: true });
      createdParts.add(part.name);
      continue;
    }
    if (existing.role !== part.role || (part.scope !== undefined && existing.scope !== part.scope)) {
      throw new Error(`identity ${part.name} is a ${existing.role}${existing.scope ? ` for ${existing.scope}` : ''}, but this facility runs it as a ${part.role}; remove it ("gridline identities remove ${part.name}") or start the facility without that part`);
    }
    if (!existing.managed || secrets.get(part.name) === undefined) {
      throw new Error(`identity ${part.name} was added by hand (its password is not in the facility's secrets), but this facility runs that part itself; remove the identity, or run the part outside the facility`);
    }
  }
  const createdLogins: Login[] = [];
  if (parts.people && !store.list().some((r) => PERSON_ROLES.has(r.role))) {
    for (const person of DEMO_PEOPLE) {
      if (store.get(person.name)) continue;
      const { password } = await addIdentity(store, null, person);
      createdLogins.push({ ...person, password });
    }
  }
  return {
    store,
    secrets,
    createdLogins,
    createdParts,
    credentialsOf(name) {
      const password = secrets.get(name);
      if (password === undefined) throw new Error(`no password kept for identity ${name}: it is not one of the facility's own parts`);
      return { username: name, password };
    },
    async add(name, role, scope) {
      const { record, password } = await addIdentity(store, null, { name, role, ...(scope !== undefined ? { scope } : {}) });
      return { username: name, password, identity: record };
    },
  };
}
