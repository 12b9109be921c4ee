/**
 * Who may connect: one identity per robot, WMS client, port screen, console user, the
 * controller, and monitoring tools. An identity's name is its MQTT username and its console
 * login; its scope is what it speaks for (a robot's serial number, a WMS client id, a port id).
 */

export const ROLES = ['controller', 'robot', 'wms', 'port', 'viewer', 'operator', 'supervisor', 'monitor'] as const;
export type Role = (typeof ROLES)[number];

/** What each role is for, as the CLI and the README explain it. */
export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  controller: 'the controller: orders and instant actions to every robot, answers to WMS clients, port screens and the console',
  robot: 'one robot (or its firmware bridge): its own VDA 5050 state, connection, factsheet and visualization; reads its own order and instantActions',
  wms: 'one WMS client: requests on wms/{its client id}/request, reads its own replies and events',
  port: 'one port screen: reads its port\'s presentation, confirms at its port',
  viewer: 'a console user who watches: console layout, stacks and state, robots\' states',
  operator: 'a console user who may also command (pause, resume, stop, ports, cells, emergency stop)',
  supervisor: 'an operator who may also release the emergency stop and clear quarantined bins',
  monitor: 'a read-only tool (monitoring, tests): reads every Gridline and VDA 5050 topic, sends nothing',
};

/** Roles whose scope names what they speak for (the others speak for no one in particular). */
export const SCOPED_ROLES: ReadonlySet<Role> = new Set(['robot', 'wms', 'port']);
/** People log in to the console; their passwords get the expensive hash. */
export const PERSON_ROLES: ReadonlySet<Role> = new Set(['viewer', 'operator', 'supervisor']);

export interface Identity {
  /** The MQTT username and console login: A-Z a-z 0-9 _ . : - (a valid topic level). */
  readonly name: string;
  readonly role: Role;
  /** Robot: serial number; WMS: client id; port: port id. Empty for the other roles. */
  readonly scope: string;
}

/** A stored identity: the hashes of its password, never the password. */
export interface IdentityRecord extends Identity {
  /** `scrypt$…` (password-hash.ts). */
  readonly passwordHash: string;
  /** `$7$…` for Mosquitto's password file. */
  readonly mosquittoHash: string;
  /** Created by the facility for a part it runs itself (its secret is in the facility's secrets file). */
  readonly managed: boolean;
  /** ISO 8601 times. */
  readonly createdAt: string;
  readonly passwordSetAt: string;
}

const NAME_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Why a name cannot be an identity's name or scope, or null when it can. */
export function nameProblem(name: string, what = 'a name'): string | null {
  return NAME_PATTERN.test(name) ? null : `${what} uses 1 to 64 of A-Z a-z 0-9 _ . : - (got ${JSON.stringify(name)})`;
}

/** The identity of `name` with `role`: the scope defaults to the name for scoped roles. */
export function makeIdentity(name: string, role: Role, scope?: string): Identity {
  const problem = nameProblem(name, 'an identity name');
  if (problem) throw new RangeError(problem);
  if (!SCOPED_ROLES.has(role)) {
    if (scope) throw new RangeError(`a ${role} identity has no scope (got ${JSON.stringify(scope)})`);
    return { name, role, scope: '' };
  }
  const resolved = scope ?? name;
  const scopeProblem = nameProblem(resolved, `the ${role === 'robot' ? 'serial number' : role === 'wms' ? 'WMS client id' : 'port id'}`);
  if (scopeProblem) throw new RangeError(scopeProblem);
  return { name, role, scope: resolved };
}
