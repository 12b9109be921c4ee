import { describe, expect, it } from 'vitest';
import { checkLoads } from './load-check.ts';
import { checkMotion, judgeStatePosition } from './motion-check.ts';

// VDA 5050 2.0.0 §6.8.2 pick/drop FINISHED: the vehicle reports its new load state; §6.10.6 loads.
describe('checkLoads', () => {
  it('passes a pick that shows the bin, and a drop that shows no load', () => {
    expect(checkLoads('pick', 'B1', [{ loadId: 'B1', loadType: 'gridBin' }], true)).toEqual({ ok: true, identityVerified: true });
    expect(checkLoads('drop', 'B1', [], true)).toEqual({ ok: true, identityVerified: true });
  });

  it('refuses a pick that shows another bin, none, or no load state at all', () => {
    expect(checkLoads('pick', 'B1', [{ loadId: 'B7' }], true)).toEqual({ ok: false, problem: 'reports load B7 after picking bin B1' });
    expect(checkLoads('pick', 'B1', [], true)).toEqual({ ok: false, problem: 'reports no load after picking bin B1' });
    expect(checkLoads('pick', 'B1', undefined, true)).toEqual({ ok: false, problem: 'reports no load state after picking bin B1, so the pick cannot be checked' });
    expect(checkLoads('drop', 'B1', [{ loadId: 'B1' }], true)).toEqual({ ok: false, problem: 'still reports load B1 after dropping bin B1' });
  });

  it('checks only presence for a vehicle that cannot read bin ids, and says the identity is unverified', () => {
    expect(checkLoads('pick', 'B1', [{ loadId: 'RFID_42' }], false)).toEqual({ ok: true, identityVerified: false });
    expect(checkLoads('pick', 'B1', [], false)).toEqual({ ok: false, problem: 'reports no load after picking bin B1' });
    expect(checkLoads('pick', 'B1', [{}, {}], false)).toEqual({ ok: false, problem: 'reports 2 loads after picking bin B1' });
    expect(checkLoads('drop', 'B1', [], false)).toEqual({ ok: true, identityVerified: false });
  });
});

describe('checkMotion', () => {
  const base = { maxSpeedMps: 3, cellSizeM: { x: 0.7, y: 0.5 }, nowMs: 10_000, slackMs: 1_000 };
  const held = [{ x: 1, y: 1 }, { x: 2, y: 1 }, { x: 3, y: 1 }];

  it('believes a position inside its cells, reached within its top speed', () => {
    expect(checkMotion({ ...base, reportedCell: { x: 3, y: 1 }, heldCells: held, previous: { x: 1, y: 1, atMs: 9_500 } })).toBeUndefined();
    expect(checkMotion({ ...base, reportedCell: { x: 1, y: 1 }, heldCells: held, previous: undefined })).toBeUndefined();
  });

  it('does not believe a position outside the cells held for it', () => {
    expect(checkMotion({ ...base, reportedCell: { x: 9, y: 9 }, heldCells: held, previous: undefined })).toBe('reports standing on (9, 9), outside the cells held for it ((1, 1) (2, 1) (3, 1))');
  });

  it('does not believe a jump faster than its top speed, even inside its cells', () => {
    const long = Array.from({ length: 20 }, (_, x) => ({ x, y: 1 }));
    expect(checkMotion({ ...base, reportedCell: { x: 19, y: 1 }, heldCells: long, previous: { x: 0, y: 1, atMs: 9_800 } })).toBe(
      'reports (19, 1), 13.3 m from (0, 1) 0.2 s after it was there: faster than its 3 m/s',
    );
  });
});

describe('judgeStatePosition', () => {
  const input = {
    inside: (x: number, y: number) => x >= 0 && y >= 0 && x < 8 && y < 4,
    mapId: 'grid',
    heldCells: [{ x: 1, y: 1 }, { x: 2, y: 1 }],
    previous: { x: 1, y: 1, atMs: 9_000 },
    nowMs: 10_000,
    maxSpeedMps: 3,
    cellSizeM: { x: 0.7, y: 0.5 },
    slackMs: 1_000,
  };

  it('believes its last node and its position between two held cells', () => {
    const state = { lastNodeId: 'c1_1', agvPosition: { x: 1.1, y: 0.5, theta: 0, mapId: 'grid', positionInitialized: true } };
    expect(judgeStatePosition({ ...input, state })).toEqual({ ok: true, cell: { x: 1, y: 1 } });
  });

  it('does not believe a last node off the grid, nor a position outside its cells; a position on another map is not compared', () => {
    expect(judgeStatePosition({ ...input, state: { lastNodeId: 'dock' } })).toEqual({ ok: false, problem: 'reports its last node as "dock", not a cell of the grid' });
    const far = { lastNodeId: 'c1_1', agvPosition: { x: 4.2, y: 1.5, theta: 0, mapId: 'grid', positionInitialized: true } };
    expect(judgeStatePosition({ ...input, state: far })).toEqual({ ok: false, problem: 'its position reports standing on (6, 3), outside the cells held for it ((1, 1) (2, 1))' });
    expect(judgeStatePosition({ ...input, state: { ...far, agvPosition: { ...far.agvPosition, mapId: 'hall' } } }).ok).toBe(true);
  });
});
