/**
 * An external Mosquitto broker (Debian's package, installed by scripts/install-test-deps.sh) on
 * an ephemeral loopback port, configured as a site would: `gridline identities mosquitto` writes
 * its password file, ACL and configuration from the identities in a data folder. No anonymous
 * access; its log (verbose) shows what it refused.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { freePort, RunningProcess, runGridline } from './processes.ts';

/** Debian installs the broker in /usr/sbin, which is not on every user's PATH. */
const MOSQUITTO = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto'].find((p) => existsSync(p)) ?? 'mosquitto';

export interface Mosquitto {
  readonly url: string;
  readonly process: RunningProcess;
  /** Writes the configuration again from the data folder's identities and has Mosquitto read it (SIGHUP). */
  reload(): Promise<void>;
}

/**
 * Writes the configuration for the identities in `dataDir` into `dir`/mosquitto and starts
 * Mosquitto with it; resolves once it listens.
 */
export async function startMosquitto(dir: string, dataDir: string): Promise<Mosquitto> {
  const port = await freePort();
  const configDir = path.join(dir, 'mosquitto');
  const writeConfig = async () => {
    const gridline = runGridline(['identities', 'mosquitto', '--out', configDir, '--port', String(port), '--host', '127.0.0.1', '--data', dataDir]);
    if ((await gridline.exited) !== 0) throw new Error(`gridline identities mosquitto failed:\n${gridline.lines.join('\n')}`);
    // Started as root (a CI container), Mosquitto would run as user mosquitto, who cannot read
    // the files written for this user only (mode 0600): it stays this user.
    if (process.getuid?.() === 0) appendFileSync(path.join(configDir, 'mosquitto.conf'), 'user root\n');
  };
  await writeConfig();
  const broker = new RunningProcess(spawn(MOSQUITTO, ['-c', path.join(configDir, 'mosquitto.conf'), '-v'], { stdio: ['ignore', 'pipe', 'pipe'] }));
  await broker.waitForLine(/running|Opening ipv4 listen socket/, 10_000);
  return {
    url: `mqtt://127.0.0.1:${port}`,
    process: broker,
    async reload() {
      await writeConfig();
      const before = broker.lines.length;
      broker.child.kill('SIGHUP');
      const deadline = Date.now() + 5_000;
      while (!broker.lines.slice(before).some((l) => /Reloading config/.test(l))) {
        if (Date.now() > deadline) throw new Error('Mosquitto did not reload its configuration');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}
