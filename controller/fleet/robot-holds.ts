import type { CoreServices } from '../core-services.ts';
import type { SentOrder } from '../robot-edge/order-tracker.ts';
import type { LegOrders } from '../robots/leg-orders.ts';
import type { JobRunner } from '../work/job-runner.ts';
import type { RobotContext } from '../machines/robot-machine.ts';
import type { RobotRecord } from './robot-record.ts';

/**
 * Robots that cannot be trusted for now: held in alarm (a refused order, a position it cannot
 * have reached, a load that does not match, an internal error on its report) until an operator
 * resumes it, or lost (silent) until it reports again. Either way its leg is withdrawn, its job
 * goes to another robot or fails, and nobody waits on its cells.
 */
export class RobotHolds {
  constructor(
    private readonly core: CoreServices,
    private readonly legs: LegOrders,
    private readonly jobs: JobRunner,
  ) {}

  /** An order of the robot was refused or not shown taken (robot-edge.ts): its leg is withdrawn and the robot held. */
  orderRefused(serial: string, order: SentOrder, reason: string): void {
    const robot = this.core.fleet.get(serial);
    if (!robot || robot.leg?.orderId !== order.orderId || robot.leg.withdrawn) {
      this.core.alarm(serial, `${reason} (no leg of it was waiting on that order)`);
      return;
    }
    this.hold(robot, reason);
  }

  /**
   * A robot sent no state for too long: it may be anywhere on the cells it holds, which it
   * keeps; its leg is withdrawn and its job goes to another robot (or fails, if it carries the
   * job's bin). It is treated as offline until it reports again.
   */
  lost(serial: string): void {
    const robot = this.core.fleet.get(serial);
    if (!robot?.placed) return;
    const reason = `robot ${serial} went silent`;
    this.legs.withdraw(robot);
    this.jobs.release(robot, reason);
    this.jobs.clearWayOf(robot);
    if (robot.online) robot.send({ type: 'CONNECTION_LOST' });
    this.core.allocation.due = true;
  }

  /**
   * Holds a robot in alarm: no leg, cell or job until an operator resumes it. Its leg is
   * withdrawn (it keeps its cells until its state shows it standing), it is asked to pause, and
   * its job goes to another robot or fails to the WMS.
   */
  hold(robot: RobotRecord, reason: string): void {
    if (robot.hold) return;
    // Its machine raises the alarm, keeps its cells and asks it to pause (robotHoldEffects).
    robot.send({ type: 'HOLD', reason });
    this.clearAfterHold(robot, reason);
  }

  /** A position it cannot have reached: held, keeping its cells, and none of its states believed until resumed. */
  doubtPosition(robot: RobotRecord, problem: string): false {
    const wasHeld = robot.hold !== null;
    robot.send({ type: 'DOUBT_POSITION', reason: problem });
    if (!wasHeld) this.clearAfterHold(robot, problem);
    return false;
  }

  /** A robot just held: its leg is withdrawn, its job leaves it, and nobody waits on its cells. */
  private clearAfterHold(robot: RobotRecord, reason: string): void {
    this.legs.withdraw(robot);
    this.jobs.release(robot, `robot ${robot.serial} ${reason}`);
    this.jobs.clearWayOf(robot);
    this.core.allocation.due = true;
  }
}

/** The effects the robot machine names (robot-machine.ts), as the controller carries them out. */
export function robotEffects(core: Pick<CoreServices, 'alarm' | 'traffic' | 'edge'>, legs: () => LegOrders) {
  return {
    raiseHoldAlarm: ({ context }: { context: RobotContext }) => core.alarm(context.serial, `${context.hold}; held until an operator resumes it`),
    keepCells: ({ context }: { context: RobotContext }) => core.traffic.setHeld(context.serial, true),
    askToPause: ({ context }: { context: RobotContext }) => {
      if (core.edge.capabilitiesOf(context.serial)?.instantActions.has('startPause') ?? true) legs().sendInstantAction(context.serial, 'startPause', 'hold');
    },
    raiseFault: ({ context }: { context: RobotContext }, params: { message: string }) => core.alarm(context.serial, params.message),
  };
}
