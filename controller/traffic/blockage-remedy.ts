import type { GridMap } from '../grid/grid-map.ts';
import { planRoute } from './route-planner.ts';
import type { TrafficControl } from './traffic-control.ts';

/** What to do about a robot whose next cell another robot holds. */
export type BlockageRemedy =
  | { readonly kind: 'wait' }
  /** The blocker has nothing to do: send it out of the way, off these cells. */
  | { readonly kind: 'moveBlocker'; readonly blocker: string; readonly avoid: readonly number[] }
  /** A way round every held cell, from the last released cell to the goal. */
  | { readonly kind: 'detour'; readonly tail: number[] }
  /** No way round (a narrow passage, a head-on meeting): step to a free neighbour, then replan. */
  | { readonly kind: 'stepAside'; readonly tail: number[] };

export interface BlockageTimings {
  /** Stuck this long (ms) before anything is tried: most blockages clear by themselves. */
  detourAfterMs: number;
}

/**
 * Decides how a stuck robot gets going again; pure, the caller applies the remedy. Escalates
 * with the time waited: an idle blocker is moved away first; then a detour around working
 * robots (through idle ones, which are moved when reached); after three times the wait, a
 * step aside, which frees the robot's cell for the blocker (the way out of head-on meetings
 * and of goals held by robots waiting for this one).
 */
export function blockageRemedy(
  grid: GridMap,
  traffic: TrafficControl,
  serial: string,
  waitedMs: number,
  isIdle: (robot: string) => boolean,
  timings: BlockageTimings,
): BlockageRemedy {
  const blockage = traffic.blockage(serial);
  if (!blockage || waitedMs < timings.detourAfterMs) return { kind: 'wait' };
  const route = traffic.routeOf(serial)!;
  const releasedTo = traffic.releasedTo(serial);
  if (isIdle(blockage.holder)) return { kind: 'moveBlocker', blocker: blockage.holder, avoid: route.slice(releasedTo) };
  const from = route[releasedTo]!;
  const goal = route[route.length - 1]!;
  const heldByOthers = (cell: number) => {
    const holder = traffic.holderOf(cell);
    return holder !== undefined && holder !== serial;
  };
  // Idle robots can be sent out of the way (the next blockage they cause moves them), so a
  // detour may pass them at a cost; only working robots' cells are walls.
  const heldByWorking = (cell: number) => heldByOthers(cell) && !isIdle(traffic.holderOf(cell)!);
  const heldByIdle = (cell: number) => heldByOthers(cell) && isIdle(traffic.holderOf(cell)!);
  const tail = goal !== blockage.cell ? planRoute(grid, { from, to: goal, forbidden: heldByWorking, penalised: heldByIdle }) : undefined;
  if (tail) return { kind: 'detour', tail };
  if (waitedMs < 3 * timings.detourAfterMs) return { kind: 'wait' };
  const blockerRoute = new Set(traffic.routeOf(blockage.holder) ?? []);
  const free = grid.neighbours(from).filter((cell) => !heldByOthers(cell) && cell !== blockage.cell);
  const aside = free.find((cell) => !blockerRoute.has(cell)) ?? free[0];
  return aside === undefined ? { kind: 'wait' } : { kind: 'stepAside', tail: [from, aside] };
}
