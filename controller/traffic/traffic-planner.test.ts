import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../protocol/random.ts';
import type { GridMap } from '../grid/grid-map.ts';
import { gridFromRows } from '../test-support/ascii-grid.ts';
import { TrafficControl } from './traffic-control.ts';
import { TrafficPlanner, type PlannedMove, type TrafficRobot } from './traffic-planner.ts';

const OPTIONS = { lookaheadCells: 3, detourAfterMs: 2000, bookingTimeoutMs: 30000, newMapsPerCycle: 50, detoursPerCycle: 20, distanceMapBytes: 1 << 20 };

interface World {
  grid: GridMap;
  traffic: TrafficControl;
  planner: TrafficPlanner;
  /** Cell index of (x, y). */
  at: (x: number, y: number) => number;
}

/** `queueGoals`: (x, y) of cells robots queue for, as the controller gives ports with a lane. */
function world(rows: readonly string[], queueGoals: readonly (readonly [number, number])[] = []): World {
  const grid = gridFromRows(rows);
  const traffic = new TrafficControl(grid.cellCount);
  const planner = new TrafficPlanner(grid, traffic, OPTIONS, {}, new Set(queueGoals.map(([x, y]) => grid.index(x, y))));
  return { grid, traffic, planner, at: (x, y) => grid.index(x, y) };
}

function placeOn(w: World, serial: string, cell: number): void {
  expect(w.traffic.place(serial, cell)).toBeUndefined();
}

/** A robot placed at `from` with a leg to `goal` started (nothing released yet). */
function onLeg(w: World, serial: string, from: number, goal: number, nowMs = 0): void {
  placeOn(w, serial, from);
  w.traffic.startLeg(serial, goal);
  w.planner.legChanged(serial, nowMs);
}

/** As the controller does: a pushed standing robot gets a one-cell leg before the moves run. */
function runMoves(w: World, moves: readonly PlannedMove[], nowMs: number): string[] {
  for (const move of moves) {
    if (move.role !== 'standing') continue;
    w.traffic.startLeg(move.serial, move.cell);
    w.planner.legChanged(move.serial, nowMs);
  }
  return w.planner.applyMoves(moves, nowMs);
}

/** The robot drives one cell on (it must hold one ahead); cells it leaves go to their followers. */
function driveOneCell(w: World, serial: string, nowMs: number): void {
  const before = w.traffic.heldCells(serial);
  expect(w.traffic.reached(serial, w.traffic.progressOf(serial) + 1)).toBe(true);
  w.planner.extend(serial, nowMs);
  w.planner.cellsFreed(before, nowMs);
}

/** Table consistent, every robot holds where it stands, every cell has one holder at most. */
function expectSound(w: World): void {
  expect(w.traffic.checkConsistency()).toEqual([]);
  const holderCount = new Map<number, number>();
  for (const serial of w.traffic.serials()) {
    expect(w.traffic.holderOf(w.traffic.positionOf(serial))).toBe(serial);
    for (const cell of new Set(w.traffic.heldCells(serial))) holderCount.set(cell, (holderCount.get(cell) ?? 0) + 1);
  }
  for (const [cell, count] of holderCount) expect(count, `holders of cell ${cell}`).toBe(1);
}

function leg(serial: string, legStartedMs = 0): TrafficRobot {
  return { serial, role: 'leg', legStartedMs };
}

function standing(serial: string, nowMs = 0): TrafficRobot {
  return { serial, role: 'standing', legStartedMs: nowMs };
}

describe('TrafficPlanner.extend', () => {
  it('releases a straight run towards the goal, lookaheadCells long', () => {
    const w = world(['........']);
    onLeg(w, 'R1', w.at(0, 0), w.at(7, 0));
    expect(w.planner.extend('R1', 0)).toBe(true);
    expect(w.traffic.heldCells('R1')).toEqual([w.at(0, 0), w.at(1, 0), w.at(2, 0), w.at(3, 0)]);
    expect(w.traffic.releasedAhead('R1')).toBe(OPTIONS.lookaheadCells);
    expect(w.planner.extend('R1', 0)).toBe(false);
  });

  it('stops short of a cell another robot holds and never releases it', () => {
    const w = world(['........']);
    onLeg(w, 'R1', w.at(0, 0), w.at(7, 0));
    placeOn(w, 'R2', w.at(2, 0));
    expect(w.planner.extend('R1', 0)).toBe(true);
    expect(w.traffic.heldCells('R1')).toEqual([w.at(0, 0), w.at(1, 0)]);
    expect(w.traffic.holderOf(w.at(2, 0))).toBe('R2');
    expect(w.planner.extend('R1', 0)).toBe(false);
    expect(w.traffic.holderOf(w.at(2, 0))).toBe('R2');
    expectSound(w);
  });

  it('releases nothing after the goal', () => {
    const w = world(['........']);
    onLeg(w, 'R1', w.at(0, 0), w.at(2, 0));
    w.planner.extend('R1', 0);
    expect(w.traffic.frontierOf('R1')).toBe(w.at(2, 0));
    expect(w.traffic.heldCells('R1')).toEqual([w.at(0, 0), w.at(1, 0), w.at(2, 0)]);
  });
});

