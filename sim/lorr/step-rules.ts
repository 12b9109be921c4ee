import {
  ACTION_CLOCKWISE,
  ACTION_COUNTER_CLOCKWISE,
  ACTION_FORWARD,
  ACTION_WAIT,
  forwardCell,
  turnClockwise,
  turnCounterClockwise,
  type LorrMap,
} from '../../protocol/lorr/lorr-problem.ts';

/** Why a step was refused: robots involved (−1 when not applicable) and a readable reason. */
export interface LorrStepError {
  robotA: number;
  robotB: number;
  reason: string;
}

/**
 * Checks and applies one timestep of actions under the MAPF_T rules. A step is invalid if a
 * robot leaves the map or enters an obstacle, two robots end in one cell (vertex conflict) or
 * two robots swap cells (edge conflict); following a robot that leaves its cell is allowed.
 * Keeps a cell → robot occupancy array between steps so a step costs O(robots).
 */
export class LorrStepRules {
  /** Robot per cell now, −1 if empty. */
  private readonly occupant: Int32Array;
  /** Robot per cell after the step being checked (entries reset after each check). */
  private readonly nextOccupant: Int32Array;
  private readonly nextPositions: Int32Array;

  constructor(
    private readonly map: LorrMap,
    private readonly positions: Int32Array,
    private readonly orientations: Uint8Array,
  ) {
    this.occupant = new Int32Array(map.width * map.height).fill(-1);
    this.nextOccupant = new Int32Array(map.width * map.height).fill(-1);
    this.nextPositions = new Int32Array(positions.length);
    positions.forEach((cell, robot) => {
      if (this.occupant[cell] !== -1) throw new Error(`robots ${this.occupant[cell]} and ${robot} start on cell ${cell}`);
      this.occupant[cell] = robot;
    });
  }

  /**
   * Returns the errors of `actions` (empty = valid). When valid, the positions and orientations
   * passed to the constructor are updated in place; when not, nothing changes.
   */
  apply(actions: Uint8Array): LorrStepError[] {
    const n = this.positions.length;
    const errors: LorrStepError[] = [];
    if (actions.length !== n) return [{ robotA: -1, robotB: -1, reason: `${actions.length} actions for ${n} robots` }];
    for (let robot = 0; robot < n; robot++) {
      const action = actions[robot] as number;
      const cell = this.positions[robot] as number;
      let next = cell;
      if (action === ACTION_FORWARD) {
        next = forwardCell(this.map, cell, this.orientations[robot] as number);
        if (next < 0) {
          errors.push({ robotA: robot, robotB: -1, reason: `robot ${robot} moves off the map from cell ${cell}` });
          next = cell;
        } else if (this.map.passable[next] !== 1) {
          errors.push({ robotA: robot, robotB: -1, reason: `robot ${robot} moves into obstacle cell ${next}` });
          next = cell;
        }
      } else if (action !== ACTION_CLOCKWISE && action !== ACTION_COUNTER_CLOCKWISE && action !== ACTION_WAIT) {
        errors.push({ robotA: robot, robotB: -1, reason: `robot ${robot} has unknown action code ${action}` });
      }
      this.nextPositions[robot] = next;
    }
    for (let robot = 0; robot < n; robot++) {
      const next = this.nextPositions[robot] as number;
      const other = this.nextOccupant[next] as number;
      if (other !== -1) errors.push({ robotA: other, robotB: robot, reason: `robots ${other} and ${robot} both end on cell ${next} (vertex conflict)` });
      else this.nextOccupant[next] = robot;
      const from = this.positions[robot] as number;
      if (next !== from) {
        const there = this.occupant[next] as number;
        if (there !== -1 && there < robot && this.nextPositions[there] === from) {
          errors.push({ robotA: there, robotB: robot, reason: `robots ${there} and ${robot} swap cells ${from} and ${next} (edge conflict)` });
        }
      }
    }
    for (let robot = 0; robot < n; robot++) this.nextOccupant[this.nextPositions[robot] as number] = -1;
    if (errors.length > 0) return errors;

    for (let robot = 0; robot < n; robot++) {
      const from = this.positions[robot] as number;
      if (this.occupant[from] === robot) this.occupant[from] = -1;
    }
    for (let robot = 0; robot < n; robot++) {
      const action = actions[robot] as number;
      const next = this.nextPositions[robot] as number;
      this.positions[robot] = next;
      this.occupant[next] = robot;
      if (action === ACTION_CLOCKWISE) this.orientations[robot] = turnClockwise(this.orientations[robot] as number);
      else if (action === ACTION_COUNTER_CLOCKWISE) this.orientations[robot] = turnCounterClockwise(this.orientations[robot] as number);
    }
    return errors;
  }
}
