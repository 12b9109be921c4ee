import type { LorrProblem } from '../../protocol/lorr/lorr-problem.ts';

/**
 * An independent check of a LoRR result file, written from the benchmark README's rules
 * (bench/lorr2024/README.md) without the rest of sim/lorr (it shares no code with run-lorr.ts
 * and the step rules it checks): replays `actualPaths` and `actualSchedule` from the problem's
 * starts, re-derives the task pool, errands and finished tasks, and reports every broken rule
 * and every disagreement with the file. Checks Gridline's result files and the start kit's alike.
 *
 * Schedule entries `T:id` are read with the start kit's timing: they take effect at timestep T
 * before the errands are checked there (an assignment proposed with step T−1's actions).
 */
export interface LorrReplayReport {
  numTaskFinished: number;
  errors: string[];
}

/** Stop collecting after this many errors: one broken rule tends to cause many more. */
const MAX_ERRORS = 200;

const ROW_STEP = [0, 1, 0, -1];
const COL_STEP = [1, 0, -1, 0];

interface ReplayTask {
  id: number;
  errands: Int32Array;
  done: number;
}

export function replayLorrOutput(problem: LorrProblem, output: unknown): LorrReplayReport {
  const errors: string[] = [];
  const fail = (message: string): void => {
    if (errors.length < MAX_ERRORS) errors.push(message);
  };
  const report = (numTaskFinished: number): LorrReplayReport => ({ numTaskFinished, errors });
  if (typeof output !== 'object' || output === null) return { numTaskFinished: 0, errors: ['output is not an object'] };
  const file = output as Record<string, unknown>;
  const n = problem.teamSize;
  const { width, height } = problem.map;

  // --- read the paths and the schedule
  const rawPaths = file.actualPaths;
  if (!Array.isArray(rawPaths) || rawPaths.length !== n || rawPaths.some((p) => typeof p !== 'string')) {
    return { numTaskFinished: 0, errors: [`actualPaths must be ${n} strings`] };
  }
  const paths = (rawPaths as string[]).map((p) => (p === '' ? [] : p.split(',')));
  const steps = paths[0]?.length ?? 0;
  paths.forEach((p, robot) => {
    if (p.length !== steps) fail(`robot ${robot} has ${p.length} actions, robot 0 has ${steps}`);
    p.forEach((a, t) => {
      if (!['F', 'R', 'C', 'W', 'T'].includes(a)) fail(`robot ${robot} step ${t}: unknown action "${a}"`);
    });
  });
  if (file.makespan !== undefined && file.makespan !== steps) fail(`makespan ${String(file.makespan)} but paths have ${steps} steps`);

  const rawSchedule = file.actualSchedule;
  const scheduleAt = new Map<number, [robot: number, taskId: number][]>();
  if (!Array.isArray(rawSchedule) || rawSchedule.length !== n) fail(`actualSchedule must be ${n} strings`);
  else {
    rawSchedule.forEach((s: unknown, robot) => {
      if (typeof s !== 'string') return fail(`actualSchedule[${robot}] is not a string`);
      let last = -Infinity;
      for (const entry of s === '' ? [] : s.split(',')) {
        const match = /^(\d+):(-?\d+)$/.exec(entry.trim());
        if (!match) {
          fail(`robot ${robot}: bad schedule entry "${entry}"`);
          continue;
        }
        const t = Number(match[1]);
        if (t < last) fail(`robot ${robot}: schedule entry "${entry}" goes back in time`);
        last = t;
        const list = scheduleAt.get(t) ?? [];
        list.push([robot, Number(match[2])]);
        scheduleAt.set(t, list);
      }
    });
  }

  // --- the start
  const start = file.start;
  if (Array.isArray(start)) {
    if (start.length !== n) fail(`start lists ${start.length} robots, the problem has ${n}`);
    start.forEach((s: unknown, robot) => {
      const cell = problem.starts[robot];
      if (cell === undefined) return;
      const expected = [Math.floor(cell / width), cell % width, 'E'];
      if (JSON.stringify(s) !== JSON.stringify(expected)) fail(`start of robot ${robot} is ${JSON.stringify(s)}, expected ${JSON.stringify(expected)}`);
    });
  }

  // --- world state
  const row = Int32Array.from(problem.starts, (c) => Math.floor(c / width));
  const col = Int32Array.from(problem.starts, (c) => c % width);
  const facing = new Int32Array(n); // all east
  const pool = new Map<number, ReplayTask>();
  const poolSize = Math.max(1, Math.floor(problem.numTasksReveal * n));
  const revealed: [number, number, number[]][] = [];
  let nextTask = 0;
  const reveal = (t: number): void => {
    while (pool.size < poolSize) {
      const id = nextTask++;
      const errands = problem.tasks[id % problem.tasks.length] as Int32Array;
      pool.set(id, { id, errands, done: 0 });
      revealed.push([id, t, Array.from(errands).flatMap((c) => [Math.floor(c / width), c % width])]);
    }
  };
  const holding = new Int32Array(n).fill(-1);
  const events: [number, number, number, number][] = [];
  let finished = 0;

  const applySchedule = (t: number): void => {
    for (const [robot, id] of scheduleAt.get(t) ?? []) {
      const current = holding[robot] as number;
      if (current === id) continue;
      const held = current >= 0 ? pool.get(current) : undefined;
      if (held && held.done > 0) fail(`timestep ${t}: robot ${robot} is moved off task ${current} after reaching its first errand`);
      if (id >= 0 && !pool.has(id)) fail(`timestep ${t}: robot ${robot} is given task ${id}, which is not revealed or already finished`);
      holding[robot] = id;
    }
    if (!scheduleAt.has(t)) return;
    const holderOf = new Map<number, number>();
    holding.forEach((id, robot) => {
      if (id < 0) return;
      const other = holderOf.get(id);
      if (other !== undefined) fail(`timestep ${t}: robots ${other} and ${robot} both hold task ${id}`);
      holderOf.set(id, robot);
    });
  };

  reveal(0);
  applySchedule(0);
  const nextRow = new Int32Array(n);
  const nextCol = new Int32Array(n);
  for (let t = 0; t < steps; t++) {
    const robotAt = new Map<number, number>();
    for (let r = 0; r < n; r++) robotAt.set((row[r] as number) * width + (col[r] as number), r);
    for (let r = 0; r < n; r++) {
      const action = paths[r]?.[t];
      nextRow[r] = row[r] as number;
      nextCol[r] = col[r] as number;
      if (action === 'R') facing[r] = ((facing[r] as number) + 1) % 4;
      else if (action === 'C') facing[r] = ((facing[r] as number) + 3) % 4;
      else if (action === 'F') {
        const nr = (row[r] as number) + (ROW_STEP[facing[r] as number] as number);
        const nc = (col[r] as number) + (COL_STEP[facing[r] as number] as number);
        if (nr < 0 || nr >= height || nc < 0 || nc >= width) fail(`step ${t}: robot ${r} drives off the map at (${row[r]}, ${col[r]})`);
        else if (problem.map.passable[nr * width + nc] !== 1) fail(`step ${t}: robot ${r} drives into the obstacle at (${nr}, ${nc})`);
        else {
          nextRow[r] = nr;
          nextCol[r] = nc;
        }
      }
    }
    const endedAt = new Map<number, number>();
    for (let r = 0; r < n; r++) {
      const cell = (nextRow[r] as number) * width + (nextCol[r] as number);
      const other = endedAt.get(cell);
      if (other !== undefined) fail(`step ${t}: robots ${other} and ${r} end on (${nextRow[r]}, ${nextCol[r]}) (vertex conflict)`);
      endedAt.set(cell, r);
      const from = (row[r] as number) * width + (col[r] as number);
      const there = robotAt.get(cell);
      if (cell !== from && there !== undefined && there < r && (nextRow[there] as number) * width + (nextCol[there] as number) === from) {
        fail(`step ${t}: robots ${there} and ${r} swap cells (edge conflict)`);
      }
    }
    row.set(nextRow);
    col.set(nextCol);

    applySchedule(t + 1);
    for (let r = 0; r < n; r++) {
      const task = pool.get(holding[r] as number);
      if (!task) continue;
      const errand = task.errands[task.done] as number;
      if ((row[r] as number) * width + (col[r] as number) !== errand) continue;
      task.done++;
      events.push([t + 1, r, task.id, task.done]);
      if (task.done === task.errands.length) {
        pool.delete(task.id);
        holding[r] = -1;
        finished++;
      }
    }
    reveal(t + 1);
  }

  // --- agreement with the file
  if (file.numTaskFinished !== finished) fail(`numTaskFinished is ${String(file.numTaskFinished)}, the replay finishes ${finished}`);
  if (file.teamSize !== undefined && file.teamSize !== n) fail(`teamSize is ${String(file.teamSize)}, the problem has ${n}`);
  const firstDifference = (name: string, listed: unknown, derived: unknown[]): void => {
    if (!Array.isArray(listed)) return fail(`${name} is not a list`);
    if (listed.length !== derived.length) fail(`${name} lists ${listed.length} entries, the replay derives ${derived.length}`);
    const i = derived.findIndex((d, k) => JSON.stringify(d) !== JSON.stringify(listed[k]));
    if (i >= 0) fail(`${name}[${i}] is ${JSON.stringify(listed[i])}, the replay derives ${JSON.stringify(derived[i])}`);
  };
  if (file.events !== undefined) firstDifference('events', file.events, events);
  if (file.tasks !== undefined) firstDifference('tasks', file.tasks, revealed);
  return report(finished);
}
