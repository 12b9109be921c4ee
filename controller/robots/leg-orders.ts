import type { Clock } from '../../protocol/clock.ts';
import { vehicleProfileOf, type GridLayout } from '../../protocol/layout/index.ts';
import type { Action } from '../../protocol/vda5050/types.ts';
import { START_CHARGING_ACTION_TYPE } from '../../protocol/vda5050/grid-nodes.ts';
import { binAction } from '../../protocol/vda5050/vehicle-profile.ts';
import type { ActiveLeg, RobotRecord } from '../fleet/robot-record.ts';
import type { GridMap } from '../grid/grid-map.ts';
import type { PortStation } from '../ports/port-station.ts';
import type { RobotEdge } from '../robot-edge/robot-edge.ts';
import { takes } from '../robot-edge/stop-plan.ts';
import type { Traffic } from '../traffic/traffic.ts';
import type { ColumnClaims } from '../work/column-claims.ts';
import type { Leg } from '../work/jobs.ts';
import { legOrder, type OrderGeometry } from './order-builder.ts';

export interface LegOrdersDeps {
  readonly layout: GridLayout;
  readonly grid: GridMap;
  readonly mapId: string;
  readonly clock: Clock;
  readonly edge: RobotEdge;
  readonly traffic: Traffic;
  readonly claims: ColumnClaims;
  readonly ports: ReadonlyMap<string, PortStation>;
  newId(prefix: string): string;
  alarm(source: string, message: string): void;
}

/**
 * What goes to a robot for a leg: its order and order updates (VDA 5050), the leg's claims on
 * a column or a port while it runs, and its end or withdrawal. A leg claims what its drop needs
 * (room in a column, a place at a port) from its start to its end or failure.
 */
export class LegOrders {
  /** Robots whose released cells may have grown since their last order, between cycles. */
  readonly toUpdate = new Set<string>();
  private readonly geometry: OrderGeometry;

  constructor(private readonly deps: LegOrdersDeps) {
    this.geometry = { grid: deps.grid, mapId: deps.mapId, cellSizeM: deps.layout.cellSizeM };
  }

  /** Starts a leg: routed, its drop's claim taken, and its order sent. A goal with no route is raised once and tried again later. */
  start(robot: RobotRecord, leg: Leg): void {
    const { traffic, clock } = this.deps;
    const from = traffic.positionOf(robot.serial);
    if (traffic.distance(leg.goal, from) === Infinity) {
      // Tried again every cycle; raised once per goal.
      const problem = `no route from ${from} to ${leg.goal}`;
      if (robot.routeProblem !== problem) this.deps.alarm(robot.serial, problem);
      robot.routeProblem = problem;
      return;
    }
    this.claim(leg);
    robot.routeProblem = undefined;
    const now = clock.now();
    traffic.startLeg(robot.serial, leg.goal, now);
    const actionId = leg.action ? this.deps.newId(leg.action.type) : leg.startCharging ? this.deps.newId('charge') : null;
    const releasedTo = traffic.releasedTo(robot.serial);
    robot.leg = { leg, orderId: this.deps.newId(`${robot.serial}-order`), orderUpdateId: 0, sentReleasedTo: releasedTo, baseEnds: [releasedTo], actionId, startedMs: now, withdrawn: null };
    robot.ready = false;
    this.sendOrder(robot, robot.leg, 0);
  }

  /** Sends the robots whose released cells grew since their last order (`toUpdate`) their order updates. */
  sendPendingUpdates(robotOf: (serial: string) => RobotRecord | undefined): void {
    this.sendUpdates([...this.toUpdate].map(robotOf));
  }

  /** Sends each of these robots on a leg the cells released to it since its last order (update); none is pending after. */
  sendUpdates(robots: Iterable<RobotRecord | undefined>): void {
    for (const robot of robots) {
      const leg = robot?.leg;
      if (leg && !leg.withdrawn && !robot.awaitingRelease && this.deps.traffic.releasedTo(robot.serial) !== leg.sentReleasedTo) this.sendUpdate(robot, leg);
    }
    this.toUpdate.clear();
  }

