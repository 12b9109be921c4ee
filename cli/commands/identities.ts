import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { defaultControllerOptions } from '../../controller/controller-options.ts';
import { mosquittoConfig } from '../../controller/security/mosquitto-config.ts';
import { addIdentity, IdentityError, removeIdentity, rotateIdentity } from '../../controller/security/identity-admin.ts';
import { isRole, ROLE_DESCRIPTIONS, ROLES, SCOPED_ROLES } from '../../controller/security/identities.ts';
import { FileIdentityStore, FileSecretStore } from '../../controller/security/identity-store.ts';
import { writePrivateFile } from '../../controller/security/private-files.ts';
import { readPasswordFile } from '../broker-login.ts';
import { numberOption, UsageError, type CommandArgs } from '../errors.ts';
import { prepareFacilityIdentities } from '../facility-identities.ts';
import { loadLayout } from '../load-layout.ts';
import { startedSerials, withRobotCount } from '../../protocol/layout/index.ts';

export const IDENTITIES_USAGE = `  gridline identities list                           who may connect, with role and scope
  gridline identities init [--layout FILE] [--robots N] [--no-wms] [--no-console]
                                        the identities a first 'gridline start' makes (its
                                        parts' and the console's demo users), without starting:
                                        for an external broker, which needs them first
  gridline identities add NAME --role ROLE [--scope S] [--password-file FILE]
                                        a new identity; its password is generated and shown once
                                        unless given in FILE. ROLE: ${ROLES.join(', ')};
                                        S: the robot's serial number, the WMS client id or the
                                        port id (default NAME)
  gridline identities rotate NAME [--password-file FILE]   a new password; connections made
                                        with the old one are closed
  gridline identities remove NAME       the identity's connections are closed
  gridline identities mosquitto --out DIR [--site S] [--port N] [--host H] [--websockets-port N]
                                        the same identities and rules for an external Mosquitto 2
                                        broker: DIR/passwd, DIR/acl and DIR/mosquitto.conf (run
                                        it with mosquitto -c DIR/mosquitto.conf); again after changes
      --data DIR          the data folder holding identities.json (default ./data); a running
                          facility sees changes within seconds
`;

/** `gridline identities list|add|rotate|remove`: the identities in the data folder. */
export async function runIdentities(sub: string | undefined, name: string | undefined, values: CommandArgs): Promise<number> {
  const dataDir = path.resolve((values.data as string | undefined) ?? 'data');
  const store = new FileIdentityStore(dataDir);
  const secrets = new FileSecretStore(dataDir);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const needName = () => {
    if (!name) throw new UsageError(`identities ${sub}: NAME is required`);
    return name;
  };
  const password = () => (values['password-file'] !== undefined ? readPasswordFile(String(values['password-file'])) : undefined);
  try {
    switch (sub) {
      case 'list': {
        const records = store.list();
        if (records.length === 0) out(`no identities in ${store.file}`);
        for (const r of records) {
          const scope = SCOPED_ROLES.has(r.role) && r.scope !== r.name ? ` for ${r.scope}` : '';
          out(`${r.name.padEnd(20)} ${(r.role + scope).padEnd(24)} ${r.managed ? 'run by the facility' : 'added'}, password set ${r.passwordSetAt}`);
        }
        return 0;
      }
      case 'add': {
        const role = values.role as string | undefined;
        if (!role || !isRole(role)) throw new UsageError(`identities add: --role is one of: ${ROLES.map((r) => `${r} (${ROLE_DESCRIPTIONS[r]})`).join('; ')}`);
        const given = password();
        const scope = values.scope as string | undefined;
        const { record, password: secret } = await addIdentity(store, null, { name: needName(), role, ...(scope !== undefined ? { scope } : {}), ...(given !== undefined ? { password: given } : {}) });
        out(`added ${record.name}: ${record.role}${record.scope && record.scope !== record.name ? ` for ${record.scope}` : ''}`);
        if (given === undefined) out(`password: ${secret}`);
        return 0;
      }
      case 'rotate': {
        const given = password();
        const { record, password: secret } = await rotateIdentity(store, secrets, needName(), given);
        out(`new password for ${record.name}${record.managed ? ' (kept for the facility, which uses it from its next connection)' : ''}`);
        if (given === undefined && !record.managed) out(`password: ${secret}`);
        return 0;
      }
      case 'init':
        return await initFacilityIdentities(dataDir, values, out);
      case 'mosquitto':
        return writeMosquittoConfig(store.list(), values, out);
      case 'remove': {
        const record = removeIdentity(store, secrets, needName());
        out(`removed ${record.name} (${record.role})`);
        return 0;
      }
      default:
        throw new UsageError(`identities: unknown command "${sub ?? ''}"; use list, init, add, rotate, remove or mosquitto`);
    }
  } catch (error) {
    if (error instanceof IdentityError || error instanceof RangeError) throw new UsageError(`identities ${sub}: ${error.message}`);
    throw error;
  }
}

