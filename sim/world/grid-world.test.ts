import { describe, expect, it } from 'vitest';
import { GridWorld, type BinPlacement } from './grid-world.ts';

/** A 4×3 grid, 3 deep, a port at (3, 0), a charger at (3, 2), a pillar at (2, 2). */
function world(placements: BinPlacement[] = []) {
  return new GridWorld({
    columnsX: 4,
    columnsY: 3,
    depth: 3,
    portCells: [{ x: 3, y: 0 }],
    portCapacity: 2,
    chargerCells: [{ x: 3, y: 2 }],
    blockedCells: [{ x: 2, y: 2 }],
    placements,
  });
}

const stackOfTwo: BinPlacement[] = [
  { binId: 'B2', x: 1, y: 1, level: 1 },
  { binId: 'B1', x: 1, y: 1, level: 0 },
];

describe('GridWorld setup', () => {
  it('builds column stacks bottom first from placements in any order', () => {
    const w = world(stackOfTwo);
    expect(w.stackAt(1, 1)).toEqual(['B1', 'B2']);
    expect(w.stackAt(0, 0)).toEqual([]);
    expect(w.locateBin('B2')).toEqual({ kind: 'column', x: 1, y: 1, level: 1 });
  });

  it('refuses placements with a gap, a duplicate, an overfull column or on a port', () => {
    expect(() => world([{ binId: 'B', x: 0, y: 0, level: 1 }])).toThrow(/no bin at level 0/);
    expect(() => world([{ binId: 'B', x: 0, y: 0, level: 0 }, { binId: 'B', x: 1, y: 0, level: 0 }])).toThrow(/twice/);
    expect(() => world([0, 1, 2, 3].map((level) => ({ binId: `B${level}`, x: 0, y: 0, level })))).toThrow(/more than depth/);
    expect(() => world([{ binId: 'B', x: 3, y: 0, level: 0 }])).toThrow(/non-storage/);
  });

  it('knows cell kinds', () => {
    const w = world();
    expect(w.cellKind(3, 0)).toBe('port');
    expect(w.cellKind(3, 2)).toBe('charger');
    expect(w.cellKind(2, 2)).toBe('blocked');
    expect(w.cellKind(0, 0)).toBe('storage');
    expect(w.cellKind(4, 0)).toBeUndefined();
    expect(w.isDrivable(2, 2)).toBe(false);
  });
});

describe('GridWorld robots', () => {
  it('occupies both cells while moving and one after arriving', () => {
    const w = world();
    w.addRobot('R1', { x: 0, y: 0 });
    expect(w.beginMove('R1', { x: 1, y: 0 })).toEqual({ ok: true });
    expect(w.occupiedCells('R1')).toEqual([{ x: 0, y: 0 }, { x: 1, y: 0 }]);
    w.endMove('R1');
    expect(w.occupiedCells('R1')).toEqual([{ x: 1, y: 0 }]);
  });

  it('refuses a move to a non-neighbour or a blocked cell as data', () => {
    const w = world();
    w.addRobot('R1', { x: 0, y: 0 });
    expect(w.beginMove('R1', { x: 1, y: 1 })).toMatchObject({ ok: false, reason: expect.stringMatching(/not a neighbour/) });
    w.addRobot('R2', { x: 2, y: 1 });
    expect(w.beginMove('R2', { x: 2, y: 2 })).toMatchObject({ ok: false, reason: expect.stringMatching(/not drivable/) });
  });

  it('reports two robots in one cell, including one driving into another', () => {
    const w = world();
    w.addRobot('R1', { x: 0, y: 0 });
    w.addRobot('R2', { x: 1, y: 0 });
    expect(w.occupancyViolations()).toEqual([]);
    w.beginMove('R1', { x: 1, y: 0 });
    expect(w.occupancyViolations()).toEqual([{ x: 1, y: 0, serialNumbers: ['R1', 'R2'] }]);
  });

  it('reports two robots swapping cells (both occupy both cells)', () => {
    const w = world();
    w.addRobot('R1', { x: 0, y: 0 });
    w.addRobot('R2', { x: 1, y: 0 });
    w.beginMove('R1', { x: 1, y: 0 });
    w.beginMove('R2', { x: 0, y: 0 });
    expect(w.occupancyViolations()).toHaveLength(2);
  });
});

