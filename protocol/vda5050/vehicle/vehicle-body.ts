/**
 * The seam between the vehicle core (vehicle-core.ts: VDA 5050 2.0.0 on the vehicle's side,
 * written once) and a robot's body: the simulator's virtual robot, or the firmware bridge with
 * its motor controller board. The core decides what to do next and when (orders, instant
 * actions, pauses, cancels, state); a body does one thing at a time when told, and says what
 * happened. As in vda-5050-lib's AgvController and AgvAdapter.
 *
 * Contract, in short:
 * - The core gives a body a task only while `isBusy()` is false and `canCommand()` is true: a
 *   run of nodes (`traverse`) or an action (`executeAction`, then `continueAction` each time
 *   the body is free again while the action runs and nothing holds the vehicle).
 * - A body reports through the VehicleCoreContext it gets at `attach`: each node reached, the
 *   end of each action, its own errors, `changed()` when its part of the state changed and
 *   `proceed()` when it may take the next task. The core never reads a body's insides.
 * - Pause, cancel and emergency stop are the core's modes (`VehicleCoreContext.mode()`); the
 *   body is told when they begin, holds or stops as its mechanics allow, and reads the mode
 *   whenever it decides on its own (a run's next node, a repeated stop).
 */
import type { Clock } from '../../clock.ts';
import type { FactsheetFigures } from '../grid-factsheet.ts';
import type { GridCell } from '../grid-nodes.ts';
import type { GridRouteMap, NodeActionPlan, RouteNode } from '../grid-order-route.ts';
import type { Action, BatteryState, VdaError } from '../types.ts';

/** What the core asks of the body right now. */
export interface VehicleMode {
  /** startPause is in force (§6.8.2): no new motion, running actions held. */
  readonly paused: boolean;
  /** cancelOrder is under way (§6.6.3): stop at the next node; a running pick or drop completes. */
  readonly cancelling: boolean;
  /** Gridline's emergencyStop is in force, until released. */
  readonly eStop: boolean;
}

/** An action the body runs: a node action at the node reached, or an instant charging action. */
export interface ActionJob {
  readonly action: Action;
  /** The action as read against the grid and the vehicle profile (grid-order-route.ts). */
  readonly plan: NodeActionPlan;
  /** The cell the vehicle stands on. */
  readonly cell: GridCell;
  /** An instant action (§6.9) rather than one of the order's node actions. */
  readonly instant: boolean;
}

/** The body's part of the state message (§6.10.6), in its own terms. */
export interface BodyReport {
  /** The vehicle's position in the grid's map, metres; undefined while unknown. */
  position?: { x: number; y: number };
  driving: boolean;
  /** Metres driven since the last node; read while driving. */
  distanceSinceLastNodeM: number;
  batteryState: BatteryState;
  /** The bin held, by its id (the state's loads[].loadId); undefined when empty. */
  heldLoadId?: string;
  /** The motors stand in an emergency stop (also one the core did not ask for). */
  eStop: boolean;
}

/** What a body may tell the core. */
export interface VehicleCoreContext {
  readonly clock: Clock;
  mode(): VehicleMode;
  /** The body's part of the state changed: the state goes out (once per instant). */
  changed(): void;
  /** The body may take its next task: the core decides what that is. */
  proceed(): void;
  /** The vehicle reached `node`; ignored unless it is the next node of the route. */
  nodeReached(node: RouteNode): void;
  /** The job ended: FINISHED, or FAILED with `failure` as resultDescription (and an actionError). */
  actionDone(job: ActionJob, failure?: string): void;
  /** Reports an error (it takes the place of an earlier one of its type). */
  addError(error: VdaError): void;
  clearErrors(predicate: (error: VdaError) => boolean): void;
  hasError(predicate: (error: VdaError) => boolean): boolean;
  /** The motors hold an emergency stop nobody asked this vehicle for: it is reported, and only releaseEmergencyStop ends it. */
  emergencyStopHeld(description: string): void;
}

export interface VehicleBody {
  /** The grid the vehicle checks orders against (the core adds the vehicle profile). */
  readonly grid: Omit<GridRouteMap, 'profile'>;
  /** Figures for the factsheet and for node positions (metres). */
  readonly figures: FactsheetFigures;
  /** typeSpecification.seriesName and seriesDescription of the factsheet. */
  readonly series: { readonly seriesName: string; readonly seriesDescription: string };
  /** Error types of the body that a newly accepted order ends (faults that hold the vehicle until then). */
  readonly errorsClearedByNewOrder: readonly string[];

  /** The core starts: from now on the body reports to `core`. */
  attach(core: VehicleCoreContext): void;
  /** The core stops: timers and connections of the body end. */
  detach(): void | Promise<void>;

  /** The cell the vehicle stands on or passed last; undefined while unknown. */
  cell(): GridCell | undefined;
  report(): BodyReport;
  /** Doing a task the core gave (a drive, a wheel change, a phase of an action), held or not. */
  isBusy(): boolean;
  /** Able to take a task now (e.g. the motor controller reachable and its status fresh). */
  canCommand(): boolean;
  /** Asked before each task: false holds the vehicle (the body's errors say why). */
  mayProceed(): boolean;
  /** No motion: startPause is FINISHED once the vehicle stands (§6.8.2). */
  isStanding(): boolean;

  /**
   * Drive towards `run` (released nodes straight ahead from `cell()`, see OrderBook.nextRun),
   * reporting each node reached. A body may do only what has to come first (a wheel change)
   * and then `proceed()`: the core hands it the run again.
   */
  traverse(run: readonly RouteNode[]): void;
  /** Stop at the next node (cancelOrder). */
  stopTraverse(): void;
  executeAction(job: ActionJob): void;
  /** The body is free again while `job` runs: its next phase. */
  continueAction(job: ActionJob): void;
  /** startPause (true) or stopPause (false); the core's mode is already set. */
  setPaused(paused: boolean): void;
  /** emergencyStop: stop as the body's safety demands; the core's mode is already set. */
  emergencyStop(): void;
  /** releaseEmergencyStop: `done()` once released, or `done(problem)` if it cannot be. */
  releaseEmergencyStop(done: (problem?: string) => void): void;
}
