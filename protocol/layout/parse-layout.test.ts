import { describe, expect, it } from 'vitest';
import { cellKind } from './grid-layout.ts';
import { parseLayout } from './parse-layout.ts';

/** A small valid layout (6 x 4, depth 5); tests override one field to break one rule. */
function layoutText(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    name: 'small',
    columns: { x: 6, y: 4 },
    depth: 5,
    ports: [
      { id: 'P1', x: 1, y: 0, mode: 'pick' },
      { id: 'P2', x: 4, y: 0, mode: 'putaway' },
    ],
    chargers: [{ id: 'C1', x: 0, y: 3 }],
    blocked: [{ x: 3, y: 2 }],
    service: [{ x: 5, y: 3 }],
    robots: { count: 2 },
    inventory: { generator: { seed: 1, fillRatio: 0.5, skuCount: 10 } },
    ...overrides,
  });
}

function errorsOf(text: string, source = 'small.json'): string[] {
  const result = parseLayout(text, source);
  if (result.ok) throw new Error('expected the layout to be rejected');
  return result.errors;
}

describe('parseLayout: a valid file', () => {
  it('resolves the kind of every cell, unlisted cells being storage', () => {
    const result = parseLayout(layoutText());
    if (!result.ok) throw new Error(result.errors.join('\n'));
    const layout = result.layout;
    expect(cellKind(layout, 1, 0)).toBe('port');
    expect(cellKind(layout, 0, 3)).toBe('charger');
    expect(cellKind(layout, 3, 2)).toBe('blocked');
    expect(cellKind(layout, 5, 3)).toBe('service');
    expect(cellKind(layout, 2, 2)).toBe('storage');
    expect(() => cellKind(layout, 6, 0)).toThrow(RangeError);
  });

  it('fills in the defaults for cell size, bin height and generator options', () => {
    const result = parseLayout(layoutText());
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.layout.cellSizeM).toEqual({ x: 0.7, y: 0.5 });
    expect(result.layout.binHeightM).toBe(0.33);
    expect(result.layout.inventory).toEqual({
      kind: 'generator',
      generator: { seed: 1, fillRatio: 0.5, skuCount: 10, binsPerSku: 40, emptyBinRatio: 0.1 },
    });
    expect(result.layout.robots).toEqual({ count: 2, placed: null, external: [] });
  });

  it('expands blocked rectangles whichever corner comes first', () => {
    const result = parseLayout(layoutText({ blocked: [{ from: { x: 3, y: 3 }, to: { x: 2, y: 2 } }] }));
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.layout.blocked).toEqual([
      { x: 2, y: 2 },
      { x: 3, y: 2 },
      { x: 2, y: 3 },
      { x: 3, y: 3 },
    ]);
  });
});

describe('parseLayout: shape errors', () => {
  it('reports text that is not JSON', () => {
    expect(errorsOf('{ "name": ')[0]).toMatch(/^small\.json: not valid JSON: /);
  });

  it('names the field and what it must be', () => {
    expect(errorsOf(layoutText({ depth: 65 }))).toEqual(['small.json: depth: must be <= 64']);
    expect(errorsOf(layoutText({ columns: { x: 0, y: 4 } }))).toEqual(['small.json: columns.x: must be >= 1']);
    expect(errorsOf(layoutText({ name: undefined }))).toEqual(['small.json: name: is required']);
  });

  it('names the offending entry inside a union (robots list, blocked cell, generator)', () => {
    expect(errorsOf(layoutText({ robots: [{ serialNumber: 'R1', x: 1.5, y: 1 }] }))).toEqual(['small.json: robots[0].x: must be an integer']);
    expect(errorsOf(layoutText({ blocked: [{ x: -1, y: 0 }] }))).toEqual(['small.json: blocked[0].x: must be >= 0']);
    expect(errorsOf(layoutText({ inventory: { generator: { seed: 1, fillRatio: 2, skuCount: 10 } } }))).toEqual([
      'small.json: inventory.generator.fillRatio: must be <= 1',
    ]);
  });

  it('reports a misspelt field instead of ignoring it', () => {
    expect(errorsOf(layoutText({ port: [] }))).toEqual(['small.json: layout: has unknown field "port"']);
  });

  it('rejects an unknown port mode', () => {
    expect(errorsOf(layoutText({ ports: [{ id: 'P1', x: 1, y: 0, mode: 'open' }] }))).toEqual([
      'small.json: ports[0].mode: must be one of "pick", "putaway", "closed"',
    ]);
  });
});

