import { GridScene } from '../scene/grid-scene.ts';
import { ConsoleViewModel } from '../view-model/console-view-model.ts';
import { percentile } from './stats.ts';
import { SyntheticFleet, type FleetMessage } from './synthetic-fleet.ts';
import { syntheticLayout, syntheticStacks } from './synthetic-messages.ts';

/**
 * The scene benchmark (bench.html): no MQTT. A 100 × 100 grid, 16 deep, every column full
 * (160,000 bins), and 1,000 robots whose VDA 5050 states change every 500 ms, all as message
 * text through the console's own view model and scene. After `warmup` frames it measures
 * `frames` frames and publishes the results as `window.__gridlineBench`, then sets the title to
 * 'bench done'. Query parameters: frames, warmup, size, depth, robots, periodMs, feed=off (no
 * new reports while measuring: the frame loop alone).
 *
 * frameMs: time between animation frames. updateMs: the console's own work in a frame (the
 * messages that arrived, parsed and applied, plus the scene update); building the synthetic
 * message text is the harness's and is not counted.
 */

export interface BenchResult {
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
  // Beyond the contract, for reading the numbers:
  robots: number;
  messagesPerSecond: number;
  renderMsP50: number;
  renderMsP99: number;
  feed: boolean;
  badMessages: number;
}

declare global {
  interface Window {
    __gridlineBench?: BenchResult;
    gc?: () => void;
  }
  interface Performance {
    memory?: { usedJSHeapSize: number };
  }
}

function intParam(query: URLSearchParams, name: string, fallback: number): number {
  const value = Number(query.get(name));
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

function main(): void {
  const query = new URLSearchParams(window.location.search);
  const frames = intParam(query, 'frames', 120);
  const warmup = intParam(query, 'warmup', 30);
  const size = intParam(query, 'size', 100);
  const depth = intParam(query, 'depth', 16);
  const robotCount = intParam(query, 'robots', 1000);
  const periodMs = intParam(query, 'periodMs', 500);
  const feedWhileMeasuring = query.get('feed') !== 'off';

  const canvas = document.querySelector<HTMLCanvasElement>('canvas[data-testid="scene"]')!;
  const status = document.getElementById('bench-status')!;
  const site = 'bench';
  const vm = new ConsoleViewModel({ site, commandIdPrefix: 'bench' });
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
  const renderMs: number[] = [];
  let frame = 0;
  let lastNow = -1;
  let heapStart: number | null = null;
  let measuredMessages = 0;
  let measureStart = 0;
  let lastCalls = 0;
  let lastTriangles = 0;

  const tick = (now: number) => {
    const measuring = frame >= warmup;
    if (frame === warmup) {
      window.gc?.(); // with --js-flags=--expose-gc: start from a collected heap
      heapStart = performance.memory?.usedJSHeapSize ?? null;
      measureStart = now;
    }
    messages.length = 0;
    if (!measuring || feedWhileMeasuring) fleet.due(now, messages);

    const t0 = performance.now();
    for (let i = 0; i < messages.length; i++) vm.handleMessage(messages[i]!.topic, messages[i]!.text, now);
    scene.update(now);
    const t1 = performance.now();
    scene.render();
    const t2 = performance.now();

    if (measuring) {
      if (lastNow >= 0 && frame > warmup) frameMs.push(now - lastNow);
      updateMs.push(t1 - t0);
      renderMs.push(t2 - t1);
      measuredMessages += messages.length;
      lastCalls = scene.renderer.info.render.calls;
      lastTriangles = scene.renderer.info.render.triangles;
    }
    lastNow = now;
    frame++;
    status.textContent = measuring ? `measuring frame ${frame - warmup} of ${frames}` : `warming up: frame ${frame} of ${warmup}`;
    if (frame < warmup + frames) {
      requestAnimationFrame(tick);
      return;
    }
    const heapEnd = performance.memory?.usedJSHeapSize ?? null;
    const bins = scene.bins.count;
    const binDrawCalls = scene.countDrawCalls('bins').calls;
    const elapsedS = (now - measureStart) / 1000;
    const result: BenchResult = {
      drawCalls: lastCalls,
      bins,
      binDrawCalls,
      triangles: lastTriangles,
      frames: updateMs.length,
      frameMsP50: percentile(frameMs, 50),
      frameMsP99: percentile(frameMs, 99),
      updateMsP50: percentile(updateMs, 50),
      updateMsP99: percentile(updateMs, 99),
      heapDeltaBytes: heapStart !== null && heapEnd !== null ? heapEnd - heapStart : null,
      robots: scene.robots.count,
      messagesPerSecond: elapsedS > 0 ? Math.round(measuredMessages / elapsedS) : 0,
      renderMsP50: percentile(renderMs, 50),
      renderMsP99: percentile(renderMs, 99),
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

main();
