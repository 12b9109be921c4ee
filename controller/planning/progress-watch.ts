/**
 * Per robot: how many steps since it last came closer to its goal. A robot's distance to its
 * goal is observed once a step; a new goal starts afresh. The LoRR entry lets a robot that
 * has come no closer for a while plan without lanes (see README, Lanes).
 */
export class ProgressWatch {
  /** Per robot: the least distance to its goal seen since the goal was set. */
  private readonly closest: Float64Array;
  /** Per robot: steps since it last came closer. */
  private readonly sinceCloser: Int32Array;

  constructor(robots: number) {
    this.closest = new Float64Array(robots).fill(Infinity);
    this.sinceCloser = new Int32Array(robots);
  }

  /** The robot has a new goal: nothing seen yet. */
  newGoal(robot: number): void {
    this.closest[robot] = Infinity;
    this.sinceCloser[robot] = 0;
  }

  /** This step's distance to the goal; returns the steps since the robot last came closer (0 if it did now). */
  observe(robot: number, distance: number): number {
    if (distance < this.closest[robot]!) {
      this.closest[robot] = distance;
      this.sinceCloser[robot] = 0;
      return 0;
    }
    this.sinceCloser[robot] = this.sinceCloser[robot]! + 1;
    return this.sinceCloser[robot]!;
  }
}
