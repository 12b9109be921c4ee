import { fleetSerials } from '../../protocol/layout/index.ts';
import type { CoreServices } from '../core-services.ts';
import type { RobotRecord } from '../fleet/robot-record.ts';
import type { GridMap } from '../grid/grid-map.ts';
import type { BinLocation } from '../inventory/types.ts';
import { describeStopOutcomes } from '../robot-edge/stop-commands.ts';
import type { StopOutcome } from '../robot-edge/stop-verifier.ts';
import type { LegOrders } from '../robots/leg-orders.ts';
import type { Allocation } from '../work/allocation.ts';
import { onServiceJob, type JobRunner } from '../work/job-runner.ts';
import type { RobotStops } from './robot-stops.ts';

/**
 * The outcome of an operator's command: done (with what was done, in words), or refused with
 * a code and a reason a person understands; a refused command changes nothing.
 */
export type OperatorOutcome =
  | { ok: true; message: string; robots?: StopOutcome[] }
  | { ok: false; code: 'UNKNOWN_ROBOT' | 'UNKNOWN_PORT' | 'UNKNOWN_BIN' | 'UNKNOWN_ALARM' | 'OUTSIDE_GRID' | 'NOT_ALLOWED'; message: string };

/** Called once with a stop's or pause's outcome once every robot has confirmed it or its time ran out. */
export type OutcomeListener = (outcome: OperatorOutcome) => void;

/** The column claim an operator's blocked cell holds (see ColumnClaims). */
const OPERATOR_BLOCK_CLAIM = 'operator-block';

/** What operators may command: stops, pauses, service, ports, blocked cells, quarantine. */
export class OperatorCommands {
  constructor(
    private readonly core: CoreServices,
    private readonly stops: RobotStops,
    private readonly jobs: JobRunner,
    private readonly legs: LegOrders,
    private readonly allocation: Allocation,
    private readonly robot: (serial: string) => RobotRecord,
  ) {}

  /**
   * Emergency stop of every robot: each is asked the way it takes (stop-plan.ts: Gridline's
   * `emergencyStop`, or the standard startPause), and so are robots coming online while it
   * lasts. The controller keeps every reservation and job and releases nothing new until
   * `resumeAll`. Returns what was sent; `done` gets each robot's confirmed outcome.
   */
  emergencyStopAll(done?: OutcomeListener): OperatorOutcome {
    const { facility, layout } = this.core;
    const already = facility.emergencyStop;
    // Its machine freezes the traffic.
    facility.stopAll();
    // Every robot of the fleet, heard from or not: one whose messages were all refused still gets it.
    const robots = fleetSerials(layout).map((serial) => this.robot(serial));
    if (!already) this.core.alarm('operator', `emergency stop of every robot (${robots.length})`);
    this.stops.send('emergencyStop', robots, (outcomes) => done?.(describeStopOutcomes(`emergency stop${already ? ' (it was already in force)' : ''}`, outcomes)));
    return { ok: true, message: `emergency stop sent to ${robots.length} robots${already ? ' (it was already in force)' : ''}; they keep their cells and jobs until resumed` };
  }

  /** Ends an emergency stop: each robot gets the release of how it was stopped, and normal operation. */
  resumeAll(done?: OutcomeListener): OperatorOutcome {
    const { facility, fleet, edge } = this.core;
    const was = facility.emergencyStop;
    // Its machine thaws the traffic.
    facility.releaseAll();
    const released: RobotRecord[] = [];
    const kept: string[] = [];
    for (const robot of fleet.all()) {
      // A robot paused or held for itself stays so: its own stopPause is an operator's to send.
      if (robot.stoppedVia === 'startPause' && (robot.paused || robot.hold)) {
        robot.stoppedVia = null;
        kept.push(robot.serial);
        continue;
      }
      // Sent again when it comes back online, if it is offline now (a lost release would leave it stopped).
      robot.send({ type: 'RELEASE_ASKED', offline: !robot.online });
      edge.stopNoLongerOwed(robot.serial);
      released.push(robot);
    }
    if (was) this.core.alarm('operator', 'emergency stop released');
    const staying = kept.length > 0 ? `; ${kept.join(', ')} stay paused or held` : '';
    this.stops.send('release', released, (outcomes) => {
      // A robot may take orders again once its state showed the release, or its time ran out.
      for (const o of outcomes) {
        const robot = fleet.get(o.serial);
        robot?.send({ type: 'RELEASE_SETTLED' });
      }
      done?.(describeStopOutcomes(`emergency stop released${was ? '' : ' (none was in force)'}${staying}`, outcomes));
    });
    return { ok: true, message: `emergency stop released for ${released.length} robots${was ? '' : ' (none was in force)'}${staying}` };
  }