function writeMosquittoConfig(identities: Parameters<typeof mosquittoConfig>[0]['identities'], values: CommandArgs, out: (line: string) => void): number {
  const outDir = values.out as string | undefined;
  if (!outDir) throw new UsageError('identities mosquitto: --out DIR is required (where passwd, acl and mosquitto.conf go)');
  const dir = path.resolve(outDir);
  const port = (name: string, fallback?: number) => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UsageError(`--${name} must be a port number (got "${String(raw)}")`);
    return n;
  };
  const host = values.host as string | undefined;
  const websocketsPort = port('websockets-port');
  const defaults = defaultControllerOptions();
  const config = mosquittoConfig({
    identities,
    topics: { site: (values.site as string | undefined) ?? defaults.site, interfaceName: defaults.interfaceName, manufacturer: defaults.manufacturer },
    passwordFile: path.join(dir, 'passwd'),
    aclFile: path.join(dir, 'acl'),
    listeners: [{ port: port('port', 1883)!, ...(host ? { host } : {}) }, ...(websocketsPort ? [{ port: websocketsPort, websockets: true, ...(host ? { host } : {}) }] : [])],
  });
  mkdirSync(dir, { recursive: true });
  // Each file replaced whole: a Mosquitto reloading meanwhile reads the old or the new one.
  for (const [file, text] of [['passwd', config.passwords], ['acl', config.acl], ['mosquitto.conf', config.conf]] as const) writePrivateFile(path.join(dir, file), text);
  out(`wrote ${dir}/passwd, ${dir}/acl and ${dir}/mosquitto.conf for ${identities.length} identities; run: mosquitto -c ${dir}/mosquitto.conf`);
  if (identities.length === 0) out('there are no identities yet, so no one can connect: "gridline identities init" makes the facility\'s, then write this again');
  return 0;
}

/** What a first start makes, for the layout and options a later `gridline start` will be given. */
async function initFacilityIdentities(dataDir: string, values: CommandArgs, out: (line: string) => void): Promise<number> {
  const layout = await loadLayout(values.layout as string | undefined);
  const robots = values.robots !== undefined ? numberOption(values, 'robots', 0, (n) => Number.isInteger(n) && n > 0) : undefined;
  const identities = await prepareFacilityIdentities(dataDir, {
    robots: startedSerials(robots !== undefined ? withRobotCount(layout, robots) : layout),
    ports: layout.ports.map((p) => p.id),
    demoWms: !values['no-wms'],
    commandLineWms: true,
    monitor: false,
    people: !values['no-console'],
  });
  out(`${identities.store.list().length} identities in ${path.join(dataDir, 'identities.json')}`);
  for (const login of identities.createdLogins) out(`console user ${login.name} (${login.role}): password ${login.password}`);
  return 0;
}
