import { describe, expect, it } from 'vitest';
import { GRIDLINE_VEHICLE_PROFILE } from '../vda5050/vehicle-profile.ts';
import { fleetSerials, startedSerials, vehicleProfileOf, withExternalRobots, withRobotCount } from './fleet.ts';
import { parseLayout } from './parse-layout.ts';
import type { GridLayout } from './grid-layout.ts';

function layout(overrides: Record<string, unknown>): GridLayout {
  const result = parseLayout(
    JSON.stringify({ name: 'fleet', columns: { x: 6, y: 4 }, depth: 3, robots: { count: 2 }, inventory: { bins: [] }, ...overrides }),
    'fleet.json',
  );
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.layout;
}

function errorsOf(overrides: Record<string, unknown>): string[] {
  const result = parseLayout(JSON.stringify({ name: 'fleet', columns: { x: 6, y: 4 }, depth: 3, inventory: { bins: [] }, ...overrides }), 'fleet.json');
  if (result.ok) throw new Error('expected the layout to be rejected');
  return result.errors;
}

const LIB = { stationType: 'floor', loadType: 'EPAL', identifiesLoads: false, legacyInstantActions: false };

describe('the fleet of a layout', () => {
  it('is the robots the facility starts, then the external ones', () => {
    const l = layout({ externalRobots: [{ serialNumber: 'R013', vehicleType: 'lib' }, { serialNumber: 'AGV-7' }], vehicleTypes: { lib: LIB } });
    expect(startedSerials(l)).toEqual(['R001', 'R002']);
    expect(fleetSerials(l)).toEqual(['R001', 'R002', 'R013', 'AGV-7']);
  });

  it("gives each robot its vehicle type's profile, with Gridline's own values for what the type leaves out", () => {
    const l = layout({
      robots: [{ serialNumber: 'A', x: 1, y: 1, vehicleType: 'half' }, { serialNumber: 'B', x: 2, y: 1 }],
      externalRobots: [{ serialNumber: 'R013', vehicleType: 'lib' }],
      vehicleTypes: { lib: LIB, half: { loadType: 'tote' } },
    });
    expect(vehicleProfileOf(l, 'R013')).toEqual({ stationType: { column: 'floor', port: 'floor' }, loadType: 'EPAL', identifiesLoads: false, legacyInstantActions: false });
    expect(vehicleProfileOf(l, 'A')).toEqual({ ...GRIDLINE_VEHICLE_PROFILE, loadType: 'tote' });
    expect(vehicleProfileOf(l, 'B')).toEqual(GRIDLINE_VEHICLE_PROFILE);
  });

  it('gives counted robots the vehicle type of the count', () => {
    const l = layout({ robots: { count: 1, vehicleType: 'lib' }, vehicleTypes: { lib: { stationType: { column: 'rack', port: 'conveyor' } } } });
    expect(vehicleProfileOf(l, 'R001').stationType).toEqual({ column: 'rack', port: 'conveyor' });
  });

  it('refuses a serial number used twice over started and external robots, and an undefined vehicle type', () => {
    expect(errorsOf({ robots: { count: 2 }, externalRobots: [{ serialNumber: 'R002' }, { serialNumber: 'X' }, { serialNumber: 'X', vehicleType: 'nope' }] })).toEqual([
      'fleet.json: externalRobots[2]: serial number "X" is already used by externalRobots[1]',
      'fleet.json: externalRobots[0]: serial number "R002" is already a robot of "robots"',
      'fleet.json: externalRobots[2].vehicleType: "nope" is not defined in vehicleTypes',
    ]);
  });

  it('refuses a misspelt vehicle type field', () => {
    expect(errorsOf({ vehicleTypes: { lib: { loadTyp: 'EPAL' } } })[0]).toMatch(/vehicleTypes\.lib/);
  });

  it('keeps external robots when the count changes, and adds external robots by serial number', () => {
    const l = layout({ externalRobots: [{ serialNumber: 'R013' }] });
    expect(fleetSerials(withRobotCount(l, 3))).toEqual(['R001', 'R002', 'R003', 'R013']);
    expect(fleetSerials(withExternalRobots(l, ['R013', 'R014']))).toEqual(['R001', 'R002', 'R013', 'R014']);
    expect(() => withExternalRobots(l, ['R002'])).toThrow(/R002 are started with the facility/);
  });
});
