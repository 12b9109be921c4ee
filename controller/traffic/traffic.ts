import type { GridMap } from '../grid/grid-map.ts';
import type { ControllerOptions } from '../controller-options.ts';
import type { PortZones } from '../ports/port-zones.ts';
import { portTrafficRules } from './port-lanes.ts';
import { TrafficControl } from './traffic-control.ts';
import { TrafficPlanner, type PlannedMove, type TrafficRobot } from './traffic-planner.ts';

export type { PlannedMove, TrafficRobot } from './traffic-planner.ts';

/**
 * The one way in to the controller's traffic: the reservation table (traffic-control.ts: who
 * holds which cell, each robot's route and how far it is released) and the planner
 * (traffic-planner.ts: which cells each robot is released next). Methods that change one change
 * the other with it, and return the robots whose released cells grew, whose order the caller
 * then updates. Times are clock ms.
 */
export class Traffic {
  private readonly control: TrafficControl;
  private readonly planner: TrafficPlanner;

  constructor(
    private readonly grid: GridMap,
    options: ControllerOptions,
    zones: PortZones,
  ) {
    this.control = new TrafficControl(grid.cellCount);
    this.planner = new TrafficPlanner(grid, this.control, {
      lookaheadCells: options.lookaheadCells,
      detourAfterMs: options.detourAfterMs,
      bookingTimeoutMs: options.bookingTimeoutMs,
      newMapsPerCycle: options.newDistanceMapsPerCycle,
      detoursPerCycle: options.detoursPerCycle,
      distanceMapBytes: options.distanceMapBytes,
    }, portTrafficRules(grid, [...zones.laneOfPort.values()], options.portThroughCostMoves), new Set(zones.laneOfPort.keys()));
  }

  // ---------------------------------------------------------------- reservations, read

  has(serial: string): boolean {
    return this.control.has(serial);
  }

  positionOf(serial: string): number {
    return this.control.positionOf(serial);
  }

  holderOf(cell: number): string | undefined {
    return this.control.holderOf(cell);
  }

  /** Its cell and the cells released to it ahead. */
  heldCells(serial: string): number[] {
    return this.control.heldCells(serial);
  }

  routeOf(serial: string): readonly number[] | null {
    return this.control.routeOf(serial);
  }

  /** Route index up to which cells are released to it. */
  releasedTo(serial: string): number {
    return this.control.releasedTo(serial);
  }

  /** Route index it last reported reaching. */
  progressOf(serial: string): number {
    return this.control.progressOf(serial);
  }

  /** Grid distance from `cell` to `goal` in moves (Infinity when unreachable). */
  distance(goal: number, cell: number): number {
    return this.planner.distance(goal, cell);
  }

  /** The planner's expected way on from its released cells to its goal. */
  horizon(serial: string): number[] {
    return this.planner.horizon(serial);
  }

  /** Inconsistencies of the reservation table, in words (none when sound). */
  checkConsistency(): string[] {
    return this.control.checkConsistency();
  }

  // ---------------------------------------------------------------- reservations, changed

  /** Puts a robot on its cell; returns why it cannot be, or undefined. */
  place(serial: string, cell: number): string | undefined {
    return this.control.place(serial, cell);
  }

  /** A new leg to `goal`: routed and released as far as it may be now. */
  startLeg(serial: string, goal: number, nowMs: number): void {
    this.control.startLeg(serial, goal);
    this.planner.legChanged(serial, nowMs);
    this.planner.extend(serial, nowMs);
  }

  /** The leg ends: the robot keeps only the cell it stands on. Returns robots released further into the cells it let go. */
  endLeg(serial: string, nowMs: number): string[] {
    const held = this.control.heldCells(serial);
    this.control.finishRoute(serial);
    this.planner.legChanged(serial, nowMs);
    return this.planner.cellsFreed(held, nowMs);
  }

  /**
   * The robot reached `routeIndex` of its leg: the cells behind it are free, so it and the
   * robots waiting right next to those cells are released further at once (between cycles
   * only into free cells, so a convoy keeps moving without waiting for the next cycle).
   * Returns the robots released further, in the order found.
   */
  reached(serial: string, routeIndex: number, nowMs: number): string[] {
    const grown: string[] = [];
    const before = this.control.heldCells(serial);
    this.control.reached(serial, routeIndex);
    if (this.planner.extend(serial, nowMs)) grown.push(serial);
    grown.push(...this.planner.cellsFreed(before, nowMs));
    for (const freed of before) {
      if (this.control.holderOf(freed) !== undefined) continue;
      for (const cell of this.grid.neighbours(freed)) {
        const holder = this.control.holderOf(cell);
        if (holder !== undefined && holder !== serial && this.control.frontierOf(holder) === cell && this.planner.extend(holder, nowMs)) grown.push(holder);
      }
    }
    return grown;
  }

  // ---------------------------------------------------------------- planning

  /** One planning step over these robots (see traffic-planner.ts). */
  step(robots: readonly TrafficRobot[], nowMs: number): PlannedMove[] {
    return this.planner.step(robots, nowMs);
  }

  applyMoves(moves: readonly PlannedMove[], nowMs: number): void {
    this.planner.applyMoves(moves, nowMs);
  }

  /** A held robot is released nothing and keeps what it holds. */
  setHeld(serial: string, held: boolean): void {
    this.planner.setHeld(serial, held);
  }

  /** While frozen (an emergency stop) nothing is released to anyone. */
  setFrozen(frozen: boolean): void {
    this.planner.setFrozen(frozen);
  }

  /** A closed cell (blocked by an operator) is a wall for every plan. */
  setCellClosed(cell: number, closed: boolean): void {
    this.planner.setCellClosed(cell, closed);
  }
}
