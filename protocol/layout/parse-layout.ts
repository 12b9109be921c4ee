import { describeZodIssues, readableErrorMap } from './describe-zod-issues.ts';
import {
  DEFAULT_BIN_HEIGHT_M,
  DEFAULT_BINS_PER_SKU,
  DEFAULT_CELL_SIZE_M,
  DEFAULT_EMPTY_BIN_RATIO,
  type BinPlacement,
  type CellKind,
  type GridCell,
  type GridLayout,
  type InventorySpec,
  type ExternalRobot,
  type RobotStart,
} from './grid-layout.ts';
import { robotSerialNumber } from './robot-start-cells.ts';
import { GRIDLINE_VEHICLE_PROFILE, type VehicleProfile } from '../vda5050/vehicle-profile.ts';
import { layoutFileSchema, type LayoutFile } from './layout-file-schema.ts';

export type ParseLayoutResult = { readonly ok: true; readonly layout: GridLayout } | { readonly ok: false; readonly errors: string[] };

/**
 * Parses and checks a grid layout file. Never throws: every problem becomes one line of
 * `errors`, prefixed with `sourceName` (e.g. the file name) when given, then the path of the
 * offending entry: `default.json: ports[1]: cell (30, 2) is outside the 24 x 16 grid`.
 * Shape errors are reported first; the cross-field rules are checked only on a well-shaped file.
 */
export function parseLayout(text: string, sourceName?: string): ParseLayoutResult {
  const prefix = sourceName ? `${sourceName}: ` : '';
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [`${prefix}not valid JSON: ${(error as Error).message}`] };
  }
  const shaped = layoutFileSchema.safeParse(json, { error: readableErrorMap });
  if (!shaped.success) {
    const errors = describeZodIssues(shaped.error.issues).map((i) => `${prefix}${i.path === '' ? 'layout' : i.path}: ${i.message}`);
    return { ok: false, errors };
  }
  const problems: string[] = [];
  const layout = resolveLayout(shaped.data, problems);
  if (problems.length > 0) return { ok: false, errors: problems.map((p) => prefix + p) };
  return { ok: true, layout };
}

