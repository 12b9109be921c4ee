import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../protocol/random.ts';
import { gridFromRows } from '../test-support/ascii-grid.ts';
import { TrafficControl } from './traffic-control.ts';

/**
 * Cells are plain indices here: traffic control does not know the grid's geometry, so the
 * unit tests release consecutive indices as if they were neighbours.
 */
function traffic(cellCount = 20): TrafficControl {
  return new TrafficControl(cellCount);
}

/** A robot placed at `from` with a leg towards `goal` and `cells` released one by one. */
function withLeg(t: TrafficControl, serial: string, from: number, goal: number, cells: readonly number[]): void {
  expect(t.place(serial, from)).toBeUndefined();
  t.startLeg(serial, goal);
  for (const cell of cells) expect(t.release(serial, cell)).toBe(true);
}

describe('TrafficControl placing robots', () => {
  it('places a robot on a free cell and makes it the holder', () => {
    const t = traffic();
    expect(t.place('R1', 5)).toBeUndefined();
    expect(t.has('R1')).toBe(true);
    expect(t.holderOf(5)).toBe('R1');
    expect(t.positionOf('R1')).toBe(5);
    expect(t.heldCells('R1')).toEqual([5]);
    expect(t.goalOf('R1')).toBeNull();
    expect(t.routeOf('R1')).toBeNull();
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
    withLeg(t, 'R1', 0, 4, [1, 2]);
    expect(t.place('R2', 2)).toMatch(/R1/);
    expect(t.has('R2')).toBe(false);
    expect(t.heldCells('R1')).toEqual([0, 1, 2]);
  });

  it('refusing to move a placed robot onto another robot leaves what it held untouched', () => {
    const t = traffic();
    withLeg(t, 'R1', 0, 4, [1]);
    t.place('R2', 7);
    expect(t.place('R1', 7)).toMatch(/R2/);
    expect(t.positionOf('R1')).toBe(0);
    expect(t.heldCells('R1')).toEqual([0, 1]);
    expect(t.goalOf('R1')).toBe(4);
    expect(t.checkConsistency()).toEqual([]);
  });

  it('placing a standing robot again on its own cell changes nothing', () => {
    const t = traffic();
    t.place('R1', 5);
    expect(t.place('R1', 5)).toBeUndefined();
    expect(t.heldCells('R1')).toEqual([5]);
    expect(t.checkConsistency()).toEqual([]);
  });

  it('moving a placed robot elsewhere frees its old cell and ends its leg', () => {
    const t = traffic();
    withLeg(t, 'R1', 0, 4, [1, 2]);
    expect(t.place('R1', 9)).toBeUndefined();
    expect([0, 1, 2].map((c) => t.holderOf(c))).toEqual([undefined, undefined, undefined]);
    expect(t.goalOf('R1')).toBeNull();
    expect(t.routeOf('R1')).toBeNull();
    expect(t.heldCells('R1')).toEqual([9]);
    expect(t.checkConsistency()).toEqual([]);
  });

  it('a robot may be re-placed onto a cell released ahead to itself', () => {
    const t = traffic();
    withLeg(t, 'R1', 0, 4, [1, 2]);
    expect(t.place('R1', 2)).toBeUndefined();
    expect(t.positionOf('R1')).toBe(2);
    expect(t.heldCells('R1')).toEqual([2]);
    expect(t.holderOf(0)).toBeUndefined();
    expect(t.checkConsistency()).toEqual([]);
  });

  it('removing a robot frees every cell it held', () => {
    const t = traffic();
    withLeg(t, 'R1', 0, 4, [1, 2]);
    t.remove('R1');
    expect(t.has('R1')).toBe(false);
    expect([0, 1, 2].map((c) => t.holderOf(c))).toEqual([undefined, undefined, undefined]);
    expect(t.place('R2', 1)).toBeUndefined();
    expect(t.checkConsistency()).toEqual([]);
  });

  it('removing an unknown robot does nothing', () => {
    const t = traffic();
    t.place('R1', 3);
    t.remove('ghost');
    expect(t.holderOf(3)).toBe('R1');
    expect([...t.serials()]).toEqual(['R1']);
  });
});

