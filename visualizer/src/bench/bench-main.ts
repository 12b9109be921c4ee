import { GridScene } from '../scene/grid-scene.ts';
import { ConsoleViewModel } from '../view-model/console-view-model.ts';
import type { BenchResult } from './bench-result.ts';
import { percentile } from './stats.ts';
import { SyntheticFleet, type FleetMessage } from './synthetic-fleet.ts';
import { syntheticLayout, syntheticStacks } from './synthetic-messages.ts';

/**
 * The scene benchmark (bench.html): no MQTT. A 100 × 100 grid, 16 deep, every column full
 * (160,000 bins), and 1,000 robots whose VDA 5050 states change every 500 ms, all as message
 * text through the console's own view model and scene. After a warm-up it measures frames and
 * publishes the results as `window.__gridlineBench`, then sets the title to 'bench done'
 * ('bench failed: …' on an error).
 *
 * How many frames: `?frames=N&warmup=M` give exact counts. Without them it warms up for 10
 * frames or 10 s and measures 120 frames or 60 s, whichever comes first (at least 3 and 10
 * frames): a software renderer (headless Chromium's SwiftShader) takes seconds per frame here,
 * a GPU a few milliseconds. Other parameters: size, depth, robots, periodMs, feed=off (no new
 * reports while measuring: the frame loop alone).
 *
 *   frameMs    time between animation frames
 *   updateMs   the scene's update loop: robots interpolated, grippers moved, instances written
 *              (and any layer whose messages changed rebuilt)
 *   messageMs  handling the messages that arrived in the frame (parse, validate, apply)
 * Building the synthetic message text is the harness's work and is in neither.
 */

declare global {
  interface Window {
    __gridlineBench?: BenchResult;
    gc?: () => void;
  }
  interface Performance {
    memory?: { usedJSHeapSize: number };
  }
}

function intParam(query: URLSearchParams, name: string): number | null {
  const value = Number(query.get(name));
  return query.has(name) && Number.isInteger(value) && value > 0 ? value : null;
}

interface Plan {
  readonly maxFrames: number;
  readonly minFrames: number;
  readonly budgetMs: number;
}

function main(): void {
  const query = new URLSearchParams(window.location.search);
  const framesParam = intParam(query, 'frames');
  const warmupParam = intParam(query, 'warmup');
  const measurePlan: Plan = framesParam ? { maxFrames: framesParam, minFrames: framesParam, budgetMs: Infinity } : { maxFrames: 120, minFrames: 10, budgetMs: 60_000 };
  const warmupPlan: Plan = warmupParam ? { maxFrames: warmupParam, minFrames: warmupParam, budgetMs: Infinity } : { maxFrames: 10, minFrames: 3, budgetMs: 10_000 };
  const size = intParam(query, 'size') ?? 100;
  const depth = Math.min(64, intParam(query, 'depth') ?? 16);
  const robotCount = intParam(query, 'robots') ?? 1000;
  const periodMs = intParam(query, 'periodMs') ?? 500;
  const feedWhileMeasuring = query.get('feed') !== 'off';

  const canvas = document.querySelector<HTMLCanvasElement>('canvas[data-testid="scene"]')!;
  const status = document.getElementById('bench-status')!;
  const site = 'bench';
  const vm = new ConsoleViewModel({ site, user: 'bench', commandIdPrefix: 'bench' });
  const start = performance.now();
  const fleet = new SyntheticFleet({ site, columnsX: size, columnsY: size, robots: robotCount, reportPeriodMs: periodMs }, start);
  vm.handleMessage(vm.topics.layout, JSON.stringify(syntheticLayout({ site, columnsX: size, columnsY: size, depth, robots: fleet.serials })), start);
  vm.handleMessage(vm.topics.stacks, JSON.stringify(syntheticStacks(site, new Uint8Array(size * size).fill(depth))), start);

  const scene = new GridScene(canvas, vm, { antialias: false, maxPixelRatio: 1 });
  scene.resize();
  new ResizeObserver(() => scene.resize()).observe(canvas);

  const messages: FleetMessage[] = [];
  const frameMs: number[] = [];
  const updateMs: number[] = [];
  const messageMs: number[] = [];
  const renderMs: number[] = [];
  let phase: 'warmup' | 'measure' = 'warmup';
  let phaseFrames = 0;
  let phaseStart = performance.now();
  let lastNow = -1;
  let heapStart: number | null = null;
  let measuredMessages = 0;
  let lastCalls = 0;
  let lastTriangles = 0;

  const finished = (plan: Plan, now: number) => phaseFrames >= plan.maxFrames || (phaseFrames >= plan.minFrames && now - phaseStart >= plan.budgetMs);

  const tick = (now: number) => {
    const measuring = phase === 'measure';
    messages.length = 0;
    if (!measuring || feedWhileMeasuring) fleet.due(now, messages);

    const t0 = performance.now();
    for (let i = 0; i < messages.length; i++) vm.handleMessage(messages[i]!.topic, messages[i]!.text, now);
    const t1 = performance.now();
    scene.update(now);
    const t2 = performance.now();
    scene.render();
    const t3 = performance.now();

    if (measuring) {
      if (phaseFrames > 0) frameMs.push(now - lastNow);
      messageMs.push(t1 - t0);
      updateMs.push(t2 - t1);
      renderMs.push(t3 - t2);
      measuredMessages += messages.length;
      lastCalls = scene.renderer.info.render.calls;
      lastTriangles = scene.renderer.info.render.triangles;
    }
    lastNow = now;
    phaseFrames++;
    status.textContent = `${measuring ? 'measuring' : 'warming up'}: frame ${phaseFrames}`;

    if (!measuring && finished(warmupPlan, now)) {
      phase = 'measure';
      phaseFrames = 0;
      window.gc?.(); // with --js-flags=--expose-gc: start from a collected heap
      heapStart = performance.memory?.usedJSHeapSize ?? null;
      phaseStart = performance.now();
    } else if (measuring && finished(measurePlan, now)) {
      report(performance.memory?.usedJSHeapSize ?? null);
      return;
    }
    requestAnimationFrame(tick);
  };

  const report = (heapEnd: number | null) => {
    const result: BenchResult = {
      drawCalls: lastCalls,
      bins: scene.bins.count,
      binDrawCalls: scene.countDrawCalls('bins').calls,
      triangles: lastTriangles,
      frames: updateMs.length,
      frameMsP50: percentile(frameMs, 50),
      frameMsP99: percentile(frameMs, 99),
      updateMsP50: percentile(updateMs, 50),
      updateMsP99: percentile(updateMs, 99),
      heapDeltaBytes: heapStart !== null && heapEnd !== null ? heapEnd - heapStart : null,
      messageMsP50: percentile(messageMs, 50),
      messageMsP99: percentile(messageMs, 99),
      renderCallMsP50: percentile(renderMs, 50),
      robots: scene.robots.count,
      messages: measuredMessages,
      feed: feedWhileMeasuring,
      badMessages: vm.badMessages.total,
    };
    window.__gridlineBench = result;
    status.textContent = Object.entries(result)
      .map(([k, v]) => `${k}: ${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(2) : String(v)}`)
      .join('\n');
    status.dataset['testid'] = 'bench-results';
    document.title = 'bench done';
  };

  requestAnimationFrame(tick);
}

try {
  main();
} catch (error) {
  document.title = `bench failed: ${error instanceof Error ? error.message : String(error)}`;
  throw error;
}
window.addEventListener('error', (event) => {
  if (document.title !== 'bench done') document.title = `bench failed: ${event.message}`;
});
