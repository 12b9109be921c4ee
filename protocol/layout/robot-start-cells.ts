import { SeededRandom } from '../random.ts';
import type { GridCell, GridLayout, RobotStart } from './grid-layout.ts';

/** Serial number of the n-th robot (1-based): R001, R002, ... (more digits past 999). */
export function robotSerialNumber(n: number): string {
  return `R${String(n).padStart(3, '0')}`;
}

/**
 * Where each robot starts. A placed list from the file is returned as given. For a count,
 * robots R001... are spread evenly over the storage and charger cells in row-major order
 * (every (cells / count)-th cell), starting at an offset drawn from `seed`; the same layout
 * and seed always give the same cells, and the cells are distinct.
 */
export function robotStartCells(layout: GridLayout, seed: number | string): RobotStart[] {
  if (layout.robots.placed) return layout.robots.placed.map((r) => ({ ...r }));
  const count = layout.robots.count;
  if (count === 0) return [];
  const eligible: GridCell[] = [];
  for (let y = 0; y < layout.columns.y; y++) {
    for (let x = 0; x < layout.columns.x; x++) {
      const kind = layout.cellKinds[y * layout.columns.x + x];
      if (kind === 'storage' || kind === 'charger') eligible.push({ x, y });
    }
  }
  if (count > eligible.length) throw new RangeError(`${count} robots do not fit on ${eligible.length} cells`);
  const step = eligible.length / count;
  const offset = new SeededRandom(seed).next() * step;
  const starts: RobotStart[] = [];
  for (let i = 0; i < count; i++) {
    // floor(offset + i*step) is strictly increasing because step >= 1, so cells are distinct.
    const cell = eligible[Math.floor(offset + i * step)]!;
    starts.push({ serialNumber: robotSerialNumber(i + 1), x: cell.x, y: cell.y });
  }
  return starts;
}