describe('TrafficPlanner pushing a standing robot aside', () => {
  /** A cross: the leg robot L comes from the west towards the east arm; S stands in the middle. */
  function crossWithStander(): World {
    const w = world(['#.#', '...', '#.#']);
    onLeg(w, 'L', w.at(0, 1), w.at(2, 1));
    placeOn(w, 'S', w.at(1, 1));
    expect(w.planner.extend('L', 0)).toBe(false); // S is in the way
    return w;
  }

  it('moves the standing robot off the way and books its cell for the leg robot', () => {
    const w = crossWithStander();
    const centre = w.at(1, 1);
    const moves = w.planner.step([leg('L'), standing('S')], 1000);
    const pushed = moves.find((m) => m.serial === 'S');
    const follower = moves.find((m) => m.serial === 'L');
    expect(pushed?.role).toBe('standing');
    expect(w.grid.neighbours(centre)).toContain(pushed!.cell);
    expect(pushed!.cell).not.toBe(w.at(0, 1)); // not a swap with L
    expect(follower).toEqual({ serial: 'L', role: 'leg', cell: centre });

    runMoves(w, moves, 1000);
    expectSound(w);
    // S's new cell was free, so it is released; the centre is S's until S leaves it.
    expect(w.traffic.frontierOf('S')).toBe(pushed!.cell);
    expect(w.planner.bookingOf('L')).toBe(centre);
    expect(w.traffic.holderOf(centre)).toBe('S');
    expect(w.traffic.frontierOf('L')).toBe(w.at(0, 1));

    driveOneCell(w, 'S', 1500);
    expectSound(w);
    expect(w.traffic.positionOf('S')).toBe(pushed!.cell);
    expect(w.traffic.holderOf(centre)).toBe('L');
    expect(w.traffic.routeOf('L')).toContain(centre);
    expect(w.planner.bookingOf('L')).toBeUndefined();
  });

  it('gives the follower exactly the freed cell when the cell after it is still held', () => {
    // One-cell corridor with a pocket below the stander: L at the west end, goal at the east end.
    const w = world(['.....', '##.##']);
    onLeg(w, 'L', w.at(1, 0), w.at(4, 0));
    placeOn(w, 'S', w.at(2, 0));
    placeOn(w, 'X', w.at(3, 0)); // stands still and is not in the step: an obstacle
    const moves = w.planner.step([leg('L'), standing('S')], 1000);
    expect(moves).toContainEqual({ serial: 'S', role: 'standing', cell: w.at(2, 1) });
    expect(moves).toContainEqual({ serial: 'L', role: 'leg', cell: w.at(2, 0) });
    runMoves(w, moves, 1000);
    expect(w.planner.bookingOf('L')).toBe(w.at(2, 0));

    driveOneCell(w, 'S', 1200);
    expectSound(w);
    expect(w.traffic.frontierOf('L')).toBe(w.at(2, 0));
    expect(w.planner.bookingOf('L')).toBeUndefined();
  });
});

