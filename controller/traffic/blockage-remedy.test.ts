import { describe, expect, it } from 'vitest';
import { gridFromRows } from '../test-support/ascii-grid.ts';
import { blockageRemedy } from './blockage-remedy.ts';
import { TrafficControl } from './traffic-control.ts';

const timings = { detourAfterMs: 2_000 };
const notIdle = () => false;

/** R1 drives east along row 0 from (0,0) to (3,0); R2 stands at (2,0). */
function headOn(rows: string[]) {
  const grid = gridFromRows(rows);
  const traffic = new TrafficControl(grid.cellCount, { lookaheadCells: 4 });
  traffic.place('R1', grid.index(0, 0));
  traffic.place('R2', grid.index(2, 0));
  traffic.setRoute('R1', [0, 1, 2, 3].map((x) => grid.index(x, 0)));
  traffic.extend('R1');
  traffic.reached('R1', 1);
  return { grid, traffic };
}

describe('blockageRemedy', () => {
  it('waits while the blockage is younger than detourAfterMs', () => {
    const { grid, traffic } = headOn(['....', '....']);
    expect(blockageRemedy(grid, traffic, 'R1', 1_999, notIdle, timings)).toEqual({ kind: 'wait' });
  });

  it('moves an idle blocker out of the way, off the stuck robot’s remaining route', () => {
    const { grid, traffic } = headOn(['....', '....']);
    const remedy = blockageRemedy(grid, traffic, 'R1', 2_000, (s) => s === 'R2', timings);
    expect(remedy).toEqual({ kind: 'moveBlocker', blocker: 'R2', avoid: [1, 2, 3].map((x) => grid.index(x, 0)) });
  });

  it('takes a detour around every held cell when one exists', () => {
    const { grid, traffic } = headOn(['....', '....']);
    const remedy = blockageRemedy(grid, traffic, 'R1', 2_000, notIdle, timings);
    expect(remedy.kind).toBe('detour');
    if (remedy.kind !== 'detour') return;
    expect(remedy.tail[0]).toBe(grid.index(1, 0));
    expect(remedy.tail.at(-1)).toBe(grid.index(3, 0));
    expect(remedy.tail).not.toContain(grid.index(2, 0));
  });

  it('detours through idle robots (they can be moved) but never through working ones', () => {
    const { grid, traffic } = headOn(['....', '....']);
    traffic.place('IDLE1', grid.index(1, 1));
    traffic.place('IDLE2', grid.index(2, 1));
    const throughIdle = blockageRemedy(grid, traffic, 'R1', 2_000, (s) => s.startsWith('IDLE'), timings);
    expect(throughIdle.kind).toBe('detour');
    if (throughIdle.kind === 'detour') expect(throughIdle.tail).toContain(grid.index(2, 1));
    const walled = blockageRemedy(grid, traffic, 'R1', 2_000, notIdle, timings);
    expect(walled).toEqual({ kind: 'wait' });
  });

  it('in a one-lane corridor waits first, then steps aside to a free side cell', () => {
    const { grid, traffic } = headOn(['....', '.###']);
    expect(blockageRemedy(grid, traffic, 'R1', 2_000, notIdle, timings)).toEqual({ kind: 'wait' });
    // R1 stands at (1,0); the only free neighbour that is not the blocked cell is (0,0).
    expect(blockageRemedy(grid, traffic, 'R1', 6_000, notIdle, timings)).toEqual({ kind: 'stepAside', tail: [grid.index(1, 0), grid.index(0, 0)] });
  });

  it('keeps waiting when there is no free cell to step to', () => {
    const { grid, traffic } = headOn(['....', '.###']);
    traffic.place('R3', grid.index(0, 0));
    traffic.place('R4', grid.index(0, 1));
    expect(blockageRemedy(grid, traffic, 'R1', 60_000, notIdle, timings)).toEqual({ kind: 'wait' });
  });
});
