import { describe, expect, it } from 'vitest';
import { gridFromRows } from '../test-support/ascii-grid.ts';
import { PortZones } from './port-zones.ts';

describe('PortZones', () => {
  // A port with a lane in the middle of the top edge, one without (in the corner).
  const rows = ['P.........P..........', ...Array.from({ length: 12 }, () => '.....................')];
  const grid = gridFromRows(rows);
  const laned = grid.index(10, 0);
  const corner = grid.index(0, 0);
  const cells = Array.from({ length: grid.cellCount }, (_, cell) => cell);

  it('keeps idle robots out to the idle-clear distance of a port with a lane, queueing to the staging distance', () => {
    const zones = new PortZones(grid, [corner, laned], 3, 8);
    expect(zones.hasLane(laned)).toBe(true);
    expect(zones.hasLane(corner)).toBe(false);
    // Exactly the cells within d of the laned port (the corner port adds none).
    const within = (set: Set<number>, d: number) => cells.every((cell) => set.has(cell) === grid.manhattan(cell, laned) <= d);
    expect(within(zones.area, 3)).toBe(true);
    expect(within(zones.idleClear, 8)).toBe(true);
    expect(zones.idleClear.has(grid.index(10, 8))).toBe(true);
    expect(zones.idleClear.has(grid.index(10, 9))).toBe(false);
    // The corner port keeps only its neighbours clear (approach), not an idle-clear area.
    expect(zones.idleClear.has(grid.index(0, 2))).toBe(false);
  });

  it('is the staging area when no idle-clear distance is given, or a smaller one is', () => {
    const plain = new PortZones(grid, [laned], 4);
    const smaller = new PortZones(grid, [laned], 4, 2);
    expect([...plain.idleClear].sort()).toEqual([...plain.area].sort());
    expect([...smaller.idleClear].sort()).toEqual([...smaller.area].sort());
    expect(plain.area.size).toBe(cells.filter((cell) => grid.manhattan(cell, laned) <= 4).length);
  });
});
