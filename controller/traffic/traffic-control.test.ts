import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../protocol/random.ts';
import { gridFromRows } from '../test-support/ascii-grid.ts';
import { TrafficControl } from './traffic-control.ts';

/** Cells are plain indices here: traffic control does not know the grid's geometry. */
function traffic(lookaheadCells = 3, cellCount = 20): TrafficControl {
  return new TrafficControl(cellCount, { lookaheadCells });
}

describe('TrafficControl placing robots', () => {
  it('places a robot on a free cell and makes it the holder', () => {
    const t = traffic();
    expect(t.place('R1', 5)).toBeUndefined();
    expect(t.holderOf(5)).toBe('R1');
    expect(t.positionOf('R1')).toBe(5);
    expect(t.heldCells('R1')).toEqual([5]);
  });

  it('refuses to place a robot on a cell another robot holds, naming the holder', () => {
    const t = traffic();
    t.place('R1', 5);
    expect(t.place('R2', 5)).toMatch(/R1/);
    expect(t.has('R2')).toBe(false);
    expect(t.holderOf(5)).toBe('R1');
  });

  it('refuses to place a robot on a cell released ahead to another robot', () => {
    const t = traffic();
    t.place('R1', 0);
    t.setRoute('R1', [0, 1, 2]);
    t.extend('R1');
    expect(t.place('R2', 2)).toMatch(/R1/);
  });

  it('placing a robot again on its own cell changes nothing', () => {
    const t = traffic();
    t.place('R1', 5);
    expect(t.place('R1', 5)).toBeUndefined();
    expect(t.heldCells('R1')).toEqual([5]);
    expect(t.checkConsistency()).toEqual([]);
  });

  it('moving a placed robot elsewhere frees its old cell and its route', () => {
    const t = traffic();
    t.place('R1', 0);
    t.setRoute('R1', [0, 1, 2]);
    t.extend('R1');
    expect(t.place('R1', 9)).toBeUndefined();
    expect(t.holderOf(0)).toBeUndefined();
    expect(t.holderOf(1)).toBeUndefined();
    expect(t.holderOf(2)).toBeUndefined();
    expect(t.routeOf('R1')).toBeNull();
    expect(t.heldCells('R1')).toEqual([9]);
    expect(t.checkConsistency()).toEqual([]);
  });

  it('removing a robot frees every cell it held', () => {
    const t = traffic();
    t.place('R1', 0);
    t.setRoute('R1', [0, 1, 2]);
    t.extend('R1');
    t.remove('R1');
    expect(t.has('R1')).toBe(false);
    expect([0, 1, 2].map((c) => t.holderOf(c))).toEqual([undefined, undefined, undefined]);
    expect(t.checkConsistency()).toEqual([]);
  });
});

