import type { GridMap } from '../grid/grid-map.ts';
import { DistanceMaps, type DistanceArray } from '../planning/distance-maps.ts';
import { copyGraphMoves, createGridGraph, directionBetween, setCellClosed, type GraphMoves, type GraphRules, type GridGraph } from '../planning/grid-graph.ts';
import { NO_HEADING, Pibt } from '../planning/pibt.ts';
import { descentStep, Detours, distanceTo } from './detours.ts';
import { hashSerial, StuckRobots } from './stuck-robots.ts';
import type { TrafficControl } from './traffic-control.ts';

/**
 * The controller's traffic on the planning core (controller/planning): which cells each robot
 * is released next, every control cycle, for every robot at once.
 *
 * Durations are handled by reservations, not by the plan: a robot holds its released cells
 * for as long as it needs them (a straight run, a wheel change, a lift of any depth), and a
 * robot that is busy that way is outside the step, its cells blocked. The step plans the
 * others with PIBT, each as an agent standing at its *frontier* (its last released cell):
 * - robots on a leg whose released cells ahead run short of `lookaheadCells`;
 * - standing robots (idle, or waiting with a job), with their own cell as goal, so PIBT may
 *   push them aside (the controller then gives them a one-cell leg to the cell PIBT chose).
 * PIBT moves all agents at once: a robot may follow into a cell its occupant leaves in the
 * same step. On the grid the occupant holds that cell until it reports having left, so the
 * follower *books* it: the cell is released to the follower the moment it is free, and
 * nobody else may take it meanwhile; a booked robot sits out later steps until then. A chain
 * of followers thus drives off one after the other. A cycle of followers (a rotation) cannot
 * run under reservations, so PIBT is asked for none (`rotations: false`: it looks for another
 * way, such as pushing a robot aside into a free cell); should one come out all the same, its
 * robots and any following them stay for the step.
 * Straight runs are released several cells at once: each robot that advanced is extended
 * along its distance-map descent (same direction first) into free, unbooked cells, up to
 * the lookahead.
 *
 * Deadlocks: PIBT's priority (time on the current leg) lets the longest-waiting robot win;
 * a robot that has waited `detourAfterMs` without a release gets a detour map, a distance
 * map to its goal that treats the cells other robots hold now as walls, until its leg ends
 * (detours.ts). Where no order by waiting time lets robots pass (robots going into and out of
 * a dead-end lane), robots that have come no nearer their goal for STUCK_AFTER_MS go first, in
 * a drawn order that is drawn again while none of them gets nearer (stuck-robots.ts). Robots
 * one move from a queue goal (a port's cell with a lane) go before the robots queueing behind
 * them.
 *
 * Operators: while the planner is frozen (an emergency stop) it releases nothing to anyone;
 * a held robot (paused) is released nothing and keeps what it holds (not its booking); a closed
 * cell (blocked by an operator) is a wall for every plan from the moment it is closed.
 */
export interface TrafficPlannerOptions {
  /** Cells a robot may hold ahead of its position. */
  lookaheadCells: number;
  /** A robot that waits this long without a release gets a detour map, ms. */
  detourAfterMs: number;
  /** A booking not honoured this long is dropped (its robot plans afresh), ms. */
  bookingTimeoutMs: number;
  /** Distance maps computed per cycle at most (the rest use Manhattan distance meanwhile). */
  newMapsPerCycle: number;
  /** Detour maps computed per cycle at most. */
  detoursPerCycle: number;
  /** Memory for cached distance maps, bytes. */
  distanceMapBytes: number;
}

/** A robot the controller hands to a planning step. */
export interface TrafficRobot {
  serial: string;
  /** `leg`: drives to its leg's goal; `standing`: stays unless pushed aside. */
  role: 'leg' | 'standing';
  /** Clock ms since which it has been on its current leg (idle robots: ignored). */
  legStartedMs: number;
}

/** A move of one cell planned by a step. */
export interface PlannedMove {
  serial: string;
  role: TrafficRobot['role'];
  cell: number;
}

