import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateInventory } from './generate-inventory.ts';
import { cellKind, cellsOfKind, type GridLayout } from './grid-layout.ts';
import { loadLayoutFile } from './load-layout-file.ts';
import { robotStartCells } from './robot-start-cells.ts';

const defaultFacilityPath = fileURLToPath(new URL('./default-facility.json', import.meta.url));

async function defaultFacility(): Promise<GridLayout> {
  const result = await loadLayoutFile(defaultFacilityPath);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.layout;
}

function withSeed(layout: GridLayout, seed: number): GridLayout {
  if (layout.inventory.kind !== 'generator') throw new Error('expected a generator');
  return { ...layout, inventory: { kind: 'generator', generator: { ...layout.inventory.generator, seed } } };
}

describe('default facility', () => {
  it('is a 24 x 16 grid, depth 16, with pick ports P1, P2 and putaway port P3 on one edge', async () => {
    const layout = await defaultFacility();
    expect(layout.columns).toEqual({ x: 24, y: 16 });
    expect(layout.depth).toBe(16);
    expect(layout.ports.map((p) => [p.id, p.mode])).toEqual([
      ['P1', 'pick'],
      ['P2', 'pick'],
      ['P3', 'putaway'],
    ]);
    expect(new Set(layout.ports.map((p) => p.y))).toEqual(new Set([0]));
    expect(layout.chargers.length).toBeGreaterThanOrEqual(2);
    expect(layout.robots.count).toBe(12);
  });

  it('generates the same inventory twice', async () => {
    const layout = await defaultFacility();
    expect(generateInventory(layout)).toEqual(generateInventory(layout));
  });

  it('generates a different inventory for a different seed', async () => {
    const layout = await defaultFacility();
    expect(generateInventory(withSeed(layout, 7))).not.toEqual(generateInventory(layout));
  });

  it('holds 3,500 to 4,000 bins in contiguous stacks on storage cells within the depth', async () => {
    const layout = await defaultFacility();
    const bins = generateInventory(layout);
    expect(bins.length).toBeGreaterThanOrEqual(3500);
    expect(bins.length).toBeLessThanOrEqual(4000);
    const heights = new Map<string, number[]>();
    for (const bin of bins) {
      expect(cellKind(layout, bin.x, bin.y)).toBe('storage');
      const key = `${bin.x},${bin.y}`;
      heights.set(key, [...(heights.get(key) ?? []), bin.level]);
    }
    for (const levels of heights.values()) expect(levels).toEqual(levels.map((_, i) => i));
    expect(new Set(bins.map((b) => b.binId)).size).toBe(bins.length);
    expect(bins[0]!.binId).toBe('B00001');
  });

  it('varies column heights, leaving free room in some columns', async () => {
    const layout = await defaultFacility();
    const bins = generateInventory(layout);
    const storage = cellsOfKind(layout, 'storage');
    const height = new Map(storage.map((c) => [`${c.x},${c.y}`, 0]));
    for (const bin of bins) height.set(`${bin.x},${bin.y}`, height.get(`${bin.x},${bin.y}`)! + 1);
    const values = [...height.values()];
    expect(new Set(values).size).toBeGreaterThan(5);
    expect(values.filter((h) => h < layout.depth).length).toBeGreaterThan(storage.length / 4);
  });

  it('skews SKU popularity: a few SKUs in many bins, most in 1-3', async () => {
    const bins = generateInventory(await defaultFacility());
    const binsPerSku = new Map<string, number>();
    for (const bin of bins) for (const line of bin.contents) binsPerSku.set(line.sku, (binsPerSku.get(line.sku) ?? 0) + 1);
    const counts = [...binsPerSku.values()].sort((a, b) => b - a);
    expect(counts[0]).toBeGreaterThanOrEqual(20);
    expect(counts[0]).toBeLessThanOrEqual(40);
    expect(counts.filter((c) => c <= 3).length / counts.length).toBeGreaterThan(0.7);
    for (const sku of binsPerSku.keys()) expect(sku).toMatch(/^SKU-\d{5}$/);
  });

  it('places some single-bin SKUs deep in a stack', async () => {
    const bins = generateInventory(await defaultFacility());
    const top = new Map<string, number>();
    for (const bin of bins) top.set(`${bin.x},${bin.y}`, Math.max(top.get(`${bin.x},${bin.y}`) ?? 0, bin.level));
    const binsOf = new Map<string, number>();
    for (const bin of bins) for (const line of bin.contents) binsOf.set(line.sku, (binsOf.get(line.sku) ?? 0) + 1);
    const deepSingles = bins.filter((b) => b.contents.length === 1 && binsOf.get(b.contents[0]!.sku) === 1 && top.get(`${b.x},${b.y}`)! - b.level >= 5);
    expect(deepSingles.length).toBeGreaterThan(0);
  });

  it('leaves about a tenth of the bins empty for putaway', async () => {
    const bins = generateInventory(await defaultFacility());
    const empty = bins.filter((b) => b.contents.length === 0).length;
    expect(empty / bins.length).toBeCloseTo(0.1, 2);
    for (const bin of bins) for (const line of bin.contents) expect(line.quantity).toBeGreaterThanOrEqual(1);
  });

  it('spreads 12 robots R001..R012 over distinct storage or charger cells, the same for the same seed', async () => {
    const layout = await defaultFacility();
    const starts = robotStartCells(layout, 1);
    expect(starts.map((r) => r.serialNumber)).toEqual(Array.from({ length: 12 }, (_, i) => `R${String(i + 1).padStart(3, '0')}`));
    expect(new Set(starts.map((r) => `${r.x},${r.y}`)).size).toBe(12);
    for (const r of starts) expect(['storage', 'charger']).toContain(cellKind(layout, r.x, r.y));
    expect(new Set(starts.map((r) => r.y)).size).toBeGreaterThan(6);
    expect(robotStartCells(layout, 1)).toEqual(starts);
  });

  it('reports a missing file as a layout error', async () => {
    const result = await loadLayoutFile('/nonexistent/nowhere.json');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]).toMatch(/^nowhere\.json: cannot read \/nonexistent\/nowhere\.json: /);
  });
});

describe('robotStartCells with a placed list', () => {
  it('returns the robots as placed in the file', async () => {
    const layout: GridLayout = { ...(await defaultFacility()), robots: { count: 1, placed: [{ serialNumber: 'X1', x: 3, y: 3 }], external: [] } };
    expect(robotStartCells(layout, 99)).toEqual([{ serialNumber: 'X1', x: 3, y: 3 }]);
  });
});
