/**
 * Who belongs to a layout's fleet and what each robot is: the robots the facility starts
 * (a count or a placed list) and the external ones, and each one's vehicle profile.
 */
import { GRIDLINE_VEHICLE_PROFILE, type VehicleProfile } from '../vda5050/vehicle-profile.ts';
import type { ExternalRobot, GridLayout } from './grid-layout.ts';
import { robotSerialNumber } from './robot-start-cells.ts';

/** Serial numbers of the robots the facility starts: the placed list, or R001… for a count. */
export function startedSerials(layout: Pick<GridLayout, 'robots'>): string[] {
  const robots = layout.robots;
  return robots.placed ? robots.placed.map((r) => r.serialNumber) : Array.from({ length: robots.count }, (_, i) => robotSerialNumber(i + 1));
}

/** Every robot of the fleet, started ones first, then external ones, in layout order. */
export function fleetSerials(layout: Pick<GridLayout, 'robots'>): string[] {
  return [...startedSerials(layout), ...layout.robots.external.map((r) => r.serialNumber)];
}

/** The vehicle profile of a robot of the fleet: its vehicle type's, else Gridline's own. */
export function vehicleProfileOf(layout: Pick<GridLayout, 'robots' | 'vehicleTypes'>, serial: string): VehicleProfile {
  const robots = layout.robots;
  const type =
    robots.external.find((r) => r.serialNumber === serial)?.vehicleType ??
    (robots.placed ? robots.placed.find((r) => r.serialNumber === serial)?.vehicleType : robots.vehicleType);
  return type !== undefined && Object.hasOwn(layout.vehicleTypes, type) ? layout.vehicleTypes[type]! : GRIDLINE_VEHICLE_PROFILE;
}

/** The layout with `count` counted robots instead of its own (the `--robots` option); external robots stay. */
export function withRobotCount(layout: GridLayout, count: number): GridLayout {
  const { vehicleType, external } = layout.robots;
  return { ...layout, robots: { count, placed: null, external, ...(vehicleType !== undefined ? { vehicleType } : {}) } };
}

/**
 * The layout with these robots added as external ones (the `--external-robots` option); one
 * the layout lists as external already is left as it is. Throws a RangeError for a serial
 * number of a robot the facility starts (start fewer with `--robots` instead).
 */
export function withExternalRobots(layout: GridLayout, serials: readonly string[]): GridLayout {
  const started = new Set(startedSerials(layout));
  const clash = serials.filter((s) => started.has(s));
  if (clash.length > 0) throw new RangeError(`robots ${clash.join(', ')} are started with the facility; an external robot needs a serial number of its own`);
  const external: ExternalRobot[] = [...layout.robots.external];
  for (const serial of serials) if (!external.some((r) => r.serialNumber === serial)) external.push({ serialNumber: serial });
  return { ...layout, robots: { ...layout.robots, external } };
}
