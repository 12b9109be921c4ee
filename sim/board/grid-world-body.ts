/**
 * Lets the simulator's GridWorld follow an emulated board (hardware-in-the-loop runs): the
 * robot `serialNumber` (added to the world by the caller) moves cell by cell as the board's
 * drive reaches cell centres, and a grip takes or sets down a bin in the column under it.
 */
import { defaultKinematics, type RobotKinematics } from '../kinematics/robot-kinematics.ts';
import type { BinHandling, GridWorld } from '../world/grid-world.ts';
import type { BoardBody, GridCell } from './board-body.ts';

export interface GridWorldBodyOptions {
  /** Bin height for turning the gripper depth into a stack level; default: the default robot's. */
  kinematics?: RobotKinematics;
  /** Called with the world's reason whenever it refuses (for logs); default: ignored. */
  onRefused?: (reason: string) => void;
}

/**
 * A BoardBody over a GridWorld robot. A grip in a column must happen at the depth of the bin it
 * handles, (depth − level)·binHeight give or take half a bin (the host lifts to exactly that):
 * gripClose takes the top bin, gripOpen sets the held bin on top. At a port the depth is not
 * checked (the extra port lowering is the host's business): gripClose takes the port's first
 * bin, gripOpen puts the held bin into the port.
 */
export function gridWorldBody(world: GridWorld, serialNumber: string, options: GridWorldBodyOptions = {}): BoardBody {
  const binHeightMm = (options.kinematics ?? defaultKinematics()).binHeightM * 1000;
  const refuse = (reason: string): false => {
    options.onRefused?.(reason);
    return false;
  };
  /** Whether the gripper at `depthMm` is at the top of a bin standing at `level`. */
  const atLevel = (depthMm: number, level: number) => Math.abs(depthMm - (world.depth - level) * binHeightMm) <= binHeightMm / 2;
  const isPort = (cell: GridCell) => world.cellKind(cell.x, cell.y) === 'port';

  return {
    beginMove(to) {
      const result = world.beginMove(serialNumber, to);
      return result.ok || refuse(result.reason);
    },
    endMove() {
      world.endMove(serialNumber);
    },
    gripClose(cell, depthMm) {
      let pick: BinHandling;
      if (isPort(cell)) {
        const binId = world.portBins(cell.x, cell.y)[0];
        if (binId === undefined) return refuse(`port (${cell.x}, ${cell.y}) holds no bin`);
        pick = { binId, x: cell.x, y: cell.y, level: 0 };
      } else {
        const stack = world.stackAt(cell.x, cell.y);
        const level = stack.length - 1;
        if (level < 0) return refuse(`column (${cell.x}, ${cell.y}) is empty`);
        if (!atLevel(depthMm, level)) return refuse(`gripper at ${depthMm} mm is not at the top bin of (${cell.x}, ${cell.y}) (level ${level})`);
        pick = { binId: stack[level]!, x: cell.x, y: cell.y, level };
      }
      const result = world.pickBin(serialNumber, pick);
      return result.ok || refuse(result.reason);
    },
    gripOpen(cell, depthMm) {
      const binId = world.heldBin(serialNumber);
      if (binId === undefined) return refuse(`robot ${serialNumber} holds no bin`);
      const level = isPort(cell) ? 0 : world.stackAt(cell.x, cell.y).length;
      if (!isPort(cell) && !atLevel(depthMm, level)) return refuse(`gripper at ${depthMm} mm is not where a bin lands on (${cell.x}, ${cell.y}) (level ${level})`);
      const result = world.dropBin(serialNumber, { binId, x: cell.x, y: cell.y, level });
      return result.ok || refuse(result.reason);
    },
  };
}
