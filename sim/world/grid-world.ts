/**
 * The physical truth of a simulated grid: where each robot is, which bins stand in each
 * column (bottom first), which bins wait at each port and which bin each robot holds.
 * Robots ask it whether a pick or drop is physically possible; the answer is data
 * (`{ ok: false, reason }`), never an exception, because a wrong command from the controller
 * is a fault to report, not a programming mistake here. Setup mistakes (a bin placed twice,
 * a robot added twice) do throw.
 */

import { isInsideGrid, type GridLayout } from '../../protocol/layout/grid-layout.ts';
import type { GridCell } from '../../protocol/vda5050/grid-nodes.ts';

export type { GridCell } from '../../protocol/vda5050/grid-nodes.ts';

/** A bin standing in a column; `level` 0 is the bottom of the stack. */
export interface BinPlacement {
  binId: string;
  x: number;
  y: number;
  level: number;
}

export interface GridWorldOptions {
  /** Columns along x: cells have 0 <= x < columnsX. */
  columnsX: number;
  /** Columns along y: cells have 0 <= y < columnsY. */
  columnsY: number;
  /** Most bins one column holds. */
  depth: number;
  /** Cells where a robot lowers a bin into a port; no stack stands there. */
  portCells?: readonly GridCell[];
  /** Bins one port holds at once. */
  portCapacity?: number;
  /** Cells where a robot can charge; no stack stands there. */
  chargerCells?: readonly GridCell[];
  /** Pillars and voids: no robot may enter, no bin stands there. */
  blockedCells?: readonly GridCell[];
  /** Bins standing in columns at the start. Levels of a column must be 0, 1, 2, … */
  placements?: readonly BinPlacement[];
}

export type CellKind = 'storage' | 'port' | 'charger' | 'blocked';

export type PhysicalResult = { ok: true } | { ok: false; reason: string };

export type BinLocation =
  | { kind: 'column'; x: number; y: number; level: number }
  | { kind: 'port'; x: number; y: number; index: number }
  | { kind: 'robot'; serialNumber: string };

/** Two or more robots in one cell at the same time (DESIGN §5, invariant 1). */
export interface OccupancyViolation {
  x: number;
  y: number;
  serialNumbers: string[];
}

/** What a pick or drop names: the bin and where it is (or goes). */
export type BinHandling = BinPlacement;

interface RobotBody {
  at: GridCell;
  /** Set while driving from `at` to `movingTo`: the robot occupies both cells. */
  movingTo: GridCell | undefined;
  heldBinId: string | undefined;
}

const DEFAULT_PORT_CAPACITY = 1; // bins

export function cellKey(x: number, y: number): string {
  return `${x},${y}`;
}

export class GridWorld {
  readonly columnsX: number;
  readonly columnsY: number;
  readonly depth: number;
  readonly portCapacity: number;
  /** The grid's extent in the shape `isInsideGrid` reads. */
  private readonly extent: Pick<GridLayout, 'columns'>;
  private readonly kinds = new Map<string, CellKind>();
  private readonly stacks = new Map<string, string[]>();
  private readonly ports = new Map<string, string[]>();
  private readonly robots = new Map<string, RobotBody>();

  constructor(options: GridWorldOptions) {
    if (!(options.columnsX > 0 && options.columnsY > 0 && options.depth > 0)) {
      throw new RangeError(`grid needs positive columnsX, columnsY and depth, got ${options.columnsX}×${options.columnsY}×${options.depth}`);
    }
    this.columnsX = options.columnsX;
    this.columnsY = options.columnsY;
    this.depth = options.depth;
    this.extent = { columns: { x: options.columnsX, y: options.columnsY } };
    this.portCapacity = options.portCapacity ?? DEFAULT_PORT_CAPACITY;
    const mark = (cells: readonly GridCell[] | undefined, kind: CellKind) => {
      for (const { x, y } of cells ?? []) {
        if (!isInsideGrid(this.extent, x, y)) throw new RangeError(`${kind} cell (${x}, ${y}) is outside the grid`);
        this.kinds.set(cellKey(x, y), kind);
      }
    };
    mark(options.blockedCells, 'blocked');
    mark(options.chargerCells, 'charger');
    mark(options.portCells, 'port');
    for (const { x, y } of options.portCells ?? []) this.ports.set(cellKey(x, y), []);
    this.placeBins(options.placements ?? []);
  }