export class TrafficPlanner {
  readonly graph: GridGraph;
  readonly maps: DistanceMaps;
  private pibt: Pibt | null = null;
  private readonly headings = new Map<string, number>();
  private readonly stuck = new StuckRobots();
  /** When each robot was last released a cell or its leg changed, clock ms (shared with the detours). */
  private readonly lastReleaseMs = new Map<string, number>();
  private readonly detours: Detours;
  /** Follower → the cell booked for it (held by the robot it follows), and the reverse. */
  private readonly bookings = new Map<string, { cell: number; sinceMs: number }>();
  private readonly bookedBy = new Map<number, string>();
  /** Cell → index of the agent planned there in the current step, -1 none. */
  private readonly agentAt: Int32Array;
  private readonly blocked: Uint8Array;
  private timestep = 0;
  /** Releases nothing while set (an emergency stop). */
  private frozen = false;
  /** Robots released nothing until let go (paused by an operator). */
  private readonly held = new Set<string>();
  /** Cells closed by an operator (1), and the graph's moves as created, to open them again. */
  private readonly closed: Uint8Array;
  private readonly originalMoves: GraphMoves;

  constructor(
    private readonly grid: GridMap,
    private readonly traffic: TrafficControl,
    private readonly options: TrafficPlannerOptions,
    rules: GraphRules = {},
    /** Cells robots queue for (ports' cells with a lane): see `step` and the bookings. */
    private readonly queueGoals: ReadonlySet<number> = new Set(),
  ) {
    const passable = new Uint8Array(grid.cellCount);
    for (let cell = 0; cell < grid.cellCount; cell++) passable[cell] = grid.drivable(cell) ? 1 : 0;
    this.graph = createGridGraph(grid.width, grid.height, passable, rules);
    this.maps = new DistanceMaps(this.graph, { maxBytes: options.distanceMapBytes });
    this.detours = new Detours(this.graph, this.maps, traffic, options, this.lastReleaseMs);
    this.originalMoves = copyGraphMoves(this.graph);
    this.closed = new Uint8Array(grid.cellCount);
    this.blocked = new Uint8Array(grid.cellCount);
    this.agentAt = new Int32Array(grid.cellCount).fill(-1);
  }

  /**
   * Grid distance from `cell` to `goal`, Infinity when unreachable (computing the goal's map
   * if need be; Manhattan distance while the cache has no slot for it).
   */
  distance(goal: number, cell: number): number {
    return distanceTo(this.maps, goal, cell);
  }

  /** While frozen nothing is released, by a step, an extension or a freed booked cell. */
  setFrozen(frozen: boolean): void {
    this.frozen = frozen;
  }

  get isFrozen(): boolean {
    return this.frozen;
  }

  /**
   * A held robot is released nothing (it keeps its cells) until let go. Its booking is
   * dropped, so that the cell it was to follow into is free for others meanwhile.
   */
  setHeld(serial: string, held: boolean): void {
    if (held) {
      this.held.add(serial);
      this.dropBooking(serial);
    } else {
      this.held.delete(serial);
    }
  }

  /**
   * Closes a drivable cell to every robot (or opens it again): no plan, extension, horizon or
   * detour enters it from now on. Distance maps, detours and the step's cached degrees are
   * dropped, since they were made with the old moves. The caller makes sure nobody holds it.
   */
  setCellClosed(cell: number, closed: boolean): void {
    if ((this.closed[cell] === 1) === closed) return;
    this.closed[cell] = closed ? 1 : 0;
    // A robot booked to follow into the cell must not be released it once it is closed.
    if (closed) for (const [serial, booking] of [...this.bookings]) if (booking.cell === cell) this.dropBooking(serial);
    setCellClosed(this.graph, this.originalMoves, this.closed, cell);
    this.maps.clear();
    this.detours.clear();
    this.pibt = null;
  }

  isClosed(cell: number): boolean {
    return this.closed[cell] === 1;
  }

  /** A leg starts or ends: its detour map, booking and waiting time no longer apply. */
  legChanged(serial: string, nowMs: number): void {
    this.stuck.legChanged(serial);
    this.detours.legChanged(serial, nowMs);
    this.dropBooking(serial);
  }

  /** A new leg to `goal` starts: it is routed and released as far as it may be now. */
  legStarted(serial: string, goal: number, nowMs: number): void {
    this.traffic.startLeg(serial, goal);
    this.legChanged(serial, nowMs);
    this.extend(serial, nowMs);
  }

