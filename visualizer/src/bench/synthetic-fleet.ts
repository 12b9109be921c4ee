import { consoleStateTopic } from '../../../protocol/console/topics.ts';
import { SeededRandom } from '../../../protocol/random.ts';
import type { ConsoleRobot, ConsoleState } from '../../../protocol/console/console-messages.ts';
import type { State } from '../../../protocol/vda5050/types.ts';
import { SYNTHETIC_CAPABILITIES, SYNTHETIC_CELL_SIZE_M, syntheticConsoleRobot, syntheticConsoleState, syntheticRobotState, syntheticRobotStateTopic } from './synthetic-messages.ts';

/**
 * A made-up fleet for the benchmark: every robot reports a VDA 5050 state once per period (the
 * reports spread evenly over the period, as real robots' do), moving one cell per report on a
 * random walk, now and then stopping to pick a bin (gripper down), carrying it, and dropping it;
 * one robot in fifty has a FATAL error. The controller's console state follows once per period.
 * Messages come out as text, to go through the console's own parsers.
 */
export interface SyntheticFleetOptions {
  readonly site: string;
  readonly columnsX: number;
  readonly columnsY: number;
  readonly robots: number;
  /** Each robot reports once per period, ms. */
  readonly reportPeriodMs: number;
  readonly seed?: number;
}

type Phase = 'walk' | 'pick' | 'carry' | 'drop';

interface SimRobot {
  readonly serial: string;
  readonly topic: string;
  x: number;
  y: number;
  nextX: number;
  nextY: number;
  phase: Phase;
  phaseLeft: number;
  headerId: number;
  nextReportMs: number;
  readonly fatal: boolean;
  bin: string | null;
}

export interface FleetMessage {
  readonly topic: string;
  readonly text: string;
}

export class SyntheticFleet {
  readonly serials: string[];
  private readonly robots: SimRobot[] = [];
  private readonly random: SeededRandom;
  private nextStateMs: number;
  private binCounter = 0;

  constructor(
    private readonly options: SyntheticFleetOptions,
    startMs: number,
  ) {
    this.random = new SeededRandom(options.seed ?? 1);
    this.serials = [];
    for (let i = 0; i < options.robots; i++) {
      const serial = `R${String(i + 1).padStart(4, '0')}`;
      this.serials.push(serial);
      const x = this.random.int(0, options.columnsX - 1);
      const y = this.random.int(0, options.columnsY - 1);
      this.robots.push({
        serial,
        topic: syntheticRobotStateTopic(serial),
        x,
        y,
        nextX: x,
        nextY: y,
        phase: 'walk',
        phaseLeft: this.random.int(2, 12),
        headerId: 0,
        // Spread the first reports over one period.
        nextReportMs: startMs + (i / options.robots) * options.reportPeriodMs,
        fatal: i % 50 === 49,
        bin: null,
      });
    }
    this.nextStateMs = startMs;
  }

  /** Every message due by `nowMs`, oldest first, appended to `out`. */
  due(nowMs: number, out: FleetMessage[]): void {
    if (nowMs >= this.nextStateMs) {
      out.push({ topic: consoleStateTopic(this.options.site), text: JSON.stringify(this.consoleState()) });
      this.nextStateMs += this.options.reportPeriodMs * Math.max(1, Math.ceil((nowMs - this.nextStateMs + 1) / this.options.reportPeriodMs));
    }
    for (const robot of this.robots) {
      if (nowMs < robot.nextReportMs) continue;
      this.step(robot);
      out.push({ topic: robot.topic, text: JSON.stringify(this.robotState(robot)) });
      robot.nextReportMs += this.options.reportPeriodMs;
      if (robot.nextReportMs <= nowMs) robot.nextReportMs = nowMs + this.options.reportPeriodMs;
    }
  }

  /** Cell each robot reported last, by serial. */
  cellOf(serial: string): { x: number; y: number } | undefined {
    const robot = this.robots.find((r) => r.serial === serial);
    return robot ? { x: robot.x, y: robot.y } : undefined;
  }

  private step(robot: SimRobot): void {
    robot.headerId += 1;
    if (robot.fatal) return; // a robot in error stands still
    robot.phaseLeft -= 1;
    if (robot.phaseLeft <= 0) {
      const next: Record<Phase, Phase> = { walk: 'pick', pick: 'carry', carry: 'drop', drop: 'walk' };
      robot.phase = next[robot.phase];
      robot.phaseLeft = robot.phase === 'pick' || robot.phase === 'drop' ? 3 : this.random.int(3, 14);
      if (robot.phase === 'carry') robot.bin = `B${++this.binCounter}`;
      if (robot.phase === 'walk') robot.bin = null;
    }
    if (robot.phase === 'walk' || robot.phase === 'carry') {
      // Move to the cell chosen last time, and choose the next one (held reserved meanwhile).
      robot.x = robot.nextX;
      robot.y = robot.nextY;
      // Next cell: one step along x or y, staying on the grid.
      const alongX = this.random.next() < 0.5;
      const dir = this.random.next() < 0.5 ? -1 : 1;
      const { columnsX, columnsY } = this.options;
      if (alongX) robot.nextX = Math.min(columnsX - 1, Math.max(0, robot.x + dir));
      else robot.nextY = Math.min(columnsY - 1, Math.max(0, robot.y + dir));
    }
  }

  private robotState(robot: SimRobot): State {
    return syntheticRobotState({
      serial: robot.serial,
      headerId: robot.headerId,
      xM: Math.round(robot.x * SYNTHETIC_CELL_SIZE_M.x * 1000) / 1000,
      yM: Math.round(robot.y * SYNTHETIC_CELL_SIZE_M.y * 1000) / 1000,
      ...(robot.phase === 'pick' ? { lifting: 'pick' as const } : robot.phase === 'drop' ? { lifting: 'drop' as const } : {}),
      ...(robot.bin && robot.phase !== 'pick' ? { carrying: robot.bin } : {}),
      fatalError: robot.fatal,
      batteryPercent: 40 + (robot.headerId % 60),
    });
  }

  private consoleState(): ConsoleState {
    const robots: ConsoleRobot[] = this.robots.map((r) =>
      syntheticConsoleRobot(r.serial, {
        state: r.fatal ? 'error' : r.phase === 'walk' ? 'idle' : 'working',
        job: r.phase === 'walk' ? null : `${r.phase} ${r.bin ?? 'bin'}`,
        reservedCells: [
          [r.x, r.y],
          [r.nextX, r.nextY],
        ],
        errors: r.fatal ? [{ errorType: 'motorStall', errorLevel: 'FATAL' }] : [],
        carrying: r.bin,
        capabilities: [...SYNTHETIC_CAPABILITIES],
      }),
    );
    return syntheticConsoleState(this.options.site, robots);
  }
}
