import type { Connection, State } from '../../protocol/vda5050/types.ts';
import { cellNodeId, parseCellNodeId, START_CHARGING_ACTION_TYPE } from '../../protocol/vda5050/grid-nodes.ts';
import type { CoreServices } from '../core-services.ts';
import type { KpiRecorder } from '../kpi.ts';
import type { RobotStops } from '../operator/robot-stops.ts';
import type { PortDesk } from '../ports/port-desk.ts';
import { droppedOrder, isBusyStatus, onItsNode, reachedRouteIndex, standsIdle } from '../robot-edge/leg-progress.ts';
import { checkLoads } from '../robot-edge/load-check.ts';
import { judgeStatePosition } from '../robot-edge/motion-check.ts';
import { takes } from '../robot-edge/stop-plan.ts';
import type { LegOrders } from '../robots/leg-orders.ts';
import { afterFailedAction, worthWaitingForTakeBack } from '../work/job-decisions.ts';
import type { JobRunner } from '../work/job-runner.ts';
import type { Leg } from '../work/jobs.ts';
import type { ControllerWorkView } from '../work/work-view.ts';
import type { RobotHolds } from './robot-holds.ts';
import type { ActiveLeg, RobotRecord } from './robot-record.ts';

/**
 * What robots report, and what follows from it: connections, states (position, progress along
 * the leg, the outcome of its pick or drop, faults, battery), read against what the controller
 * expects. Every bin move is applied to the inventory (and the store) when the robot reports the
 * pick or drop finished and its loads show it, before the next dependent command.
 */
export class RobotReports {
  /** Bins lifted from or set on columns since start: a stack height changed when this did. */
  columnMoves = 0;

  constructor(
    private readonly core: CoreServices,
    private readonly legs: LegOrders,
    private readonly jobs: JobRunner,
    private readonly holds: RobotHolds,
    private readonly desk: PortDesk,
    private readonly stops: RobotStops,
    private readonly kpi: KpiRecorder,
    private readonly view: ControllerWorkView,
    private readonly placed: (serial: string) => void,
  ) {}

  connection(robot: RobotRecord, connection: Connection): void {
    const online = connection.connectionState === 'ONLINE';
    if (online === robot.online) return;
    robot.send({ type: online ? 'CONNECTED' : 'CONNECTION_LOST' });
    if (!online) this.core.alarm(robot.serial, `connection ${connection.connectionState.toLowerCase()}`);
    else this.cameOnline(robot);
  }

  /**
   * A robot's state (read by the link; `dropped`: malformed optional parts it left out).
   * Returns whether it was read through (the robot placed and its position believed).
   */
  state(robot: RobotRecord, state: State, dropped: readonly string[]): boolean {
    const { edge, traffic } = this.core;
    const serial = robot.serial;
    edge.onState(serial, state, dropped);
    if (!robot.online) {
      // A state message proves the robot is connected even if its retained ONLINE was missed.
      robot.send({ type: 'CONNECTED' });
      this.cameOnline(robot);
    }
    robot.errors = state.errors;
    if (!robot.placed && !this.place(robot, state)) return false;
    // A position it cannot have reached is not believed, nor anything else the state says.
    if (!this.believePosition(robot, state)) return false;
    this.readFaults(robot, state);
    robot.batteryPercent = state.batteryState.batteryCharge;
    if (state.batteryState.charging !== robot.charging) robot.send({ type: state.batteryState.charging ? 'CHARGING_STARTED' : 'CHARGING_STOPPED' });
    if (robot.awaitingRelease && state.safetyState.eStop === 'NONE' && state.paused !== true) robot.send({ type: 'RELEASE_SETTLED' });
    robot.ready = state.nodeStates.length === 0 && !state.actionStates.some((a) => isBusyStatus(a.actionStatus));
    const leg = robot.leg;
    if (leg) {
      const routeIndex = reachedRouteIndex(state, leg.orderId, (i) => this.routeNodeId(serial, i));
      if (routeIndex !== undefined && routeIndex > traffic.progressOf(serial)) {
        for (const grown of traffic.reached(serial, routeIndex, this.core.clock.now())) this.legs.toUpdate.add(grown);
      }
      if (leg.withdrawn) this.followWithdrawnLeg(robot, leg, state);
      else if (state.orderId === leg.orderId) this.followLeg(robot, leg, state, routeIndex);
    }
    return true;
  }