  /** Kind of an inside cell; undefined outside the grid. */
  cellKind(x: number, y: number): CellKind | undefined {
    if (!isInsideGrid(this.extent, x, y)) return undefined;
    return this.kinds.get(cellKey(x, y)) ?? 'storage';
  }

  /** True where a robot may drive: inside the grid and not blocked. */
  isDrivable(x: number, y: number): boolean {
    const kind = this.cellKind(x, y);
    return kind !== undefined && kind !== 'blocked';
  }

  /** Bin ids standing in a column, bottom (level 0) first. */
  stackAt(x: number, y: number): readonly string[] {
    return this.stacks.get(cellKey(x, y)) ?? [];
  }

  /** Bin ids waiting at a port, in arrival order. */
  portBins(x: number, y: number): readonly string[] {
    return this.ports.get(cellKey(x, y)) ?? [];
  }

  locateBin(binId: string): BinLocation | undefined {
    for (const [serialNumber, body] of this.robots) if (body.heldBinId === binId) return { kind: 'robot', serialNumber };
    for (const [key, bins] of this.ports) {
      const index = bins.indexOf(binId);
      if (index >= 0) return { kind: 'port', ...parseKey(key), index };
    }
    for (const [key, bins] of this.stacks) {
      const level = bins.indexOf(binId);
      if (level >= 0) return { kind: 'column', ...parseKey(key), level };
    }
    return undefined;
  }

  // ---- robots ---------------------------------------------------------------------------

  addRobot(serialNumber: string, cell: GridCell): void {
    if (this.robots.has(serialNumber)) throw new Error(`robot ${serialNumber} is already in the world`);
    if (!this.isDrivable(cell.x, cell.y)) throw new RangeError(`robot ${serialNumber} cannot stand at (${cell.x}, ${cell.y})`);
    this.robots.set(serialNumber, { at: { x: cell.x, y: cell.y }, movingTo: undefined, heldBinId: undefined });
  }

  /** Every cell the robot occupies: one when standing, two while driving between them. */
  occupiedCells(serialNumber: string): GridCell[] {
    const body = this.body(serialNumber);
    return body.movingTo ? [{ ...body.at }, { ...body.movingTo }] : [{ ...body.at }];
  }

  heldBin(serialNumber: string): string | undefined {
    return this.body(serialNumber).heldBinId;
  }

  /** The robot starts driving to a neighbouring cell and occupies both until it arrives. */
  beginMove(serialNumber: string, to: GridCell): PhysicalResult {
    const body = this.body(serialNumber);
    if (body.movingTo) return fail(`robot ${serialNumber} is already moving`);
    if (!this.isDrivable(to.x, to.y)) return fail(`cell (${to.x}, ${to.y}) is not drivable`);
    if (Math.abs(to.x - body.at.x) + Math.abs(to.y - body.at.y) !== 1) {
      return fail(`cell (${to.x}, ${to.y}) is not a neighbour of (${body.at.x}, ${body.at.y})`);
    }
    body.movingTo = { x: to.x, y: to.y };
    return OK;
  }

  /** The robot arrives in the cell it was driving to and leaves the one behind. */
  endMove(serialNumber: string): void {
    const body = this.body(serialNumber);
    if (!body.movingTo) throw new Error(`robot ${serialNumber} is not moving`);
    body.at = body.movingTo;
    body.movingTo = undefined;
  }

  /** Cells holding more than one robot, ordered by (y, x); empty when all is well. */
  occupancyViolations(): OccupancyViolation[] {
    const byCell = new Map<string, string[]>();
    for (const serialNumber of this.robots.keys()) {
      for (const { x, y } of this.occupiedCells(serialNumber)) {
        const key = cellKey(x, y);
        const list = byCell.get(key);
        if (list) list.push(serialNumber);
        else byCell.set(key, [serialNumber]);
      }
    }
    const violations: OccupancyViolation[] = [];
    for (const [key, serialNumbers] of byCell) {
      if (serialNumbers.length > 1) violations.push({ ...parseKey(key), serialNumbers: serialNumbers.sort() });
    }
    return violations.sort((a, b) => a.y - b.y || a.x - b.x);
  }

