import type { GridCell } from '../../protocol/vda5050/grid-nodes.ts';

export type { GridCell } from '../../protocol/vda5050/grid-nodes.ts';

/**
 * The physical world around an emulated motor controller, for hardware-in-the-loop runs: the
 * board tells its body what its motors do, and the body (e.g. a GridWorld robot, see
 * grid-world-body.ts) follows. A refusal is data: the board turns it into a result code.
 */
export interface BoardBody {
  /**
   * The robot starts driving from the cell it stands on into the neighbouring cell `to` and
   * occupies both until `endMove`. False = it cannot (off the grid, blocked): the board's
   * drive ends where it is with done{motorStall} and fault{motorStall, detail 1}.
   */
  beginMove(to: GridCell): boolean;
  /** The robot reached the centre of the cell it was driving into and leaves the one behind. */
  endMove(): void;
  /**
   * The gripper, `depthMm` below its rest position over `cell`, closed on a bin: the bin is
   * now held. False = there is no bin to take there: the grip ends done{outOfRange}.
   */
  gripClose(cell: GridCell, depthMm: number): boolean;
  /** The gripper opened: the held bin is set down. False = it cannot be (done{outOfRange}). */
  gripOpen(cell: GridCell, depthMm: number): boolean;
}