describe('parseLayout: cross-field rules', () => {
  it('rejects a port outside the grid', () => {
    const ports = [
      { id: 'P1', x: 1, y: 0, mode: 'pick' },
      { id: 'P2', x: 30, y: 2, mode: 'pick' },
    ];
    expect(errorsOf(layoutText({ ports }), 'default.json')).toEqual(['default.json: ports[1]: cell (30, 2) is outside the 6 x 4 grid']);
  });

  it('rejects blocked, charger, service and rectangle corners outside the grid', () => {
    expect(
      errorsOf(
        layoutText({
          blocked: [{ from: { x: 0, y: 1 }, to: { x: 7, y: 1 } }],
          chargers: [{ id: 'C1', x: 0, y: 4 }],
          service: [{ x: 6, y: 0 }],
        }),
      ),
    ).toEqual([
      'small.json: blocked[0]: cell (7, 1) is outside the 6 x 4 grid',
      'small.json: chargers[0]: cell (0, 4) is outside the 6 x 4 grid',
      'small.json: service[0]: cell (6, 0) is outside the 6 x 4 grid',
    ]);
  });

  it('rejects two features on one cell', () => {
    expect(errorsOf(layoutText({ chargers: [{ id: 'C1', x: 1, y: 0 }] }))).toEqual([
      'small.json: chargers[0]: cell (1, 0) is already taken by ports[0]',
    ]);
    expect(errorsOf(layoutText({ blocked: [{ from: { x: 0, y: 0 }, to: { x: 1, y: 0 } }] }))).toEqual([
      'small.json: ports[0]: cell (1, 0) is already taken by blocked[0]',
    ]);
  });

  it('rejects duplicate port and charger ids', () => {
    expect(
      errorsOf(
        layoutText({
          ports: [
            { id: 'P1', x: 1, y: 0, mode: 'pick' },
            { id: 'P1', x: 4, y: 0, mode: 'pick' },
          ],
          chargers: [
            { id: 'C1', x: 0, y: 3 },
            { id: 'C1', x: 1, y: 3 },
          ],
        }),
      ),
    ).toEqual(['small.json: ports[1]: id "P1" is already used by ports[0]', 'small.json: chargers[1]: id "C1" is already used by chargers[0]']);
  });

  it('rejects duplicate robot serial numbers', () => {
    const robots = [
      { serialNumber: 'R001', x: 0, y: 1 },
      { serialNumber: 'R001', x: 1, y: 1 },
    ];
    expect(errorsOf(layoutText({ robots }))).toEqual(['small.json: robots[1]: serial number "R001" is already used by robots[0]']);
  });

  it('rejects a robot starting on a port, blocked or service cell', () => {
    expect(errorsOf(layoutText({ robots: [{ serialNumber: 'R001', x: 3, y: 2 }] }))).toEqual([
      'small.json: robots[0]: robot R001 starts on a blocked cell (3, 2); robots start on storage or charger cells',
    ]);
  });

  it('accepts a robot starting on a charger', () => {
    expect(parseLayout(layoutText({ robots: [{ serialNumber: 'R001', x: 0, y: 3 }] })).ok).toBe(true);
  });

  it('rejects two robots starting on one cell', () => {
    const robots = [
      { serialNumber: 'R001', x: 2, y: 1 },
      { serialNumber: 'R002', x: 2, y: 1 },
    ];
    expect(errorsOf(layoutText({ robots }))).toEqual(['small.json: robots[1]: cell (2, 1) is already the start cell of robots[0]']);
  });

  it('rejects a robot start outside the grid', () => {
    expect(errorsOf(layoutText({ robots: [{ serialNumber: 'R001', x: 9, y: 1 }] }))).toEqual(['small.json: robots[0]: cell (9, 1) is outside the 6 x 4 grid']);
  });

  it('rejects more robots than storage and charger cells', () => {
    // 24 cells - 2 ports - 1 blocked - 1 service = 20 storage and charger cells.
    expect(parseLayout(layoutText({ robots: { count: 20 } })).ok).toBe(true);
    expect(errorsOf(layoutText({ robots: { count: 21 } }))).toEqual(['small.json: robots: 21 robots do not fit on the 20 storage and charger cells']);
  });

  describe('explicit bins', () => {
    const bin = (id: string, x: number, y: number, level: number) => ({ id, x, y, level, contents: [{ sku: 'SKU-1', quantity: 3 }] });

    it('accepts contiguous stacks on storage cells', () => {
      const result = parseLayout(layoutText({ inventory: { bins: [bin('A', 2, 1, 0), bin('B', 2, 1, 1), { ...bin('C', 0, 0, 0), contents: [] }] } }));
      if (!result.ok) throw new Error(result.errors.join('\n'));
      expect(result.layout.inventory).toEqual({
        kind: 'bins',
        bins: [
          { binId: 'A', x: 2, y: 1, level: 0, contents: [{ sku: 'SKU-1', quantity: 3 }] },
          { binId: 'B', x: 2, y: 1, level: 1, contents: [{ sku: 'SKU-1', quantity: 3 }] },
          { binId: 'C', x: 0, y: 0, level: 0, contents: [] },
        ],
      });
    });

    it('rejects duplicate bin ids', () => {
      expect(errorsOf(layoutText({ inventory: { bins: [bin('A', 2, 1, 0), bin('A', 2, 2, 0)] } }))).toEqual([
        'small.json: inventory.bins[1]: id "A" is already used by inventory.bins[0]',
      ]);
    });

    it('rejects a bin on a cell that is not storage', () => {
      expect(errorsOf(layoutText({ inventory: { bins: [bin('A', 1, 0, 0)] } }))).toEqual([
        'small.json: inventory.bins[0]: bin A is on a port cell (1, 0); bins are stored only on storage cells',
      ]);
    });

    it('rejects a bin outside the grid', () => {
      expect(errorsOf(layoutText({ inventory: { bins: [bin('A', 2, 4, 0)] } }))).toEqual(['small.json: inventory.bins[0]: cell (2, 4) is outside the 6 x 4 grid']);
    });

    it('rejects a level at or below the depth', () => {
      expect(errorsOf(layoutText({ inventory: { bins: [bin('A', 2, 1, 5)] } }))).toEqual(['small.json: inventory.bins[0]: level 5 is not below the depth 5']);
    });

    it('rejects a gap in a stack', () => {
      expect(errorsOf(layoutText({ inventory: { bins: [bin('A', 2, 1, 0), bin('B', 2, 1, 2)] } }))).toEqual([
        'small.json: inventory.bins: column (2, 1) has a bin at level 2 but none at level 1; levels must be contiguous from 0 (the bottom)',
      ]);
    });

    it('rejects two bins at the same level of one column', () => {
      expect(errorsOf(layoutText({ inventory: { bins: [bin('A', 2, 1, 0), bin('B', 2, 1, 0)] } }))).toEqual([
        'small.json: inventory.bins[1]: level 0 of column (2, 1) is already taken by inventory.bins[0]',
      ]);
    });
  });

  it('prefixes nothing when no source name is given', () => {
    const result = parseLayout(layoutText({ depth: 0 }));
    expect(result).toEqual({ ok: false, errors: ['depth: must be >= 1'] });
  });
});