  // ---- bins -----------------------------------------------------------------------------

  /** Whether `pickBin` would succeed now, without changing anything. */
  checkPick(serialNumber: string, pick: BinHandling): PhysicalResult {
    const body = this.body(serialNumber);
    const standing = this.checkStandingAt(serialNumber, body, pick);
    if (!standing.ok) return standing;
    if (body.heldBinId !== undefined) return fail(`robot ${serialNumber} already holds bin ${body.heldBinId}`);
    const key = cellKey(pick.x, pick.y);
    const port = this.ports.get(key);
    if (port) {
      if (pick.level !== 0) return fail(`a port bin is at level 0, not ${pick.level}`);
      if (!port.includes(pick.binId)) return fail(`bin ${pick.binId} is not at port (${pick.x}, ${pick.y})`);
      return OK;
    }
    const stack = this.stacks.get(key) ?? [];
    const top = stack.length - 1;
    if (top < 0) return fail(`column (${pick.x}, ${pick.y}) is empty`);
    if (stack[top] !== pick.binId) {
      const level = stack.indexOf(pick.binId);
      return fail(
        level >= 0
          ? `bin ${pick.binId} is at level ${level} of (${pick.x}, ${pick.y}) under ${top - level} other bin(s); top is ${stack[top]}`
          : `bin ${pick.binId} is not in column (${pick.x}, ${pick.y}); top is ${stack[top]}`,
      );
    }
    if (pick.level !== top) return fail(`bin ${pick.binId} is at level ${top}, not ${pick.level}`);
    return OK;
  }

  /** Lifts a bin off the top of a column (or out of a port) into the robot. */
  pickBin(serialNumber: string, pick: BinHandling): PhysicalResult {
    const check = this.checkPick(serialNumber, pick);
    if (!check.ok) return check;
    const key = cellKey(pick.x, pick.y);
    const port = this.ports.get(key);
    if (port) port.splice(port.indexOf(pick.binId), 1);
    else this.stacks.get(key)!.pop();
    this.body(serialNumber).heldBinId = pick.binId;
    return OK;
  }

  /**
   * Whether `dropBin` would succeed now. In a column the bin lands on top, so `level` must
   * equal the current stack height and the column must not be full; at a port `level` is 0
   * and the port must have room.
   */
  checkDrop(serialNumber: string, drop: BinHandling): PhysicalResult {
    const body = this.body(serialNumber);
    const standing = this.checkStandingAt(serialNumber, body, drop);
    if (!standing.ok) return standing;
    if (body.heldBinId !== drop.binId) {
      return fail(body.heldBinId === undefined ? `robot ${serialNumber} holds no bin` : `robot ${serialNumber} holds bin ${body.heldBinId}, not ${drop.binId}`);
    }
    const key = cellKey(drop.x, drop.y);
    const port = this.ports.get(key);
    if (port) {
      if (drop.level !== 0) return fail(`a bin goes into a port at level 0, not ${drop.level}`);
      if (port.length >= this.portCapacity) return fail(`port (${drop.x}, ${drop.y}) is full (${this.portCapacity} bin(s))`);
      return OK;
    }
    const kind = this.cellKind(drop.x, drop.y);
    if (kind !== 'storage') return fail(`cannot drop a bin on a ${kind} cell (${drop.x}, ${drop.y})`);
    const height = this.stackAt(drop.x, drop.y).length;
    if (height >= this.depth) return fail(`column (${drop.x}, ${drop.y}) is full (${this.depth} bins)`);
    if (drop.level !== height) return fail(`bin would land at level ${height} of (${drop.x}, ${drop.y}), not ${drop.level}`);
    return OK;
  }

  /** Sets the held bin on top of a column (or into a port). */
  dropBin(serialNumber: string, drop: BinHandling): PhysicalResult {
    const check = this.checkDrop(serialNumber, drop);
    if (!check.ok) return check;
    const key = cellKey(drop.x, drop.y);
    const port = this.ports.get(key);
    if (port) port.push(drop.binId);
    else {
      const stack = this.stacks.get(key);
      if (stack) stack.push(drop.binId);
      else this.stacks.set(key, [drop.binId]);
    }
    this.body(serialNumber).heldBinId = undefined;
    return OK;
  }

