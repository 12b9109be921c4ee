/**
 * Runs the built scene benchmark (visualizer/dist/bench.html) in headless Chromium and checks
 * its numbers: all 160,000 bins drawn in at most 3 draw calls. Build first:
 *   npx vite build --config visualizer/vite.config.ts
 *   npx tsx visualizer/scripts/bench-check.ts [--frames 120] [--warmup 30] [--feed off] [--screenshot out.png] [--heap-profile] [--dist dir]
 * --heap-profile samples allocations (Chrome DevTools protocol) during the measured frames and
 * lists the functions that allocated most, to find per-frame allocation; function names are
 * readable with an unminified build (`npx vite build --config visualizer/vite.config.ts
 * --minify false --outDir /tmp/dist-plain` and `--dist /tmp/dist-plain`).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serveDist } from './serve-dist.ts';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? '') : undefined;
}

/** The part of the page's window.__gridlineBench checked here. */
interface BenchNumbers {
  bins: number;
  binDrawCalls: number;
  drawCalls: number;
  badMessages: number;
}

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

async function main(): Promise<void> {
  const dist = arg('dist') ?? fileURLToPath(new URL('../dist', import.meta.url));
  const { server, url } = await serveDist(dist);
  const browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, '--enable-precise-memory-info', '--js-flags=--expose-gc', '--enable-unsafe-swiftshader'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') console.error(`[page ${m.type()}] ${m.text()}`);
    });
    page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
    const query = new URLSearchParams();
    for (const name of ['frames', 'warmup', 'feed', 'size', 'robots', 'depth']) {
      const value = arg(name);
      if (value !== undefined) query.set(name, value);
    }
    const profile = arg('heap-profile') !== undefined;
    const cdp = profile ? await page.context().newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('HeapProfiler.enable');
    }
    await page.goto(`${url}/bench.html?${query}`);
    if (cdp) {
      // Start sampling once warm-up is over (the page reports it in its status line).
      await page.waitForFunction("document.getElementById('bench-status')?.textContent?.startsWith('measuring')", undefined, { timeout: 600_000 });
      await cdp.send('HeapProfiler.startSampling', { samplingInterval: 512 });
    }
    await page.waitForFunction("document.title === 'bench done'", undefined, { timeout: 900_000, polling: 500 });
    const result = (await page.evaluate('window.__gridlineBench')) as BenchNumbers | undefined;
    console.log(JSON.stringify(result, null, 2));
    if (cdp) {
      const { profile: heap } = (await cdp.send('HeapProfiler.stopSampling')) as unknown as { profile: { head: HeapNode } };
      const bySite = new Map<string, number>();
      const walk = (node: HeapNode) => {
        const f = node.callFrame;
        const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/assets\//, '')}:${f.lineNumber + 1}`;
        bySite.set(key, (bySite.get(key) ?? 0) + node.selfSize);
        node.children.forEach(walk);
      };
      walk(heap.head);
      const top = [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 25);
      console.log('Sampled allocations during the measured frames (bytes, by function):');
      for (const [site, bytes] of top) console.log(`${String(bytes).padStart(12)}  ${site}`);
    }
    const screenshot = arg('screenshot');
    if (screenshot) {
      writeFileSync(screenshot, await page.locator('canvas').screenshot());
      console.log(`screenshot: ${screenshot}`);
    }
    if (!result) throw new Error('the page published no result');
    const problems: string[] = [];
    const full = !arg('size') && !arg('depth');
    if (full && result.bins !== 160_000) problems.push(`expected 160000 bins, got ${result.bins}`);
    if (result.binDrawCalls > 3) problems.push(`bins took ${result.binDrawCalls} draw calls (at most 3)`);
    if (result.badMessages > 0) problems.push(`${result.badMessages} synthetic messages were refused`);
    if (problems.length > 0) {
      console.error(`FAIL: ${problems.join('; ')}`);
      process.exitCode = 1;
    } else console.log(`OK: ${result.bins} bins in ${result.binDrawCalls} draw call(s), ${result.drawCalls} draw calls in all`);
  } finally {
    await browser.close();
    server.close();
  }
}

await main();
