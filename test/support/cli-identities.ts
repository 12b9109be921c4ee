/** Identities added the way a site adds them, with `gridline identities add`, for tests that run the gridline command. */
import type { MqttCredentials } from '../../protocol/bus/mqtt-bus.ts';
import { runGridline } from './processes.ts';

/** Adds `name` with `role` to the identities in `dataDir`; its generated password. */
export async function addIdentityWithCli(dataDir: string, name: string, role: string): Promise<MqttCredentials> {
  const add = runGridline(['identities', 'add', name, '--role', role, '--data', dataDir]);
  const code = await add.exited;
  const password = add.lines.find((l) => l.startsWith('password: '))?.slice('password: '.length);
  if (code !== 0 || !password) throw new Error(`gridline identities add ${name} failed:\n${add.lines.join('\n')}`);
  return { username: name, password };
}