describe('TrafficPlanner bookings', () => {
  it('never releases a booked cell to another robot, even while it stands free', () => {
    const w = world(['#.#', '...', '#.#']);
    const centre = w.at(1, 1);
    onLeg(w, 'L', w.at(0, 1), w.at(2, 1));
    placeOn(w, 'S', centre);
    placeOn(w, 'M', w.at(1, 0)); // an obstacle for now
    const moves = w.planner.step([leg('L'), standing('S')], 1000);
    runMoves(w, moves, 1000);
    expect(w.planner.bookingOf('L')).toBe(centre);

    // S reaches its new cell; the centre is free in the table but still booked for L.
    expect(w.traffic.reached('S', 1)).toBe(true);
    expect(w.traffic.holderOf(centre)).toBeUndefined();
    w.traffic.startLeg('M', w.at(1, 2) === w.traffic.positionOf('S') ? w.at(2, 1) : w.at(1, 2));
    w.planner.legChanged('M', 1100);
    expect(w.planner.extend('M', 1100)).toBe(false);
    expect(w.traffic.holderOf(centre)).toBeUndefined();
    expect(w.traffic.frontierOf('M')).toBe(w.at(1, 0));

    // A step honours the booking first: the centre goes to L, and M gets no move into it.
    const next = w.planner.step([leg('M', 1100)], 1200);
    expect(next.filter((m) => m.cell === centre)).toEqual([]);
    expect(w.traffic.holderOf(centre)).toBe('L');
    expect(w.planner.bookingOf('L')).toBeUndefined();
    expectSound(w);
  });

  it('keeps a booked robot out of later steps until its cell is free', () => {
    const w = world(['.....', '##.##']);
    onLeg(w, 'L', w.at(1, 0), w.at(4, 0));
    placeOn(w, 'S', w.at(2, 0));
    placeOn(w, 'X', w.at(3, 0));
    runMoves(w, w.planner.step([leg('L'), standing('S')], 1000), 1000);
    expect(w.planner.bookingOf('L')).toBe(w.at(2, 0));
    // S has not moved yet: L plans nothing, keeps its booking, and nobody else gets the cell.
    expect(w.planner.step([leg('L'), leg('S')], 1100)).toEqual([]);
    expect(w.planner.bookingOf('L')).toBe(w.at(2, 0));
    expect(w.traffic.holderOf(w.at(2, 0))).toBe('S');
  });
});

describe('TrafficPlanner rotations', () => {
  it('turns a rotation of four robots on a 2x2 loop into no moves', () => {
    const w = world(['..', '..']);
    const loop = [w.at(0, 0), w.at(1, 0), w.at(1, 1), w.at(0, 1)];
    const serials = ['A', 'B', 'C', 'D'];
    serials.forEach((serial, i) => onLeg(w, serial, loop[i]!, loop[(i + 1) % 4]!));
    for (let cycle = 0; cycle < 5; cycle++) {
      const now = 1000 * (cycle + 1);
      const moves = w.planner.step(serials.map((s) => leg(s)), now);
      expect(moves).toEqual([]);
      runMoves(w, moves, now);
      expectSound(w);
      serials.forEach((serial, i) => expect(w.traffic.heldCells(serial)).toEqual([loop[i]!]));
    }
  });

  it('turns a swap of two robots into no moves', () => {
    const w = world(['..']);
    onLeg(w, 'A', w.at(0, 0), w.at(1, 0));
    onLeg(w, 'B', w.at(1, 0), w.at(0, 0));
    expect(w.planner.step([leg('A'), leg('B')], 1000)).toEqual([]);
    expectSound(w);
  });

  it('runs a ring with one gap as a chain: the robot before the gap moves, the followers book', () => {
    // Eight cells round a pillar, seven robots each wanting the next cell clockwise.
    const w = world(['...', '.#.', '...']);
    const ring = [w.at(0, 0), w.at(1, 0), w.at(2, 0), w.at(2, 1), w.at(2, 2), w.at(1, 2), w.at(0, 2), w.at(0, 1)];
    const serials = ['R0', 'R1', 'R2', 'R3', 'R4', 'R5', 'R6'];
    serials.forEach((serial, i) => onLeg(w, serial, ring[i]!, ring[i + 1]!));
    const moves = w.planner.step(serials.map((s) => leg(s)), 1000);
    runMoves(w, moves, 1000);
    expectSound(w);
    // R6 moves into the gap at once; nobody holds anything of another robot's.
    expect(w.traffic.frontierOf('R6')).toBe(ring[7]);
    for (const serial of serials) {
      const booked = w.planner.bookingOf(serial);
      if (booked !== undefined) expect(w.traffic.holderOf(booked)).not.toBe(serial);
    }
    // Driving the chain from its head: each robot reaches the next cell in turn.
    for (let i = serials.length - 1; i >= 0; i--) {
      const serial = serials[i]!;
      if (w.traffic.releasedAhead(serial) === 0) runMoves(w, w.planner.step(serials.map((s) => leg(s)), 2000 + i), 2000 + i);
      expect(w.traffic.frontierOf(serial)).toBe(ring[i + 1]);
      driveOneCell(w, serial, 2000 + i);
      expectSound(w);
      expect(w.traffic.positionOf(serial)).toBe(ring[i + 1]);
    }
  });
});

