import { describe, expect, it } from 'vitest';
import { GridMap } from '../grid/grid-map.ts';
import type { BinLocation } from '../inventory/types.ts';
import type { PortLane } from '../traffic/port-lanes.ts';
import { afterFailedAction, digHelpers, nextStep, stagingStep, worthWaitingForTakeBack, type DigUnderway, type PortFacts, type RobotFacts, type WorkView } from './job-decisions.ts';
import type { Job } from './jobs.ts';

// A 10 x 6 grid of storage columns with a port P1 at (5, 0) on its top edge; its lane runs
// eastwards: robots enter from (4, 0) and leave to (6, 0).
const grid = new GridMap(10, 6, 8, (x, y) => (x === 5 && y === 0 ? 'port' : 'storage'));
const at = (x: number, y: number) => grid.index(x, y);
const PORT = at(5, 0);
const LANE: PortLane = { port: PORT, entry: at(4, 0), exit: at(6, 0), approach: at(3, 0) };

interface World {
  positions: Record<string, number>;
  port: PortFacts;
  hasLane: boolean;
  nowMs: number;
  held: Set<number>;
  legGoals: Set<number>;
  digLocked: Set<number>;
  blocked: Set<number>;
  locations: Record<string, BinLocation>;
  carried: Record<string, string>;
  stacks: Record<string, string[]>;
  deliverersNear: number;
  blockersLeft: number;
  blockerColumn: number | undefined;
  returnColumn: number | undefined;
  preparedColumn: number | undefined;
  visitWaits: boolean;
}

function port(fields: Partial<PortFacts> = {}): PortFacts {
  return { id: 'P1', cell: PORT, open: true, presented: null, awaitingReturn: { size: 0 }, hasRoom: () => true, ...fields };
}

function world(fields: Partial<World> = {}): World {
  return {
    positions: {}, port: port(), hasLane: true, nowMs: 1_000, held: new Set(), legGoals: new Set(), digLocked: new Set(), blocked: new Set(),
    locations: {}, carried: {}, stacks: {}, deliverersNear: 0, blockersLeft: 0, blockerColumn: undefined, returnColumn: undefined, preparedColumn: undefined, visitWaits: true, ...fields,
  };
}

/** A WorkView over plain data: Manhattan distances, no controller. */
function viewOf(w: World): WorkView {
  return {
    grid,
    options: { stagingDistanceCells: 4, stagingMinCells: 2, chargeUntilPercent: 90, prepareNearPortCells: 3 },
    now: () => w.nowMs,
    location: (binId) => w.locations[binId]!,
    binOnRobot: (serial) => w.carried[serial],
    depthFromTop: (binId) => {
      const l = w.locations[binId]!;
      if (l.kind !== 'column') return undefined;
      const stack = w.stacks[`${l.x},${l.y}`]!;
      return stack.length - 1 - stack.indexOf(binId);
    },
    stack: (x, y) => w.stacks[`${x},${y}`] ?? [],
    height: (x, y) => (w.stacks[`${x},${y}`] ?? []).length,
    port: () => w.port,
    laneOf: (cell) => (w.hasLane && cell === PORT ? LANE : undefined),
    byPort: (cell) => cell === PORT || grid.manhattan(cell, PORT) === 1,
    positionOf: (serial) => w.positions[serial]!,
    distance: (goal, cell) => grid.manhattan(goal, cell),
    holderOf: (cell) => (w.held.has(cell) ? 'someone' : undefined),
    legGoals: () => w.legGoals,
    digLocked: (cell) => w.digLocked.has(cell),
    blockedByOperator: (cell) => w.blocked.has(cell),
    visitWaits: () => w.visitWaits,
    retrievalBlocked: () => undefined,
    deliverersNear: () => w.deliverersNear,
    blockersLeftFor: () => w.blockersLeft,
    blockerColumnFor: () => w.blockerColumn,
    returnColumnFor: () => w.returnColumn,
    preparedColumnFor: () => w.preparedColumn,
  };
}

const robot = (fields: Partial<RobotFacts> = {}): RobotFacts => ({ serial: 'R1', inService: false, charging: false, batteryPercent: 80, reportedDig: false, reportedTransit: false, ...fields });

