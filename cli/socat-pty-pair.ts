import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * One socat pseudo-terminal pair under stable names (symlinks), started again `replugDelayMs`
 * (wall time) after it dies, until `stop()`: a serial cable that gets plugged back in.
 */
export class SocatPtyPair {
  private child: ChildProcess | undefined;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly boardPath: string,
    private readonly hostPath: string,
    private readonly replugDelayMs: number,
    private readonly log: (message: string) => void,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts socat and resolves once both device names exist. */
  async start(): Promise<void> {
    const child = spawn('socat', [`pty,raw,echo=0,link=${this.boardPath}`, `pty,raw,echo=0,link=${this.hostPath}`], { stdio: 'ignore' });
    this.child = child;
    const failed = new Promise<never>((_, reject) => {
      child.once('error', (error) => reject(new Error(`cannot run socat (install it: scripts/install-test-deps.sh): ${error.message}`)));
    });
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
      if (this.stopped) return;
      this.log(`serial line ${path.basename(this.hostPath)} unplugged (socat exited); plugging it in again in ${this.replugDelayMs} ms`);
      this.timer = setTimeout(() => void this.start().catch((error: Error) => this.log(error.message)), this.replugDelayMs);
    });
    const deadline = Date.now() + 5_000;
    while (!(existsSync(this.boardPath) && existsSync(this.hostPath))) {
      if (Date.now() > deadline) throw new Error(`socat did not create ${this.boardPath} and ${this.hostPath} within 5 s`);
      await Promise.race([new Promise((resolve) => setTimeout(resolve, 20)), failed]);
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.child?.kill('SIGTERM');
  }
}
