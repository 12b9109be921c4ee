import { describe, expect, it } from 'vitest';
import { ColumnClaims } from './column-claims.ts';

describe('ColumnClaims dig locks', () => {
  it('a column nobody digs can be dug and has no lock holder', () => {
    const claims = new ColumnClaims();
    expect(claims.digLockHolder(3)).toBeUndefined();
    expect(claims.canDig(3, 'job-1')).toBe(true);
  });

  it('a dig lock belongs to one job: others may not dig, the holder may', () => {
    const claims = new ColumnClaims();
    claims.lockForDig(3, 'job-1');
    expect(claims.digLockHolder(3)).toBe('job-1');
    expect(claims.canDig(3, 'job-1')).toBe(true);
    expect(claims.canDig(3, 'job-2')).toBe(false);
  });

  it('locking a column another job digs is a programming mistake and throws', () => {
    const claims = new ColumnClaims();
    claims.lockForDig(3, 'job-1');
    expect(() => claims.lockForDig(3, 'job-2')).toThrow(/job-1/);
    expect(claims.digLockHolder(3)).toBe('job-1');
  });

  it('the holding job may lock its column again', () => {
    const claims = new ColumnClaims();
    claims.lockForDig(3, 'job-1');
    expect(() => claims.lockForDig(3, 'job-1')).not.toThrow();
  });

  it('only the holding job can unlock a column', () => {
    const claims = new ColumnClaims();
    claims.lockForDig(3, 'job-1');
    claims.unlockDig(3, 'job-2');
    expect(claims.digLockHolder(3)).toBe('job-1');
    claims.unlockDig(3, 'job-1');
    expect(claims.digLockHolder(3)).toBeUndefined();
    expect(claims.canDig(3, 'job-2')).toBe(true);
  });

  it('locks on different columns are independent', () => {
    const claims = new ColumnClaims();
    claims.lockForDig(3, 'job-1');
    claims.lockForDig(4, 'job-2');
    expect(claims.canDig(3, 'job-2')).toBe(false);
    expect(claims.canDig(4, 'job-1')).toBe(false);
    expect(claims.canDig(5, 'job-1')).toBe(true);
  });
});

describe('ColumnClaims incoming drops', () => {
  it('counts the drops on their way to a column', () => {
    const claims = new ColumnClaims();
    expect(claims.incomingDrops(7)).toBe(0);
    claims.addIncoming(7);
    claims.addIncoming(7);
    expect(claims.incomingDrops(7)).toBe(2);
    claims.removeIncoming(7);
    expect(claims.incomingDrops(7)).toBe(1);
    claims.removeIncoming(7);
    expect(claims.incomingDrops(7)).toBe(0);
  });

  it('a column with a bin on its way cannot be dug, even by the job that locked it', () => {
    const claims = new ColumnClaims();
    claims.lockForDig(7, 'job-1');
    claims.addIncoming(7);
    expect(claims.canDig(7, 'job-1')).toBe(false);
    claims.removeIncoming(7);
    expect(claims.canDig(7, 'job-1')).toBe(true);
  });

  it('removing a drop that was never on its way is a programming mistake and throws', () => {
    const claims = new ColumnClaims();
    expect(() => claims.removeIncoming(7)).toThrow(/column 7/);
    expect(claims.incomingDrops(7)).toBe(0);
  });
});
