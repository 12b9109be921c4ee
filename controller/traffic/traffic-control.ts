/**
 * Cell reservations: the controller's record of who may be where (DESIGN.md §5, invariants 1
 * and 4). Every robot holds the cell it stands on plus the cells released to it on its
 * current leg; a cell has at most one holder, so two robots can never be released into the
 * same cell, nor swap cells. A robot is released (VDA 5050 base) only cells it holds.
 *
 * A leg has a goal and grows one cell at a time: the traffic planner (traffic-planner.ts)
 * decides which neighbouring cell each robot is released next. This class knows nothing of
 * the grid's geometry; it keeps the table consistent whatever it is told.
 */

interface RobotTraffic {
  position: number;
  /** Goal of the current leg, or null when standing. */
  goal: number | null;
  /** Cells of the current leg released so far, from its start; `[position]` when standing. */
  route: number[];
  /** Index in `route` of the last cell the robot reported reaching. */
  progress: number;
}

export class TrafficControl {
  private readonly holders: (string | undefined)[];
  private readonly robots = new Map<string, RobotTraffic>();

  constructor(cellCount: number) {
    this.holders = new Array<string | undefined>(cellCount);
  }

  /** Who holds a cell (stands on it or has it released), if anyone. */
  holderOf(cell: number): string | undefined {
    return this.holders[cell];
  }

  has(serial: string): boolean {
    return this.robots.has(serial);
  }

  positionOf(serial: string): number {
    return this.robot(serial).position;
  }

  /** Goal of the robot's leg, or null when it has none. */
  goalOf(serial: string): number | null {
    return this.robot(serial).goal;
  }

  /** Cells of the current leg released so far, from its start (null when standing). */
  routeOf(serial: string): readonly number[] | null {
    const r = this.robot(serial);
    return r.goal === null ? null : r.route;
  }

  /** Index in the leg of the last released cell. */
  releasedTo(serial: string): number {
    const r = this.robot(serial);
    return r.goal === null ? 0 : r.route.length - 1;
  }

  progressOf(serial: string): number {
    return this.robot(serial).progress;
  }

  /** The last cell released to the robot (its position when nothing is released ahead). */
  frontierOf(serial: string): number {
    const r = this.robot(serial);
    return r.route[r.route.length - 1]!;
  }

  /** Cells released ahead of the robot's position, not yet reached. */
  releasedAhead(serial: string): number {
    const r = this.robot(serial);
    return r.route.length - 1 - r.progress;
  }

  /** Every cell a robot holds: its position and the released cells ahead. */
  heldCells(serial: string): number[] {
    const r = this.robot(serial);
    return r.route.slice(r.progress);
  }

  /**
   * Puts a robot on the grid where it reports to be. Returns a reason when the cell is held
   * by another robot (the new robot is then not placed and must not be commanded).
   */
  place(serial: string, cell: number): string | undefined {
    const holder = this.holders[cell];
    // Refuse before touching anything: a robot already on the grid keeps what it holds.
    if (holder !== undefined && holder !== serial) return `cell is held by ${holder}`;
    const existing = this.robots.get(serial);
    if (existing) {
      if (existing.position === cell && existing.goal === null) return undefined;
      this.releaseAll(serial);
    }
    this.holders[cell] = serial;
    this.robots.set(serial, { position: cell, goal: null, route: [cell], progress: 0 });
    return undefined;
  }

  /** Takes a robot off the grid entirely (e.g. removed through a service cell). */
  remove(serial: string): void {
    if (!this.robots.has(serial)) return;
    this.releaseAll(serial);
    this.robots.delete(serial);
  }

  /** Starts a leg towards `goal` from where the robot stands; nothing is released yet. */
  startLeg(serial: string, goal: number): void {
    const r = this.robot(serial);
    if (r.goal !== null) throw new Error(`${serial} already has a leg`);
    r.goal = goal;
    r.route = [r.position];
    r.progress = 0;
  }

  /**
   * Releases one more cell to the robot, after its frontier (the caller vouches that it is a
   * neighbour). Returns false, changing nothing, when another robot holds the cell or the
   * robot has no leg.
   */
  release(serial: string, cell: number): boolean {
    const r = this.robot(serial);
    if (r.goal === null) return false;
    const holder = this.holders[cell];
    if (holder !== undefined && holder !== serial) return false;
    // A leg may pass a cell twice (doubling back); it is held once.
    this.holders[cell] = serial;
    r.route.push(cell);
    return true;
  }

  /**
   * The robot reports having reached `routeIndex`; cells behind it are released for others.
   * Returns false (and changes nothing) when that index is not a released cell ahead.
   */
  reached(serial: string, routeIndex: number): boolean {
    const r = this.robot(serial);
    if (r.goal === null || routeIndex < r.progress || routeIndex > r.route.length - 1) return false;
    for (let i = r.progress; i < routeIndex; i++) this.releaseIfNotAhead(serial, r, r.route[i]!, routeIndex);
    r.progress = routeIndex;
    r.position = r.route[routeIndex]!;
    return true;
  }

  /** Ends the leg; the robot keeps only the cell it stands on. */
  finishRoute(serial: string): void {
    const r = this.robot(serial);
    if (r.goal === null) return;
    const position = r.position;
    for (const cell of r.route.slice(r.progress)) if (cell !== position && this.holders[cell] === serial) this.holders[cell] = undefined;
    r.goal = null;
    r.route = [position];
    r.progress = 0;
  }

  serials(): IterableIterator<string> {
    return this.robots.keys();
  }

  /** Consistency of the reservation table with the robots' records (for invariant checks). */
  checkConsistency(): string[] {
    const problems: string[] = [];
    const expected = new Map<number, string>();
    for (const serial of this.robots.keys()) {
      for (const cell of this.heldCells(serial)) {
        const other = expected.get(cell);
        if (other !== undefined && other !== serial) problems.push(`cell ${cell} held by both ${other} and ${serial}`);
        expected.set(cell, serial);
      }
    }
    for (let cell = 0; cell < this.holders.length; cell++) {
      const holder = this.holders[cell];
      if (holder !== expected.get(cell)) problems.push(`cell ${cell}: table says ${holder ?? 'free'}, robots say ${expected.get(cell) ?? 'free'}`);
    }
    return problems;
  }

  private releaseIfNotAhead(serial: string, r: RobotTraffic, cell: number, fromIndex: number): void {
    for (let i = fromIndex; i < r.route.length; i++) if (r.route[i] === cell) return;
    if (this.holders[cell] === serial) this.holders[cell] = undefined;
  }

  private releaseAll(serial: string): void {
    for (const cell of this.heldCells(serial)) if (this.holders[cell] === serial) this.holders[cell] = undefined;
  }

  private robot(serial: string): RobotTraffic {
    const r = this.robots.get(serial);
    if (!r) throw new Error(`unknown robot ${serial}`);
    return r;
  }
}
