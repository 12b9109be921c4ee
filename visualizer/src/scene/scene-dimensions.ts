import type { ConsoleLayout } from '../../../protocol/console/console-messages.ts';

/**
 * Sizes of everything drawn, metres, from a layout. Scene axes: x along the grid's x, z along
 * the grid's y, y up. Bins stand from the floor (y = 0); the rails, where robots drive, are
 * at `top` = depth × bin height. Cell (x, y) is centred at (x × cellSizeM.x, y × cellSizeM.y),
 * as in the robots' own positions.
 */
export interface SceneDimensions {
  readonly columnsX: number;
  readonly columnsY: number;
  readonly depth: number;
  readonly cellX: number;
  readonly cellY: number;
  readonly binHeight: number;
  /** Height of the rails. */
  readonly top: number;
  /** A bin's drawn size (a little smaller than its cell, so stacks read as stacks). */
  readonly binW: number;
  readonly binD: number;
  readonly binH: number;
  /** A robot: its open cavity (where it holds a bin) above the rails, and its roof above that. */
  readonly robotW: number;
  readonly robotD: number;
  readonly robotCavityH: number;
  readonly robotRoofH: number;
  /** Height of the gripper plate's centre above the rails when it is up. */
  readonly gripperRestY: number;
  readonly gripperH: number;
  /** Extent of the grid, metres, from the first cell's centre minus half a cell. */
  readonly minX: number;
  readonly minZ: number;
  readonly maxX: number;
  readonly maxZ: number;
}

export function sceneDimensions(layout: ConsoleLayout): SceneDimensions {
  const cellX = layout.cellSizeM.x;
  const cellY = layout.cellSizeM.y;
  const binHeight = layout.binHeightM;
  const robotCavityH = binHeight * 1.25;
  const gripperH = Math.min(0.05, binHeight * 0.15);
  return {
    columnsX: layout.columns.x,
    columnsY: layout.columns.y,
    depth: layout.depth,
    cellX,
    cellY,
    binHeight,
    top: layout.depth * binHeight,
    binW: cellX * 0.8,
    binD: cellY * 0.8,
    binH: binHeight * 0.94,
    robotW: cellX * 0.9,
    robotD: cellY * 0.9,
    robotCavityH,
    robotRoofH: Math.max(binHeight * 0.6, 0.12),
    gripperRestY: robotCavityH - gripperH,
    gripperH,
    minX: -cellX / 2,
    minZ: -cellY / 2,
    maxX: (layout.columns.x - 0.5) * cellX,
    maxZ: (layout.columns.y - 0.5) * cellY,
  };
}