describe('TrafficPlanner.horizon', () => {
  it('is a path of neighbouring cells from the frontier to the goal, as short as the grid allows', () => {
    const w = world(['......', '.##.#.', '...#..', '.#....']);
    const goal = w.at(5, 0);
    onLeg(w, 'R1', w.at(0, 3), goal);
    placeOn(w, 'R2', w.at(0, 1)); // other robots do not bend the horizon
    const check = (): void => {
      const horizon = w.planner.horizon('R1');
      const path = [w.traffic.frontierOf('R1'), ...horizon];
      for (let i = 1; i < path.length; i++) expect(w.grid.neighbours(path[i - 1]!)).toContain(path[i]);
      expect(horizon[horizon.length - 1]).toBe(goal);
      expect(horizon.length).toBe(w.planner.distance(goal, w.traffic.frontierOf('R1')));
    };
    check();
    w.planner.extend('R1', 0);
    expect(w.traffic.releasedAhead('R1')).toBeGreaterThan(0);
    check();
  });

  it('is empty for a standing robot and at the goal', () => {
    const w = world(['...']);
    placeOn(w, 'R1', w.at(0, 0));
    expect(w.planner.horizon('R1')).toEqual([]);
    w.traffic.startLeg('R1', w.at(1, 0));
    w.planner.extend('R1', 0);
    expect(w.traffic.frontierOf('R1')).toBe(w.at(1, 0));
    expect(w.planner.horizon('R1')).toEqual([]);
  });
});

describe('TrafficPlanner randomised traffic', () => {
  /**
   * Robots with random goals on a small grid with pillars; some rest a few cycles between
   * goals (standing, so they may be pushed aside). Each cycle: a step whose moves run
   * (standing moves as one-cell legs), then every robot with a cell released ahead drives one.
   */
  function run(seed: number, robotCount: number, cycles: number): { goalsReached: number } {
    const w = world(['........', '.#..#...', '....#.#.', '.#......', '...#..#.', '........']);
    const random = new SeededRandom(seed);
    const free: number[] = [];
    for (let cell = 0; cell < w.grid.cellCount; cell++) if (w.grid.drivable(cell)) free.push(cell);
    const cycleMs = 250;
    const serials: string[] = [];
    /** `job`: on a leg to a random goal; `push`: on a one-cell leg aside; `rest`: standing. */
    const task = new Map<string, { kind: 'job' | 'push' | 'rest'; legStartedMs: number; restUntil: number }>();
    for (const cell of random.shuffle([...free]).slice(0, robotCount)) {
      const serial = `R${serials.length}`;
      serials.push(serial);
      placeOn(w, serial, cell);
      task.set(serial, { kind: 'rest', legStartedMs: 0, restUntil: 0 });
    }
    let goalsReached = 0;
    for (let cycle = 0; cycle < cycles; cycle++) {
      const now = cycle * cycleMs;
      // Rested robots take a new random goal (not where another robot's leg ends).
      for (const serial of serials) {
        const t = task.get(serial)!;
        if (t.kind !== 'rest' || cycle < t.restUntil) continue;
        const taken = new Set(serials.map((s) => w.traffic.goalOf(s)));
        const goal = random.pick(free.filter((c) => c !== w.traffic.positionOf(serial) && !taken.has(c)));
        w.traffic.startLeg(serial, goal);
        w.planner.legChanged(serial, now);
        w.planner.extend(serial, now);
        task.set(serial, { kind: 'job', legStartedMs: now, restUntil: 0 });
      }
      const robots = serials.map((s) => {
        const t = task.get(s)!;
        return t.kind === 'rest' ? standing(s, now) : leg(s, t.legStartedMs);
      });
      const moves = w.planner.step(robots, now);
      for (const move of moves) {
        expect(move.role).toBe(task.get(move.serial)!.kind === 'rest' ? 'standing' : 'leg');
        expect(w.grid.neighbours(w.traffic.frontierOf(move.serial))).toContain(move.cell);
        if (move.role === 'standing') task.set(move.serial, { kind: 'push', legStartedMs: now, restUntil: 0 });
      }
      runMoves(w, moves, now);
      expectSound(w);

      for (const serial of random.shuffle([...serials])) {
        if (w.traffic.releasedAhead(serial) > 0) driveOneCell(w, serial, now + 100);
        const goal = w.traffic.goalOf(serial);
        if (goal === null || w.traffic.positionOf(serial) !== goal) continue;
        const held = w.traffic.heldCells(serial);
        w.traffic.finishRoute(serial);
        w.planner.legChanged(serial, now + 100);
        w.planner.cellsFreed(held, now + 100);
        if (task.get(serial)!.kind === 'job') goalsReached++;
        task.set(serial, { kind: 'rest', legStartedMs: 0, restUntil: cycle + random.int(0, 3) });
      }
      expectSound(w);
      // A booked cell is someone else's: the moment it is freed, it goes to its follower.
      const bookedCells = new Set<number>();
      for (const serial of serials) {
        const booked = w.planner.bookingOf(serial);
        if (booked === undefined) continue;
        expect(bookedCells.has(booked), `cell ${booked} booked twice`).toBe(false);
        bookedCells.add(booked);
        const holder = w.traffic.holderOf(booked);
        expect(holder, `booked cell ${booked} of ${serial} in cycle ${cycle}`).toBeDefined();
        expect(holder).not.toBe(serial);
        expect(w.grid.neighbours(w.traffic.frontierOf(serial))).toContain(booked);
      }
      // Every held cell ahead of a robot leads on from its position, one neighbour at a time.
      for (const serial of serials) {
        const held = w.traffic.heldCells(serial);
        for (let i = 1; i < held.length; i++) expect(w.grid.neighbours(held[i - 1]!)).toContain(held[i]);
      }
    }
    return { goalsReached };
  }

  for (const [seed, robotCount] of [[1, 6], [2, 8], [3, 10], [4, 10]] as const) {
    it(`keeps one holder per cell and keeps ${robotCount} robots reaching goals (seed ${seed})`, () => {
      const { goalsReached } = run(seed, robotCount, 300);
      expect(goalsReached).toBeGreaterThan(150); // about 230-290 with these seeds; a jam stays far below
    });
  }
});

