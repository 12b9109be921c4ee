import { describe, expect, it } from 'vitest';
import { describeAuditedCommand, parseAudit } from './audit-entries.ts';

const entry = (command: object | string, outcome: string, detail = '') => ({
  at: '2030-01-02T03:04:05.000Z',
  user: 'ann',
  role: 'operator',
  commandId: 'c1',
  command: typeof command === 'string' ? command : JSON.stringify(command),
  outcome,
  detail,
});

describe('the audit log in the console', () => {
  it('describes each command in a few words, with its outcome', () => {
    const parsed = parseAudit([
      entry({ commandId: 'c1', type: 'emergencyStopAll' }, 'done'),
      entry({ commandId: 'c2', type: 'resumeAll' }, 'refused: NOT_ALLOWED', 'ann: resumeAll is a supervisor\'s command'),
      entry({ commandId: 'c3', type: 'pauseRobot', serial: 'R3' }, 'running'),
      entry({ commandId: 'c4', type: 'openPort', portId: 'P1' }, 'failed: INTERNAL_ERROR'),
    ]);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.rows.map((r) => [r.what, r.tone])).toEqual([
      ['emergency stop', 'ok'],
      ['resume all (release of the emergency stop)', 'fail'],
      ['pause of R3', 'pending'],
      ['open port P1', 'fail'],
    ]);
    expect(parsed.rows[1]).toMatchObject({ user: 'ann', role: 'operator', outcome: 'refused: NOT_ALLOWED', detail: "ann: resumeAll is a supervisor's command" });
  });

  it('quotes a command the contract refuses, shortened', () => {
    expect(describeAuditedCommand('{"type":"launch"}')).toBe('unreadable command {"type":"launch"}');
    expect(describeAuditedCommand('x'.repeat(100))).toBe(`unreadable command ${'x'.repeat(60)}…`);
  });

  it('refuses an answer that is not a list of entries', () => {
    expect(parseAudit({ error: 'no' })).toEqual({ ok: false, error: 'the audit log answer is not a list of entries' });
    expect(parseAudit([{ at: 1 }]).ok).toBe(false);
  });
});
