import type { LorrEntry, LorrProblem, LorrTaskView } from '../../../protocol/lorr/index.ts';

/**
 * A small, independent implementation of the LoRR rules for tests: it applies actions,
 * checks every step for leaving the map, entering an obstacle, vertex and swap conflicts and
 * schedule violations, reveals tasks and completes errands. It never trusts the planner.
 */
export interface MiniMap {
  width: number;
  height: number;
  passable: Uint8Array;
}

/** Rows of '.' (free) and '@' (obstacle). */
export function parseMiniMap(rows: readonly string[]): MiniMap {
  const height = rows.length;
  const width = rows[0]!.length;
  const passable = new Uint8Array(width * height);
  rows.forEach((row, r) => {
    if (row.length !== width) throw new Error('ragged map');
    for (let c = 0; c < width; c++) passable[r * width + c] = row[c] === '@' ? 0 : 1;
  });
  return { width, height, passable };
}

export interface WorldResult {
  finished: number;
  violations: string[];
  /** Step at which the last task finished, -1 none. */
  lastFinishStep: number;
  positions: Int32Array;
  actionsLog: string[];
}

export function runMiniWorld(
  entry: LorrEntry,
  problem: LorrProblem,
  steps: number,
  options: { stopWhenFinished?: number } = {},
): WorldResult {
  const { width, height, passable } = problem.map;
  const n = problem.teamSize;
  const positions = Int32Array.from(problem.starts);
  const orientations = new Uint8Array(n);
  let assignment = new Int32Array(n).fill(-1);
  const poolSize = Math.max(1, Math.floor(problem.numTasksReveal * n));
  let pool: LorrTaskView[] = [];
  let nextId = 0;
  const violations: string[] = [];
  const actionsLog: string[] = [];
  let finished = 0;
  let lastFinishStep = -1;
  entry.initialize(problem, 1000);
  for (let t = 0; t < steps; t++) {
    while (pool.length < poolSize && problem.tasks.length > 0) {
      const id = nextId++;
      pool.push({ id, errands: problem.tasks[id % problem.tasks.length]!, errandsDone: 0, assignedTo: -1, revealedAt: t });
    }
    const out = entry.step({ timestep: t, positions: Int32Array.from(positions), orientations: Uint8Array.from(orientations), tasks: pool, assignment: Int32Array.from(assignment) }, 1000);
    actionsLog.push(Array.from(out.actions).join(''));
    const byId = new Map(pool.map((task) => [task.id, task]));
    const claimed = new Set<number>();
    for (let r = 0; r < n; r++) {
      const id = out.assignment[r]!;
      const before = assignment[r]!;
      const started = before >= 0 && (byId.get(before)?.errandsDone ?? 0) > 0;
      if (started && id !== before) violations.push(`t${t}: robot ${r} lost started task ${before}`);
      if (id < 0) continue;
      const task = byId.get(id);
      if (task === undefined) violations.push(`t${t}: robot ${r} given unknown task ${id}`);
      else if (claimed.has(id)) violations.push(`t${t}: task ${id} given twice`);
      else if (task.errandsDone > 0 && task.assignedTo !== r) violations.push(`t${t}: started task ${id} moved to robot ${r}`);
      claimed.add(id);
    }
    for (const task of pool) task.assignedTo = -1;
    for (let r = 0; r < n; r++) {
      const task = byId.get(out.assignment[r]!);
      if (task) task.assignedTo = r;
    }
    assignment = Int32Array.from(out.assignment);
    const nextPositions = Int32Array.from(positions);
    for (let r = 0; r < n; r++) {
      const action = out.actions[r]!;
      const p = positions[r]!;
      const o = orientations[r]!;
      if (action === 0) {
        const row = Math.floor(p / width);
        const col = p % width;
        const dRow = o === 1 ? 1 : o === 3 ? -1 : 0;
        const dCol = o === 0 ? 1 : o === 2 ? -1 : 0;
        const nr = row + dRow;
        const nc = col + dCol;
        if (nr < 0 || nc < 0 || nr >= height || nc >= width) violations.push(`t${t}: robot ${r} leaves the map`);
        else if (passable[nr * width + nc] !== 1) violations.push(`t${t}: robot ${r} enters an obstacle`);
        else nextPositions[r] = nr * width + nc;
      } else if (action === 1) orientations[r] = (o + 1) & 3;
      else if (action === 2) orientations[r] = (o + 3) & 3;
      else if (action !== 3) violations.push(`t${t}: robot ${r} unknown action ${action}`);
    }
    const holder = new Map<number, number>();
    for (let r = 0; r < n; r++) {
      const other = holder.get(nextPositions[r]!);
      if (other !== undefined) violations.push(`t${t}: vertex conflict ${other}/${r} at ${nextPositions[r]}`);
      holder.set(nextPositions[r]!, r);
    }
    const before = new Map<number, number>();
    for (let r = 0; r < n; r++) before.set(positions[r]!, r);
    for (let r = 0; r < n; r++) {
      const other = before.get(nextPositions[r]!);
      if (other !== undefined && other !== r && nextPositions[other] === positions[r]) violations.push(`t${t}: swap ${r}/${other}`);
    }
    positions.set(nextPositions);
    if (violations.length > 0) break;
    const done = new Set<number>();
    for (let r = 0; r < n; r++) {
      const task = byId.get(assignment[r]!);
      if (!task || positions[r] !== task.errands[task.errandsDone]) continue;
      task.errandsDone++;
      if (task.errandsDone === task.errands.length) {
        finished++;
        lastFinishStep = t;
        done.add(task.id);
        assignment[r] = -1;
      }
    }
    if (done.size > 0) pool = pool.filter((task) => !done.has(task.id));
    if (options.stopWhenFinished !== undefined && finished >= options.stopWhenFinished) break;
  }
  return { finished, violations, lastFinishStep, positions, actionsLog };
}

/** Deterministic pseudo-random integers for test set-ups (mulberry32). */
export function testRandom(seed: number): (below: number) => number {
  let s = seed >>> 0;
  return (below: number) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return (((z ^ (z >>> 14)) >>> 0) % below);
  };
}

/** A random map with roughly `obstacleShare` obstacles, plus distinct free start cells. */
export function randomProblem(seed: number, width: number, height: number, robots: number, obstacleShare: number, taskCount: number): LorrProblem {
  const rand = testRandom(seed);
  const passable = new Uint8Array(width * height);
  for (let i = 0; i < passable.length; i++) passable[i] = rand(1000) < obstacleShare * 1000 ? 0 : 1;
  const free: number[] = [];
  for (let i = 0; i < passable.length; i++) if (passable[i] === 1) free.push(i);
  for (let i = free.length - 1; i > 0; i--) {
    const j = rand(i + 1);
    [free[i], free[j]] = [free[j]!, free[i]!];
  }
  const starts = Int32Array.from(free.slice(0, robots));
  const tasks: Int32Array[] = [];
  for (let k = 0; k < taskCount; k++) tasks.push(Int32Array.of(free[rand(free.length)]!, free[rand(free.length)]!));
  return { name: `random-${seed}`, map: { width, height, passable }, starts, tasks, teamSize: robots, numTasksReveal: 1.5 };
}