describe('TrafficControl routes', () => {
  it('refuses a route that does not start where the robot stands', () => {
    const t = traffic();
    t.place('R1', 0);
    expect(() => t.setRoute('R1', [1, 2])).toThrow(/starts at 1/);
  });

  it('refuses a second route while one is running', () => {
    const t = traffic();
    t.place('R1', 0);
    t.setRoute('R1', [0, 1]);
    expect(() => t.setRoute('R1', [0, 1])).toThrow(/already has a route/);
  });

  it('setting a route holds nothing beyond the robot position until extended', () => {
    const t = traffic();
    t.place('R1', 0);
    t.setRoute('R1', [0, 1, 2]);
    expect(t.heldCells('R1')).toEqual([0]);
    expect(t.holderOf(1)).toBeUndefined();
  });

  it('extend holds at most the lookahead of cells ahead of the robot', () => {
    const t = traffic(3);
    t.place('R1', 0);
    t.setRoute('R1', [0, 1, 2, 3, 4, 5, 6, 7]);
    expect(t.extend('R1')).toBe(true);
    expect(t.releasedTo('R1')).toBe(3);
    expect(t.heldCells('R1')).toEqual([0, 1, 2, 3]);
    expect(t.holderOf(4)).toBeUndefined();
    expect(t.extend('R1')).toBe(false); // nothing more until the robot moves on
  });

  it('extend grows again as the robot reports progress, keeping the same lookahead', () => {
    const t = traffic(3);
    t.place('R1', 0);
    t.setRoute('R1', [0, 1, 2, 3, 4, 5, 6, 7]);
    t.extend('R1');
    expect(t.reached('R1', 2)).toBe(true);
    expect(t.extend('R1')).toBe(true);
    expect(t.releasedTo('R1')).toBe(5);
    expect(t.heldCells('R1')).toEqual([2, 3, 4, 5]);
  });

  it('extend stops at the end of the route', () => {
    const t = traffic(10);
    t.place('R1', 0);
    t.setRoute('R1', [0, 1, 2]);
    t.extend('R1');
    expect(t.releasedTo('R1')).toBe(2);
  });

  it('extend never holds a cell another robot holds, nor any cell past it', () => {
    const t = traffic(5);
    t.place('R1', 0);
    t.place('R2', 3);
    t.setRoute('R1', [0, 1, 2, 3, 4, 5]);
    expect(t.extend('R1')).toBe(true);
    expect(t.heldCells('R1')).toEqual([0, 1, 2]);
    expect(t.holderOf(3)).toBe('R2');
    expect(t.holderOf(4)).toBeUndefined();
    t.remove('R2');
    expect(t.extend('R1')).toBe(true);
    expect(t.releasedTo('R1')).toBe(5);
  });

  it('extend does nothing for a standing robot', () => {
    const t = traffic();
    t.place('R1', 0);
    expect(t.extend('R1')).toBe(false);
  });

  it('reached releases the cells behind the robot for others', () => {
    const t = traffic(4);
    t.place('R1', 0);
    t.setRoute('R1', [0, 1, 2, 3, 4]);
    t.extend('R1');
    expect(t.reached('R1', 2)).toBe(true);
    expect(t.holderOf(0)).toBeUndefined();
    expect(t.holderOf(1)).toBeUndefined();
    expect(t.positionOf('R1')).toBe(2);
    expect(t.progressOf('R1')).toBe(2);
    expect(t.heldCells('R1')).toEqual([2, 3, 4]);
    expect(t.place('R2', 0)).toBeUndefined();
  });

  it('reached refuses (and changes nothing) for an index not released or already passed', () => {
    const t = traffic(2);
    t.place('R1', 0);
    t.setRoute('R1', [0, 1, 2, 3, 4]);
    t.extend('R1');
    expect(t.reached('R1', 3)).toBe(false); // not released yet
    expect(t.positionOf('R1')).toBe(0);
    expect(t.reached('R1', 2)).toBe(true);
    expect(t.reached('R1', 1)).toBe(false); // behind the robot
    expect(t.positionOf('R1')).toBe(2);
    expect(t.checkConsistency()).toEqual([]);
  });

  it('reached refuses for a standing robot', () => {
    const t = traffic();
    t.place('R1', 0);
    expect(t.reached('R1', 0)).toBe(false);
  });

  it('a cell the route passes again later stays held when the robot leaves it the first time', () => {
    const t = traffic(4);
    t.place('R1', 0);
    t.setRoute('R1', [0, 1, 2, 1, 0]);
    t.extend('R1');
    t.reached('R1', 2);
    expect(t.holderOf(1)).toBe('R1');
    expect(t.holderOf(0)).toBe('R1');
    expect(t.checkConsistency()).toEqual([]);
    t.reached('R1', 4);
    expect(t.heldCells('R1')).toEqual([0]);
    expect(t.holderOf(1)).toBeUndefined();
    expect(t.holderOf(2)).toBeUndefined();
    expect(t.checkConsistency()).toEqual([]);
  });

  it('finishRoute keeps only the cell the robot stands on', () => {
    const t = traffic(4);
    t.place('R1', 0);
    t.setRoute('R1', [0, 1, 2, 3, 4]);
    t.extend('R1');
    t.reached('R1', 1);
    t.finishRoute('R1');
    expect(t.routeOf('R1')).toBeNull();
    expect(t.heldCells('R1')).toEqual([1]);
    expect([0, 2, 3, 4].map((c) => t.holderOf(c))).toEqual([undefined, undefined, undefined, undefined]);
    expect(t.holderOf(1)).toBe('R1');
    expect(t.checkConsistency()).toEqual([]);
  });

  it('after finishRoute a new route can start from where the robot stands', () => {
    const t = traffic(4);
    t.place('R1', 0);
    t.setRoute('R1', [0, 1, 2]);
    t.extend('R1');
    t.reached('R1', 2);
    t.finishRoute('R1');
    expect(() => t.setRoute('R1', [2, 3])).not.toThrow();
  });

  it('replaceTail swaps the unreleased part of the route, starting at the last released cell', () => {
    const t = traffic(2);
    t.place('R1', 0);
    t.setRoute('R1', [0, 1, 2, 3, 4]);
    t.extend('R1');
    t.replaceTail('R1', [2, 12, 13]);
    expect(t.routeOf('R1')).toEqual([0, 1, 2, 12, 13]);
    expect(t.releasedTo('R1')).toBe(2);
    t.reached('R1', 2);
    t.extend('R1');
    expect(t.heldCells('R1')).toEqual([2, 12, 13]);
    expect(t.checkConsistency()).toEqual([]);
  });

  it('replaceTail refuses a detour that does not start at the last released cell', () => {
    const t = traffic(2);
    t.place('R1', 0);
    t.setRoute('R1', [0, 1, 2, 3, 4]);
    t.extend('R1');
    expect(() => t.replaceTail('R1', [1, 11])).toThrow(/last released cell/);
    expect(() => t.replaceTail('R1', [3, 13])).toThrow(/last released cell/);
    expect(t.routeOf('R1')).toEqual([0, 1, 2, 3, 4]);
  });

  it('replaceTail refuses when the robot has no route', () => {
    const t = traffic();
    t.place('R1', 0);
    expect(() => t.replaceTail('R1', [0, 1])).toThrow(/no route/);
  });

  it('commands for an unknown robot are programming mistakes and throw', () => {
    const t = traffic();
    expect(() => t.setRoute('ghost', [0])).toThrow(/unknown robot/);
    expect(() => t.extend('ghost')).toThrow(/unknown robot/);
  });
});

