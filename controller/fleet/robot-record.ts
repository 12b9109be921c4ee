import type { AnyStateMachine } from 'xstate';
import type { VdaError } from '../../protocol/vda5050/types.ts';
import { MachineRecord } from '../machines/machine-record.ts';
import { robotMachine, robotStateName, type RobotEvent, type RobotStateValue } from '../machines/robot-machine.ts';
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

/** The robot machine with the controller's effects (see robot-machine.ts). */
export type RobotLogic = typeof robotMachine & AnyStateMachine;

/**
 * What the controller keeps of one robot: its lifecycle, which is its machine's state
 * (robot-machine.ts) and read through the getters here, and the data beside it (its job and
 * leg, what it last reported, what was reported of it to the WMS).
 */
export class RobotRecord {
  readonly lifecycle: MachineRecord<RobotLogic>;
  job: Job | null = null;
  leg: ActiveLeg | null = null;
  /** The robot reported no order in progress (so it will accept a new one). */
  ready = false;
  /** Clock ms when the current job began, for utilisation. */
  busySinceMs: number | null = null;
  busyMs = 0;
  /** Digging and transit progress already reported for the current retrieval. */
  reportedDig = false;
  reportedTransit = false;
  /** Drops of the current job that failed; reset when a job starts. */
  failedDrops = 0;
  /** Why the robot could not be placed on the grid, or routed to its goal, while it cannot. */
  placementProblem: string | undefined = undefined;
  routeProblem: string | undefined = undefined;
  /** Battery state of charge, percent, as last reported. */
  batteryPercent = 100;
  /** Errors of its last state message. */
  errors: readonly VdaError[] = [];
  /** How the emergency stop in force was asked of it (see stop-plan.ts), so the release undoes that. */
  stoppedVia: StoppedVia = null;
  /** The service cell it was sent to, while in service. */
  serviceCell: number | null = null;
  /** The cell it was last believed to stand on, and when (clock ms), for the motion check. */
  believed: { readonly cell: number; readonly atMs: number } | null = null;

  constructor(
    readonly serial: string,
    logic: RobotLogic,
  ) {
    this.lifecycle = new MachineRecord(logic, { serial });
  }

  send(event: RobotEvent): void {
    this.lifecycle.send(event);
  }

  get state(): RobotStateValue {
    return this.lifecycle.snapshot.value as RobotStateValue;
  }

  /** offline, fault, working or idle. */
  get stateName(): string {
    return robotStateName(this.state);
  }

  get online(): boolean {
    return this.state.connection === 'online';
  }

  /** Its first believed position put it on the grid. */
  get placed(): boolean {
    return this.state.placement === 'placed';
  }

  /** A FATAL error of its last states (only while online). */
  get faulted(): boolean {
    return this.state.health === 'fault';
  }

  /** Online, healthy and without a job in its machine. */
  get machineIdle(): boolean {
    const s = this.state;
    return s.connection === 'online' && s.health === 'ok' && s.work === 'idle';
  }

  /** Paused by an operator (startPause sent): no new legs, cells or jobs until resumed. */
  get paused(): boolean {
    return this.state.operator === 'paused';
  }

  /**
   * Why the robot is held in alarm (a position it cannot have reached, a load that does not
   * match, an order it refused): it gets no leg, cell or job until an operator resumes it.
   * Null when not held.
   */
  get hold(): string | null {
    return this.state.hold === 'free' ? null : this.lifecycle.snapshot.context.hold;
  }

  /** It reported a position it cannot have reached: none of its states is believed until an operator resumes it. */
  get positionInDoubt(): boolean {
    const hold = this.state.hold;
    return hold !== 'free' && hold.held === 'positionInDoubt';
  }

  /** Sent to service by an operator: puts its bin away, then takes no work until returned. */
  get inService(): boolean {
    return this.state.service === 'inService';
  }

  get charging(): boolean {
    return this.state.battery === 'charging';
  }

  /**
   * The emergency stop was released and its state has not yet shown it: no leg and no order
   * update goes to it meanwhile (a vehicle refuses orders while its emergency stop lasts).
   */
  get awaitingRelease(): boolean {
    const release = this.state.release;
    return release === 'awaiting' || release === 'owedAwaiting';
  }

  /** Offline when an emergency stop was released: the release is sent again when it is back. */
  get releaseOwed(): boolean {
    const release = this.state.release;
    return release === 'owed' || release === 'owedAwaiting';
  }
}