/** Builds the GridLayout, appending one `path: message` line per broken cross-field rule. */
function resolveLayout(file: LayoutFile, problems: string[]): GridLayout {
  const width = file.columns.x;
  const height = file.columns.y;
  const gridText = `${width} x ${height} grid`;
  const inside = (c: GridCell) => c.x < width && c.y < height;
  const outside = (path: string, c: GridCell) => problems.push(`${path}: cell (${c.x}, ${c.y}) is outside the ${gridText}`);

  const cellKinds: CellKind[] = new Array<CellKind>(width * height).fill('storage');
  /** Which entry claimed each cell first, for "no two features on one cell". */
  const claimedBy = new Map<number, string>();
  const claim = (path: string, c: GridCell, kind: CellKind): boolean => {
    if (!inside(c)) {
      outside(path, c);
      return false;
    }
    const index = c.y * width + c.x;
    const owner = claimedBy.get(index);
    if (owner !== undefined) {
      problems.push(`${path}: cell (${c.x}, ${c.y}) is already taken by ${owner}`);
      return false;
    }
    claimedBy.set(index, path);
    cellKinds[index] = kind;
    return true;
  };

  const blocked: GridCell[] = [];
  file.blocked.forEach((entry, i) => {
    const path = `blocked[${i}]`;
    if ('x' in entry) {
      if (claim(path, entry, 'blocked')) blocked.push({ x: entry.x, y: entry.y });
      return;
    }
    let cornersInside = true;
    for (const corner of [entry.from, entry.to]) {
      if (!inside(corner)) {
        outside(path, corner);
        cornersInside = false;
      }
    }
    if (!cornersInside) return;
    for (let y = Math.min(entry.from.y, entry.to.y); y <= Math.max(entry.from.y, entry.to.y); y++) {
      for (let x = Math.min(entry.from.x, entry.to.x); x <= Math.max(entry.from.x, entry.to.x); x++) {
        if (claim(path, { x, y }, 'blocked')) blocked.push({ x, y });
      }
    }
  });
  file.ports.forEach((port, i) => claim(`ports[${i}]`, port, 'port'));
  file.chargers.forEach((charger, i) => claim(`chargers[${i}]`, charger, 'charger'));
  file.service.forEach((cell, i) => claim(`service[${i}]`, cell, 'service'));

  checkUniqueIds('ports', file.ports.map((p) => p.id), problems);
  checkUniqueIds('chargers', file.chargers.map((c) => c.id), problems);

  const kindAt = (c: GridCell) => cellKinds[c.y * width + c.x]!;
  const robotCells = cellKinds.filter((k) => k === 'storage' || k === 'charger').length;
  let placed: RobotStart[] | null = null;
  let robotCount: number;
  if (Array.isArray(file.robots)) {
    placed = file.robots.map((r) => ({ serialNumber: r.serialNumber, x: r.x, y: r.y, ...(r.vehicleType !== undefined ? { vehicleType: r.vehicleType } : {}) }));
    robotCount = placed.length;
    checkUniqueIds('robots', placed.map((r) => r.serialNumber), problems, 'serial number');
    const startedAt = new Map<number, string>();
    placed.forEach((robot, i) => {
      const path = `robots[${i}]`;
      if (!inside(robot)) return outside(path, robot);
      const kind = kindAt(robot);
      if (kind !== 'storage' && kind !== 'charger') {
        problems.push(`${path}: robot ${robot.serialNumber} starts on a ${kind} cell (${robot.x}, ${robot.y}); robots start on storage or charger cells`);
        return;
      }
      const index = robot.y * width + robot.x;
      const other = startedAt.get(index);
      if (other !== undefined) problems.push(`${path}: cell (${robot.x}, ${robot.y}) is already the start cell of ${other}`);
      else startedAt.set(index, path);
    });
  } else {
    robotCount = file.robots.count;
  }
  if (robotCount > robotCells) {
    problems.push(`robots: ${robotCount} robots do not fit on the ${robotCells} storage and charger cells`);
  }
  const vehicleTypes = resolveVehicleTypes(file.vehicleTypes);
  const external = file.externalRobots.map((r) => ({ serialNumber: r.serialNumber, ...(r.vehicleType !== undefined ? { vehicleType: r.vehicleType } : {}) }));
  const countVehicleType = Array.isArray(file.robots) ? undefined : file.robots.vehicleType;
  checkFleet(placed, robotCount, external, countVehicleType, vehicleTypes, problems);

  const storageCells = cellKinds.filter((k) => k === 'storage').length;
  let inventory: InventorySpec;
  if ('generator' in file.inventory) {
    const g = file.inventory.generator;
    inventory = {
      kind: 'generator',
      generator: {
        seed: g.seed,
        fillRatio: g.fillRatio,
        skuCount: g.skuCount,
        binsPerSku: g.binsPerSku ?? DEFAULT_BINS_PER_SKU,
        emptyBinRatio: g.emptyBinRatio ?? DEFAULT_EMPTY_BIN_RATIO,
      },
    };
    if (g.fillRatio > 0 && storageCells === 0) problems.push('inventory.generator.fillRatio: the grid has no storage cells to fill');
  } else {
    const bins: BinPlacement[] = file.inventory.bins.map((b) => ({
      binId: b.id,
      x: b.x,
      y: b.y,
      level: b.level,
      contents: b.contents.map((c) => ({ sku: c.sku, quantity: c.quantity })),
    }));
    checkBins(bins, file.depth, inside, kindAt, gridText, problems);
    inventory = { kind: 'bins', bins };
  }

  return {
    name: file.name,
    columns: { x: width, y: height },
    depth: file.depth,
    cellSizeM: file.cellSizeM ?? { ...DEFAULT_CELL_SIZE_M },
    binHeightM: file.binHeightM ?? DEFAULT_BIN_HEIGHT_M,
    cellKinds,
    blocked,
    ports: file.ports.map((p) => ({ id: p.id, x: p.x, y: p.y, mode: p.mode })),
    chargers: file.chargers.map((c) => ({ id: c.id, x: c.x, y: c.y })),
    service: file.service.map((c) => ({ x: c.x, y: c.y })),
    robots: { count: robotCount, placed, external, ...(countVehicleType !== undefined ? { vehicleType: countVehicleType } : {}) },
    vehicleTypes,
    inventory,
  };
}

