/**
 * Files that hold hashes or passwords: written whole and readable by their owner only (0600),
 * and changed by one process at a time. The facility, `gridline identities` and a second
 * facility on the same data folder may all change the identities; a change made as
 * read-modify-write under a lock cannot lose another's.
 */
import { chmodSync, closeSync, openSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';

/** How long a lock is waited for before giving up, and the age past which it is taken as left behind by a crashed process, wall ms. */
const LOCK_WAIT_MS = 5_000;
const STALE_LOCK_MS = 30_000;
const RETRY_MS = 20;

/** Written to a temporary file (0600 from the start), then renamed: a reader sees the old file or the new, never half. */
export function writePrivateFile(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  // The mode is only applied to a file writeFileSync creates; one left by a crash keeps its own.
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}

/**
 * Runs `change` holding `file`'s lock (`file.lock`, created exclusively). Waits up to 5 s for a
 * lock another process holds; a lock older than 30 s is taken as left by a crashed process.
 */
export function withFileLock<T>(file: string, change: () => T): T {
  const lock = `${file}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx', 0o600));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (lockAgeMs(lock) > STALE_LOCK_MS) {
        removeQuietly(lock);
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${file} is being changed by another process (its lock ${lock} is held); try again, or remove the lock if no gridline process is running`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, RETRY_MS);
    }
  }
  try {
    return change();
  } finally {
    removeQuietly(lock);
  }
}

function lockAgeMs(lock: string): number {
  try {
    return Date.now() - statSync(lock).mtimeMs;
  } catch {
    return 0; // gone meanwhile: the next attempt takes it
  }
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}
