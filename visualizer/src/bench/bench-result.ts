/**
 * What the benchmark page (bench.html) leaves in `window.__gridlineBench` once done; read by
 * `npm run bench:console` (cli/commands/bench-console.ts). No DOM here, so Node code may import it.
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
  messageMsP50: number;
  messageMsP99: number;
  renderCallMsP50: number;
  robots: number;
  messages: number;
  feed: boolean;
  badMessages: number;
}