describe('GridWorld picks and drops', () => {
  it('picks the top bin when the level matches and the robot stands above it', () => {
    const w = world(stackOfTwo);
    w.addRobot('R1', { x: 1, y: 1 });
    expect(w.pickBin('R1', { binId: 'B2', x: 1, y: 1, level: 1 })).toEqual({ ok: true });
    expect(w.stackAt(1, 1)).toEqual(['B1']);
    expect(w.heldBin('R1')).toBe('B2');
    expect(w.locateBin('B2')).toEqual({ kind: 'robot', serialNumber: 'R1' });
  });

  it('refuses to pick a bin buried under another, with the reason, and changes nothing', () => {
    const w = world(stackOfTwo);
    w.addRobot('R1', { x: 1, y: 1 });
    const result = w.pickBin('R1', { binId: 'B1', x: 1, y: 1, level: 0 });
    expect(result).toEqual({ ok: false, reason: 'bin B1 is at level 0 of (1, 1) under 1 other bin(s); top is B2' });
    expect(w.stackAt(1, 1)).toEqual(['B1', 'B2']);
    expect(w.heldBin('R1')).toBeUndefined();
  });

  it('refuses a pick at the wrong level, from elsewhere, or while holding a bin', () => {
    const w = world(stackOfTwo);
    w.addRobot('R1', { x: 0, y: 1 });
    expect(w.pickBin('R1', { binId: 'B2', x: 1, y: 1, level: 1 })).toMatchObject({ ok: false, reason: expect.stringMatching(/not above/) });
    w.beginMove('R1', { x: 1, y: 1 });
    w.endMove('R1');
    expect(w.pickBin('R1', { binId: 'B2', x: 1, y: 1, level: 0 })).toMatchObject({ ok: false, reason: expect.stringMatching(/at level 1, not 0/) });
    expect(w.pickBin('R1', { binId: 'B2', x: 1, y: 1, level: 1 }).ok).toBe(true);
    expect(w.pickBin('R1', { binId: 'B1', x: 1, y: 1, level: 0 })).toMatchObject({ ok: false, reason: expect.stringMatching(/already holds/) });
  });

  it('drops on top of a column only at the landing level and while not full', () => {
    const w = world([...stackOfTwo, { binId: 'B3', x: 0, y: 0, level: 0 }]);
    w.addRobot('R1', { x: 0, y: 0 });
    w.pickBin('R1', { binId: 'B3', x: 0, y: 0, level: 0 });
    w.beginMove('R1', { x: 0, y: 1 });
    w.endMove('R1');
    w.beginMove('R1', { x: 1, y: 1 });
    w.endMove('R1');
    expect(w.dropBin('R1', { binId: 'B3', x: 1, y: 1, level: 1 })).toMatchObject({ ok: false, reason: expect.stringMatching(/land at level 2/) });
    expect(w.dropBin('R1', { binId: 'B3', x: 1, y: 1, level: 2 })).toEqual({ ok: true });
    expect(w.stackAt(1, 1)).toEqual(['B1', 'B2', 'B3']);
    expect(w.heldBin('R1')).toBeUndefined();
    expect(w.binConservationViolations()).toEqual([]);
  });

  it('refuses a drop into a full column', () => {
    const full = [0, 1, 2].map((level) => ({ binId: `F${level}`, x: 0, y: 1, level }));
    const w = world([...full, { binId: 'X', x: 0, y: 0, level: 0 }]);
    w.addRobot('R1', { x: 0, y: 0 });
    w.pickBin('R1', { binId: 'X', x: 0, y: 0, level: 0 });
    w.beginMove('R1', { x: 0, y: 1 });
    w.endMove('R1');
    expect(w.dropBin('R1', { binId: 'X', x: 0, y: 1, level: 3 })).toEqual({ ok: false, reason: 'column (0, 1) is full (3 bins)' });
    expect(w.heldBin('R1')).toBe('X');
  });

  it('holds dropped bins at a port up to its capacity and gives them back on a pick', () => {
    const w = world([{ binId: 'A', x: 2, y: 0, level: 0 }, { binId: 'B', x: 2, y: 0, level: 1 }, { binId: 'C', x: 2, y: 0, level: 2 }]);
    w.addRobot('R1', { x: 2, y: 0 });
    const toPort = (binId: string, level: number) => {
      w.pickBin('R1', { binId, x: 2, y: 0, level });
      w.beginMove('R1', { x: 3, y: 0 });
      w.endMove('R1');
      const result = w.dropBin('R1', { binId, x: 3, y: 0, level: 0 });
      w.beginMove('R1', { x: 2, y: 0 });
      w.endMove('R1');
      return result;
    };
    expect(toPort('C', 2)).toEqual({ ok: true });
    expect(toPort('B', 1)).toEqual({ ok: true });
    expect(w.portBins(3, 0)).toEqual(['C', 'B']);
    expect(w.locateBin('B')).toEqual({ kind: 'port', x: 3, y: 0, index: 1 });
    w.pickBin('R1', { binId: 'A', x: 2, y: 0, level: 0 });
    w.beginMove('R1', { x: 3, y: 0 });
    w.endMove('R1');
    expect(w.dropBin('R1', { binId: 'A', x: 3, y: 0, level: 0 })).toEqual({ ok: false, reason: 'port (3, 0) is full (2 bin(s))' });
    w.beginMove('R1', { x: 2, y: 0 });
    w.endMove('R1');
    w.dropBin('R1', { binId: 'A', x: 2, y: 0, level: 0 });
    w.beginMove('R1', { x: 3, y: 0 });
    w.endMove('R1');
    expect(w.pickBin('R1', { binId: 'B', x: 3, y: 0, level: 0 })).toEqual({ ok: true });
    expect(w.portBins(3, 0)).toEqual(['C']);
    expect(w.binConservationViolations()).toEqual([]);
  });

  it('refuses to drop a bin on a charger', () => {
    const w = world([{ binId: 'A', x: 3, y: 1, level: 0 }]);
    w.addRobot('R1', { x: 3, y: 1 });
    w.pickBin('R1', { binId: 'A', x: 3, y: 1, level: 0 });
    w.beginMove('R1', { x: 3, y: 2 });
    w.endMove('R1');
    expect(w.dropBin('R1', { binId: 'A', x: 3, y: 2, level: 0 })).toMatchObject({ ok: false, reason: expect.stringMatching(/charger/) });
  });
});
