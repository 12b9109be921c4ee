import type { DistanceArray, DistanceMaps } from '../planning/distance-maps.ts';
import { DIRECTION_COUNT, type GridGraph } from '../planning/grid-graph.ts';
import { NO_HEADING } from '../planning/pibt.ts';
import type { TrafficControl } from './traffic-control.ts';

/**
 * Detour maps for the traffic planner (traffic-planner.ts), and the descent along a robot's
 * map that its extensions and horizon follow.
 *
 * A robot that has waited `detourAfterMs` without a release gets a detour map, a distance map
 * to its goal that treats the cells other robots hold now as walls, until its leg ends. Only
 * `detoursPerCycle` of them are computed per planning step.
 */
export class Detours {
  private readonly detours = new Map<string, { goal: number; map: DistanceArray }>();
  /** Detour maps computed in the current step. */
  private computed = 0;

  constructor(
    private readonly graph: GridGraph,
    private readonly maps: DistanceMaps,
    private readonly traffic: TrafficControl,
    private readonly options: { readonly detourAfterMs: number; readonly detoursPerCycle: number },
    /**
     * When each robot was last released a cell or its leg changed (its wait began), clock ms:
     * the planner sets it as it releases cells; a leg's change and a new detour set it here.
     */
    private readonly lastReleaseMs: Map<string, number>,
  ) {}

  /** A leg starts or ends: its detour map no longer applies, and its wait starts again. */
  legChanged(serial: string, nowMs: number): void {
    this.detours.delete(serial);
    this.lastReleaseMs.set(serial, nowMs);
  }

  /** Drops every detour map (made with the graph's moves before a change). */
  clear(): void {
    this.detours.clear();
  }

  /** A planning step begins: its budget of new detour maps is full again. */
  beginStep(): void {
    this.computed = 0;
  }

  /**
   * The detour map of a robot planned in the current step, standing at `at` on its way to
   * `goal`, or null (plain distances). A robot that has waited `detourAfterMs` gets a new one
   * while the step's budget lasts, and its wait starts again.
   */
  forStep(serial: string, goal: number, at: number, nowMs: number): DistanceArray | null {
    const waitedMs = nowMs - (this.lastReleaseMs.get(serial) ?? nowMs);
    let detour = this.detours.get(serial);
    if (detour && detour.goal !== goal) {
      this.detours.delete(serial);
      detour = undefined;
    }
    if (waitedMs >= this.options.detourAfterMs && this.computed < this.options.detoursPerCycle) {
      this.computed++;
      this.lastReleaseMs.set(serial, nowMs);
      const map = this.detourMap(goal, serial);
      // Walled in for now (every way round is held): plain distances until the next try.
      detour = map[this.graph.compactOf[at]!] === this.maps.unreachable ? undefined : { goal, map };
      if (detour) this.detours.set(serial, detour);
      else this.detours.delete(serial);
    }
    return detour?.map ?? null;
  }

  /**
   * The robot's detour map, if it has one for this goal and it still leads from the robot's
   * frontier to the goal (the frontier may have moved onto a cell that was walled off when the
   * map was made); else null, and plain distances apply.
   */
  mapFor(serial: string, goal: number): DistanceArray | null {
    const detour = this.detours.get(serial);
    if (!detour || detour.goal !== goal) return null;
    if (detour.map[this.graph.compactOf[this.traffic.frontierOf(serial)]!] === this.maps.unreachable) {
      this.detours.delete(serial);
      return null;
    }
    return detour.map;
  }

  /**
   * Distance to `goal` with every cell held by another robot a wall (the robot's own cells
   * and the goal stay open), compact-indexed like DistanceMaps' maps.
   */
  private detourMap(goal: number, serial: string): DistanceArray {
    const graph = this.graph;
    const unreachable = this.maps.unreachable;
    const map: DistanceArray = unreachable === 0xffff ? new Uint16Array(graph.freeCount).fill(unreachable) : new Int32Array(graph.freeCount).fill(unreachable);
    const queue = new Int32Array(graph.freeCount);
    const start = graph.compactOf[goal]!;
    map[start] = 0;
    queue[0] = start;
    let tail = 1;
    for (let head = 0; head < tail; head++) {
      const id = queue[head]!;
      const d = map[id]! + 1;
      for (let dir = 0; dir < 4; dir++) {
        const nextId = graph.compactPredecessors[id * 4 + dir]!;
        if (nextId < 0 || map[nextId] !== unreachable) continue;
        const holder = this.traffic.holderOf(graph.freeCells[nextId]!);
        if (holder !== undefined && holder !== serial) continue;
        map[nextId] = d;
        queue[tail++] = nextId;
      }
    }
    return map;
  }
}

/**
 * Grid distance from `cell` to `goal`, Infinity when unreachable (computing the goal's map
 * if need be; Manhattan distance while the cache has no slot for it).
 */
export function distanceTo(maps: DistanceMaps, goal: number, cell: number): number {
  maps.ensure(goal);
  const d = maps.distance(goal, cell);
  return d === maps.unreachable ? Infinity : d;
}

/**
 * The neighbour of `at` one step nearer the goal, straight ahead first; -1 when none.
 * Distances are the robot's detour `map`, or the plain ones when it is null.
 */
export function descentStep(maps: DistanceMaps, heading: number, at: number, goal: number, map: DistanceArray | null): number {
  const graph = maps.graph;
  const here = distanceVia(maps, map, goal, at);
  let best = -1;
  let bestKey = Infinity;
  for (let dir = 0; dir < DIRECTION_COUNT; dir++) {
    const cell = graph.neighbours[at * 4 + dir]!;
    if (cell < 0) continue;
    const d = distanceVia(maps, map, goal, cell);
    if (d >= here) continue;
    // Same axis as the heading needs no wheel change.
    const key = d * 4 + (heading === NO_HEADING || ((dir - heading) & 1) === 0 ? 0 : 1);
    if (key < bestKey) {
      bestKey = key;
      best = cell;
    }
  }
  return best;
}

function distanceVia(maps: DistanceMaps, map: DistanceArray | null, goal: number, cell: number): number {
  if (map) {
    const d = map[maps.graph.compactOf[cell]!]!;
    return d === maps.unreachable ? Infinity : d;
  }
  return distanceTo(maps, goal, cell);
}