describe('take-back wait', () => {
  const job: Job = { kind: 'takeBackWait', id: 'w1', portId: 'P1', droppedBinId: 'B-mine', untilMs: 5_000, queuedAtMs: 0 };
  const onPort = { positions: { R1: PORT } };

  it('waits on the port cell for a bin that came before its own', () => {
    const w = world({ ...onPort, port: port({ presented: { binId: 'B-earlier' } }), deliverersNear: 3 });
    expect(worthWaitingForTakeBack(robot(), w.port, 'B-mine', viewOf(w))).toBe(true);
    expect(nextStep(robot(), job, viewOf(w))).toEqual({ kind: 'wait' });
  });

  it('waits for its own bin only while no other robot bringing a bin is near (that one takes it back)', () => {
    const mine = port({ presented: { binId: 'B-mine' } });
    expect(worthWaitingForTakeBack(robot(), mine, 'B-mine', viewOf(world({ ...onPort, port: mine, deliverersNear: 0 })))).toBe(true);
    expect(worthWaitingForTakeBack(robot(), mine, 'B-mine', viewOf(world({ ...onPort, port: mine, deliverersNear: 1 })))).toBe(false);
  });

  it('does not wait with nothing presented, at a closed port, at a port without a lane, off the port cell, or in service', () => {
    const presenting = port({ presented: { binId: 'B-earlier' } });
    const cases: [string, RobotFacts, World][] = [
      ['nothing presented', robot(), world({ ...onPort })],
      ['port closed', robot(), world({ ...onPort, port: port({ presented: { binId: 'B-earlier' }, open: false }) })],
      ['no lane', robot(), world({ ...onPort, port: presenting, hasLane: false })],
      ['off the port cell', robot(), world({ positions: { R1: at(4, 0) }, port: presenting })],
      ['in service', robot({ inService: true }), world({ ...onPort, port: presenting })],
    ];
    for (const [what, r, w] of cases) expect(worthWaitingForTakeBack(r, w.port, 'B-mine', viewOf(w)), what).toBe(false);
  });

  it('ends once its time is up, or once a bin awaits its return (allocation then gives it that bin)', () => {
    const presenting = port({ presented: { binId: 'B-earlier' } });
    expect(nextStep(robot(), job, viewOf(world({ ...onPort, port: presenting, nowMs: 5_000 })))).toEqual({ kind: 'done' });
    expect(nextStep(robot(), job, viewOf(world({ ...onPort, port: port({ presented: { binId: 'B-earlier' }, awaitingReturn: { size: 1 } }) })))).toEqual({ kind: 'done' });
  });
});

describe('staging near a full port', () => {
  it('a robot with a bin for a full port far away drives to the nearest free cell at least stagingMinCells from the port, nearer the lane entry than its exit', () => {
    const w = world({ positions: { R1: at(1, 5) }, port: port({ hasRoom: () => false }) });
    // In breadth-first order from the port: (7, 0), (6, 1) and (5, 2) are 2 away but not nearer the entry.
    expect(stagingStep('R1', w.port, viewOf(w))).toEqual({ kind: 'leg', leg: { goal: at(4, 1) } });
  });

  it('passes over cells held, the goals of other legs, dug columns and blocked cells', () => {
    const w = world({ positions: { R1: at(1, 5) }, port: port({ hasRoom: () => false }), held: new Set([at(3, 0)]), legGoals: new Set([at(4, 1)]), digLocked: new Set([at(3, 1)]), blocked: new Set([at(2, 0)]) });
    const step = stagingStep('R1', w.port, viewOf(w));
    expect(step.kind).toBe('leg');
    const goal = step.kind === 'leg' ? step.leg.goal : -1;
    expect([at(3, 0), at(4, 1), at(3, 1), at(2, 0)]).not.toContain(goal);
    expect(grid.manhattan(goal, PORT)).toBeGreaterThanOrEqual(2);
    expect(grid.manhattan(goal, LANE.entry)).toBeLessThan(grid.manhattan(goal, LANE.exit));
  });

  it('a robot already near the port, on a staging cell, waits where it is; one right by the port does not', () => {
    expect(stagingStep('R1', port(), viewOf(world({ positions: { R1: at(3, 1) } })))).toEqual({ kind: 'wait' });
    expect(stagingStep('R1', port(), viewOf(world({ positions: { R1: at(4, 0) } }))).kind).toBe('leg');
  });

  it('waits where it is when every staging cell is taken', () => {
    const all = new Set(Array.from({ length: grid.cellCount }, (_, i) => i));
    expect(stagingStep('R1', port(), viewOf(world({ positions: { R1: at(1, 5) }, held: all })))).toEqual({ kind: 'wait' });
  });

  it('a retrieval carrying its bin to a full port stages rather than drive to it; to a port with room it drops there, reporting the bin in transit once', () => {
    const retrieval: Job = { kind: 'retrieve', id: 'v1', binId: 'B1', portId: 'P1', requestId: 'q1', priority: 0, queuedAtMs: 0 };
    const carrying = { positions: { R1: at(5, 2) }, locations: { B1: { kind: 'robot', serial: 'R1' } as BinLocation } };
    expect(nextStep(robot(), retrieval, viewOf(world({ ...carrying, port: port({ hasRoom: () => false }) })))).toEqual({ kind: 'leg', leg: { goal: at(4, 1) } });
    const drop = { kind: 'leg', leg: { goal: PORT, action: { type: 'drop', binId: 'B1', x: 5, y: 0, level: 0, portId: 'P1' } } };
    expect(nextStep(robot(), retrieval, viewOf(world(carrying)))).toEqual({ ...drop, report: { stage: 'binInTransit' } });
    expect(nextStep(robot({ reportedTransit: true }), retrieval, viewOf(world(carrying)))).toEqual(drop);
  });
});

