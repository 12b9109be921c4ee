import { startConsoleHttpServer } from '../../controller/http/console-http-server.ts';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../chromium.ts';
import type { BenchResult } from '../../visualizer/src/bench/bench-result.ts';
import { MemoryIdentityStore } from '../../controller/security/identity-store.ts';
import { CONSOLE_DIST_DIR, ensureConsoleBuilt } from '../console-build.ts';
import { numberOption, type CommandArgs } from '../errors.ts';

const TIMEOUT_MS = 900_000; // software WebGL draws 160,000 boxes slowly: a frame can take a second
/** Frames measured after warm-up; `--frames N` changes it. */
const DEFAULT_FRAMES = 60;
const WARMUP_FRAMES = 10;
/** Frames of the second run, with no messages arriving. */
const QUIET_FRAMES = 10;

/**
 * `npm run bench:console`: the console's scene on a 100 x 100 grid, 16 deep (160,000 bins),
 * with 1,000 robots moving, in headless Chromium (WebGL on SwiftShader, so frame times are a
 * CPU renderer's): prints draw calls, triangles, frame and update-loop times, and the JS heap
 * growth over the measured frames, also in a second run with no messages arriving (what the
 * frame loop itself allocates).
 */
export async function runBenchConsole(values: CommandArgs): Promise<number> {
  const frames = numberOption(values, 'frames', DEFAULT_FRAMES, (n) => Number.isInteger(n) && n > 0);
  await ensureConsoleBuilt((line) => process.stderr.write(`${line}\n`));
  const server = await startConsoleHttpServer({ host: '127.0.0.1', port: 0, distDir: CONSOLE_DIST_DIR, site: 'bench', identities: new MemoryIdentityStore() });
  const browser = await launchChromium();
  try {
    process.stderr.write(`bench console: ${server.url}bench.html, ${frames} frames after ${WARMUP_FRAMES} of warm-up, in Chromium ${browser.version()}\n`);
    const problems: string[] = [];
    const f = await runPage(browser, `${server.url}bench.html?frames=${frames}&warmup=${WARMUP_FRAMES}`, problems);
    // The same scene with no messages arriving: what the frame loop alone (update and render) allocates.
    process.stderr.write(`bench console: again without messages, ${QUIET_FRAMES} frames, for the frame loop's allocation\n`);
    const quiet = await runPage(browser, `${server.url}bench.html?frames=${QUIET_FRAMES}&warmup=${WARMUP_FRAMES}&feed=off`, problems);
    const out = (line: string) => process.stdout.write(`${line}\n`);
    const kib = (bytes: number | null) => (bytes === null ? 'not measurable in this browser' : `${(bytes / 1024).toFixed(1)} KiB`);
    out(`bins                    ${f.bins.toLocaleString('en-US')} in ${f.binDrawCalls} draw call(s)`);
    out(`draw calls              ${f.drawCalls} per frame (whole scene)`);
    out(`triangles               ${f.triangles.toLocaleString('en-US')} per frame`);
    out(`frame time              p50 ${f.frameMsP50.toFixed(1)} ms, p99 ${f.frameMsP99.toFixed(1)} ms over ${f.frames} frames (software WebGL)`);
    out(`update loop             p50 ${f.updateMsP50.toFixed(2)} ms, p99 ${f.updateMsP99.toFixed(2)} ms (1,000 robots interpolated, instances written)`);
    out(`JS heap growth          ${kib(quiet.heapDeltaBytes)} over ${quiet.frames} frames with no messages (update loop and render); ${kib(f.heapDeltaBytes)} over ${f.frames} frames with 1,000 robots reporting`);
    if (problems.length > 0) out(`page errors             ${problems.join('; ')}`);
    return f.binDrawCalls <= 3 && problems.length === 0 ? 0 : 1;
  } finally {
    await browser.close();
    await server.close();
  }
}

async function runPage(browser: Browser, url: string, problems: string[]): Promise<BenchResult> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(url);
    // Page functions are strings: this file is type-checked for Node, without the DOM's names.
    await page.waitForFunction("document.title === 'bench done' || document.title.startsWith('bench failed')", undefined, { timeout: TIMEOUT_MS, polling: 500 });
    const title = await page.title();
    if (title !== 'bench done') throw new Error(`the benchmark page failed: ${title}; ${problems.join('; ')}`);
    return (await page.evaluate('window.__gridlineBench')) as BenchResult;
  } finally {
    await page.close();
  }
}
