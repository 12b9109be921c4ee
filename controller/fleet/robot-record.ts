import { createActor, type Actor } from 'xstate';
import type { VdaError } from '../../protocol/vda5050/types.ts';
import { robotMachine } from '../machines/robot-machine.ts';
import type { StoppedVia } from '../robot-edge/stop-plan.ts';
import type { Job, Leg } from '../work/jobs.ts';

/** A leg a robot drives: its order, what of it was sent, and whether it was withdrawn. */
export interface ActiveLeg {
  readonly leg: Leg;
  readonly orderId: string;
  orderUpdateId: number;
  /** Last route index sent as released (the base end the robot knows about). */
  sentReleasedTo: number;
  /** The base end (route index) of each order update sent, by orderUpdateId. */
  readonly baseEnds: number[];
  readonly actionId: string | null;
  /** Clock ms when the leg started (its traffic priority grows from here). */
  readonly startedMs: number;
  /**
   * Set once the leg is withdrawn (its order refused, not shown taken, its robot lost, or the
   * order over on the robot's side before the leg's end), at clock ms `atMs`: no more cells are
   * released; the robot keeps the cells it holds until its state shows it standing on a node
   * with nothing released left to drive (see RobotReports.followWithdrawnLeg).
   */
  withdrawn: { readonly atMs: number } | null;
}

/** What the controller keeps of one robot: its machine (its lifecycle) and the data beside it. */
export interface RobotRecord {
  readonly serial: string;
  readonly actor: Actor<typeof robotMachine>;
  online: boolean;
  placed: boolean;
  job: Job | null;
  leg: ActiveLeg | null;
  /** The robot reported no order in progress (so it will accept a new one). */
  ready: boolean;
  /** Clock ms when the current job began, for utilisation. */
  busySinceMs: number | null;
  busyMs: number;
  /** Digging and transit progress already reported for the current retrieval. */
  reportedDig: boolean;
  reportedTransit: boolean;
  /** Drops of the current job that failed; reset when a job starts. */
  failedDrops: number;
  /** Why the robot could not be placed on the grid, or routed to its goal, while it cannot. */
  placementProblem: string | undefined;
  routeProblem: string | undefined;
  /** Battery state of charge, percent, and whether it charges, as last reported. */
  batteryPercent: number;
  charging: boolean;
  /** Errors of its last state message. */
  errors: readonly VdaError[];
  /** Paused by an operator (startPause sent): no new legs, cells or jobs until resumed. */
  paused: boolean;
  /** Offline when an emergency stop was released: the release is sent again when it is back. */
  releaseOwed: boolean;
  /** How the emergency stop in force was asked of it (see stop-plan.ts), so the release undoes that. */
  stoppedVia: StoppedVia;
  /**
   * The emergency stop was released and its state has not yet shown it: no leg and no order
   * update goes to it meanwhile (a vehicle refuses orders while its emergency stop lasts).
   */
  awaitingRelease: boolean;
  /** Sent to service by an operator: puts its bin away, then takes no work until returned. */
  inService: boolean;
  /** The service cell it was sent to, while in service. */
  serviceCell: number | null;
  /**
   * Why the robot is held in alarm (a position it cannot have reached, a load that does not
   * match, an order it refused): it gets no leg, cell or job until an operator resumes it.
   * Null when not held.
   */
  hold: string | null;
  /** The cell it was last believed to stand on, and when (clock ms), for the motion check. */
  believed: { readonly cell: number; readonly atMs: number } | null;
  /** It reported a position it cannot have reached: none of its states is believed until an operator resumes it. */
  positionInDoubt: boolean;
}

/** The record of a robot first heard from: offline, not yet placed, with its machine started. */
export function newRobotRecord(serial: string): RobotRecord {
  const actor = createActor(robotMachine, { input: { serial } });
  actor.start();
  return {
    serial,
    actor,
    online: false,
    placed: false,
    job: null,
    leg: null,
    ready: false,
    busySinceMs: null,
    busyMs: 0,
    reportedDig: false,
    reportedTransit: false,
    failedDrops: 0,
    placementProblem: undefined,
    routeProblem: undefined,
    batteryPercent: 100,
    charging: false,
    errors: [],
    paused: false,
    releaseOwed: false,
    stoppedVia: null,
    awaitingRelease: false,
    inService: false,
    serviceCell: null,
    hold: null,
    believed: null,
    positionInDoubt: false,
  };
}
