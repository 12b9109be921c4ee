/**
 * Whether a robot can have got to where its state says it is: inside the cells the controller
 * holds for it (its cell and the base released to it), and no farther from where it last was
 * than its top speed allows in the time between. A position that fails either is not believed.
 * Pure; positions are grid cells, distances metres, times clock ms.
 */
import { parseCellNodeId } from '../../protocol/vda5050/grid-nodes.ts';
import type { State } from '../../protocol/vda5050/types.ts';

export interface MotionInput {
  /** The cell the state says the robot stands on, or is nearest. */
  readonly reportedCell: { readonly x: number; readonly y: number };
  /** Cells the controller holds for the robot (each `{x, y}`). */
  readonly heldCells: readonly { readonly x: number; readonly y: number }[];
  /** Where it was last believed to be, and when (clock ms). */
  readonly previous: { readonly x: number; readonly y: number; readonly atMs: number } | undefined;
  readonly nowMs: number;
  /** m/s (from its factsheet). */
  readonly maxSpeedMps: number;
  /** Cell pitch, metres. */
  readonly cellSizeM: { readonly x: number; readonly y: number };
  /**
   * Slack on the speed limit: states arrive late and bunched over a network, and a robot
   * reports its cell at the node. One cell of travel, plus this much time, is always allowed. Clock ms.
   */
  readonly slackMs: number;
}

/** A sentence saying why the position cannot be right, or undefined when it can. */
export function checkMotion(input: MotionInput): string | undefined {
  const { reportedCell: at } = input;
  const where = `(${at.x}, ${at.y})`;
  if (!input.heldCells.some((c) => c.x === at.x && c.y === at.y)) {
    const held = input.heldCells.map((c) => `(${c.x}, ${c.y})`).join(' ');
    return `reports standing on ${where}, outside the cells held for it (${held || 'none'})`;
  }
  const before = input.previous;
  if (!before) return undefined;
  const metres = Math.abs(at.x - before.x) * input.cellSizeM.x + Math.abs(at.y - before.y) * input.cellSizeM.y;
  const seconds = Math.max(0, input.nowMs - before.atMs) / 1000;
  const reach = input.maxSpeedMps * (seconds + input.slackMs / 1000) + Math.max(input.cellSizeM.x, input.cellSizeM.y);
  if (metres > reach) {
    return `reports ${where}, ${metres.toFixed(1)} m from (${before.x}, ${before.y}) ${seconds.toFixed(1)} s after it was there: faster than its ${input.maxSpeedMps} m/s`;
  }
  return undefined;
}

export interface StatePositionInput extends Omit<MotionInput, 'reportedCell'> {
  readonly state: Pick<State, 'lastNodeId' | 'agvPosition'>;
  /** Whether (x, y) is a cell of the grid. */
  inside(x: number, y: number): boolean;
  /** The grid's map; a position on another map is not compared. */
  readonly mapId: string;
}

/**
 * Checks where a state puts the robot: the cell of its last node (which must be a cell of the
 * grid), and the cell nearest its reported position (metres on the grid's map), each with
 * checkMotion (the speed limit against the last node only). Returns the last node's cell, or why
 * the position cannot be right.
 */
export function judgeStatePosition(input: StatePositionInput): { ok: true; cell: { x: number; y: number } } | { ok: false; problem: string } {
  const { state } = input;
  const node = parseCellNodeId(state.lastNodeId);
  if (!node || !input.inside(node.x, node.y)) return { ok: false, problem: `reports its last node as "${state.lastNodeId}", not a cell of the grid` };
  const problem = checkMotion({ ...input, reportedCell: node });
  if (problem) return { ok: false, problem };
  const p = state.agvPosition;
  if (p && p.positionInitialized && p.mapId === input.mapId) {
    const cell = { x: Math.round(p.x / input.cellSizeM.x), y: Math.round(p.y / input.cellSizeM.y) };
    const off = input.inside(cell.x, cell.y) ? checkMotion({ ...input, reportedCell: cell, previous: undefined }) : `reports a position off the grid (${p.x}, ${p.y})`;
    if (off) return { ok: false, problem: `its position ${off}` };
  }
  return { ok: true, cell: node };
}
