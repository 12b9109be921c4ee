import { describe, expect, it } from 'vitest';
import { dropAction, GRIDLINE_VEHICLE_PROFILE, pickAction, readBinAction, type VehicleProfile } from './vehicle-profile.ts';

// VDA 5050 2.0.0 §6.8.1 (predefined actions): pick requires stationType and loadType; loadId,
// stationName and height are optional standard parameters; more may be added.
const LIB_PROFILE: VehicleProfile = { stationType: { column: 'floor', port: 'floor' }, loadType: 'EPAL', identifiesLoads: false, legacyInstantActions: false };

describe('pick and drop as Gridline sends them', () => {
  it('carry the standard parameters, the bin as loadId, and the grid details as extras', () => {
    expect(pickAction('a1', { loadId: 'BIN-1', x: 3, y: 4, level: 7 }, GRIDLINE_VEHICLE_PROFILE, 0.33)).toEqual({
      actionType: 'pick',
      actionId: 'a1',
      blockingType: 'HARD',
      actionParameters: [
        { key: 'stationType', value: 'gridColumn' },
        { key: 'loadType', value: 'gridBin' },
        { key: 'loadId', value: 'BIN-1' },
        { key: 'height', value: 2.31 },
        { key: 'x', value: 3 },
        { key: 'y', value: 4 },
        { key: 'level', value: 7 },
      ],
    });
  });

  it("name the port as stationName with the port's stationType, at level 0", () => {
    const drop = dropAction('d1', { loadId: 'BIN-1', x: 4, y: 0, level: 0, portId: 'P1' }, LIB_PROFILE, 0.33);
    expect(drop.actionParameters?.slice(0, 4)).toEqual([
      { key: 'stationType', value: 'floor' },
      { key: 'stationName', value: 'P1' },
      { key: 'loadType', value: 'EPAL' },
      { key: 'loadId', value: 'BIN-1' },
    ]);
  });

  it('take the values of the vehicle type they are built for', () => {
    const pick = pickAction('p', { loadId: 'B', x: 0, y: 0, level: 0 }, LIB_PROFILE);
    expect(pick.actionParameters?.find((p) => p.key === 'stationType')?.value).toBe('floor');
    expect(pick.actionParameters?.find((p) => p.key === 'loadType')?.value).toBe('EPAL');
  });

  it('refuse to build parameters no grid has (a programming mistake)', () => {
    expect(() => pickAction('a', { loadId: 'b', x: 0, y: 0, level: -1 })).toThrow(/level/);
    expect(() => dropAction('a', { loadId: 'b', x: 0, y: 0, level: 2, portId: 'P1' })).toThrow(/level must be 0 at a port/);
    expect(() => pickAction('a', { loadId: '', x: 0, y: 0, level: 0 })).toThrow(/loadId/);
  });
});

describe('pick and drop as a Gridline vehicle reads them', () => {
  it('reads back what was built', () => {
    const read = readBinAction(dropAction('d', { loadId: 'BIN-9', x: 7, y: 0, level: 0, portId: 'P2' }));
    expect(read).toEqual({ ok: true, value: { loadId: 'BIN-9', x: 7, y: 0, level: 0, stationType: 'gridPort', stationName: 'P2', loadType: 'gridBin' } });
  });

  it('reports missing or mistyped parameters by name', () => {
    const result = readBinAction({
      actionType: 'pick',
      actionParameters: [
        { key: 'x', value: '3' },
        { key: 'y', value: 1 },
        { key: 'level', value: -1 },
      ],
    });
    expect(result).toEqual({
      ok: false,
      errors: [
        'actionParameters.loadId: expected a non-empty string',
        'actionParameters.stationType: expected a non-empty string',
        'actionParameters.loadType: expected a non-empty string',
        'actionParameters.x: expected an integer',
        'actionParameters.level: expected an integer >= 0',
      ],
    });
  });

  it('refuses station and load types of another vehicle type', () => {
    const result = readBinAction(pickAction('p', { loadId: 'B', x: 0, y: 0, level: 0 }, LIB_PROFILE));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toEqual([
        "actionParameters.stationType: 'floor' is not handled by this vehicle (it handles 'gridColumn', 'gridPort')",
        "actionParameters.loadType: 'EPAL' is not handled by this vehicle (it handles 'gridBin')",
      ]);
    }
  });

  it('rejects other action types', () => {
    expect(readBinAction({ actionType: 'startPause' })).toEqual({ ok: false, errors: ["actionType: expected 'pick' or 'drop', got 'startPause'"] });
  });
});
