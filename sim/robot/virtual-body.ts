/**
 * The body of a simulated grid robot (a VehicleBody for the vehicle core): it drives cell by
 * cell in the GridWorld with the robot's kinematics (straight runs on a trapezoidal speed
 * profile, wheel changes between x and y), digs and sets down bins with timed lift cycles, and
 * keeps a battery. Everything is timed by the injected Clock, so a run with a SimulatedClock is
 * deterministic. The VDA 5050 side (orders, instant actions, state) is the core's.
 */
import type { Clock, TimerHandle } from '../../protocol/clock.ts';
import type { RouteNode } from '../../protocol/vda5050/grid-order-route.ts';
import type { ActionJob, BodyReport, VehicleBody, VehicleCoreContext } from '../../protocol/vda5050/vehicle/vehicle-body.ts';
import { roundMm } from '../../protocol/vda5050/vehicle/vehicle-state.ts';
import { distanceAtTime, liftCycleSeconds, portCycleSeconds, timeAtDistance, type RobotKinematics } from '../kinematics/robot-kinematics.ts';
import type { GridCell, GridWorld } from '../world/grid-world.ts';
import { Battery, type PowerMode } from './battery.ts';

/** errorType values of the virtual robot's body. */
export const VIRTUAL_BODY_ERROR_TYPES = {
  /** The battery is empty: the robot no longer moves or lifts (FATAL). */
  batteryEmpty: 'batteryEmpty',
} as const;

export interface VirtualBodyOptions {
  serialNumber: string;
  startCell: GridCell;
  clock: Clock;
  world: GridWorld;
  kinematics: RobotKinematics;
  /** Battery state of charge at the start, percent. */
  initialChargePercent?: number;
}

const VIRTUAL_ROBOT_SERIES = { seriesName: 'gridline-virtual', seriesDescription: 'simulated cube-storage grid robot' };

type Axis = 'x' | 'y';

/** One timed thing the robot is doing; the robot does one at a time. Holds stop its timer. */
interface Activity {
  kind: 'edge' | 'wheelChange' | 'action';
  durationMs: number;
  /** Time spent on it before `activeSinceMs`, clock milliseconds. */
  doneMs: number;
  /** Set while the timer runs; undefined while held. */
  activeSinceMs: number | undefined;
  timer: TimerHandle | undefined;
  onDone: () => void;
}

/** A straight run over consecutive released nodes along one axis, rest to rest. */
interface Run {
  axis: Axis;
  /** +1 or -1 along the axis. */
  sign: number;
  pitchM: number;
  targets: readonly RouteNode[];
  /** Arrival at targets[i], clock milliseconds after the run starts (rounded). */
  arrivalMs: number[];
  /** Targets reached so far. */
  passed: number;
  /** A cancel: the run ends at the next node. */
  stopAtNextNode: boolean;
}

export class VirtualRobotBody implements VehicleBody {
  readonly grid: GridWorld;
  readonly figures: RobotKinematics;
  readonly series = VIRTUAL_ROBOT_SERIES;
  readonly errorsClearedByNewOrder: readonly string[] = [];
  private readonly serialNumber: string;
  private readonly clock: Clock;
  private readonly world: GridWorld;
  private readonly k: RobotKinematics;
  private readonly battery: Battery;
  private core: VehicleCoreContext | undefined;
  private here: GridCell;
  private wheelAxis: Axis = 'x';
  private activity: Activity | undefined;
  private run: Run | undefined;

  constructor(options: VirtualBodyOptions) {
    this.serialNumber = options.serialNumber;
    this.clock = options.clock;
    this.world = options.world;
    this.grid = options.world;
    this.k = options.kinematics;
    this.figures = options.kinematics;
    this.here = { x: options.startCell.x, y: options.startCell.y };
    this.battery = new Battery(this.k, this.clock.now(), options.initialChargePercent);
    this.world.addRobot(this.serialNumber, this.here);
  }

  attach(core: VehicleCoreContext): void {
    this.core = core;
  }

  /** Every timer ends; the robot freezes where it is. */
  detach(): void {
    if (this.activity?.timer !== undefined) this.clock.clearTimeout(this.activity.timer);
    if (this.activity) this.activity.timer = undefined;
  }

