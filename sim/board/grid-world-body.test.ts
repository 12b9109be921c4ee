import { describe, expect, it } from 'vitest';
import { RESULT_CODES, type SerialMessage } from '../../protocol/serial/messages.ts';
import { defaultKinematics } from '../kinematics/robot-kinematics.ts';
import { GridWorld } from '../world/grid-world.ts';
import { negotiatedRig, type Rig } from './board-host.test-support.ts';
import { gridWorldBody } from './grid-world-body.ts';

const k = defaultKinematics();
const BIN_MM = k.binHeightM * 1000;
const DEPTH = 4;
const ROBOT = 'r1';

function setup(): { world: GridWorld; rig: Rig; refusals: string[] } {
  const world = new GridWorld({
    columnsX: 6,
    columnsY: 3,
    depth: DEPTH,
    portCells: [{ x: 5, y: 1 }],
    blockedCells: [{ x: 2, y: 2 }],
    placements: [
      { binId: 'b0', x: 3, y: 0, level: 0 },
      { binId: 'b1', x: 3, y: 0, level: 1 },
    ],
  });
  world.addRobot(ROBOT, { x: 0, y: 0 });
  const refusals: string[] = [];
  const body = gridWorldBody(world, ROBOT, { kinematics: k, onRefused: (reason) => refusals.push(reason) });
  const rig = negotiatedRig({ body, gridDepth: DEPTH, kinematics: k });
  return { world, rig, refusals };
}

/** Sends a command, runs the clock until it is done, returns its done code. */
function run(rig: Rig, message: SerialMessage, maxMs = 20_000): number | undefined {
  const sequence = rig.host.send(message);
  rig.clock.advance(maxMs);
  expect(rig.host.acks.get(sequence)).toBe(RESULT_CODES.ok);
  return rig.host.donesFor(sequence)[0]?.message.code;
}

const driveX = (cells: number, direction: 1 | -1 = 1): SerialMessage => ({ kind: 'drive', axis: 0, direction, cells, maxSpeedMmps: 3100, accelerationMmps2: 2000 });

