/**
 * How a command-line part (`gridline wms`, `gridline bridge`) logs in to the broker: as
 * `--user NAME` (or the command's default identity), with the password from `--password-file`,
 * else the GRIDLINE_PASSWORD environment variable, else, on the facility's own machine, the
 * facility's secrets in `--data DIR` (default ./data). Never a password on the command line:
 * other users of the machine can read a process's arguments.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FileSecretStore, SECRETS_FILE } from '../controller/security/identity-store.ts';
import type { MqttCredentials, MqttTlsOptions } from '../protocol/bus/mqtt-bus.ts';
import { UsageError, type CommandArgs } from './errors.ts';

export const PASSWORD_ENV = 'GRIDLINE_PASSWORD';

export function brokerLogin(values: CommandArgs, defaultUser: string, env: NodeJS.ProcessEnv = process.env): MqttCredentials {
  const username = (values.user as string | undefined) ?? defaultUser;
  const passwordFile = values['password-file'] as string | undefined;
  if (passwordFile !== undefined) return { username, password: readPasswordFile(passwordFile) };
  const fromEnv = env[PASSWORD_ENV];
  if (fromEnv) return { username, password: fromEnv };
  const dataDir = path.resolve((values.data as string | undefined) ?? 'data');
  const fromFacility = existsSync(path.join(dataDir, SECRETS_FILE)) ? new FileSecretStore(dataDir).get(username) : undefined;
  if (fromFacility !== undefined) return { username, password: fromFacility };
  throw new UsageError(
    `no password for ${username}: pass --password-file FILE or set ${PASSWORD_ENV} (on the facility's machine, --data DIR finds the passwords of its own parts; "gridline identities add" makes an identity)`,
  );
}

/** A password file's content without its final line break. */
export function readPasswordFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--password-file ${file}: ${(error as Error).message}`);
  }
  const password = text.replace(/\r?\n$/, '');
  if (password === '') throw new UsageError(`--password-file ${file} is empty`);
  return password;
}

/**
 * `--ca FILE` (the site CA, for an mqtts:// broker with the site's own certificate) and
 * `--cert FILE --key FILE` (a robot's client certificate: it logs in without a password).
 */
export function brokerTls(values: CommandArgs): MqttTlsOptions | undefined {
  const read = (option: string) => {
    const file = values[option] as string | undefined;
    if (file === undefined) return undefined;
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(`--${option} ${file}: ${(error as Error).message}`);
    }
  };
  const ca = read('ca');
  const cert = read('cert');
  const key = read('key');
  if ((cert === undefined) !== (key === undefined)) throw new UsageError('--cert and --key go together (the client certificate and its private key, PEM)');
  if (ca === undefined && cert === undefined) return undefined;
  return { ...(ca !== undefined ? { ca } : {}), ...(cert !== undefined ? { cert, key: key! } : {}) };
}
