/**
 * An external Mosquitto broker (Debian's package, installed by scripts/install-test-deps.sh) on
 * an ephemeral loopback port, anonymous and without persistence, for end-to-end tests.
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort, RunningProcess } from './processes.ts';

/** Debian installs the broker in /usr/sbin, which is not on every user's PATH. */
const MOSQUITTO = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto'].find((p) => existsSync(p)) ?? 'mosquitto';

export interface Mosquitto {
  readonly url: string;
  readonly process: RunningProcess;
}

/** Starts Mosquitto with its configuration in `dir`; resolves once it listens. */
export async function startMosquitto(dir: string): Promise<Mosquitto> {
  const port = await freePort();
  const config = path.join(dir, 'mosquitto.conf');
  writeFileSync(config, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
  const process = new RunningProcess(spawn(MOSQUITTO, ['-c', config, '-v'], { stdio: ['ignore', 'pipe', 'pipe'] }));
  await process.waitForLine(/running|Opening ipv4 listen socket/, 10_000);
  return { url: `mqtt://127.0.0.1:${port}`, process };
}