describe('gridWorldBody', () => {
  it('the world robot follows the drive cell by cell, in two cells while between them', () => {
    const { world, rig } = setup();
    rig.host.send(driveX(3));
    rig.clock.advance(500);
    expect(world.occupiedCells(ROBOT)).toEqual([
      { x: 0, y: 0 },
      { x: 1, y: 0 },
    ]);
    rig.clock.advance(1000);
    expect(world.occupiedCells(ROBOT)).toHaveLength(2);
    expect(world.occupiedCells(ROBOT)[0]).toEqual({ x: rig.board.position().x, y: 0 });
    rig.clock.advance(5000);
    expect(world.occupiedCells(ROBOT)).toEqual([{ x: 3, y: 0 }]);
  });

  it('a drive into a blocked cell or off the grid stalls at the last good cell', () => {
    const { world, rig, refusals } = setup();
    expect(run(rig, driveX(4))).toBe(RESULT_CODES.ok);
    expect(run(rig, driveX(3))).toBe(RESULT_CODES.motorStall); // x = 6 is off the grid
    expect(rig.host.of('fault').map((f) => [f.message.code, f.message.detail])).toEqual([[RESULT_CODES.motorStall, 1]]);
    expect(rig.board.position()).toMatchObject({ x: 5, offsetMm: 0 });
    expect(world.occupiedCells(ROBOT)).toEqual([{ x: 5, y: 0 }]);
    expect(refusals).toEqual(['cell (6, 0) is not drivable']);
  });

  it('picks the top bin of a column at its depth and sets it down on another column', () => {
    const { world, rig } = setup();
    expect(run(rig, driveX(3))).toBe(RESULT_CODES.ok);
    // b1 stands at level 1 of a 4-deep grid: 3 bin heights down.
    expect(run(rig, { kind: 'lift', depthMm: (DEPTH - 1) * BIN_MM })).toBe(RESULT_CODES.ok);
    expect(run(rig, { kind: 'grip', close: 1 })).toBe(RESULT_CODES.ok);
    expect(run(rig, { kind: 'lift', depthMm: 0 })).toBe(RESULT_CODES.ok);
    expect(world.heldBin(ROBOT)).toBe('b1');
    expect(world.stackAt(3, 0)).toEqual(['b0']);
    expect(rig.board.flags().gripClosed).toBe(true);

    expect(run(rig, driveX(1))).toBe(RESULT_CODES.ok);
    // An empty column: the bin lands at level 0, 4 bin heights down.
    expect(run(rig, { kind: 'lift', depthMm: DEPTH * BIN_MM })).toBe(RESULT_CODES.ok);
    expect(run(rig, { kind: 'grip', close: 0 })).toBe(RESULT_CODES.ok);
    expect(world.stackAt(4, 0)).toEqual(['b1']);
    expect(world.heldBin(ROBOT)).toBeUndefined();
    expect(rig.board.flags().gripClosed).toBe(false);
    expect(world.binConservationViolations()).toEqual([]);
  });

  it('a grip with nothing to take, or at the wrong depth, ends done outOfRange and changes nothing', () => {
    const { world, rig, refusals } = setup();
    expect(run(rig, { kind: 'grip', close: 1 })).toBe(RESULT_CODES.outOfRange); // (0, 0) is empty
    expect(run(rig, driveX(3))).toBe(RESULT_CODES.ok);
    expect(run(rig, { kind: 'lift', depthMm: DEPTH * BIN_MM })).toBe(RESULT_CODES.ok); // b0's depth, under b1
    expect(run(rig, { kind: 'grip', close: 1 })).toBe(RESULT_CODES.outOfRange);
    expect(run(rig, { kind: 'grip', close: 0 })).toBe(RESULT_CODES.outOfRange); // holds nothing
    expect(world.stackAt(3, 0)).toEqual(['b0', 'b1']);
    expect(rig.board.flags().gripClosed).toBe(false);
    expect(refusals).toHaveLength(3);
  });

  it('takes a bin out of a port and puts it back, at the port depth', () => {
    const { world, rig } = setup();
    world.restorePortBin({ x: 5, y: 1 }, 'p1');
    expect(run(rig, driveX(5))).toBe(RESULT_CODES.ok);
    expect(run(rig, { kind: 'wheelChange', axis: 1 })).toBe(RESULT_CODES.ok);
    expect(run(rig, { kind: 'drive', axis: 1, direction: 1, cells: 1, maxSpeedMmps: 3100, accelerationMmps2: 2000 })).toBe(RESULT_CODES.ok);
    expect(world.occupiedCells(ROBOT)).toEqual([{ x: 5, y: 1 }]);
    const portDepthMm = Math.round(DEPTH * BIN_MM + k.portDropSeconds * k.liftSpeedMps * 1000);
    expect(run(rig, { kind: 'lift', depthMm: portDepthMm })).toBe(RESULT_CODES.ok);
    expect(run(rig, { kind: 'grip', close: 1 })).toBe(RESULT_CODES.ok);
    expect(world.portBins(5, 1)).toEqual([]);
    expect(world.heldBin(ROBOT)).toBe('p1');
    expect(run(rig, { kind: 'grip', close: 0 })).toBe(RESULT_CODES.ok);
    expect(world.portBins(5, 1)).toEqual(['p1']);
  });

  it('after an emergency stop between cells, a drive back returns the world robot to its cell', () => {
    const { world, rig } = setup();
    rig.host.send(driveX(3));
    rig.clock.advance(1000); // 300 mm past cell 1
    rig.host.send({ kind: 'emergencyStop' });
    rig.clock.advance(100);
    expect(rig.board.position()).toMatchObject({ x: 1, offsetMm: 300 });
    expect(world.occupiedCells(ROBOT)).toEqual([
      { x: 1, y: 0 },
      { x: 2, y: 0 },
    ]);
    rig.host.send({ kind: 'releaseEmergencyStop' });
    rig.clock.advance(10);
    expect(run(rig, driveX(1, -1))).toBe(RESULT_CODES.ok);
    expect(rig.board.position()).toMatchObject({ x: 0, offsetMm: 0 });
    expect(world.occupiedCells(ROBOT)).toEqual([{ x: 0, y: 0 }]);
  });

  it('after an emergency stop between cells, a drive on continues into the same cell', () => {
    const { world, rig } = setup();
    rig.host.send(driveX(3));
    rig.clock.advance(1000);
    rig.host.send({ kind: 'emergencyStop' });
    rig.host.send({ kind: 'releaseEmergencyStop' });
    rig.clock.advance(10);
    expect(run(rig, driveX(2))).toBe(RESULT_CODES.ok);
    expect(world.occupiedCells(ROBOT)).toEqual([{ x: 3, y: 0 }]);
  });
});
