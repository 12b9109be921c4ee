import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const GRIDLINE = path.join(REPO_ROOT, 'bin', 'gridline.js');

/** A child process whose output is kept line by line, for tests that run commands. */
export class RunningProcess {
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];

  constructor(readonly child: ChildProcess) {
    // Output arrives in chunks that may cut a line in two: keep the unfinished tail per stream.
    const tails = new Map<unknown, string>();
    const onData = (stream: unknown) => (chunk: Buffer) => {
      const parts = ((tails.get(stream) ?? '') + chunk.toString('utf8')).split('\n');
      tails.set(stream, parts.pop()!);
      for (const line of parts) {
        if (line === '') continue;
        this.lines.push(line);
        for (let i = this.waiters.length - 1; i >= 0; i--) {
          const match = line.match(this.waiters[i]!.pattern);
          if (match) this.waiters.splice(i, 1)[0]!.resolve(match);
        }
      }
    };
    child.stdout?.on('data', onData(child.stdout));
    child.stderr?.on('data', onData(child.stderr));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** The first output line matching `pattern` (already printed or still to come). */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    for (const line of this.lines) {
      const match = line.match(pattern);
      if (match) return Promise.resolve(match);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; output:\n${this.lines.slice(-30).join('\n')}`)), timeoutMs);
      this.waiters.push({ pattern, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  }

  async stop(signal: NodeJS.Signals = 'SIGINT'): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill(signal);
    return this.exited;
  }
}

export function runGridline(args: string[], cwd = REPO_ROOT): RunningProcess {
  return new RunningProcess(spawn(process.execPath, [GRIDLINE, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** A TCP port free on loopback right now (for programs that cannot be told to pick one). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
