/**
 * Keeps the simulator's physical world true for a vehicle that lives outside it (a vda-5050-lib
 * vehicle moving in its own virtual space): from the orders it gets and the states it reports,
 * its cell (both cells while it drives between them) and the bins its finished picks and drops
 * move. So the simulated robots find bins where the outside vehicle left them, and the world's
 * invariant checks (one robot per cell, each bin in one place) cover it too. What its reports
 * would make physically impossible is kept as a problem. A vehicle that stops before it has
 * moved off its node (a cancelOrder right after it set off) never entered the cell ahead.
 */
import type { GridWorld } from '../../sim/world/grid-world.ts';
import { parseCellNodeId } from '../../protocol/vda5050/grid-nodes.ts';
import type { Order, State } from '../../protocol/vda5050/types.ts';
import { ON_NODE_TOLERANCE_M } from '../../controller/robot-edge/leg-progress.ts';

interface BinAction {
  type: 'pick' | 'drop';
  binId: string;
  x: number;
  y: number;
  level: number;
}

export class OutsideVehicleMirror {
  readonly problems: string[] = [];
  private readonly actions = new Map<string, BinAction>();
  private readonly applied = new Set<string>();
  private at: { x: number; y: number };
  private movingTo: { x: number; y: number } | undefined;

  constructor(
    private readonly world: GridWorld,
    private readonly serial: string,
    start: { x: number; y: number },
    private readonly cellSizeM: { x: number; y: number },
  ) {
    world.addRobot(serial, start);
    this.at = { ...start };
  }

  onOrder(order: Order): void {
    for (const node of order.nodes) {
      for (const action of node.actions) {
        if (action.actionType !== 'pick' && action.actionType !== 'drop') continue;
        const p = new Map((action.actionParameters ?? []).map((a) => [a.key, a.value]));
        this.actions.set(action.actionId, { type: action.actionType, binId: String(p.get('loadId')), x: Number(p.get('x')), y: Number(p.get('y')), level: Number(p.get('level')) });
      }
    }
  }

  onState(state: State): void {
    const last = parseCellNodeId(state.lastNodeId);
    if (last && (last.x !== this.at.x || last.y !== this.at.y)) this.arrive(last);
    else if (last && this.movingTo && !state.driving && this.standsOn(state, this.at)) this.backOut();
    const next = state.driving ? parseCellNodeId(state.nodeStates[0]?.nodeId ?? '') : undefined;
    if (next && !this.movingTo && Math.abs(next.x - this.at.x) + Math.abs(next.y - this.at.y) === 1) this.begin(next);
    for (const a of state.actionStates) {
      const action = this.actions.get(a.actionId);
      if (a.actionStatus !== 'FINISHED' || !action || this.applied.has(a.actionId)) continue;
      this.applied.add(a.actionId);
      const handling = { binId: action.binId, x: action.x, y: action.y, level: action.level };
      const done = action.type === 'pick' ? this.world.pickBin(this.serial, handling) : this.world.dropBin(this.serial, handling);
      if (!done.ok) this.problems.push(`${this.serial} finished ${action.type} ${a.actionId}, which the world cannot do: ${done.reason}`);
    }
  }

  private arrive(cell: { x: number; y: number }): void {
    if (this.movingTo && this.movingTo.x === cell.x && this.movingTo.y === cell.y) {
      this.world.endMove(this.serial);
    } else if (!this.movingTo && Math.abs(cell.x - this.at.x) + Math.abs(cell.y - this.at.y) === 1) {
      if (!this.begin(cell)) return;
      this.world.endMove(this.serial);
    } else {
      this.problems.push(`${this.serial} reports (${cell.x}, ${cell.y}) after (${this.at.x}, ${this.at.y})${this.movingTo ? ` on its way to (${this.movingTo.x}, ${this.movingTo.y})` : ''}`);
      return;
    }
    this.at = { ...cell };
    this.movingTo = undefined;
  }

  /** Stopped on the node it was leaving: it leaves the cell ahead (the world's way: it drives back). */
  private backOut(): void {
    this.world.endMove(this.serial);
    this.movingTo = undefined;
    const back = this.world.beginMove(this.serial, this.at);
    if (back.ok) this.world.endMove(this.serial);
    else this.problems.push(`${this.serial} stopped on (${this.at.x}, ${this.at.y}), which the world refuses: ${back.reason}`);
  }

  /** Its reported position is on the node of `cell` (as the controller judges standing on a node). */
  private standsOn(state: State, cell: { x: number; y: number }): boolean {
    const p = state.agvPosition;
    return p !== undefined && p.positionInitialized && Math.hypot(p.x - cell.x * this.cellSizeM.x, p.y - cell.y * this.cellSizeM.y) <= ON_NODE_TOLERANCE_M;
  }

  private begin(cell: { x: number; y: number }): boolean {
    const moved = this.world.beginMove(this.serial, cell);
    if (!moved.ok) {
      this.problems.push(`${this.serial} drives to (${cell.x}, ${cell.y}), which the world refuses: ${moved.reason}`);
      return false;
    }
    this.movingTo = { ...cell };
    return true;
  }
}