describe('TrafficControl legs', () => {
  it('starting a leg sets its goal and releases nothing beyond the robot position', () => {
    const t = traffic();
    t.place('R1', 0);
    t.startLeg('R1', 6);
    expect(t.goalOf('R1')).toBe(6);
    expect(t.routeOf('R1')).toEqual([0]);
    expect(t.releasedTo('R1')).toBe(0);
    expect(t.releasedAhead('R1')).toBe(0);
    expect(t.frontierOf('R1')).toBe(0);
    expect(t.heldCells('R1')).toEqual([0]);
    expect(t.holderOf(1)).toBeUndefined();
  });

  it('refuses a second leg while one is running', () => {
    const t = traffic();
    t.place('R1', 0);
    t.startLeg('R1', 3);
    expect(() => t.startLeg('R1', 5)).toThrow(/already has a leg/);
    expect(t.goalOf('R1')).toBe(3);
  });

  it('release grows the leg one cell at a time from its frontier', () => {
    const t = traffic();
    t.place('R1', 0);
    t.startLeg('R1', 3);
    expect(t.release('R1', 1)).toBe(true);
    expect(t.frontierOf('R1')).toBe(1);
    expect(t.releasedTo('R1')).toBe(1);
    expect(t.releasedAhead('R1')).toBe(1);
    expect(t.release('R1', 2)).toBe(true);
    expect(t.routeOf('R1')).toEqual([0, 1, 2]);
    expect(t.frontierOf('R1')).toBe(2);
    expect(t.releasedTo('R1')).toBe(2);
    expect(t.releasedAhead('R1')).toBe(2);
    expect(t.heldCells('R1')).toEqual([0, 1, 2]);
    expect([0, 1, 2, 3].map((c) => t.holderOf(c))).toEqual(['R1', 'R1', 'R1', undefined]);
    expect(t.checkConsistency()).toEqual([]);
  });

  it('release refuses, changing nothing, a cell another robot stands on', () => {
    const t = traffic();
    t.place('R2', 2);
    withLeg(t, 'R1', 0, 4, [1]);
    expect(t.release('R1', 2)).toBe(false);
    expect(t.holderOf(2)).toBe('R2');
    expect(t.routeOf('R1')).toEqual([0, 1]);
    expect(t.frontierOf('R1')).toBe(1);
    t.remove('R2');
    expect(t.release('R1', 2)).toBe(true);
    expect(t.frontierOf('R1')).toBe(2);
  });

  it('release refuses a cell released ahead to another robot', () => {
    const t = traffic();
    withLeg(t, 'R2', 5, 3, [4]);
    withLeg(t, 'R1', 2, 6, [3]);
    expect(t.release('R1', 4)).toBe(false);
    expect(t.holderOf(4)).toBe('R2');
    expect(t.heldCells('R1')).toEqual([2, 3]);
    expect(t.checkConsistency()).toEqual([]);
  });

  it('release refuses for a standing robot', () => {
    const t = traffic();
    t.place('R1', 0);
    expect(t.release('R1', 1)).toBe(false);
    expect(t.holderOf(1)).toBeUndefined();
    expect(t.heldCells('R1')).toEqual([0]);
  });

  it('reached releases the cells behind the robot for others', () => {
    const t = traffic();
    withLeg(t, 'R1', 0, 4, [1, 2, 3, 4]);
    expect(t.reached('R1', 2)).toBe(true);
    expect(t.holderOf(0)).toBeUndefined();
    expect(t.holderOf(1)).toBeUndefined();
    expect(t.positionOf('R1')).toBe(2);
    expect(t.progressOf('R1')).toBe(2);
    expect(t.releasedAhead('R1')).toBe(2);
    expect(t.heldCells('R1')).toEqual([2, 3, 4]);
    expect(t.place('R2', 0)).toBeUndefined();
    expect(t.checkConsistency()).toEqual([]);
  });

  it('reached refuses (and changes nothing) for an index not released or already passed', () => {
    const t = traffic();
    withLeg(t, 'R1', 0, 4, [1, 2]);
    expect(t.reached('R1', 3)).toBe(false); // not released yet
    expect(t.positionOf('R1')).toBe(0);
    expect(t.heldCells('R1')).toEqual([0, 1, 2]);
    expect(t.reached('R1', 2)).toBe(true);
    expect(t.reached('R1', 1)).toBe(false); // behind the robot
    expect(t.positionOf('R1')).toBe(2);
    expect(t.checkConsistency()).toEqual([]);
  });

  it('reached refuses for a standing robot', () => {
    const t = traffic();
    t.place('R1', 0);
    expect(t.reached('R1', 0)).toBe(false);
    expect(t.positionOf('R1')).toBe(0);
  });

  it('a leg may keep growing after the robot has moved along it', () => {
    const t = traffic();
    withLeg(t, 'R1', 0, 4, [1]);
    t.reached('R1', 1);
    expect(t.release('R1', 2)).toBe(true);
    expect(t.routeOf('R1')).toEqual([0, 1, 2]);
    expect(t.heldCells('R1')).toEqual([1, 2]);
    expect(t.releasedAhead('R1')).toBe(1);
    expect(t.checkConsistency()).toEqual([]);
  });

  it('a cell the leg passes again later stays held when the robot leaves it the first time', () => {
    const t = traffic();
    withLeg(t, 'R1', 0, 0, [1, 2, 1, 0]);
    expect(t.reached('R1', 2)).toBe(true);
    expect(t.holderOf(1)).toBe('R1');
    expect(t.holderOf(0)).toBe('R1');
    expect(t.place('R2', 0)).toMatch(/R1/);
    expect(t.checkConsistency()).toEqual([]);
    expect(t.reached('R1', 4)).toBe(true);
    expect(t.heldCells('R1')).toEqual([0]);
    expect(t.holderOf(1)).toBeUndefined();
    expect(t.holderOf(2)).toBeUndefined();
    expect(t.checkConsistency()).toEqual([]);
  });

  it('doubling back onto a held cell is allowed and the cell is held once', () => {
    const t = traffic();
    withLeg(t, 'R1', 0, 0, [1]);
    expect(t.release('R1', 0)).toBe(true);
    expect(t.routeOf('R1')).toEqual([0, 1, 0]);
    expect(t.holderOf(0)).toBe('R1');
    expect(t.reached('R1', 1)).toBe(true);
    expect(t.holderOf(0)).toBe('R1'); // still ahead
    expect(t.checkConsistency()).toEqual([]);
  });

  it('finishRoute keeps only the cell the robot stands on', () => {
    const t = traffic();
    withLeg(t, 'R1', 0, 4, [1, 2, 3, 4]);
    t.reached('R1', 1);
    t.finishRoute('R1');
    expect(t.goalOf('R1')).toBeNull();
    expect(t.routeOf('R1')).toBeNull();
    expect(t.heldCells('R1')).toEqual([1]);
    expect(t.releasedAhead('R1')).toBe(0);
    expect(t.frontierOf('R1')).toBe(1);
    expect([0, 2, 3, 4].map((c) => t.holderOf(c))).toEqual([undefined, undefined, undefined, undefined]);
    expect(t.holderOf(1)).toBe('R1');
    expect(t.checkConsistency()).toEqual([]);
  });

  it('finishRoute keeps the robot cell even when the leg doubles back over it ahead', () => {
    const t = traffic();
    withLeg(t, 'R1', 0, 0, [1, 0]);
    t.finishRoute('R1');
    expect(t.heldCells('R1')).toEqual([0]);
    expect(t.holderOf(0)).toBe('R1');
    expect(t.holderOf(1)).toBeUndefined();
    expect(t.checkConsistency()).toEqual([]);
  });

  it('finishRoute does nothing for a standing robot', () => {
    const t = traffic();
    t.place('R1', 4);
    t.finishRoute('R1');
    expect(t.heldCells('R1')).toEqual([4]);
    expect(t.holderOf(4)).toBe('R1');
  });

  it('after finishRoute a new leg can start from where the robot stands', () => {
    const t = traffic();
    withLeg(t, 'R1', 0, 2, [1, 2]);
    t.reached('R1', 2);
    t.finishRoute('R1');
    expect(() => t.startLeg('R1', 5)).not.toThrow();
    expect(t.routeOf('R1')).toEqual([2]);
    expect(t.release('R1', 3)).toBe(true);
  });

  it('commands for an unknown robot are programming mistakes and throw', () => {
    const t = traffic();
    expect(() => t.startLeg('ghost', 0)).toThrow(/unknown robot/);
    expect(() => t.release('ghost', 0)).toThrow(/unknown robot/);
    expect(() => t.reached('ghost', 0)).toThrow(/unknown robot/);
    expect(() => t.positionOf('ghost')).toThrow(/unknown robot/);
  });
});