  cell(): GridCell {
    return { ...this.here };
  }

  report(): BodyReport {
    const { x, y, sinceNodeM } = this.position();
    const heldLoadId = this.world.heldBin(this.serialNumber);
    return {
      position: { x, y },
      driving: this.isDriving(),
      distanceSinceLastNodeM: sinceNodeM,
      batteryState: { batteryCharge: Math.round(this.battery.chargePercent(this.clock.now()) * 100) / 100, charging: this.battery.charging },
      ...(heldLoadId !== undefined ? { heldLoadId } : {}),
      // A simulated robot has no emergency stop of its own: the core's is the only one.
      eStop: false,
    };
  }

  isBusy(): boolean {
    return this.activity !== undefined;
  }

  canCommand(): boolean {
    return true;
  }

  /** An empty battery holds the robot (FATAL batteryEmpty). */
  mayProceed(): boolean {
    if (!this.battery.isEmpty(this.clock.now())) return true;
    const core = this.attached();
    if (!core.hasError((e) => e.errorType === VIRTUAL_BODY_ERROR_TYPES.batteryEmpty)) {
      core.addError({ errorType: VIRTUAL_BODY_ERROR_TYPES.batteryEmpty, errorLevel: 'FATAL', errorDescription: 'battery is empty; the robot cannot move or lift' });
    }
    return false;
  }

  isStanding(): boolean {
    return !this.isDriving();
  }

  traverse(targets: readonly RouteNode[]): void {
    const first = targets[0]!;
    const dx = first.cell.x - this.here.x;
    const dy = first.cell.y - this.here.y;
    const axis: Axis = dx !== 0 ? 'x' : 'y';
    if (axis !== this.wheelAxis) {
      // Changing between x and y driving costs a wheel change before the run starts.
      this.startActivity('wheelChange', this.k.wheelChangeSeconds * 1000, () => {
        this.wheelAxis = axis;
      });
      return;
    }
    const pitchM = axis === 'x' ? this.k.cellSizeXM : this.k.cellSizeYM;
    const totalM = targets.length * pitchM;
    const arrivalMs = targets.map((_, i) => Math.round(timeAtDistance((i + 1) * pitchM, totalM, this.k) * 1000));
    // Driving off a charger ends charging.
    if (this.battery.charging) this.battery.setCharging(this.clock.now(), false);
    this.run = { axis, sign: dx + dy, pitchM, targets, arrivalMs, passed: 0, stopAtNextNode: false };
    this.startEdge();
  }

  /** The edge being driven is finished (the robot cannot stop between cells); the run ends there. */
  stopTraverse(): void {
    if (this.run) this.run.stopAtNextNode = true;
  }

  executeAction(job: ActionJob): void {
    const core = this.attached();
    const plan = job.plan;
    switch (plan.kind) {
      case 'startCharging':
      case 'stopCharging':
        this.battery.setCharging(this.clock.now(), plan.kind === 'startCharging');
        return core.actionDone(job);
      case 'pick':
      case 'drop': {
        const p = { binId: plan.params.loadId, x: plan.params.x, y: plan.params.y, level: plan.params.level };
        const check = plan.kind === 'pick' ? this.world.checkPick(this.serialNumber, p) : this.world.checkDrop(this.serialNumber, p);
        if (!check.ok) return core.actionDone(job, check.reason);
        const atPort = this.world.cellKind(p.x, p.y) === 'port';
        const seconds = atPort ? portCycleSeconds(this.k) : liftCycleSeconds(this.world.depth - p.level, this.k);
        this.startActivity('action', seconds * 1000, () => {
          const done = plan.kind === 'pick' ? this.world.pickBin(this.serialNumber, p) : this.world.dropBin(this.serialNumber, p);
          core.actionDone(job, done.ok ? undefined : done.reason);
        });
        return;
      }
    }
  }

  /** A lift cycle runs on its own timer: nothing to send. */
  continueAction(): void {}

  setPaused(): void {
    this.applyHolds();
  }

  emergencyStop(): void {
    this.applyHolds();
  }

  releaseEmergencyStop(done: (problem?: string) => void): void {
    done();
    this.applyHolds();
  }

  // ---- driving -------------------------------------------------------------------------------