  /** The leg ends: the robot keeps only the cell it stands on. */
  end(robot: RobotRecord): void {
    const followers = this.deps.traffic.endLeg(robot.serial, this.deps.clock.now());
    robot.leg = null;
    robot.ready = true;
    // Updates of the leg still on their way no longer matter, nor does their fate.
    this.deps.edge.forgetOrders(robot.serial);
    for (const follower of followers) this.toUpdate.add(follower);
  }

  /** Stops releasing cells to the robot's leg and asks it to cancel the leg's order (see ActiveLeg.withdrawn). */
  withdraw(robot: RobotRecord): void {
    const leg = robot.leg;
    if (!leg || leg.withdrawn) return;
    this.deps.edge.forgetOrders(robot.serial);
    leg.withdrawn = { atMs: this.deps.clock.now() };
    this.undoClaims(leg.leg);
    this.deps.traffic.setHeld(robot.serial, true);
    if (takes(this.deps.edge.capabilitiesOf(robot.serial), 'cancelOrder')) this.sendInstantAction(robot.serial, 'cancelOrder', 'cancel');
  }

  /**
   * The leg's order is over on the robot's side (failed or dropped), but the robot does not yet
   * stand on a node: the leg ends as a withdrawn one would, keeping its cells until it does.
   */
  awaitStandingOnNode(robot: RobotRecord, leg: ActiveLeg): void {
    // The robot has the order (its state showed it), so it ends as soon as the state allows.
    leg.withdrawn = { atMs: this.deps.clock.now() };
    this.deps.edge.forgetOrders(robot.serial);
    this.deps.traffic.setHeld(robot.serial, true);
  }

  /** Gives back what the leg's drop claimed (a column's room or a port's place). */
  undoClaims(leg: Leg): void {
    const action = leg.action;
    if (action?.type !== 'drop') return;
    if (action.portId !== undefined) this.deps.ports.get(action.portId)!.expectBins(-1);
    else this.deps.claims.removeIncoming(this.deps.grid.index(action.x, action.y));
  }

  sendInstantAction(serial: string, actionType: string, idPrefix: string): void {
    this.deps.edge.sendInstantActions(serial, [{ actionType, actionId: this.deps.newId(idPrefix), blockingType: 'HARD' }]);
  }

  private claim(leg: Leg): void {
    const action = leg.action;
    if (action?.type !== 'drop') return;
    if (action.portId !== undefined) this.deps.ports.get(action.portId)!.expectBins(1);
    else this.deps.claims.addIncoming(this.deps.grid.index(action.x, action.y));
  }

  /**
   * Sends the leg's order (update) from route index `fromIndex`: the released cells as base,
   * then the planner's expected way on to the goal as horizon. The leg's action goes on the
   * goal node, so only once the route reaches it (a horizon can be cut off while every way to
   * the goal is held).
   */
  private sendOrder(robot: RobotRecord, active: ActiveLeg, fromIndex: number): void {
    const { traffic } = this.deps;
    const route = [...traffic.routeOf(robot.serial)!, ...traffic.horizon(robot.serial)];
    const actions = route[route.length - 1] === active.leg.goal ? this.actions(robot, active) : [];
    this.deps.edge.sendOrder(robot.serial, legOrder(this.geometry, active.orderId, active.orderUpdateId, route, fromIndex, active.sentReleasedTo, actions));
  }

  private actions(robot: RobotRecord, active: ActiveLeg): Action[] {
    if (!active.actionId) return [];
    if (active.leg.startCharging) return [{ actionType: START_CHARGING_ACTION_TYPE, actionId: active.actionId, blockingType: 'HARD' }];
    const action = active.leg.action;
    if (!action) return [];
    const handling = { loadId: action.binId, x: action.x, y: action.y, level: action.level, ...(action.portId !== undefined ? { portId: action.portId } : {}) };
    return [binAction(action.type, active.actionId, handling, vehicleProfileOf(this.deps.layout, robot.serial), this.deps.layout.binHeightM)];
  }

  private sendUpdate(robot: RobotRecord, leg: ActiveLeg): void {
    if (!this.deps.traffic.routeOf(robot.serial)) return;
    const from = leg.sentReleasedTo;
    leg.orderUpdateId++;
    leg.sentReleasedTo = this.deps.traffic.releasedTo(robot.serial);
    leg.baseEnds[leg.orderUpdateId] = leg.sentReleasedTo;
    this.sendOrder(robot, leg, from);
  }
}
