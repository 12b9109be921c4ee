/**
 * Where identities live: `identities.json` in the data folder (hashes only, mode 0600), read
 * again whenever the file changes, so `gridline identities add|rotate|remove` takes effect on a
 * running broker; or in memory (tests, and facilities run without a data folder).
 *
 * Beside it, `facility-secrets.json` (mode 0600) keeps the passwords of the identities the
 * facility runs itself (its controller, simulated robots, pickers, demo WMS): those parts must
 * log in at every start, like any service that holds its broker password in its configuration.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ROLES, type IdentityRecord } from './identities.ts';
import { withFileLock, writePrivateFile } from './private-files.ts';

export const IDENTITIES_FILE = 'identities.json';
export const SECRETS_FILE = 'facility-secrets.json';

export interface IdentityStore {
  get(name: string): IdentityRecord | undefined;
  list(): IdentityRecord[];
  /** Adds or replaces the identity of `record.name`. */
  put(record: IdentityRecord): void;
  /** False when there was none. */
  remove(name: string): boolean;
  /** Changes whenever the identities change (the broker drops sessions of changed identities). */
  version(): number;
}

/** Passwords of managed identities, by name. */
export interface SecretStore {
  get(name: string): string | undefined;
  set(name: string, password: string): void;
  remove(name: string): void;
}

export class MemoryIdentityStore implements IdentityStore {
  private readonly records = new Map<string, IdentityRecord>();
  private changes = 0;

  get(name: string): IdentityRecord | undefined {
    return this.records.get(name);
  }

  list(): IdentityRecord[] {
    return [...this.records.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  put(record: IdentityRecord): void {
    this.records.set(record.name, record);
    this.changes++;
  }

  remove(name: string): boolean {
    const removed = this.records.delete(name);
    if (removed) this.changes++;
    return removed;
  }

  version(): number {
    return this.changes;
  }
}

export class MemorySecretStore implements SecretStore {
  private readonly secrets = new Map<string, string>();
  get(name: string): string | undefined {
    return this.secrets.get(name);
  }
  set(name: string, password: string): void {
    this.secrets.set(name, password);
  }
  remove(name: string): void {
    this.secrets.delete(name);
  }
}

const recordSchema = z.strictObject({
  name: z.string(),
  role: z.enum(ROLES),
  scope: z.string(),
  passwordHash: z.string().startsWith('scrypt$'),
  mosquittoHash: z.string().startsWith('$7$'),
  managed: z.boolean(),
  createdAt: z.string(),
  passwordSetAt: z.string(),
});
const identitiesFileSchema = z.strictObject({ version: z.literal(1), identities: z.array(recordSchema) });
const secretsFileSchema = z.strictObject({ version: z.literal(1), secrets: z.record(z.string(), z.string()) });

/**
 * identities.json, cached and read again when its modification time or size changes (another
 * process, the CLI, wrote it). A file that is not a valid identities file is an error that names
 * it: the broker refuses everyone rather than guess.
 */
export class FileIdentityStore implements IdentityStore {
  readonly file: string;
  private cache = new Map<string, IdentityRecord>();
  private stamp = '';
  private changes = 0;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, IDENTITIES_FILE);
    mkdirSync(dataDir, { recursive: true });
    this.refresh();
  }

  get(name: string): IdentityRecord | undefined {
    this.refresh();
    return this.cache.get(name);
  }

  list(): IdentityRecord[] {
    this.refresh();
    return [...this.cache.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  put(record: IdentityRecord): void {
    withFileLock(this.file, () => {
      this.refresh();
      const next = new Map(this.cache);
      next.set(record.name, record);
      this.write(next);
    });
  }

  remove(name: string): boolean {
    return withFileLock(this.file, () => {
      this.refresh();
      if (!this.cache.has(name)) return false;
      const next = new Map(this.cache);
      next.delete(name);
      this.write(next);
      return true;
    });
  }

  version(): number {
    this.refresh();
    return this.changes;
  }

  private refresh(): void {
    const stamp = fileStamp(this.file);
    if (stamp === this.stamp) return;
    const records = new Map<string, IdentityRecord>();
    if (stamp !== '') {
      const parsed = identitiesFileSchema.safeParse(readJson(this.file));
      if (!parsed.success) throw new Error(`${this.file} is not a Gridline identities file: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      for (const record of parsed.data.identities) records.set(record.name, record);
    }
    this.cache = records;
    this.stamp = stamp;
    this.changes++;
  }

  private write(records: Map<string, IdentityRecord>): void {
    writePrivateJson(this.file, { version: 1, identities: [...records.values()].sort((a, b) => a.name.localeCompare(b.name)) });
    this.cache = records;
    this.stamp = fileStamp(this.file);
    this.changes++;
  }
}

export class FileSecretStore implements SecretStore {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, SECRETS_FILE);
  }

  get(name: string): string | undefined {
    return this.read()[name];
  }

  set(name: string, password: string): void {
    withFileLock(this.file, () => writePrivateJson(this.file, { version: 1, secrets: { ...this.read(), [name]: password } }));
  }

  remove(name: string): void {
    withFileLock(this.file, () => {
      const secrets = this.read();
      if (!(name in secrets)) return;
      delete secrets[name];
      writePrivateJson(this.file, { version: 1, secrets });
    });
  }

  private read(): Record<string, string> {
    if (!existsSync(this.file)) return {};
    const parsed = secretsFileSchema.safeParse(readJson(this.file));
    if (!parsed.success) throw new Error(`${this.file} is not a Gridline secrets file`);
    return { ...parsed.data.secrets };
  }
}

function fileStamp(file: string): string {
  try {
    const stat = statSync(file);
    return `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
  } catch {
    return '';
  }
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as Error).message}`);
  }
}

function writePrivateJson(file: string, value: unknown): void {
  writePrivateFile(file, `${JSON.stringify(value, null, 2)}\n`);
}