describe('dig helpers', () => {
  const positions: Record<string, number> = { A: at(0, 0), B: at(9, 5), C: at(8, 5), D: at(1, 1) };
  const nearest = (column: number, free: readonly string[]) => {
    let best = 0;
    for (let i = 1; i < free.length; i++) if (grid.manhattan(column, positions[free[i]!]!) < grid.manhattan(column, positions[free[best]!]!)) best = i;
    return best;
  };
  const help = (digs: DigUnderway[], free: string[], max: number) => [...digHelpers(digs, free, max, nearest)].map(({ robot, dig }) => `${robot}->${dig.retrievalId}`);

  it('help the deepest retrieval first, each with the nearest free robot, up to the limit per retrieval', () => {
    const digs: DigUnderway[] = [
      { retrievalId: 'shallow', column: at(0, 1), blockers: 2, helpers: 0 },
      { retrievalId: 'deep', column: at(9, 4), blockers: 5, helpers: 0 },
    ];
    expect(help(digs, ['A', 'B', 'C', 'D'], 2)).toEqual(['B->deep', 'C->deep', 'A->shallow', 'D->shallow']);
  });

  it('counts the helpers a retrieval already has, and passes over retrievals with fewer than two bins to lift off', () => {
    const digs: DigUnderway[] = [
      { retrievalId: 'one-left', column: at(0, 0), blockers: 1, helpers: 0 },
      { retrievalId: 'helped', column: at(9, 4), blockers: 4, helpers: 1 },
    ];
    const free = ['A', 'B', 'C'];
    expect(help(digs, free, 2)).toEqual(['B->helped']);
    expect(free).toEqual(['A', 'C']);
  });

  it('a dig helper lifts the top bin once on the column, sets its blocker aside, and stops when fewer than two blockers are left', () => {
    const job: Job = { kind: 'dig', id: 'd1', retrievalId: 'r1', column: at(2, 2), queuedAtMs: 0 };
    const stacks = { '2,2': ['B-bottom', 'B-mid', 'B-top'] };
    expect(nextStep(robot(), job, viewOf(world({ positions: { R1: at(0, 0) }, blockersLeft: 2, stacks })))).toEqual({ kind: 'leg', leg: { goal: at(2, 2) } });
    expect(nextStep(robot(), job, viewOf(world({ positions: { R1: at(2, 2) }, blockersLeft: 2, stacks })))).toEqual({ kind: 'leg', leg: { goal: at(2, 2), action: { type: 'pick', binId: 'B-top', x: 2, y: 2, level: 2 } } });
    expect(nextStep(robot(), job, viewOf(world({ positions: { R1: at(2, 2) }, blockersLeft: 1, stacks })))).toEqual({ kind: 'done' });
    const carrying = world({ positions: { R1: at(2, 2) }, carried: { R1: 'B-top' }, blockerColumn: at(7, 3), stacks: { '7,3': ['X'] } });
    expect(nextStep(robot(), job, viewOf(carrying))).toEqual({ kind: 'leg', leg: { goal: at(7, 3), action: { type: 'drop', binId: 'B-top', x: 7, y: 3, level: 1 } } });
  });
});

