/**
 * Whether a robot can have got to where its state says it is: inside the cells the controller
 * holds for it (its cell and the base released to it), and no farther from where it last was
 * than its top speed allows in the time between. A position that fails either is not believed.
 * Pure; positions are grid cells, distances metres, times clock ms.
 */
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
