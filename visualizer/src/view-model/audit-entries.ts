import { z } from 'zod';
import { parseConsoleCommand } from '../../../protocol/console/console-messages.ts';
import { commandWhat } from './command-outcome.ts';

/**
 * The operators' audit log as the console shows it: GET audit answers the newest entries first,
 * each with who gave which command when, and its outcome ('done', 'running', 'refused: CODE',
 * 'failed: CODE'). The command is the JSON text as the controller received it; here it becomes a
 * short description. Pure.
 */

const entrySchema = z.object({
  at: z.string(),
  user: z.string(),
  role: z.string(),
  commandId: z.string(),
  command: z.string(),
  outcome: z.string(),
  detail: z.string(),
});

/** How an outcome looks: done, still running (awaiting the robots), or refused or failed. */
export type AuditTone = 'ok' | 'pending' | 'fail';

export interface AuditRow {
  /** ISO 8601. */
  readonly at: string;
  readonly user: string;
  readonly role: string;
  readonly commandId: string;
  /** The command in words, e.g. "emergency stop", "pause of R3". */
  readonly what: string;
  readonly outcome: string;
  readonly tone: AuditTone;
  /** The controller's words on the outcome (why it was refused), '' when none. */
  readonly detail: string;
}

export type AuditParse = { readonly ok: true; readonly rows: readonly AuditRow[] } | { readonly ok: false; readonly error: string };

export function parseAudit(json: unknown): AuditParse {
  const parsed = z.array(entrySchema).safeParse(json);
  if (!parsed.success) return { ok: false, error: 'the audit log answer is not a list of entries' };
  return {
    ok: true,
    rows: parsed.data.map((e) => ({ at: e.at, user: e.user, role: e.role, commandId: e.commandId, what: describeAuditedCommand(e.command), outcome: e.outcome, tone: auditTone(e.outcome), detail: e.detail })),
  };
}

/** A command as received, in words; one the contract refuses is quoted (shortened). */
export function describeAuditedCommand(text: string): string {
  const parsed = parseConsoleCommand(text);
  if (parsed.ok) return commandWhat(parsed.message);
  return `unreadable command ${text.length > 60 ? `${text.slice(0, 60)}…` : text}`;
}

export function auditTone(outcome: string): AuditTone {
  if (outcome === 'done') return 'ok';
  if (outcome === 'running') return 'pending';
  return 'fail';
}