describe('a failed drop', () => {
  it('is tried again until maxDropAttempts drops have failed; a failed pick is not', () => {
    expect(afterFailedAction('drop', 0, 3)).toBe('tryAgain');
    expect(afterFailedAction('drop', 1, 3)).toBe('tryAgain');
    expect(afterFailedAction('drop', 2, 3)).toBe('fail');
    expect(afterFailedAction('pick', 0, 3)).toBe('fail');
    expect(afterFailedAction(undefined, 0, 3)).toBe('fail');
  });

  it('is tried again on the column chosen afresh, at that column\'s height, or waits while no column has room', () => {
    const job: Job = { kind: 'return', id: 'ret1', binId: 'B1', queuedAtMs: 0 };
    const carrying = { positions: { R1: at(6, 3) }, carried: { R1: 'B1' }, locations: { B1: { kind: 'robot', serial: 'R1' } as BinLocation } };
    const elsewhere = world({ ...carrying, returnColumn: at(8, 4), stacks: { '8,4': ['X', 'Y'] } });
    expect(nextStep(robot(), job, viewOf(elsewhere))).toEqual({ kind: 'leg', leg: { goal: at(8, 4), action: { type: 'drop', binId: 'B1', x: 8, y: 4, level: 2 } } });
    expect(nextStep(robot(), job, viewOf(world({ ...carrying, returnColumn: undefined })))).toEqual({ kind: 'wait' });
  });
});

describe('bin preparation', () => {
  // The bin B sits under one blocker X in the column at (5, 5), 5 moves from the port.
  const COLUMN = at(5, 5);
  const job: Job = { kind: 'prepare', id: 'prep-1', retrievalId: 'v1', binId: 'B', portId: 'P1', column: COLUMN, queuedAtMs: 0 };
  const buried = { locations: { B: { kind: 'column', x: 5, y: 5, level: 0 }, X: { kind: 'column', x: 5, y: 5, level: 1 } } as Record<string, BinLocation>, stacks: { '5,5': ['B', 'X'] } };

  it('digs the blocker off first, standing on the column to lift whatever is on top', () => {
    expect(nextStep(robot(), job, viewOf(world({ ...buried, positions: { R1: at(0, 5) } })))).toEqual({ kind: 'leg', leg: { goal: COLUMN } });
    expect(nextStep(robot(), job, viewOf(world({ ...buried, positions: { R1: COLUMN } })))).toEqual({ kind: 'leg', leg: { goal: COLUMN, action: { type: 'pick', binId: 'X', x: 5, y: 5, level: 1 } } });
  });

  it('sets a blocker down on a blocker column, and the bin itself near its port', () => {
    const blockerColumn = at(8, 5);
    const preparedColumn = at(2, 1);
    const w = (carried: string) => world({ ...buried, positions: { R1: COLUMN }, carried: { R1: carried }, blockerColumn, preparedColumn });
    expect(nextStep(robot(), job, viewOf(w('X')))).toEqual({ kind: 'leg', leg: { goal: blockerColumn, action: { type: 'drop', binId: 'X', x: 8, y: 5, level: 0 } } });
    expect(nextStep(robot(), job, viewOf(w('B')))).toEqual({ kind: 'leg', leg: { goal: preparedColumn, action: { type: 'drop', binId: 'B', x: 2, y: 1, level: 0 } } });
  });

  it('lifts a bin on top of a far column to move it near the port; one on top near the port is prepared', () => {
    const onTop = { locations: { B: { kind: 'column', x: 5, y: 5, level: 0 } } as Record<string, BinLocation>, stacks: { '5,5': ['B'] } };
    expect(nextStep(robot(), job, viewOf(world({ ...onTop, positions: { R1: COLUMN } })))).toEqual({ kind: 'leg', leg: { goal: COLUMN, action: { type: 'pick', binId: 'B', x: 5, y: 5, level: 0 } } });
    const near = { locations: { B: { kind: 'column', x: 5, y: 2, level: 0 } } as Record<string, BinLocation>, stacks: { '5,2': ['B'] } };
    expect(nextStep(robot(), job, viewOf(world({ ...near, positions: { R1: COLUMN } })))).toEqual({ kind: 'done' });
  });

  it('is done once the bin was set down off its column, wherever that is (never lifted twice)', () => {
    const moved = { locations: { B: { kind: 'column', x: 0, y: 5, level: 0 } } as Record<string, BinLocation>, stacks: { '0,5': ['B'] } };
    expect(nextStep(robot(), job, viewOf(world({ ...moved, positions: { R1: at(0, 5) } })))).toEqual({ kind: 'done' });
  });

  it('stops when the request no longer waits for the bin, or the bin left storage', () => {
    expect(nextStep(robot(), job, viewOf(world({ ...buried, positions: { R1: COLUMN }, visitWaits: false })))).toEqual({ kind: 'done' });
    expect(nextStep(robot(), job, viewOf(world({ locations: { B: { kind: 'robot', serial: 'R2' } }, positions: { R1: COLUMN } })))).toEqual({ kind: 'done' });
  });
});
