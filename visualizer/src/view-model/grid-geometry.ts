import { CELL_KIND_CODES, type ConsoleLayout } from '../../../protocol/console/console-messages.ts';

/**
 * Grid arithmetic shared by the view model and the scene. Grid cells are integer (x, y)
 * columns; positions are metres on the robots' map, where cell (x, y) is centred at
 * (x * cellSizeM.x, y * cellSizeM.y), so a robot's agvPosition gives its cell by rounding.
 */

export type CellKind = keyof typeof CELL_KIND_CODES;

const KIND_BY_CODE: ReadonlyMap<string, CellKind> = new Map(Object.entries(CELL_KIND_CODES).map(([kind, code]) => [code, kind as CellKind]));

export interface CellSizeM {
  readonly x: number;
  readonly y: number;
}

export interface Cell {
  readonly x: number;
  readonly y: number;
}

/** The cell a position (metres) stands in: round(x / cellSizeM.x), round(y / cellSizeM.y). */
export function cellOfPosition(xM: number, yM: number, cellSizeM: CellSizeM): Cell {
  // `+ 0` turns Math.round's -0 (for -0.3) into 0, so cells compare and print cleanly.
  return { x: Math.round(xM / cellSizeM.x) + 0, y: Math.round(yM / cellSizeM.y) + 0 };
}

/** Centre of a cell, metres. */
export function positionOfCell(cell: Cell, cellSizeM: CellSizeM): { x: number; y: number } {
  return { x: cell.x * cellSizeM.x, y: cell.y * cellSizeM.y };
}

export function isInsideGrid(cell: Cell, columns: ConsoleLayout['columns']): boolean {
  return Number.isInteger(cell.x) && Number.isInteger(cell.y) && cell.x >= 0 && cell.y >= 0 && cell.x < columns.x && cell.y < columns.y;
}

/** Row-major index of a cell (y * columns.x + x), the order of cellKinds and of the stacks' heights. */
export function cellIndex(x: number, y: number, columnsX: number): number {
  return y * columnsX + x;
}

export function cellKindOf(code: string): CellKind | undefined {
  return KIND_BY_CODE.get(code);
}

/** Kind of a cell of a layout whose cellKinds has been checked (see `checkLayout`). */
export function cellKindAt(layout: ConsoleLayout, x: number, y: number): CellKind {
  return cellKindOf(layout.cellKinds.charAt(cellIndex(x, y, layout.columns.x))) ?? 'storage';
}

/** `x,y`: how a cell is written in keys and in the robot list's data-cell attribute. */
export function cellKey(x: number, y: number): string {
  return `${x},${y}`;
}

/**
 * What the schema cannot say about a layout: one cell kind per column, ports and chargers
 * inside the grid. Returns readable problems; empty when the layout can be drawn.
 */
export function checkLayout(layout: ConsoleLayout): string[] {
  const problems: string[] = [];
  const cells = layout.columns.x * layout.columns.y;
  if (layout.cellKinds.length !== cells) {
    problems.push(`layout cellKinds has ${layout.cellKinds.length} characters; a ${layout.columns.x} × ${layout.columns.y} grid needs ${cells}`);
  }
  for (const port of layout.ports) {
    if (!isInsideGrid(port, layout.columns)) problems.push(`layout port ${port.id} at (${port.x}, ${port.y}) is outside the grid`);
  }
  for (const charger of layout.chargers) {
    if (!isInsideGrid(charger, layout.columns)) problems.push(`layout charger ${charger.id} at (${charger.x}, ${charger.y}) is outside the grid`);
  }
  return problems;
}