  /** A robot (back) online hears of an emergency stop in force, and of its own pause. */
  private cameOnline(robot: RobotRecord): void {
    if (this.core.facility.emergencyStop) this.stops.send('emergencyStop', [robot], () => {});
    // A robot that was offline when the emergency stop was released still holds it: release it
    // now (only a stop this controller sent; a robot's own stop is not the controller's to end).
    else if (robot.releaseOwed) {
      robot.send({ type: 'RELEASE_RESENT' });
      this.stops.send('release', [robot], () => robot.send({ type: 'RELEASE_SETTLED' }));
    }
    if ((robot.paused || robot.hold) && takes(this.core.edge.capabilitiesOf(robot.serial), 'startPause')) this.legs.sendInstantAction(robot.serial, 'startPause', 'pause');
  }

  /** A FATAL error puts the robot's machine in fault (raised, unless the operator's emergency stop explains it); none clears it. */
  private readFaults(robot: RobotRecord, state: State): void {
    const fatal = state.errors.find((e) => e.errorLevel === 'FATAL');
    if (fatal && !robot.faulted) {
      // The operator's emergency stop was raised once, not once per robot stopping.
      const stoppedByOperator = this.core.facility.emergencyStop && state.safetyState.eStop !== 'NONE';
      const alarm = stoppedByOperator ? null : `fault ${fatal.errorType}${fatal.errorDescription ? `: ${fatal.errorDescription}` : ''}`;
      robot.send({ type: 'FAULT', reason: `${fatal.errorType}: ${fatal.errorDescription ?? ''}`.trim(), alarm });
    } else if (!fatal && robot.faulted) {
      robot.send({ type: 'FAULT_CLEARED' });
    }
  }

  /**
   * A leg the robot runs: its action's outcome, or, without one, arrival at the goal, ends it.
   * A move the robot dropped short of the base it was given (its order cancelled by someone
   * else, or by the robot itself) ends where it stands, and the job goes on from there.
   */
  private followLeg(robot: RobotRecord, leg: ActiveLeg, state: State, routeIndex: number | undefined): void {
    const route = this.core.traffic.routeOf(robot.serial);
    if (leg.actionId) {
      const actionState = state.actionStates.find((a) => a.actionId === leg.actionId);
      if (actionState?.actionStatus === 'FINISHED') this.completeLeg(robot, state);
      else if (actionState?.actionStatus === 'FAILED') this.failLeg(robot, actionState.resultDescription ?? 'action failed', state);
    } else if (route && routeIndex === route.length - 1 && route[routeIndex] === leg.leg.goal && state.nodeStates.length === 0) {
      this.completeLeg(robot, state);
    } else if (droppedOrder(state, leg.orderId, leg.actionId, leg.baseEnds[state.orderUpdateId])) {
      this.core.alarm(robot.serial, `dropped order ${leg.orderId}/${state.orderUpdateId} at ${state.lastNodeId}, before the end of its leg; its job goes on from there`);
      this.legs.undoClaims(leg.leg);
      if (this.standsOnItsNode(state)) {
        this.legs.end(robot);
        this.jobs.advance(robot);
      } else {
        this.legs.awaitStandingOnNode(robot, leg);
        this.followWithdrawnLeg(robot, leg, state);
      }
    }
  }

  /**
   * A withdrawn leg: the robot keeps its cells until its state shows it standing with nothing
   * left to drive, after its cancelOrder (the cancel's action state, or a state a whole order
   * acknowledgement time later: an order still on its way would have shown by then). A pick or
   * drop of the leg it finishes all the same is a load nobody expects: held and quarantined.
   */
  private followWithdrawnLeg(robot: RobotRecord, leg: ActiveLeg, state: State): void {
    const withdrawn = leg.withdrawn!;
    const action = leg.leg.action;
    const taken = state.orderId === leg.orderId;
    if (action && taken && state.actionStates.some((a) => a.actionId === leg.actionId && a.actionStatus === 'FINISHED')) {
      this.core.quarantine.put(action.binId, `robot ${robot.serial} finished ${action.type} of bin ${action.binId} after its leg was withdrawn`);
      if (!robot.hold) this.holds.hold(robot, `finished ${action.type} of bin ${action.binId} after its leg was withdrawn`);
    }
    if (!standsIdle(state, leg.actionId)) return;
    // An order its state has never shown may still be on its way (it may even be overtaken by
    // the cancel, on another topic): its cells are kept a while longer.
    if (!taken && this.core.clock.now() - withdrawn.atMs < UNTAKEN_ORDER_GRACE_ACKS * this.core.options.orderAckTimeoutMs) return;
    if (!this.standsOnItsNode(state)) {
      // Stopped between two cells: it keeps the cells it has, and a person brings it to a node.
      if (!robot.hold) this.holds.hold(robot, `stands between cells, off its last node ${state.lastNodeId}; it keeps its cells until it stands on a node`);
      return;
    }
    this.legs.end(robot);
    this.core.traffic.setHeld(robot.serial, robot.paused || robot.hold !== null);
    if (!robot.hold) this.core.allocation.due = true;
  }

