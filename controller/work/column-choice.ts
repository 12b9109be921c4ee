import type { GridMap } from '../grid/grid-map.ts';
import type { ColumnClaims } from './column-claims.ts';

/** What a column choice needs to know about the stacks. */
export interface StackHeights {
  height(x: number, y: number): number;
}

export interface ColumnChoiceContext {
  grid: GridMap;
  stacks: StackHeights;
  claims: ColumnClaims;
  /** Columns holding bins that queued jobs will fetch soon: avoided as destinations. */
  wantedSoon: (cell: number) => boolean;
  /** Cells held by a robot, or where robots queue (next to ports): avoided, not forbidden. */
  occupied: (cell: number) => boolean;
}

/** Free places left in a column once the drops already on their way have landed. */
export function freeSlots(ctx: ColumnChoiceContext, cell: number): number {
  const { x, y } = ctx.grid.cellOf(cell);
  return ctx.grid.depth - ctx.stacks.height(x, y) - ctx.claims.incomingDrops(cell);
}

/**
 * The best column to drop a bin on, by `score` (lower is better) among storage columns with
 * room that nobody is digging and no other bin is on its way to. Columns wanted soon or with a robot standing on them cost
 * extra, so they are used only when nothing else is near. Ties go to the lower cell index,
 * which keeps runs deterministic. Returns undefined when the grid is full.
 */
export function chooseDropColumn(
  ctx: ColumnChoiceContext,
  score: (cell: number) => number,
  exclude: (cell: number) => boolean = () => false,
): number | undefined {
  let best: number | undefined;
  let bestScore = Infinity;
  for (let cell = 0; cell < ctx.grid.cellCount; cell++) {
    if (!ctx.grid.isStorage(cell) || exclude(cell)) continue;
    // One drop at a time per column: the drop names the level the bin lands on.
    if (ctx.claims.digLockHolder(cell) !== undefined || ctx.claims.incomingDrops(cell) > 0) continue;
    if (freeSlots(ctx, cell) <= 0) continue;
    let s = score(cell);
    if (ctx.wantedSoon(cell)) s += 1000;
    if (ctx.occupied(cell)) s += 50;
    if (s < bestScore) {
      bestScore = s;
      best = cell;
    }
  }
  return best;
}

/**
 * Digging (DESIGN.md §2): a blocker goes to a nearby column that is not full and not wanted
 * soon. Near means few cells from the column being dug, so the robot's round trip is short.
 */
export function chooseBlockerColumn(ctx: ColumnChoiceContext, dugCell: number): number | undefined {
  return chooseDropColumn(ctx, (cell) => ctx.grid.manhattan(cell, dugCell), (cell) => cell === dugCell);
}

/**
 * Slotting for returned bins: popular bins go high (on top, which every drop does) and near
 * the ports; the rest go to the outer zone, past the median distance from the ports, to keep
 * the near columns for the bins that are asked for most.
 */
export function chooseReturnColumn(
  ctx: ColumnChoiceContext,
  from: number,
  popular: boolean,
  portDistance: (cell: number) => number,
  medianPortDistance: number,
): number | undefined {
  if (popular) return chooseDropColumn(ctx, (cell) => portDistance(cell) * 2 + ctx.grid.manhattan(cell, from));
  return chooseDropColumn(ctx, (cell) => Math.max(0, medianPortDistance - portDistance(cell)) * 3 + ctx.grid.manhattan(cell, from));
}