  /**
   * Pauses a robot (`startPause`): it stops where it is, keeps its cells and job, is released
   * no further cells, given no new leg nor job, and moved by nobody until resumed.
   */
  pauseRobot(serial: string, done?: OutcomeListener): OperatorOutcome {
    const robot = this.core.fleet.get(serial);
    if (!robot) return unknownRobot(serial);
    const was = robot.paused;
    robot.send({ type: 'PAUSE' });
    this.core.traffic.setHeld(serial, true);
    const message = `robot ${serial} ${was ? 'was already paused' : 'paused'}; it keeps its cells${robot.job ? ' and its job' : ''}`;
    this.stops.send('pause', [robot], (outcomes) => done?.(describeStopOutcomes(`pause of ${serial}`, outcomes)));
    return { ok: true, message };
  }

  /** Ends a robot's pause (`stopPause`), or its hold in alarm: it goes on with its job. */
  resumeRobot(serial: string, done?: OutcomeListener): OperatorOutcome {
    const robot = this.core.fleet.get(serial);
    if (!robot) return unknownRobot(serial);
    const was = robot.paused || robot.hold !== null;
    const hold = robot.hold;
    robot.send({ type: 'RESUME' });
    robot.believed = null;
    this.core.edge.stopNoLongerOwed(serial);
    this.core.traffic.setHeld(serial, !!robot.leg?.withdrawn);
    if (hold) this.core.alarm('operator', `robot ${serial} resumed from its hold (${hold})`);
    if (was) this.legs.toUpdate.add(serial);
    // Paused by the emergency stop in force, it stays paused until that is released.
    if (this.core.facility.emergencyStop && robot.stoppedVia === 'startPause') {
      done?.({ ok: true, message: `robot ${serial}: its pause or hold is lifted, but the emergency stop in force keeps it stopped until released`, robots: [] });
      return { ok: true, message: `robot ${serial} stays stopped by the emergency stop in force` };
    }
    this.stops.send('resume', [robot], (outcomes) => done?.(describeStopOutcomes(`resume of ${serial}`, outcomes)));
    return { ok: true, message: `robot ${serial} ${was ? 'resumed' : 'was not paused'}` };
  }

  /**
   * Takes a robot out of service: a robot carrying a bin finishes its job (the bin is put away
   * or delivered); one carrying none gives its job back, to be done by another robot, once
   * its current move ends. Then it drives to the nearest free service cell and takes no work
   * until `returnFromService`.
   */
  sendToService(serial: string): OperatorOutcome {
    const robot = this.core.fleet.get(serial);
    if (!robot) return unknownRobot(serial);
    if (!this.allocation.hasServiceCells) return { ok: false, code: 'NOT_ALLOWED', message: 'the layout has no service cell to send a robot to' };
    if (robot.inService) return { ok: true, message: `robot ${serial} is already in service` };
    robot.send({ type: 'SEND_TO_SERVICE' });
    robot.serviceCell = null;
    const carried = this.core.inventory.binOnRobot(serial);
    let message: string;
    if (carried) message = `robot ${serial} puts away bin ${carried} (finishing its job), then drives to a service cell`;
    else if (robot.job && robot.leg) message = `robot ${serial} ends its current move, gives its job back, then drives to a service cell`;
    else message = `robot ${serial} ${robot.job ? 'gives its job back and ' : ''}drives to a service cell`;
    if (robot.job && !robot.leg) this.jobs.advance(robot);
    else this.core.allocation.due = true;
    return { ok: true, message };
  }

  /** Puts a robot back into service: it takes work again. */
  returnFromService(serial: string): OperatorOutcome {
    const robot = this.core.fleet.get(serial);
    if (!robot) return unknownRobot(serial);
    if (!robot.inService) return { ok: true, message: `robot ${serial} was not in service` };
    const onWay = onServiceJob(robot);
    robot.send({ type: 'RETURN_FROM_SERVICE' });
    robot.serviceCell = null;
    if (onWay && !robot.leg) this.jobs.finish(robot);
    this.core.allocation.due = true;
    return { ok: true, message: `robot ${serial} takes work again` };
  }

  /**
   * Closes a port (no new retrieval for it starts; bins at it or on their way finish, and its
   * queued retrievals wait) or opens it again.
   */
  setPortOpen(portId: string, open: boolean): OperatorOutcome {
    const { ports } = this.core;
    const port = ports.get(portId);
    if (!port) return { ok: false, code: 'UNKNOWN_PORT', message: `port "${portId}" does not exist; ports are ${[...ports.keys()].join(', ')}` };
    if (!port.open) return { ok: false, code: 'NOT_ALLOWED', message: `port ${portId} is closed in the layout (mode closed); it cannot be opened or closed here` };
    const was = !port.closedByOperator;
    port.setOperatorOpen(open);
    if (open) {
      this.core.allocation.due = true;
      return { ok: true, message: `port ${portId} ${was ? 'was already open' : 'open again'}` };
    }
    const atPort = port.queue.length + (port.presented ? 1 : 0);
    return { ok: true, message: `port ${portId} ${was ? 'closed' : 'was already closed'}: the ${atPort} bins at it and ${port.retrievalsUnderway} on their way finish; no new retrieval for it starts` };
  }

