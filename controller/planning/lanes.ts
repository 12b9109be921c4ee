import type { GridGraph } from './grid-graph.ts';

/**
 * Lanes: a soft one-way direction for every row and column, as guidance for the distance maps
 * (DistanceMaps `moveCost`). A move against its row's or column's direction costs `penalty`
 * more than one along it, so robots heading opposite ways take different lanes instead of
 * meeting head-on in one-cell aisles, where PIBT can only let one of them back out.
 *
 * Directions alternate, so every way is served one lane over: rows by their index (east on
 * even rows); columns by their index too, except the columns that are aisles (most of their
 * free cells walled on both sides: the gaps between shelf blocks), which alternate among
 * themselves, since such aisles often repeat with an even period (every fourth column on the
 * LoRR warehouse maps) and would otherwise all run the same way.
 */
export interface LaneOptions {
  /** Extra cost of a move against the lane, in moves (0..254). */
  penalty: number;
  /** Share of a column's free cells walled east and west for it to count as an aisle. */
  aisleShare?: number;
}

/** Per compact cell × 4 directions (E, S, W, N): the extra cost of the move out of that cell. */
export function laneMoveCosts(graph: GridGraph, options: LaneOptions): Uint8Array {
  const { width, height, passable, freeCells } = graph;
  const penalty = options.penalty;
  if (!Number.isInteger(penalty) || penalty < 0 || penalty > 254) throw new Error(`lane penalty must be an integer 0..254, got ${penalty}`);
  const aisleShare = options.aisleShare ?? 0.5;
  const free = (col: number, row: number) => col >= 0 && col < width && row >= 0 && row < height && passable[row * width + col] === 1;
  // Columns heading south (true) or north (false).
  const southbound = new Array<boolean>(width);
  let aisles = 0;
  for (let col = 0; col < width; col++) {
    let cells = 0;
    let walled = 0;
    for (let row = 0; row < height; row++) {
      if (!free(col, row)) continue;
      cells++;
      if (!free(col - 1, row) && !free(col + 1, row)) walled++;
    }
    const aisle = cells > 0 && walled >= cells * aisleShare;
    southbound[col] = aisle ? aisles++ % 2 === 0 : col % 2 === 0;
  }
  const costs = new Uint8Array(graph.freeCount * 4);
  for (let id = 0; id < freeCells.length; id++) {
    const cell = freeCells[id]!;
    const row = (cell / width) | 0;
    const col = cell - row * width;
    const eastbound = row % 2 === 0;
    costs[id * 4 + 0] = eastbound ? 0 : penalty;
    costs[id * 4 + 2] = eastbound ? penalty : 0;
    costs[id * 4 + 1] = southbound[col] ? 0 : penalty;
    costs[id * 4 + 3] = southbound[col] ? penalty : 0;
  }
  return costs;
}
