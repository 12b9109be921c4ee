/**
 * Cell reservations and routes: the controller's traffic control (DESIGN.md §5, invariants 1
 * and 4). Every robot holds the cell it stands on plus the cells released to it ahead on its
 * route; a cell has at most one holder, so two robots can never be released into the same
 * cell, nor swap cells. A robot is released (VDA 5050 base) only cells it holds.
 */
export interface TrafficOptions {
  /** How many cells ahead of its position a robot may hold on its route. */
  lookaheadCells: number;
}


interface RobotTraffic {
  position: number;
  /** Cells of the current leg from its start to its goal, or null when standing. */
  route: number[] | null;
  /** Index in `route` of the last cell the robot reported reaching. */
  progress: number;
  /** Index in `route` of the last cell held (released) for the robot. */
  releasedTo: number;
}

export class TrafficControl {
  private readonly holders: (string | undefined)[];
  private readonly robots = new Map<string, RobotTraffic>();

  constructor(
    cellCount: number,
    /** The controller passes its own lookahead (ControllerOptions.lookaheadCells). */
    private readonly options: TrafficOptions,
  ) {
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

  routeOf(serial: string): readonly number[] | null {
    return this.robot(serial).route;
  }

  releasedTo(serial: string): number {
    return this.robot(serial).releasedTo;
  }

  progressOf(serial: string): number {
    return this.robot(serial).progress;
  }

  /** Every cell a robot holds: its position and, on a route, the released cells ahead. */
  heldCells(serial: string): number[] {
    const r = this.robot(serial);
    if (!r.route) return [r.position];
    return r.route.slice(r.progress, r.releasedTo + 1);
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
      if (existing.position === cell && !existing.route) return undefined;
      this.releaseAll(serial);
    }
    this.holders[cell] = serial;
    this.robots.set(serial, { position: cell, route: null, progress: 0, releasedTo: 0 });
    return undefined;
  }

  /** Takes a robot off the grid entirely (e.g. removed through a service cell). */
  remove(serial: string): void {
    if (!this.robots.has(serial)) return;
    this.releaseAll(serial);
    this.robots.delete(serial);
  }

  /** Starts a leg. `route[0]` must be the robot's position. */
  setRoute(serial: string, route: number[]): void {
    const r = this.robot(serial);
    if (r.route) throw new Error(`${serial} already has a route`);
    if (route[0] !== r.position) throw new Error(`${serial}: route starts at ${route[0]}, robot is at ${r.position}`);
    r.route = route;
    r.progress = 0;
    r.releasedTo = 0;
  }

  /**
   * Replaces the unreleased tail of the route (a detour). `tail[0]` must be the last released
   * cell: released cells are promised to the robot (VDA 5050 base) and cannot be taken back.
   */
  replaceTail(serial: string, tail: number[]): void {
    const r = this.robot(serial);
    if (!r.route) throw new Error(`${serial} has no route`);
    if (tail[0] !== r.route[r.releasedTo]) throw new Error(`${serial}: detour must start at the last released cell`);
    r.route = r.route.slice(0, r.releasedTo).concat(tail);
  }

  /**
   * Holds as many further cells of the route as the lookahead allows and nobody else holds.
   * Returns true when the released part grew.
   */
  extend(serial: string): boolean {
    const r = this.robot(serial);
    if (!r.route) return false;
    const limit = Math.min(r.route.length - 1, r.progress + this.options.lookaheadCells);
    const before = r.releasedTo;
    while (r.releasedTo < limit) {
      const next = r.route[r.releasedTo + 1]!;
      const holder = this.holders[next];
      if (holder !== undefined && holder !== serial) break;
      // A route may pass a cell twice (a detour back); hold it once.
      this.holders[next] = serial;
      r.releasedTo++;
    }
    return r.releasedTo > before;
  }

  /**
   * The robot reports having reached `routeIndex`; cells behind it are released for others.
   * Returns false (and changes nothing) when that index is not a released cell ahead.
   */
  reached(serial: string, routeIndex: number): boolean {
    const r = this.robot(serial);
    if (!r.route || routeIndex < r.progress || routeIndex > r.releasedTo) return false;
    for (let i = r.progress; i < routeIndex; i++) this.releaseIfNotAhead(serial, r, r.route[i]!, routeIndex);
    r.progress = routeIndex;
    r.position = r.route[routeIndex]!;
    return true;
  }

  /** Ends the leg; the robot keeps only the cell it stands on. */
  finishRoute(serial: string): void {
    const r = this.robot(serial);
    if (!r.route) return;
    const position = r.position;
    for (const cell of r.route.slice(r.progress, r.releasedTo + 1)) if (cell !== position && this.holders[cell] === serial) this.holders[cell] = undefined;
    r.route = null;
    r.progress = 0;
    r.releasedTo = 0;
  }

  /** The next cell the robot waits for, and who holds it, when its route is stuck. */
  blockage(serial: string): { cell: number; holder: string } | undefined {
    const r = this.robot(serial);
    if (!r.route || r.releasedTo >= r.route.length - 1 || r.progress < r.releasedTo) return undefined;
    const cell = r.route[r.releasedTo + 1]!;
    const holder = this.holders[cell];
    return holder !== undefined && holder !== serial ? { cell, holder } : undefined;
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
    for (let i = fromIndex; i <= r.releasedTo; i++) if (r.route![i] === cell) return;
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
