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
 * (traffic-planner.ts: which cells each robot is released next). Reads go to the table; a leg
 * that starts, moves on or ends goes to the planner, which keeps the table in step, and the
 * robots whose released cells grew are returned, for the caller to update their orders.
 * Times are clock ms.
 */
export class Traffic {
  private readonly control: TrafficControl;
  private readonly planner: TrafficPlanner;

  constructor(
    grid: GridMap,
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
    this.planner.legStarted(serial, goal, nowMs);
  }

  /** The leg ends: the robot keeps only the cell it stands on. Returns robots released further into the cells it let go. */
  endLeg(serial: string, nowMs: number): string[] {
    return this.planner.legEnded(serial, nowMs);
  }

  /** The robot reached `routeIndex` of its leg (see TrafficPlanner.reached). Returns the robots released further. */
  reached(serial: string, routeIndex: number, nowMs: number): string[] {
    return this.planner.reached(serial, routeIndex, nowMs);
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