  private startEdge(): void {
    const run = this.run!;
    const target = run.targets[run.passed]!;
    const moved = this.world.beginMove(this.serialNumber, target.cell);
    if (!moved.ok) throw new Error(`robot ${this.serialNumber}: ${moved.reason}`); // cells were checked when the order was accepted
    const startMs = run.passed === 0 ? 0 : run.arrivalMs[run.passed - 1]!;
    this.startActivity('edge', run.arrivalMs[run.passed]! - startMs, () => this.arriveAtNode());
  }

  private arriveAtNode(): void {
    const run = this.run!;
    const target = run.targets[run.passed]!;
    this.world.endMove(this.serialNumber);
    this.here = { ...target.cell };
    run.passed++;
    this.attached().nodeReached(target);
    // A cancel or an emergency stop ends the run at this node.
    if (run.passed < run.targets.length && !run.stopAtNextNode && !this.attached().mode().eStop) this.startEdge();
    else this.run = undefined;
  }

  // ---- activities and holds ------------------------------------------------------------------

  private startActivity(kind: Activity['kind'], durationMs: number, onDone: () => void): void {
    this.activity = { kind, durationMs: Math.max(0, Math.round(durationMs)), doneMs: 0, activeSinceMs: undefined, timer: undefined, onDone };
    this.applyHolds();
    this.attached().changed();
  }

  /** Pausing holds every activity; an emergency stop holds all but the edge being driven. */
  private isHeld(kind: Activity['kind']): boolean {
    const mode = this.attached().mode();
    return mode.paused || (mode.eStop && kind !== 'edge');
  }

  /** Holds or resumes the current activity to match pause and emergency stop, and sets power. */
  private applyHolds(): void {
    const now = this.clock.now();
    const a = this.activity;
    if (a) {
      const held = this.isHeld(a.kind);
      if (held && a.activeSinceMs !== undefined) {
        this.clock.clearTimeout(a.timer);
        a.doneMs += now - a.activeSinceMs;
        a.activeSinceMs = undefined;
        a.timer = undefined;
      } else if (!held && a.activeSinceMs === undefined) {
        a.activeSinceMs = now;
        a.timer = this.clock.setTimeout(() => this.completeActivity(a), a.durationMs - a.doneMs);
      }
    }
    this.battery.setMode(now, this.powerMode());
  }

  private completeActivity(a: Activity): void {
    if (this.activity !== a) return;
    this.activity = undefined;
    a.onDone();
    this.battery.setMode(this.clock.now(), this.powerMode());
    const core = this.attached();
    core.changed();
    core.proceed();
  }

  private powerMode(): PowerMode {
    const a = this.activity;
    if (!a || a.activeSinceMs === undefined) return 'idle';
    if (a.kind === 'edge') return 'driving';
    if (a.kind === 'action') return 'lifting';
    return 'idle';
  }

  private isDriving(): boolean {
    return this.activity?.kind === 'edge' && this.activity.activeSinceMs !== undefined;
  }

  /** Pose in metres; between nodes it follows the run's speed profile. */
  private position(): { x: number; y: number; sinceNodeM: number } {
    const here = { x: roundMm(this.here.x * this.k.cellSizeXM), y: roundMm(this.here.y * this.k.cellSizeYM), sinceNodeM: 0 };
    const run = this.run;
    const a = this.activity;
    if (!run || !a || a.kind !== 'edge') return here;
    const segmentStartMs = run.passed === 0 ? 0 : run.arrivalMs[run.passed - 1]!;
    const elapsedMs = segmentStartMs + a.doneMs + (a.activeSinceMs === undefined ? 0 : this.clock.now() - a.activeSinceMs);
    const totalM = run.targets.length * run.pitchM;
    const fromStartM = distanceAtTime(elapsedMs / 1000, totalM, this.k);
    const sinceNodeM = Math.min(run.pitchM, Math.max(0, fromStartM - run.passed * run.pitchM));
    const offset = run.sign * sinceNodeM;
    return run.axis === 'x' ? { ...here, x: here.x + offset, sinceNodeM } : { ...here, y: here.y + offset, sinceNodeM };
  }

  private attached(): VehicleCoreContext {
    if (!this.core) throw new Error(`robot ${this.serialNumber}: the body is used before the vehicle started`);
    return this.core;
  }
}
