/**
 * What the planning thread wants of the guide worker, in shared memory: per robot the cell it
 * stands on, its goal (-1: no path wanted) and whether it is urgent (has no path to follow), plus
 * two control words. Written by the planning thread only; the worker reads it and clears
 * `urgent` for robots it has searched.
 */
export interface SharedWants {
  start: Int32Array;
  goal: Int32Array;
  urgent: Int32Array;
  /** [STOP, EPOCH]: STOP 1 ends the worker; EPOCH counts publishes (the worker waits on it). */
  control: Int32Array;
}

export const STOP = 0;
export const EPOCH = 1;

export function createSharedWants(agentCount: number): SharedWants {
  const ints = (length: number) => new Int32Array(new SharedArrayBuffer(length * Int32Array.BYTES_PER_ELEMENT));
  const wants = { start: ints(agentCount), goal: ints(agentCount), urgent: ints(agentCount), control: ints(2) };
  wants.goal.fill(-1);
  return wants;
}