describe('TrafficControl blockage', () => {
  it('names the cell and the robot holding it when a robot waits at the end of its released cells', () => {
    const t = traffic(4);
    t.place('R1', 0);
    t.place('R2', 2);
    t.setRoute('R1', [0, 1, 2, 3]);
    t.extend('R1');
    expect(t.blockage('R1')).toBeUndefined(); // still has cell 1 to drive to
    t.reached('R1', 1);
    expect(t.blockage('R1')).toEqual({ cell: 2, holder: 'R2' });
  });

  it('reports no blockage when the next cell is free, the route is done, or the robot stands', () => {
    const t = traffic(1);
    t.place('R1', 0);
    expect(t.blockage('R1')).toBeUndefined();
    t.setRoute('R1', [0, 1]);
    expect(t.blockage('R1')).toBeUndefined(); // cell 1 is free: extend will take it
    t.extend('R1');
    t.reached('R1', 1);
    expect(t.blockage('R1')).toBeUndefined();
  });
});

describe('TrafficControl never lets two robots meet', () => {
  it('two robots heading into each other cannot swap cells', () => {
    const t = traffic(4);
    t.place('A', 0);
    t.place('B', 1);
    t.setRoute('A', [0, 1]);
    t.setRoute('B', [1, 0]);
    expect(t.extend('A')).toBe(false);
    expect(t.extend('B')).toBe(false);
    expect(t.reached('A', 1)).toBe(false);
    expect(t.reached('B', 1)).toBe(false);
    expect(t.blockage('A')).toEqual({ cell: 1, holder: 'B' });
    expect(t.blockage('B')).toEqual({ cell: 0, holder: 'A' });
  });

  it('two robots heading for one free cell: only the first to extend gets it', () => {
    const t = traffic(4);
    t.place('A', 0);
    t.place('B', 2);
    t.setRoute('A', [0, 1]);
    t.setRoute('B', [2, 1]);
    expect(t.extend('A')).toBe(true);
    expect(t.extend('B')).toBe(false);
    expect(t.holderOf(1)).toBe('A');
  });

  /**
   * Invariant 1 (DESIGN.md §5) under random traffic: robots on a small grid with pillars get
   * random routes (random walks that may double back), detours, progress reports, early
   * finishes and re-placements, in random order. After every step no cell has two holders,
   * the table agrees with the robots' records, every robot holds the cell it stands on, and
   * a robot only ever moves into cells it held before the move (so no two robots swap).
   */
  it('keeps every cell to one holder under random routes, progress and detours', () => {
    const grid = gridFromRows([
      '.......', //
      '.#...#.',
      '.......',
      '...#...',
      '.......',
    ]);
    const drivable = [...Array(grid.cellCount).keys()].filter((c) => grid.drivable(c));
    const randomWalk = (random: SeededRandom, from: number, maxSteps: number): number[] => {
      const walk = [from];
      const steps = random.int(1, maxSteps);
      for (let i = 0; i < steps; i++) walk.push(random.pick(grid.neighbours(walk.at(-1)!)));
      return walk;
    };

    let moves = 0;
    let blockages = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const random = new SeededRandom(seed);
      const t = new TrafficControl(grid.cellCount, { lookaheadCells: random.int(1, 5) });
      const serials = Array.from({ length: random.int(2, 8) }, (_, i) => `R${i + 1}`);
      const free = random.shuffle([...drivable]);
      for (const serial of serials) expect(t.place(serial, free.pop()!)).toBeUndefined();

      for (let step = 0; step < 400; step++) {
        const serial = random.pick(serials);
        const heldBefore = new Map(serials.map((s) => [s, new Set(t.heldCells(s))]));
        const positionsBefore = new Map(serials.map((s) => [s, t.positionOf(s)]));
        const route = t.routeOf(serial);
        const roll = random.next();
        let action: string;
        if (!route) {
          action = 'setRoute+extend';
          t.setRoute(serial, randomWalk(random, t.positionOf(serial), 12));
          t.extend(serial);
        } else if (roll < 0.35) {
          action = 'extend';
          t.extend(serial);
        } else if (roll < 0.75) {
          const index = random.int(t.progressOf(serial), t.releasedTo(serial));
          action = `reached ${index}`;
          expect(t.reached(serial, index)).toBe(true);
          if (index === route.length - 1 && random.next() < 0.7) t.finishRoute(serial);
        } else if (roll < 0.85) {
          action = 'replaceTail';
          t.replaceTail(serial, randomWalk(random, route[t.releasedTo(serial)]!, 8));
        } else if (roll < 0.95) {
          action = 'finishRoute';
          t.finishRoute(serial);
        } else {
          // A robot reports itself somewhere else (e.g. after a restart): placed only on a free cell.
          const target = random.pick(drivable);
          const holder = t.holderOf(target);
          action = `place ${target}`;
          if (holder === undefined || holder === serial) expect(t.place(serial, target)).toBeUndefined();
          else continue;
        }

        const context = `seed ${seed} step ${step}: ${serial} ${action}`;
        const problems = t.checkConsistency();
        const holderOf = new Map<number, string>();
        for (const s of serials) {
          for (const cell of t.heldCells(s)) {
            const other = holderOf.get(cell);
            if (other !== undefined && other !== s) problems.push(`cell ${cell} held by ${other} and ${s}`);
            holderOf.set(cell, s);
          }
          if (t.holderOf(t.positionOf(s)) !== s) problems.push(`${s} does not hold the cell it stands on`);
          if (!action.startsWith('place') && !heldBefore.get(s)!.has(t.positionOf(s))) problems.push(`${s} moved into a cell it did not hold`);
          if (t.positionOf(s) !== positionsBefore.get(s)) moves++;
        }
        for (const a of serials) {
          for (const b of serials) {
            if (a < b && t.positionOf(a) === positionsBefore.get(b) && t.positionOf(b) === positionsBefore.get(a)) problems.push(`${a} and ${b} swapped cells`);
          }
        }
        if (action === 'extend' || action === 'setRoute+extend') if (t.blockage(serial)) blockages++;
        if (problems.length > 0) expect(problems, context).toEqual([]);
      }
    }
    // The run must exercise what it checks: robots move, and they do get in each other's way.
    expect(moves).toBeGreaterThan(1000);
    expect(blockages).toBeGreaterThan(50);
  });
});
