import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withFileLock, writePrivateFile } from './private-files.ts';

describe('private files', () => {
  const dirs: string[] = [];
  const dir = () => {
    const made = mkdtempSync(path.join(tmpdir(), 'gridline-private-'));
    dirs.push(made);
    return made;
  };
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('replaces a file whole with mode 0600, whatever mode the old one had', () => {
    const file = path.join(dir(), 'passwd');
    writeFileSync(file, 'old', { mode: 0o644 });
    writePrivateFile(file, 'new');
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('runs a change under the lock and frees it, also when the change throws', () => {
    const file = path.join(dir(), 'identities.json');
    expect(withFileLock(file, () => existsSync(`${file}.lock`))).toBe(true);
    expect(existsSync(`${file}.lock`)).toBe(false);
    expect(() => withFileLock(file, () => { throw new Error('boom'); })).toThrow('boom');
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('takes over a lock left by a crashed process, and refuses while a live one holds it', () => {
    const file = path.join(dir(), 'identities.json');
    writeFileSync(`${file}.lock`, '');
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${file}.lock`, old, old);
    expect(withFileLock(file, () => 'changed')).toBe('changed');
    writeFileSync(`${file}.lock`, '');
    expect(() => withFileLock(file, () => 'changed')).toThrow(/is being changed by another process/);
  }, 15_000);
});
