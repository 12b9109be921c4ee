import { describe, expect, it } from 'vitest';
import { parseLayout, type GridLayout } from '../../protocol/layout/index.ts';
import { runInProcessScenario } from '../../cli/scenario-run.ts';

/**
 * Liveness (DESIGN.md §5, invariant 5) on layouts that trap naive traffic control: a one-cell
 * corridor between two halves of the grid, storage reached only through dead-end lanes, and
 * a crowd of robots at one port that is always full. The layouts leave no way round: bins and
 * ports lie on both sides of the corridor, and every bin of the dead-end layout but those on
 * the spine lies in a lane. Every request must end and every invariant hold.
 */
function layout(name: string, file: Record<string, unknown>): GridLayout {
  const parsed = parseLayout(JSON.stringify({ name, depth: 6, chargers: [], ...file }), name);
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.layout;
}

const inventory = (seed: number) => ({ generator: { seed, fillRatio: 0.5, skuCount: 40, binsPerSku: 6, emptyBinRatio: 0.1 } });

// Two 5-wide halves joined by a corridor one cell wide and four long (row 3, x 5..8).
const corridor = layout('corridor', {
  columns: { x: 14, y: 7 },
  blocked: [
    { from: { x: 5, y: 0 }, to: { x: 8, y: 2 } },
    { from: { x: 5, y: 4 }, to: { x: 8, y: 6 } },
  ],
  ports: [
    { id: 'PA', x: 0, y: 0, mode: 'pick' },
    { id: 'PB', x: 13, y: 6, mode: 'pick' },
  ],
  robots: { count: 6 },
  inventory: inventory(1),
});

// A spine along row 0 with dead-end lanes one cell wide going down from it.
const deadEnds = layout('dead-ends', {
  columns: { x: 11, y: 6 },
  blocked: [1, 3, 5, 7, 9].map((x) => ({ from: { x, y: 1 }, to: { x, y: 5 } })),
  ports: [{ id: 'P', x: 0, y: 0, mode: 'pick' }],
  robots: { count: 5 },
  inventory: inventory(2),
});

// Ten robots on a small grid with one port: the port is full most of the time.
const fullPort = layout('full-port', {
  columns: { x: 8, y: 6 },
  ports: [{ id: 'P', x: 4, y: 0, mode: 'pick' }],
  robots: { count: 10 },
  inventory: inventory(3),
});

describe('layouts prone to deadlock', () => {
  // The dead-end layout runs with several seeds (each is a second): which robots meet in a
  // lane, going which way, depends on the seed, and seed 11 once stalled for good.
  for (const [name, grid, robots, seed] of [
    ['a one-cell corridor between two halves', corridor, 6, 5],
    ['dead-end lanes off one spine', deadEnds, 5, 5],
    ['dead-end lanes off one spine', deadEnds, 5, 11],
    ['dead-end lanes off one spine', deadEnds, 5, 2],
    ['dead-end lanes off one spine', deadEnds, 5, 8],
    ['a crowd at one full port', fullPort, 10, 5],
  ] as const) {
    it(`finishes every request with ${name} (seed ${seed}), every invariant holding`, async () => {
      const result = await runInProcessScenario({ layout: grid, seed, robots, durationMs: 20 * 60_000, stallMs: 10 * 60_000, wms: { requestsPerHour: 300, maxOpenRequests: 12, putawayShare: 0 } });
      expect(result.violations).toEqual([]);
      expect(result.wms.sent).toBeGreaterThan(20);
      expect(result.wms.completed).toBe(result.wms.sent);
      expect(result.alarms.filter((a) => a.includes('internal error'))).toEqual([]);
    }, 120_000);
  }
});