  /**
   * Checks the cell the state puts the robot on (its last node, and the cell nearest its
   * reported position) against the cells held for it and its top speed; a robot that cannot be
   * there is held, keeping its cells. Returns whether the position is believed.
   */
  private believePosition(robot: RobotRecord, state: State): boolean {
    const { grid, traffic, clock, options, edge, layout } = this.core;
    // "" (§6.10.6: no last node known, e.g. a bridge restarted before its board reports): nothing to judge yet.
    if (robot.positionInDoubt || state.lastNodeId === '') return false;
    const now = clock.now();
    const verdict = judgeStatePosition({
      state,
      inside: (x, y) => grid.inside(x, y),
      mapId: options.mapId,
      heldCells: traffic.heldCells(robot.serial).map((c) => grid.cellOf(c)),
      previous: robot.believed ? { ...grid.cellOf(robot.believed.cell), atMs: robot.believed.atMs } : undefined,
      nowMs: now,
      maxSpeedMps: edge.capabilitiesOf(robot.serial)?.maxSpeedMps ?? options.assumedMaxSpeedMps,
      cellSizeM: layout.cellSizeM,
      slackMs: options.motionSlackMs,
    });
    if (!verdict.ok) return this.holds.doubtPosition(robot, verdict.problem);
    robot.believed = { cell: grid.index(verdict.cell.x, verdict.cell.y), atMs: now };
    return true;
  }

  /** Whether the state puts the robot on its last node (not stopped between two cells). */
  private standsOnItsNode(state: State): boolean {
    const { cellSizeM } = this.core.layout;
    return onItsNode(state, this.core.options.mapId, (nodeId) => {
      const cell = parseCellNodeId(nodeId);
      return cell ? { x: cell.x * cellSizeM.x, y: cell.y * cellSizeM.y } : undefined;
    });
  }

  /** Node id of route index `i` of the robot's leg. */
  private routeNodeId(serial: string, i: number): string | undefined {
    const cell = this.core.traffic.routeOf(serial)?.[i];
    if (cell === undefined) return undefined;
    const { x, y } = this.core.grid.cellOf(cell);
    return cellNodeId(x, y);
  }

  /** Puts a newly seen robot on the grid; a robot that cannot be placed is raised once, not per message. */
  private place(robot: RobotRecord, state: State): boolean {
    const { grid, traffic, clock } = this.core;
    // §6.10.6: lastNodeId is "" while the robot knows no node yet (a bridge before its board's
    // first status): it is waited for, not raised.
    if (state.lastNodeId === '') return false;
    const cell = parseCellNodeId(state.lastNodeId);
    const problem = !cell || !grid.inside(cell.x, cell.y)
      ? `reports an unknown position "${state.lastNodeId}"; not commanded until it reports a grid cell`
      : !grid.drivable(grid.index(cell.x, cell.y))
        ? `reports standing on a blocked cell, ${state.lastNodeId}; not commanded until it reports a drivable cell`
        : traffic.place(robot.serial, grid.index(cell.x, cell.y));
    if (problem) {
      if (problem !== robot.placementProblem) this.core.alarm(robot.serial, cell ? `cannot be placed at ${state.lastNodeId}: ${problem}` : problem);
      robot.placementProblem = problem;
      return false;
    }
    robot.send({ type: 'PLACED' });
    robot.placementProblem = undefined;
    robot.believed = { cell: grid.index(cell!.x, cell!.y), atMs: clock.now() };
    this.placed(robot.serial);
    // VDA 5050 §6.16: ask each robot once for its capabilities.
    this.core.edge.requestFactsheet(robot.serial, this.core.newId('factsheet'));
    return true;
  }