  /**
   * Restores a bin that a robot holds (a world rebuilt from a stored state). Throws when the
   * robot is unknown or already holds one, or the bin is somewhere already (setup mistakes).
   */
  restoreHeldBin(serialNumber: string, binId: string): void {
    const body = this.body(serialNumber);
    if (body.heldBinId !== undefined) throw new Error(`robot ${serialNumber} already holds ${body.heldBinId}`);
    if (this.locateBin(binId)) throw new Error(`bin ${binId} is already in the world`);
    body.heldBinId = binId;
  }

  /** Restores a bin standing in a port (a world rebuilt from a stored state). */
  restorePortBin(cell: GridCell, binId: string): void {
    const bins = this.ports.get(cellKey(cell.x, cell.y));
    if (!bins) throw new Error(`(${cell.x}, ${cell.y}) is not a port`);
    if (this.locateBin(binId)) throw new Error(`bin ${binId} is already in the world`);
    bins.push(binId);
  }

  /**
   * Bins found in more than one place and stacks deeper than the grid (DESIGN §5, invariant 2).
   * Each entry is a readable description; empty when all is well.
   */
  binConservationViolations(): string[] {
    const seen = new Map<string, number>();
    const count = (binId: string) => seen.set(binId, (seen.get(binId) ?? 0) + 1);
    const violations: string[] = [];
    for (const [key, bins] of this.stacks) {
      if (bins.length > this.depth) violations.push(`column (${key}) holds ${bins.length} bins, more than depth ${this.depth}`);
      bins.forEach(count);
    }
    for (const [key, bins] of this.ports) {
      if (bins.length > this.portCapacity) violations.push(`port (${key}) holds ${bins.length} bins, more than ${this.portCapacity}`);
      bins.forEach(count);
    }
    for (const body of this.robots.values()) if (body.heldBinId !== undefined) count(body.heldBinId);
    for (const [binId, n] of seen) if (n > 1) violations.push(`bin ${binId} is in ${n} places`);
    return violations;
  }

  private checkStandingAt(serialNumber: string, body: RobotBody, cell: GridCell): PhysicalResult {
    if (body.movingTo) return fail(`robot ${serialNumber} is moving`);
    if (body.at.x !== cell.x || body.at.y !== cell.y) {
      return fail(`robot ${serialNumber} is at (${body.at.x}, ${body.at.y}), not above (${cell.x}, ${cell.y})`);
    }
    return OK;
  }

  private body(serialNumber: string): RobotBody {
    const body = this.robots.get(serialNumber);
    if (!body) throw new Error(`no robot ${serialNumber} in the world`);
    return body;
  }

  private placeBins(placements: readonly BinPlacement[]): void {
    const seen = new Set<string>();
    const byColumn = new Map<string, BinPlacement[]>();
    for (const p of placements) {
      if (seen.has(p.binId)) throw new Error(`bin ${p.binId} is placed twice`);
      seen.add(p.binId);
      if (this.cellKind(p.x, p.y) !== 'storage') throw new RangeError(`bin ${p.binId} is placed on a non-storage cell (${p.x}, ${p.y})`);
      const key = cellKey(p.x, p.y);
      const list = byColumn.get(key);
      if (list) list.push(p);
      else byColumn.set(key, [p]);
    }
    for (const [key, list] of byColumn) {
      list.sort((a, b) => a.level - b.level);
      list.forEach((p, i) => {
        if (p.level !== i) throw new RangeError(`column (${key}) has no bin at level ${i} (bin ${p.binId} is at level ${p.level})`);
      });
      if (list.length > this.depth) throw new RangeError(`column (${key}) holds ${list.length} bins, more than depth ${this.depth}`);
      this.stacks.set(key, list.map((p) => p.binId));
    }
  }
}

const OK: PhysicalResult = { ok: true };

function fail(reason: string): PhysicalResult {
  return { ok: false, reason };
}

function parseKey(key: string): GridCell {
  const [x, y] = key.split(',').map(Number);
  return { x: x!, y: y! };
}
