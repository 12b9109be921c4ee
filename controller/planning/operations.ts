import { ACTION_CLOCKWISE, ACTION_COUNTER_CLOCKWISE, ACTION_FORWARD, ACTION_WAIT } from '../../protocol/lorr/index.ts';

/**
 * The operations EPIBT plans with (epibt.ts): sequences of HORIZON actions for robots that drive
 * forward only and turn in place, and per operation and start heading the tables it reads.
 */

/** Steps an operation spans. */
export const HORIZON = 3;

/**
 * The distinct operations: every sequence of HORIZON actions, one per distinct outcome (cells
 * over time and final heading, relative to the start), e.g. RR stands for CC too, and RCW for WWW.
 */
export const OPERATIONS: readonly (readonly number[])[] = distinctOperations();

/** Index of staying put (W at every step) in OPERATIONS. */
export const WAIT_ALL = 0;

function distinctOperations(): number[][] {
  const seen = new Set<string>();
  const out: number[][] = [];
  const actions = [ACTION_WAIT, ACTION_FORWARD, ACTION_CLOCKWISE, ACTION_COUNTER_CLOCKWISE];
  const total = actions.length ** HORIZON;
  for (let code = 0; code < total; code++) {
    const op: number[] = [];
    for (let t = 0, c = code; t < HORIZON; t++, c = Math.floor(c / actions.length)) op.push(actions[c % actions.length]!);
    // Outcome relative to the start: facing 0 (east) at (0, 0).
    let x = 0;
    let y = 0;
    let facing = 0;
    const trace: string[] = [];
    for (const action of op) {
      if (action === ACTION_FORWARD) {
        x += [1, 0, -1, 0][facing]!;
        y += [0, 1, 0, -1][facing]!;
      } else if (action === ACTION_CLOCKWISE) facing = (facing + 1) & 3;
      else if (action === ACTION_COUNTER_CLOCKWISE) facing = (facing + 3) & 3;
      trace.push(`${x},${y}`);
    }
    const key = `${trace.join(' ')} ${facing}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(op);
  }
  return out;
}

export interface OperationTables {
  count: number;
  /** (operation × 4 + start heading) × HORIZON + step → direction moved (0 E 1 S 2 W 3 N), -1 none. */
  moves: Int8Array;
  /** operation × 4 + start heading → heading at the end. */
  finalHeading: Uint8Array;
  /** operation → its first and last action. */
  firstAction: Uint8Array;
  lastAction: Uint8Array;
}

export function operationTables(): OperationTables {
  const ops = OPERATIONS;
  const moves = new Int8Array(ops.length * 4 * HORIZON);
  const finalHeading = new Uint8Array(ops.length * 4);
  const firstAction = new Uint8Array(ops.length);
  const lastAction = new Uint8Array(ops.length);
  for (let o = 0; o < ops.length; o++) {
    firstAction[o] = ops[o]![0]!;
    lastAction[o] = ops[o]![HORIZON - 1]!;
    for (let start = 0; start < 4; start++) {
      let facing = start;
      for (let t = 0; t < HORIZON; t++) {
        const action = ops[o]![t]!;
        let move = -1;
        if (action === ACTION_FORWARD) move = facing;
        else if (action === ACTION_CLOCKWISE) facing = (facing + 1) & 3;
        else if (action === ACTION_COUNTER_CLOCKWISE) facing = (facing + 3) & 3;
        moves[(o * 4 + start) * HORIZON + t] = move;
      }
      finalHeading[o * 4 + start] = facing;
    }
  }
  return { count: ops.length, moves, finalHeading, firstAction, lastAction };
}