  /** The robot's leg ends: it keeps only the cell it stands on. Returns robots released further into the cells it let go. */
  legEnded(serial: string, nowMs: number): string[] {
    const held = this.traffic.heldCells(serial);
    this.traffic.finishRoute(serial);
    this.legChanged(serial, nowMs);
    return this.cellsFreed(held, nowMs);
  }

  /**
   * The robot reached `routeIndex` of its leg: the cells behind it are free, so it and the
   * robots waiting right next to those cells are released further at once (between cycles
   * only into free cells, so a convoy keeps moving without waiting for the next cycle).
   * Returns the robots released further, in the order found.
   */
  reached(serial: string, routeIndex: number, nowMs: number): string[] {
    const grown: string[] = [];
    const before = this.traffic.heldCells(serial);
    this.traffic.reached(serial, routeIndex);
    if (this.extend(serial, nowMs)) grown.push(serial);
    grown.push(...this.cellsFreed(before, nowMs));
    for (const freed of before) {
      if (this.traffic.holderOf(freed) !== undefined) continue;
      for (const cell of this.grid.neighbours(freed)) {
        const holder = this.traffic.holderOf(cell);
        if (holder !== undefined && holder !== serial && this.traffic.frontierOf(holder) === cell && this.extend(holder, nowMs)) grown.push(holder);
      }
    }
    return grown;
  }

  /** The cell booked for a robot, if any. */
  bookingOf(serial: string): number | undefined {
    return this.bookings.get(serial)?.cell;
  }

  /**
   * Cells just freed (a robot moved on or ended its leg): each booked one is released to its
   * follower, which is then extended. Returns the followers that advanced.
   */
  cellsFreed(cells: Iterable<number>, nowMs: number): string[] {
    const advanced: string[] = [];
    if (this.frozen) return advanced;
    for (const cell of cells) {
      const follower = this.bookedBy.get(cell);
      if (follower === undefined || this.traffic.holderOf(cell) !== undefined || this.held.has(follower)) continue;
      this.dropBooking(follower);
      if (this.traffic.goalOf(follower) === null) continue;
      this.releaseCell(follower, cell, nowMs);
      this.extend(follower, nowMs);
      advanced.push(follower);
    }
    return advanced;
  }

