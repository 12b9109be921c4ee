import path from 'node:path';
import { readAuditLog } from '../../controller/store/audit-log.ts';
import { STORE_FILE_NAME } from '../../controller/store/sqlite-store.ts';
import { numberOption, type CommandArgs } from '../errors.ts';

export const AUDIT_USAGE = `  gridline audit [--limit N] [--data DIR]   the operators' commands, newest first (default 50):
                                        when, who (role), what, and how it ended
`;

/** `gridline audit`: reads the audit log from the store in the data folder (read-only; the facility may be running). */
export async function runAudit(values: CommandArgs): Promise<number> {
  const dataDir = path.resolve((values.data as string | undefined) ?? 'data');
  const limit = numberOption(values, 'limit', 50, (n) => Number.isInteger(n) && n > 0 && n <= 100_000);
  let entries;
  try {
    entries = readAuditLog(path.join(dataDir, STORE_FILE_NAME), limit);
  } catch (error) {
    process.stderr.write(`gridline audit: ${(error as Error).message}\n`);
    return 1;
  }
  if (entries.length === 0) process.stdout.write('no operator commands yet\n');
  for (const e of entries) {
    process.stdout.write(`${e.at}  ${e.user} (${e.role})  ${e.command}  ${e.outcome}${e.detail ? `: ${e.detail.split('\n')[0]}` : ''}\n`);
  }
  return 0;
}
