/**
 * The operators' audit log (store schema v3): every console command with who gave it, when,
 * and its outcome; written before the command's reply goes out, so nothing an operator did is
 * missing from it. Read by the console (GET /audit) and `gridline audit`.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';

export interface AuditEntry {
  /** ISO 8601. */
  readonly at: string;
  readonly user: string;
  readonly role: string;
  readonly commandId: string;
  /** The command as received (JSON text). */
  readonly command: string;
  readonly outcome: string;
  readonly detail: string;
}

type Row = { atMs: number; user: string; role: string; commandId: string; command: string; outcome: string; detail: string };

const SELECT_NEWEST = 'SELECT at_ms AS atMs, user_name AS user, role, command_id AS commandId, command, outcome, detail FROM audit_log ORDER BY rowid DESC LIMIT ?';

export class AuditLog {
  private readonly insert;
  private readonly newest;
  private readonly seen;
  private readonly settle;
  private readonly interrupted;

  constructor(db: Database.Database) {
    this.insert = db.prepare(
      'INSERT INTO audit_log (at_ms, user_name, role, command_id, command, outcome, detail) VALUES (@atMs, @user, @role, @commandId, @command, @outcome, @detail)',
    );
    this.newest = db.prepare(SELECT_NEWEST);
    this.seen = db.prepare('SELECT 1 FROM audit_log WHERE user_name = ? AND command_id = ?').pluck();
    // Only a command still running gets an outcome: a later message under the same id (a
    // replay, a column query) cannot rewrite what an earlier command did.
    this.settle = db.prepare("UPDATE audit_log SET outcome = @outcome, detail = @detail WHERE user_name = @user AND command_id = @commandId AND outcome = 'running'");
    this.interrupted = db.prepare("UPDATE audit_log SET outcome = 'unknown', detail = @detail WHERE outcome = 'running'");
  }

  /** Whether `user` gave a command with this id before (a replay, or a page sending it again). */
  has(user: string, commandId: string): boolean {
    return this.seen.get(user, commandId) !== undefined;
  }

  /** Durable when it returns. */
  record(entry: { atMs: number; user: string; role: string; commandId: string; command: string; outcome: string; detail: string }): void {
    this.insert.run(entry);
  }

  /** A running command's outcome (a stop confirmed by the robots); an entry with one keeps it. */
  settleOutcome(user: string, commandId: string, outcome: string, detail: string): void {
    this.settle.run({ user, commandId, outcome, detail });
  }

  /**
   * At start: commands the last run left running (it stopped before they were answered) get
   * the outcome `unknown`, with `detail`; returns how many.
   */
  settleInterrupted(detail: string): number {
    return this.interrupted.run({ detail }).changes;
  }

  entries(limit: number): AuditEntry[] {
    return (this.newest.all(limit) as Row[]).map(toEntry);
  }
}

/** The newest entries of the audit log in the store `file`, read-only (the controller may be running). */
export function readAuditLog(file: string, limit: number): AuditEntry[] {
  if (!existsSync(file)) throw new Error(`no store at ${file}`);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'").pluck().get() !== undefined;
    return hasTable ? (db.prepare(SELECT_NEWEST).all(limit) as Row[]).map(toEntry) : [];
  } finally {
    db.close();
  }
}

function toEntry(row: Row): AuditEntry {
  return { at: new Date(row.atMs).toISOString(), user: row.user, role: row.role, commandId: row.commandId, command: row.command, outcome: row.outcome, detail: row.detail };
}