describe('TrafficPlanner at the head of a queue for a queue goal', () => {
  it('never pushes a robot one move from its goal back to let an older robot behind it in', () => {
    // G is held by a robot working there (X, not in the step); A waits next to it, B behind A
    // has been on its leg longer.
    const w = world(['.....', '.....'], [[4, 0]]);
    const goal = w.at(4, 0);
    placeOn(w, 'X', goal);
    onLeg(w, 'A', w.at(3, 0), goal, 500);
    onLeg(w, 'B', w.at(2, 0), goal, 0);
    // Before B has waited long enough for a detour round A.
    const moves = w.planner.step([leg('A', 500), leg('B', 0)], 1_000);
    expect(moves.find((m) => m.serial === 'A')).toBeUndefined();
    expect(moves.find((m) => m.serial === 'B')?.cell).not.toBe(w.at(3, 0));
    expect(w.planner.bookingOf('A')).toBeUndefined();
  });

  it('lets a robot booked to step back go forward instead once its way ahead is free', () => {
    // A (two moves from G) has been booked into C's cell behind it (pushed back by a step);
    // the cell ahead of A is held by X meanwhile.
    const w = world(['.....', '.....', '.....'], [[4, 0]]);
    const goal = w.at(4, 0);
    placeOn(w, 'X', w.at(3, 0));
    onLeg(w, 'A', w.at(2, 0), goal, 5_000);
    placeOn(w, 'C', w.at(2, 1));
    w.planner.applyMoves([{ serial: 'A', role: 'leg', cell: w.at(2, 1) }], 6_000);
    expect(w.planner.bookingOf('A')).toBe(w.at(2, 1));
    w.planner.step([], 6_250);
    expect(w.planner.bookingOf('A')).toBe(w.at(2, 1)); // nothing better yet
    // X drives away before C has left: A goes on towards G rather than waiting for C's cell.
    w.traffic.remove('X');
    w.planner.step([], 6_500);
    expect(w.planner.bookingOf('A')).toBeUndefined();
    expect(w.traffic.heldCells('A')).toContain(w.at(3, 0));
    expectSound(w);
  });
});


