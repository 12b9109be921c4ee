import { startConsoleHttpServer } from '../../controller/http/console-http-server.ts';
import { launchChromium } from '../chromium.ts';
import { CONSOLE_DIST_DIR, ensureConsoleBuilt } from '../console-build.ts';
import type { CommandArgs } from '../errors.ts';

const TIMEOUT_MS = 180_000;

/** What the benchmark page (visualizer/bench.html) leaves in `window.__gridlineBench`. */
interface BenchFigures {
  drawCalls: number;
  bins: number;
  binDrawCalls: number;
  triangles: number;
  frames: number;
  frameMsP50: number;
  frameMsP99: number;
  updateMsP50: number;
  updateMsP99: number;
  heapDeltaBytes: number | null;
}

/**
 * `npm run bench:console`: the console's scene on a 100 x 100 grid, 16 deep (160,000 bins),
 * with 1,000 robots moving, in headless Chromium (WebGL on SwiftShader, so frame times are a
 * CPU renderer's): prints draw calls, triangles, frame and update-loop times, and the JS heap
 * growth over the measured frames.
 */
export async function runBenchConsole(_values: CommandArgs): Promise<number> {
  await ensureConsoleBuilt((line) => process.stderr.write(`${line}\n`));
  const server = await startConsoleHttpServer({ host: '127.0.0.1', port: 0, distDir: CONSOLE_DIST_DIR, site: 'bench' });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    process.stderr.write(`bench console: ${server.url}bench.html in ${browser.version()}\n`);
    await page.goto(`${server.url}bench.html`);
    // Page functions are strings: this file is type-checked for Node, without the DOM's names.
    await page.waitForFunction("document.title === 'bench done' || document.title.startsWith('bench failed')", undefined, { timeout: TIMEOUT_MS, polling: 500 });
    const title = await page.title();
    if (title !== 'bench done') throw new Error(`the benchmark page failed: ${title}; ${problems.join('; ')}`);
    const f = (await page.evaluate('window.__gridlineBench')) as BenchFigures;
    const out = (line: string) => process.stdout.write(`${line}\n`);
    out(`bins                    ${f.bins.toLocaleString('en-US')} in ${f.binDrawCalls} draw call(s)`);
    out(`draw calls              ${f.drawCalls} per frame (whole scene)`);
    out(`triangles               ${f.triangles.toLocaleString('en-US')} per frame`);
    out(`frame time              p50 ${f.frameMsP50.toFixed(1)} ms, p99 ${f.frameMsP99.toFixed(1)} ms over ${f.frames} frames (software WebGL)`);
    out(`update loop             p50 ${f.updateMsP50.toFixed(2)} ms, p99 ${f.updateMsP99.toFixed(2)} ms (1,000 robots interpolated, instances written)`);
    out(`JS heap over the frames ${f.heapDeltaBytes === null ? 'not measurable in this browser' : `${(f.heapDeltaBytes / 1024).toFixed(1)} KiB`}`);
    if (problems.length > 0) out(`page errors             ${problems.join('; ')}`);
    return f.binDrawCalls <= 3 && problems.length === 0 ? 0 : 1;
  } finally {
    await browser.close();
    await server.close();
  }
}
