/**
 * The operator state kept in the store (schema v4, table operator_state): one row of JSON,
 * replaced whenever an operator's command changes it. A row that does not parse as operator
 * state (a file edited by hand, a bug) is reported, not trusted.
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { OperatorState, OperatorStateStore } from '../operator/operator-state.ts';

const serialsSchema = z.array(z.string().min(1).max(64)).max(100_000);

const operatorStateSchema = z.object({
  emergencyStop: z.boolean(),
  pausedRobots: serialsSchema,
  robotsInService: serialsSchema,
  closedPorts: serialsSchema,
  blockedCells: z.array(z.object({ x: z.int().min(0), y: z.int().min(0) })).max(1_000_000),
});

export class OperatorStateTable implements OperatorStateStore {
  private readonly select;
  private readonly replace;

  constructor(db: Database.Database) {
    this.select = db.prepare('SELECT state FROM operator_state WHERE id = 1').pluck();
    this.replace = db.prepare('INSERT OR REPLACE INTO operator_state (id, state) VALUES (1, ?)');
  }

  /** The state last kept; null if none was; throws with what is wrong if the row is not operator state. */
  loadOperatorState(): OperatorState | null {
    const text = this.select.get() as string | undefined;
    if (text === undefined) return null;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new Error(`the stored operator state is not JSON (${(error as Error).message})`);
    }
    const parsed = operatorStateSchema.safeParse(value);
    if (!parsed.success) throw new Error(`the stored operator state is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
    return parsed.data;
  }

  /** Durable when this returns. */
  keepOperatorState(state: OperatorState): void {
    this.replace.run(JSON.stringify(state));
  }
}