  /**
   * The leg's action finished (or it had none and the robot arrived). A pick or drop counts
   * only if the robot's loads then show it (load-check.ts); otherwise nothing moves in the
   * inventory, the bin is quarantined and the robot held.
   */
  private completeLeg(robot: RobotRecord, state: State): void {
    const active = robot.leg;
    if (!active) return;
    const action = active.leg.action;
    if (action) {
      const identifies = this.core.edge.profileOf(robot.serial).identifiesLoads;
      const check = checkLoads(action.type, action.binId, state.loads, identifies);
      if (!check.ok) {
        this.core.quarantine.put(action.binId, `robot ${robot.serial} ${check.problem}`);
        this.holds.hold(robot, check.problem);
        return;
      }
      if (action.type === 'pick') this.kpi.loadChecked(check.identityVerified);
      this.applyAction(robot, action);
    }
    this.legs.end(robot);
    const job = robot.job;
    if (job?.kind === 'retrieve' && action?.type === 'drop' && action.portId !== undefined) {
      this.jobs.finish(robot);
      const port = this.core.ports.get(action.portId)!;
      if (port.awaitingReturn.size === 0 && worthWaitingForTakeBack(robot, port, action.binId, this.view)) {
        const now = this.core.clock.now();
        this.jobs.assign(robot, { kind: 'takeBackWait', id: this.core.newId('take-back-wait'), portId: port.id, droppedBinId: action.binId, untilMs: now + this.core.options.takeBackWaitMs, queuedAtMs: now });
        return;
      }
      this.core.allocation.due = true;
    }
    this.jobs.advance(robot);
  }

  /** Applies a finished pick or drop to the inventory; `stock` commits it to the store. */
  private applyAction(robot: RobotRecord, action: NonNullable<Leg['action']>): void {
    const { stock, claims, grid, requests } = this.core;
    const { binId, x, y } = action;
    if (action.type === 'pick') {
      if (action.portId !== undefined) {
        stock.liftFromPort(binId, action.portId, robot.serial);
        this.desk.left(action.portId, binId);
      } else {
        stock.liftFromColumn(binId, x, y, robot.serial);
        this.columnMoves++;
        const job = robot.job;
        if ((job?.kind === 'retrieve' || job?.kind === 'prepare') && job.binId === binId) claims.unlockDig(grid.index(x, y), job.id);
      }
    } else if (action.portId !== undefined) {
      stock.placeAtPort(binId, action.portId, robot.serial);
      const visit = robot.job?.kind === 'retrieve' ? requests.visit(robot.job.id) : undefined;
      this.desk.arrived(this.core.ports.get(action.portId)!, binId, visit);
    } else {
      stock.placeOnColumn(binId, x, y, robot.serial);
      this.columnMoves++;
      claims.removeIncoming(grid.index(x, y));
    }
  }

  /**
   * A pick or drop the robot reports FAILED: nothing moved (the inventory changes only on
   * FINISHED). A failed drop is tried again elsewhere, up to `maxDropAttempts`; a failed pick
   * means the controller's picture of that stack is wrong, so the visit fails and an alarm
   * asks for a person to look.
   */
  private failLeg(robot: RobotRecord, reason: string, state: State): void {
    const active = robot.leg!;
    const action = active.leg.action;
    this.core.alarm(robot.serial, `${action?.type ?? (active.leg.startCharging ? START_CHARGING_ACTION_TYPE : 'move')} failed: ${reason}`);
    this.legs.undoClaims(active.leg);
    // A robot still driving (its order was cancelled under way) keeps its cells until it stands on a node.
    if (standsIdle(state, active.actionId) && this.standsOnItsNode(state)) this.legs.end(robot);
    else this.legs.awaitStandingOnNode(robot, active);
    if (afterFailedAction(action?.type, robot.failedDrops, this.core.options.maxDropAttempts) === 'tryAgain') {
      robot.failedDrops++;
      this.jobs.advance(robot);
      return;
    }
    if (action?.type === 'drop') robot.failedDrops++;
    const job = robot.job;
    if (job?.kind === 'retrieve') {
      const visit = this.core.requests.visit(job.id);
      this.jobs.abandonRetrieval(job, '');
      if (visit) this.core.requests.failed(visit, `robot ${robot.serial}: ${reason}`);
    }
    this.jobs.finish(robot);
  }
}

/**
 * A withdrawn leg whose order the robot's state never showed keeps its cells this many order
 * acknowledgement times after the withdrawal: long past any order still on its way.
 */
const UNTAKEN_ORDER_GRACE_ACKS = 5;