  /** Whether a port takes new retrievals: open in the layout and not closed by an operator. */
  portTakesVisits(portId: string): boolean {
    return this.core.ports.get(portId)?.takesVisits ?? false;
  }

  /**
   * Blocks a cell: no robot is planned through or onto it, and no bin is dug from or set on
   * it. Refused for a cell a robot stands on, holds, or is on its way to, a column being dug or
   * with a bin on its way, a port's cell, and a cell blocked in the layout.
   */
  blockCell(x: number, y: number): OperatorOutcome {
    const { grid, zones, ports, facility, traffic, fleet, claims } = this.core;
    if (!grid.inside(x, y)) return outsideGrid(x, y, grid);
    const cell = grid.index(x, y);
    const here = `cell (${x}, ${y})`;
    if (!grid.drivable(cell)) return { ok: false, code: 'NOT_ALLOWED', message: `${here} is blocked in the layout (a pillar or void)` };
    if (zones.portCells.has(cell)) {
      const port = [...ports.values()].find((p) => p.cell === cell)!;
      return { ok: false, code: 'NOT_ALLOWED', message: `${here} is port ${port.id}'s cell; close the port instead` };
    }
    if (facility.blockedCells.has(cell)) return { ok: true, message: `${here} was already blocked` };
    const holder = traffic.holderOf(cell);
    if (holder !== undefined) {
      const stands = traffic.positionOf(holder) === cell;
      return { ok: false, code: 'NOT_ALLOWED', message: `robot ${holder} ${stands ? 'stands on' : 'holds'} ${here}${stands ? '' : ' reserved'}` };
    }
    for (const robot of fleet.all()) {
      if (fleet.headsFor(robot, cell)) return { ok: false, code: 'NOT_ALLOWED', message: `robot ${robot.serial} is on its way to ${here}` };
    }
    const digger = claims.digLockHolder(cell);
    if (digger !== undefined) return { ok: false, code: 'NOT_ALLOWED', message: `${here} is being dug (job ${digger})` };
    if (claims.incomingDrops(cell) > 0) return { ok: false, code: 'NOT_ALLOWED', message: `a bin is on its way to ${here}` };
    facility.blockedCells.add(cell);
    traffic.setCellClosed(cell, true);
    // A column claimed for good: no job digs it, drops on it, parks or waits on it.
    claims.lockForDig(cell, OPERATOR_BLOCK_CLAIM);
    return { ok: true, message: `${here} blocked: robots plan around it, and no bin is dug from or set on it` };
  }

  /** Unblocks a cell an operator blocked. */
  unblockCell(x: number, y: number): OperatorOutcome {
    const { grid, facility, traffic, claims } = this.core;
    if (!grid.inside(x, y)) return outsideGrid(x, y, grid);
    const cell = grid.index(x, y);
    const here = `cell (${x}, ${y})`;
    if (!grid.drivable(cell)) return { ok: false, code: 'NOT_ALLOWED', message: `${here} is blocked in the layout (a pillar or void); only cells an operator blocked can be unblocked` };
    if (!facility.blockedCells.delete(cell)) return { ok: true, message: `${here} was not blocked` };
    traffic.setCellClosed(cell, false);
    claims.unlockDig(cell, OPERATOR_BLOCK_CLAIM);
    return { ok: true, message: `${here} unblocked` };
  }

  /** Ends a bin's quarantine: an operator has found it where the controller has it, and it is offered to requests again. */
  clearQuarantine(binId: string): OperatorOutcome {
    const { inventory, stock } = this.core;
    if (!inventory.has(binId)) return { ok: false, code: 'UNKNOWN_BIN', message: `bin "${binId}" does not exist` };
    const reason = inventory.quarantineOf(binId);
    if (reason === undefined) return { ok: true, message: `bin ${binId} was not in quarantine` };
    stock.clearQuarantine(binId);
    this.core.alarm('operator', `bin ${binId} cleared from quarantine (${reason})`);
    this.core.allocation.due = true;
    return { ok: true, message: `bin ${binId} cleared from quarantine: it is offered to requests again where the controller has it (${describeLocation(inventory.location(binId))})` };
  }
}

function describeLocation(location: BinLocation): string {
  if (location.kind === 'column') return `column (${location.x}, ${location.y}), level ${location.level}`;
  return location.kind === 'robot' ? `on robot ${location.serial}` : `at port ${location.portId}`;
}

function unknownRobot(serial: string): OperatorOutcome {
  return { ok: false, code: 'UNKNOWN_ROBOT', message: `robot "${serial}" has not reported to the controller` };
}

function outsideGrid(x: number, y: number, grid: GridMap): OperatorOutcome {
  return { ok: false, code: 'OUTSIDE_GRID', message: `cell (${x}, ${y}) is outside the ${grid.width} x ${grid.height} grid` };
}
