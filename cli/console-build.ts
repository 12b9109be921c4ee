import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Where Vite writes the built console; the controller's web server serves it. */
export const CONSOLE_DIST_DIR = path.join(REPO_ROOT, 'visualizer', 'dist');
const SOURCES = [path.join(REPO_ROOT, 'visualizer'), path.join(REPO_ROOT, 'protocol')];

/**
 * Builds the console with Vite when it has not been built, or when any of its sources (or the
 * protocol it shares) changed since: `npm install` builds it once (the `prepare` script), and
 * this keeps `npm start` true to the code after an edit. Never needs the network.
 */
export async function ensureConsoleBuilt(log: (line: string) => void): Promise<void> {
  const built = path.join(CONSOLE_DIST_DIR, 'index.html');
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : -1;
  const newest = Math.max(...SOURCES.map((dir) => newestMtime(dir)));
  if (builtAt >= newest) return;
  log(builtAt < 0 ? 'console: building it with Vite (once)…' : 'console: sources changed; building it again with Vite…');
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    throw new Error('the console is not built and Vite is not installed: run "npm install" (with dev dependencies), then "npm run build:console"');
  }
  await vite.build({ configFile: path.join(REPO_ROOT, 'visualizer', 'vite.config.ts'), logLevel: 'warn' });
  log(`console: built into ${CONSOLE_DIST_DIR}`);
}

/** Newest modification time of the files under `dir` (skipping builds and dependencies), ms. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}
