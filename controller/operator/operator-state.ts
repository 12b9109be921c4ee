import type { CoreServices } from '../core-services.ts';

/**
 * What operators have set that outlives a controller restart: the emergency stop, paused
 * robots, robots in service, ports they closed and cells they blocked. Kept in the store
 * after every operator's command that changes it, and set again at start (restoreOperatorState).
 */
export interface OperatorState {
  readonly emergencyStop: boolean;
  /** Robots an operator paused (a hold the controller raised itself is not kept). */
  readonly pausedRobots: readonly string[];
  readonly robotsInService: readonly string[];
  readonly closedPorts: readonly string[];
  /** Cells an operator blocked, in the order blocked. */
  readonly blockedCells: readonly { readonly x: number; readonly y: number }[];
}

/** Where operator state is kept (the SQLite store). */
export interface OperatorStateStore {
  loadOperatorState(): OperatorState | null;
  keepOperatorState(state: OperatorState): void;
}

/** The operator state the controller is in now. */
export function captureOperatorState(core: CoreServices): OperatorState {
  const robots = [...core.fleet.all()];
  return {
    emergencyStop: core.facility.emergencyStop,
    pausedRobots: robots.filter((robot) => robot.paused).map((robot) => robot.serial).sort(),
    robotsInService: robots.filter((robot) => robot.inService).map((robot) => robot.serial).sort(),
    closedPorts: [...core.ports.values()].filter((port) => port.closedByOperator).map((port) => port.id),
    blockedCells: [...core.facility.blockedCells].map((cell) => core.grid.cellOf(cell)).map(({ x, y }) => ({ x, y })),
  };
}

/** Keeps the operator state in the store whenever it differs from what was last kept. */
export class OperatorStateKeeper {
  private lastKept: string;

  constructor(
    private readonly core: CoreServices,
    private readonly store: OperatorStateStore,
  ) {
    this.lastKept = JSON.stringify(store.loadOperatorState() ?? EMPTY);
  }

  /** After an operator's command: keeps the state if it changed. */
  keep(): void {
    const state = captureOperatorState(this.core);
    const text = JSON.stringify(state);
    if (text === this.lastKept) return;
    this.store.keepOperatorState(state);
    this.lastKept = text;
  }
}

export const EMPTY: OperatorState = { emergencyStop: false, pausedRobots: [], robotsInService: [], closedPorts: [], blockedCells: [] };

/** The operators' commands a restored state is set again with. */
export interface OperatorStateCommands {
  emergencyStopAll(): { ok: boolean; message: string };
  pauseRobot(serial: string): { ok: boolean; message: string };
  sendToService(serial: string): { ok: boolean; message: string };
  setPortOpen(portId: string, open: boolean): { ok: boolean; message: string };
  blockCell(x: number, y: number): { ok: boolean; message: string };
}

/**
 * Sets a kept operator state again at start, with the operators' own commands: ports closed,
 * cells blocked, robots sent to service and paused (each robot of the fleet, heard from yet
 * or not: `register` makes its record), then the emergency stop. Returns what could not be
 * set again (a port or robot no longer in the layout, a cell no longer blockable), in words.
 */
export function applyOperatorState(state: OperatorState, commands: OperatorStateCommands, fleet: ReadonlySet<string>, register: (serial: string) => void): string[] {
  const problems: string[] = [];
  const run = (what: string, outcome: { ok: boolean; message: string }) => {
    if (!outcome.ok) problems.push(`${what}: ${outcome.message}`);
  };
  const robot = (serial: string, what: string, command: (serial: string) => { ok: boolean; message: string }) => {
    if (!fleet.has(serial)) return problems.push(`${what} ${serial}: not in the layout's fleet`);
    register(serial);
    run(`${what} ${serial}`, command(serial));
  };
  for (const portId of state.closedPorts) run(`close port ${portId}`, commands.setPortOpen(portId, false));
  for (const { x, y } of state.blockedCells) run(`block cell (${x}, ${y})`, commands.blockCell(x, y));
  for (const serial of state.robotsInService) robot(serial, 'send to service', (s) => commands.sendToService(s));
  for (const serial of state.pausedRobots) robot(serial, 'pause', (s) => commands.pauseRobot(s));
  if (state.emergencyStop) run('emergency stop', commands.emergencyStopAll());
  return problems;
}