  /**
   * One planning step over `robots` (robots on the grid that may move; robots not listed,
   * booked robots, and robots with enough released cells keep their cells as obstacles).
   * Returns the moves that can run: into a free cell, or following a robot that moves away
   * (a chain ending in a free cell). The caller gives standing robots a leg to their cell,
   * then hands the moves to `applyMoves`.
   */
  step(robots: readonly TrafficRobot[], nowMs: number): PlannedMove[] {
    if (this.frozen) return [];
    this.timestep++;
    this.maps.beginPeriod();
    this.honourOrExpireBookings(nowMs);
    this.stuck.reshuffle(nowMs);
    const traffic = this.traffic;
    const agents: TrafficRobot[] = [];
    for (const robot of robots) {
      if (this.bookings.has(robot.serial) || this.held.has(robot.serial)) continue;
      if (robot.role === 'standing') {
        agents.push(robot);
        continue;
      }
      const goal = traffic.goalOf(robot.serial);
      if (goal === null || traffic.frontierOf(robot.serial) === goal) continue;
      if (traffic.releasedAhead(robot.serial) >= this.options.lookaheadCells) continue;
      agents.push(robot);
    }
    if (agents.length === 0) return [];
    if (!this.pibt || this.pibt.agentCount < agents.length) {
      this.pibt = new Pibt(this.graph, this.maps, Math.max(agents.length, 2 * (this.pibt?.agentCount ?? 0)), { swap: true, turns: 'axis', rotations: false });
    }
    const n = agents.length;
    const capacity = this.pibt.agentCount;
    const positions = new Int32Array(capacity);
    const orientations = new Uint8Array(capacity);
    const goals = new Int32Array(capacity);
    const slots = new Int32Array(capacity).fill(-1);
    const priorities = new Float64Array(capacity);
    const agentMaps: (DistanceArray | null)[] = new Array<DistanceArray | null>(n).fill(null);
    this.markBlocked(agents);
    let newMaps = 0;
    this.detours.beginStep();
    for (let a = 0; a < n; a++) {
      const robot = agents[a]!;
      const at = traffic.frontierOf(robot.serial);
      positions[a] = at;
      this.agentAt[at] = a;
      orientations[a] = this.headings.get(robot.serial) ?? NO_HEADING;
      // A fixed fraction per robot breaks ties the same way every cycle.
      const tieBreak = (hashSerial(robot.serial) % 1000) / 1000;
      if (robot.role === 'standing') {
        goals[a] = at;
        priorities[a] = tieBreak - 1;
        continue;
      }
      const goal = traffic.goalOf(robot.serial)!;
      goals[a] = goal;
      priorities[a] = (nowMs - robot.legStartedMs) / 1000 + tieBreak;
      // A robot one move from a queue goal (a port's cell) goes first: it is the head of the
      // queue, and the robots behind it must not push it back out of the queue.
      if (this.queueGoals.has(goal) && directionBetween(this.graph, at, goal) >= 0) priorities[a] = priorities[a]! + NEXT_TO_GOAL_PRIORITY;
      if (this.maps.has(goal) || newMaps < this.options.newMapsPerCycle) {
        if (!this.maps.has(goal)) newMaps++;
        slots[a] = this.maps.ensure(goal);
      }
      agentMaps[a] = this.detours.forStep(robot.serial, goal, at, nowMs);
      // Stuck robots (no nearer their goal for STUCK_AFTER_MS) go before all others until
      // their leg ends, in a drawn order, drawn again when none of them got nearer for
      // RESHUFFLE_MS: where no order by time on the leg lets robots pass each other (robots
      // going into and out of a dead-end lane), another order does.
      if (this.stuck.isStuck(robot.serial, this.maps.distance(goal, at), goal, nowMs)) priorities[a] = this.stuck.priority(robot.serial);
    }
    const next = this.pibt.plan({ positions, orientations, goals, distanceSlots: slots, priorities, timestep: this.timestep, count: n, blocked: this.blocked, agentMaps });
    // 0 unknown, 1 being checked, 2 can run, 3 stays.
    const verdict = new Uint8Array(n);
    const canRun = (a: number): boolean => {
      if (verdict[a] === 2) return true;
      if (verdict[a] !== 0) return false; // stays, or a cycle back to an agent being checked
      const to = next[a]!;
      if (to === positions[a]) {
        verdict[a] = 3;
        return false;
      }
      if (this.bookedBy.has(to)) {
        verdict[a] = 3;
        return false;
      }
      if (traffic.holderOf(to) === undefined) {
        verdict[a] = 2;
        return true;
      }
      const occupant = this.agentAt[to]!;
      verdict[a] = 1;
      const ok = occupant >= 0 && canRun(occupant);
      verdict[a] = ok ? 2 : 3;
      return ok;
    };
    const moves: PlannedMove[] = [];
    for (let a = 0; a < n; a++) if (canRun(a)) moves.push({ serial: agents[a]!.serial, role: agents[a]!.role, cell: next[a]! });
    for (let a = 0; a < n; a++) this.agentAt[positions[a]!] = -1;
    return moves;
  }

  /**
   * Runs the moves of a step (standing robots must have their one-cell leg by now): a free
   * cell is released at once, an occupied one booked. Robots released a cell are extended.
   * Returns the robots that were released anything.
   */
  applyMoves(moves: readonly PlannedMove[], nowMs: number): string[] {
    const advanced: string[] = [];
    if (this.frozen) return advanced;
    for (const move of moves) {
      if (this.traffic.goalOf(move.serial) === null || this.traffic.frontierOf(move.serial) === move.cell) continue;
      // A cell booked by someone else stays theirs (a step never plans such a move).
      if (this.bookedBy.has(move.cell)) continue;
      if (this.traffic.holderOf(move.cell) === undefined) {
        this.releaseCell(move.serial, move.cell, nowMs);
        advanced.push(move.serial);
      } else {
        this.book(move.serial, move.cell, nowMs);
      }
    }
    for (const serial of advanced) this.extend(serial, nowMs);
    return advanced;
  }

  /**
   * Releases booked cells that are free now; drops bookings older than the timeout. A robot
   * queueing for a queue goal (a port's cell) that is booked to step back out of another's way
   * goes forward instead as soon as its way ahead is free: pushed back while the port's cell
   * was held, it would otherwise wait for the cell behind it.
   */
  private honourOrExpireBookings(nowMs: number): void {
    for (const [serial, booking] of [...this.bookings]) {
      if (this.traffic.holderOf(booking.cell) === undefined) this.cellsFreed([booking.cell], nowMs);
      else if (nowMs - booking.sinceMs >= this.options.bookingTimeoutMs) this.dropBooking(serial);
      else if (this.stepsBack(serial, booking.cell)) {
        this.dropBooking(serial);
        if (!this.extend(serial, nowMs)) this.book(serial, booking.cell, booking.sinceMs);
      }
    }
  }

