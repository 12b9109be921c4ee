import { describe, expect, it } from 'vitest';
import { RobotAlarms } from './robot-alarms.ts';

describe('RobotAlarms', () => {
  it('raises a kind of problem once per robot until it clears, then again', () => {
    const raised: string[] = [];
    const alarms = new RobotAlarms((source, message) => raised.push(`${source}: ${message}`));
    expect(alarms.once('R1', 'invalid state', 'bad state 1')).toBe(true);
    expect(alarms.once('R1', 'invalid state', 'bad state 2')).toBe(false);
    expect(alarms.once('R2', 'invalid state', 'bad state 3')).toBe(true);
    expect(alarms.once('R1', 'teleport', 'jumped')).toBe(true);
    expect(alarms.isRaised('R1', 'invalid state')).toBe(true);
    expect(alarms.clear('R1', 'invalid state')).toBe(true);
    expect(alarms.clear('R1', 'invalid state')).toBe(false);
    alarms.once('R1', 'invalid state', 'bad state 4');
    expect(raised).toEqual(['R1: bad state 1', 'R2: bad state 3', 'R1: jumped', 'R1: bad state 4']);
  });
});