describe('TrafficPlanner under operators', () => {
  it('releases nothing while frozen (an emergency stop), and plans on when thawed', () => {
    const w = world(['........']);
    onLeg(w, 'R1', w.at(0, 0), w.at(7, 0));
    w.planner.setFrozen(true);
    expect(w.planner.extend('R1', 0)).toBe(false);
    expect(w.planner.step([leg('R1')], 0)).toEqual([]);
    expect(w.planner.applyMoves([{ serial: 'R1', role: 'leg', cell: w.at(1, 0) }], 0)).toEqual([]);
    expect(w.traffic.heldCells('R1')).toEqual([w.at(0, 0)]);
    w.planner.setFrozen(false);
    expect(w.planner.extend('R1', 0)).toBe(true);
    expect(w.traffic.heldCells('R1')).toEqual([w.at(0, 0), w.at(1, 0), w.at(2, 0), w.at(3, 0)]);
  });

  it('keeps a frozen follower out of the cell freed ahead of it until thawed', () => {
    const w = world(['.....']);
    onLeg(w, 'A', w.at(1, 0), w.at(4, 0));
    onLeg(w, 'B', w.at(0, 0), w.at(3, 0));
    // B follows A into A's cell.
    runMoves(w, w.planner.step([leg('A'), leg('B', -1000)], 0), 0);
    expect(w.planner.bookingOf('B')).toBe(w.at(1, 0));
    w.planner.setFrozen(true);
    const before = w.traffic.heldCells('A');
    w.traffic.reached('A', 1);
    expect(w.planner.cellsFreed(before, 0)).toEqual([]);
    expect(w.traffic.holderOf(w.at(1, 0))).toBeUndefined();
    expect(w.traffic.heldCells('B')).toEqual([w.at(0, 0)]);
    w.planner.setFrozen(false);
    w.planner.step([leg('A'), leg('B', -1000)], 10);
    expect(w.traffic.heldCells('B')).toContain(w.at(1, 0));
    expectSound(w);
  });

  it('releases nothing to a held (paused) robot, and leaves it out of steps, while others go on', () => {
    const w = world(['........', '........']);
    onLeg(w, 'P', w.at(0, 0), w.at(7, 0));
    onLeg(w, 'Q', w.at(0, 1), w.at(7, 1));
    w.planner.setHeld('P', true);
    expect(w.planner.extend('P', 0)).toBe(false);
    const moves = w.planner.step([leg('P'), leg('Q')], 0);
    expect(moves.map((m) => m.serial)).toEqual(['Q']);
    runMoves(w, moves, 0);
    expect(w.traffic.heldCells('P')).toEqual([w.at(0, 0)]);
    expect(w.traffic.releasedAhead('Q')).toBeGreaterThan(0);
    w.planner.setHeld('P', false);
    expect(w.planner.extend('P', 0)).toBe(true);
  });

  it('drops the booking of a robot held while it waits to follow another', () => {
    const w = world(['.....']);
    onLeg(w, 'A', w.at(1, 0), w.at(4, 0));
    onLeg(w, 'B', w.at(0, 0), w.at(3, 0));
    runMoves(w, w.planner.step([leg('A'), leg('B', -1000)], 0), 0);
    expect(w.planner.bookingOf('B')).toBe(w.at(1, 0));
    w.planner.setHeld('B', true);
    expect(w.planner.bookingOf('B')).toBeUndefined();
    const before = w.traffic.heldCells('A');
    w.traffic.reached('A', 1);
    expect(w.planner.cellsFreed(before, 0)).toEqual([]);
    expect(w.traffic.heldCells('B')).toEqual([w.at(0, 0)]);
    expectSound(w);
  });

  it('plans around a closed cell, horizon included, and through it again once opened', () => {
    const w = world(['.....', '.....']);
    onLeg(w, 'R1', w.at(0, 0), w.at(4, 0));
    expect(w.planner.horizon('R1')).toEqual([w.at(1, 0), w.at(2, 0), w.at(3, 0), w.at(4, 0)]);
    w.planner.setCellClosed(w.at(2, 0), true);
    expect(w.planner.isClosed(w.at(2, 0))).toBe(true);
    expect(w.planner.horizon('R1')).not.toContain(w.at(2, 0));
    expect(w.planner.distance(w.at(4, 0), w.at(0, 0))).toBe(6);
    expect(w.planner.distance(w.at(2, 0), w.at(0, 0))).toBe(Infinity);
    for (let t = 0; t < 20 && w.traffic.positionOf('R1') !== w.at(4, 0); t++) {
      runMoves(w, w.planner.step([leg('R1')], t * 100), t * 100);
      expect(w.traffic.heldCells('R1')).not.toContain(w.at(2, 0));
      if (w.traffic.releasedAhead('R1') > 0) driveOneCell(w, 'R1', t * 100);
    }
    expect(w.traffic.positionOf('R1')).toBe(w.at(4, 0));
    w.planner.setCellClosed(w.at(2, 0), false);
    expect(w.planner.distance(w.at(4, 0), w.at(0, 0))).toBe(4);
    expectSound(w);
  });
});