  /** Whether `cell` is farther from the robot's goal than the robot's frontier. */
  private stepsBack(serial: string, cell: number): boolean {
    const goal = this.traffic.goalOf(serial);
    if (goal === null || !this.queueGoals.has(goal)) return false;
    return this.distance(goal, cell) > this.distance(goal, this.traffic.frontierOf(serial));
  }

  private book(serial: string, cell: number, sinceMs: number): void {
    this.bookings.set(serial, { cell, sinceMs });
    this.bookedBy.set(cell, serial);
  }

  private dropBooking(serial: string): void {
    const booking = this.bookings.get(serial);
    if (!booking) return;
    this.bookings.delete(serial);
    if (this.bookedBy.get(booking.cell) === serial) this.bookedBy.delete(booking.cell);
  }

  /**
   * Releases further cells of the robot's leg along its distance-map descent (the cell
   * straight ahead first), into cells nobody holds, until it holds `lookaheadCells` ahead or
   * reaches its goal. Returns true when anything was released.
   */
  extend(serial: string, nowMs: number): boolean {
    const traffic = this.traffic;
    const goal = traffic.goalOf(serial);
    // A booked robot waits for its booked cell, the next one on its way.
    if (goal === null || this.bookings.has(serial) || this.frozen || this.held.has(serial)) return false;
    const map = this.detours.mapFor(serial, goal);
    let released = false;
    while (traffic.releasedAhead(serial) < this.options.lookaheadCells) {
      const at = traffic.frontierOf(serial);
      if (at === goal) break;
      const to = descentStep(this.maps, this.headings.get(serial) ?? NO_HEADING, at, goal, map);
      if (to < 0 || traffic.holderOf(to) !== undefined || this.bookedBy.has(to)) break;
      this.releaseCell(serial, to, nowMs);
      released = true;
    }
    return released;
  }

  /**
   * The cells the robot is expected to drive after its frontier to reach its goal (the VDA
   * 5050 horizon): its descent, ignoring other robots. Empty when the goal is unreachable.
   */
  horizon(serial: string): number[] {
    const goal = this.traffic.goalOf(serial);
    if (goal === null) return [];
    const map = this.detours.mapFor(serial, goal);
    const cells: number[] = [];
    let at = this.traffic.frontierOf(serial);
    let heading = this.headings.get(serial) ?? NO_HEADING;
    while (at !== goal) {
      const to = descentStep(this.maps, heading, at, goal, map);
      if (to < 0) return [];
      heading = directionOf(this.grid.width, at, to);
      cells.push(to);
      at = to;
    }
    return cells;
  }

  private releaseCell(serial: string, cell: number, nowMs: number): void {
    const from = this.traffic.frontierOf(serial);
    if (!this.traffic.release(serial, cell)) throw new Error(`${serial}: cell ${cell} was planned but is held`);
    this.headings.set(serial, directionOf(this.grid.width, from, cell));
    // Its wait for a release starts again (see Detours).
    this.lastReleaseMs.set(serial, nowMs);
  }

  /** Cells held by robots outside the step become obstacles; agents' own cells stay open. */
  private markBlocked(agents: readonly TrafficRobot[]): void {
    const blocked = this.blocked;
    blocked.fill(0);
    for (const serial of this.traffic.serials()) for (const cell of this.traffic.heldCells(serial)) blocked[cell] = 1;
    for (const cell of this.bookedBy.keys()) blocked[cell] = 1;
    for (const agent of agents) blocked[this.traffic.frontierOf(agent.serial)] = 0;
  }
}

/** Direction from a cell to its neighbour: 0 east, 1 south, 2 west, 3 north. */
function directionOf(width: number, from: number, to: number): number {
  if (to === from + 1) return 0;
  if (to === from + width) return 1;
  if (to === from - 1) return 2;
  return 3;
}

/** Added to the priority (seconds on the leg) of a robot one move from a queue goal. */
const NEXT_TO_GOAL_PRIORITY = 1e6;