/** Vehicle types with Gridline's own values for every field the file leaves out. */
function resolveVehicleTypes(types: LayoutFile['vehicleTypes']): Record<string, VehicleProfile> {
  const resolved: Record<string, VehicleProfile> = {};
  for (const [name, t] of Object.entries(types)) {
    const own = GRIDLINE_VEHICLE_PROFILE;
    const stationType = t.stationType === undefined ? own.stationType : typeof t.stationType === 'string' ? { column: t.stationType, port: t.stationType } : t.stationType;
    resolved[name] = {
      stationType,
      loadType: t.loadType ?? own.loadType,
      identifiesLoads: t.identifiesLoads ?? own.identifiesLoads,
      legacyInstantActions: t.legacyInstantActions ?? own.legacyInstantActions,
    };
  }
  return resolved;
}

/**
 * Serial numbers are unique over the whole fleet (started and external robots), and every
 * vehicle type named is defined.
 */
function checkFleet(
  placed: readonly RobotStart[] | null,
  count: number,
  external: readonly ExternalRobot[],
  countVehicleType: string | undefined,
  vehicleTypes: Readonly<Record<string, VehicleProfile>>,
  problems: string[],
): void {
  const started = placed ? placed.map((r) => r.serialNumber) : Array.from({ length: count }, (_, i) => robotSerialNumber(i + 1));
  const startedSet = new Set(started);
  checkUniqueIds('externalRobots', external.map((r) => r.serialNumber), problems, 'serial number');
  external.forEach((robot, i) => {
    if (startedSet.has(robot.serialNumber)) problems.push(`externalRobots[${i}]: serial number "${robot.serialNumber}" is already a robot of "robots"`);
  });
  const known = Object.keys(vehicleTypes);
  const checkType = (path: string, type: string | undefined) => {
    if (type !== undefined && !Object.hasOwn(vehicleTypes, type)) {
      problems.push(`${path}.vehicleType: "${type}" is not defined in vehicleTypes${known.length > 0 ? ` (defined: ${known.join(', ')})` : ''}`);
    }
  };
  checkType('robots', countVehicleType);
  placed?.forEach((robot, i) => checkType(`robots[${i}]`, robot.vehicleType));
  external.forEach((robot, i) => checkType(`externalRobots[${i}]`, robot.vehicleType));
}

function checkUniqueIds(list: string, ids: readonly string[], problems: string[], what = 'id'): void {
  const firstIndex = new Map<string, number>();
  ids.forEach((id, i) => {
    const first = firstIndex.get(id);
    if (first !== undefined) problems.push(`${list}[${i}]: ${what} "${id}" is already used by ${list}[${first}]`);
    else firstIndex.set(id, i);
  });
}

/** Explicit bins: unique ids, on storage cells, levels per column contiguous from 0 and < depth. */
function checkBins(
  bins: readonly BinPlacement[],
  depth: number,
  inside: (c: GridCell) => boolean,
  kindAt: (c: GridCell) => CellKind,
  gridText: string,
  problems: string[],
): void {
  checkUniqueIds('inventory.bins', bins.map((b) => b.binId), problems);
  const levelsByColumn = new Map<string, { cell: GridCell; levels: Map<number, number> }>();
  bins.forEach((bin, i) => {
    const path = `inventory.bins[${i}]`;
    if (!inside(bin)) {
      problems.push(`${path}: cell (${bin.x}, ${bin.y}) is outside the ${gridText}`);
      return;
    }
    const kind = kindAt(bin);
    if (kind !== 'storage') {
      problems.push(`${path}: bin ${bin.binId} is on a ${kind} cell (${bin.x}, ${bin.y}); bins are stored only on storage cells`);
      return;
    }
    if (bin.level >= depth) {
      problems.push(`${path}: level ${bin.level} is not below the depth ${depth}`);
      return;
    }
    const key = `${bin.x},${bin.y}`;
    const column = levelsByColumn.get(key) ?? { cell: bin, levels: new Map<number, number>() };
    levelsByColumn.set(key, column);
    const other = column.levels.get(bin.level);
    if (other !== undefined) problems.push(`${path}: level ${bin.level} of column (${bin.x}, ${bin.y}) is already taken by inventory.bins[${other}]`);
    else column.levels.set(bin.level, i);
  });
  for (const { cell, levels } of levelsByColumn.values()) {
    const top = Math.max(...levels.keys());
    const missing: number[] = [];
    for (let level = 0; level < top; level++) if (!levels.has(level)) missing.push(level);
    if (missing.length > 0) {
      problems.push(
        `inventory.bins: column (${cell.x}, ${cell.y}) has a bin at level ${top} but none at level ${missing.join(', ')}; levels must be contiguous from 0 (the bottom)`,
      );
    }
  }
}
