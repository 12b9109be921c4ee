import { describe, expect, it } from 'vitest';
import type { ConsoleCommandType } from '../../../protocol/console/console-messages.ts';
import { commandRefusal, isPerson, mayCommand } from './console-access.ts';

const ALL: ConsoleCommandType[] = [
  'emergencyStopAll',
  'resumeAll',
  'pauseRobot',
  'resumeRobot',
  'sendToService',
  'returnFromService',
  'openPort',
  'closePort',
  'blockCell',
  'unblockCell',
  'queryColumn',
  'clearQuarantine',
];

describe('console controls by role', () => {
  it('lets a supervisor give every command', () => {
    for (const type of ALL) expect(commandRefusal('supervisor', type), type).toBeNull();
  });

  it("keeps releasing the emergency stop and clearing quarantine a supervisor's", () => {
    expect(commandRefusal('operator', 'resumeAll')).toBe('Only a supervisor may release the emergency stop');
    expect(commandRefusal('operator', 'clearQuarantine')).toMatch(/Only a supervisor/);
    for (const type of ALL.filter((t) => t !== 'resumeAll' && t !== 'clearQuarantine')) expect(commandRefusal('operator', type), type).toBeNull();
  });

  it('gives a viewer and a port screen no command at all, column queries included', () => {
    for (const type of ALL) {
      expect(commandRefusal('viewer', type), type).toMatch(/viewer/);
      expect(commandRefusal('port', type), type).toMatch(/port screen/);
    }
  });

  it('tells people from port screens, and who commands', () => {
    expect(['viewer', 'operator', 'supervisor', 'port'].map(isPerson)).toEqual([true, true, true, false]);
    expect(['viewer', 'operator', 'supervisor', 'port'].map(mayCommand)).toEqual([false, true, true, false]);
  });
});