describe('TrafficControl consistency check', () => {
  it('finds nothing wrong in a table kept through its own methods', () => {
    const t = traffic();
    withLeg(t, 'R1', 0, 3, [1, 2]);
    withLeg(t, 'R2', 9, 7, [8]);
    t.reached('R1', 1);
    expect(t.checkConsistency()).toEqual([]);
  });

  it('reports a cell the table gives to a robot that does not hold it', () => {
    const t = traffic();
    t.place('R1', 0);
    // Corrupt the private table on purpose: the check must notice.
    (t as unknown as { holders: (string | undefined)[] }).holders[3] = 'R1';
    expect(t.checkConsistency()).toEqual(['cell 3: table says R1, robots say free']);
  });
});

describe('TrafficControl never lets two robots meet', () => {
  it('two robots heading into each other cannot swap cells', () => {
    const t = traffic();
    t.place('A', 0);
    t.place('B', 1);
    t.startLeg('A', 1);
    t.startLeg('B', 0);
    expect(t.release('A', 1)).toBe(false);
    expect(t.release('B', 0)).toBe(false);
    expect(t.reached('A', 1)).toBe(false);
    expect(t.reached('B', 1)).toBe(false);
    expect([t.positionOf('A'), t.positionOf('B')]).toEqual([0, 1]);
  });

  it('two robots heading for one free cell: only the first to be released it gets it', () => {
    const t = traffic();
    t.place('A', 0);
    t.place('B', 2);
    t.startLeg('A', 1);
    t.startLeg('B', 1);
    expect(t.release('A', 1)).toBe(true);
    expect(t.release('B', 1)).toBe(false);
    expect(t.holderOf(1)).toBe('A');
    expect(t.releasedAhead('B')).toBe(0);
  });

  /**
   * Invariant 1 (DESIGN.md §5) under random traffic: robots on a small grid with pillars get
   * legs grown by releasing random neighbours of their frontier (random walks that may double
   * back), progress reports, early finishes and re-placements, in random order. After every
   * step no cell has two holders, the table agrees with the robots' records, every robot holds
   * the cell it stands on, and a robot only ever moves into cells it held before the move (so
   * no two robots swap). A release is refused exactly when another robot holds the cell.
   */
  it('keeps every cell to one holder under random legs, progress and re-placements', () => {
    const grid = gridFromRows([
      '.......', //
      '.#...#.',
      '.......',
      '...#...',
      '.......',
    ]);
    const drivable = [...Array(grid.cellCount).keys()].filter((c) => grid.drivable(c));

    let moves = 0;
    let refusedReleases = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const random = new SeededRandom(seed);
      const t = new TrafficControl(grid.cellCount);
      const maxAhead = random.int(1, 5);
      const serials = Array.from({ length: random.int(2, 8) }, (_, i) => `R${i + 1}`);
      const free = random.shuffle([...drivable]);
      for (const serial of serials) expect(t.place(serial, free.pop()!)).toBeUndefined();

      /** Releases a random neighbour of the frontier; checks the answer against the table. */
      const releaseNeighbour = (serial: string): string => {
        const cell = random.pick(grid.neighbours(t.frontierOf(serial)));
        const holder = t.holderOf(cell);
        const heldByOther = holder !== undefined && holder !== serial;
        const released = t.release(serial, cell);
        expect(released, `release of ${cell} to ${serial} (holder ${holder ?? 'none'})`).toBe(!heldByOther);
        if (heldByOther) refusedReleases++;
        return `release ${cell}${released ? '' : ' refused'}`;
      };

      for (let step = 0; step < 400; step++) {
        const serial = random.pick(serials);
        const heldBefore = new Map(serials.map((s) => [s, new Set(t.heldCells(s))]));
        const positionsBefore = new Map(serials.map((s) => [s, t.positionOf(s)]));
        const roll = random.next();
        let action: string;
        if (t.goalOf(serial) === null) {
          t.startLeg(serial, random.pick(drivable));
          action = `startLeg, ${releaseNeighbour(serial)}`;
        } else if (roll < 0.4) {
          action = t.releasedAhead(serial) < maxAhead ? releaseNeighbour(serial) : 'nothing (lookahead full)';
        } else if (roll < 0.8) {
          const index = random.int(t.progressOf(serial), t.releasedTo(serial));
          action = `reached ${index}`;
          expect(t.reached(serial, index)).toBe(true);
          if (t.releasedAhead(serial) === 0 && random.next() < 0.5) t.finishRoute(serial);
        } else if (roll < 0.95) {
          action = 'finishRoute';
          t.finishRoute(serial);
        } else {
          // A robot reports itself somewhere else (e.g. after a restart): placed only on a free cell.
          const target = random.pick(drivable);
          const holder = t.holderOf(target);
          action = `place ${target}`;
          if (holder === undefined || holder === serial) expect(t.place(serial, target)).toBeUndefined();
          else {
            expect(t.place(serial, target)).toMatch(holder);
            expect(t.positionOf(serial)).toBe(positionsBefore.get(serial));
          }
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
          if (!action.startsWith('place') && t.positionOf(s) !== positionsBefore.get(s)) moves++;
        }
        for (const a of serials) {
          for (const b of serials) {
            if (a < b && t.positionOf(a) === positionsBefore.get(b) && t.positionOf(b) === positionsBefore.get(a)) problems.push(`${a} and ${b} swapped cells`);
          }
        }
        if (problems.length > 0) expect(problems, context).toEqual([]);
      }
    }
    // The run must exercise what it checks: robots move, and they do get in each other's way.
    expect(moves).toBeGreaterThan(1000);
    expect(refusedReleases).toBeGreaterThan(50);
  });
});
