/**
 * Console logins: a person (viewer, operator, supervisor) or a port screen logs in with name
 * and password and gets a session, a random token kept by the browser in an HttpOnly cookie.
 * Only the token's SHA-256 is kept here, in memory: a restart logs everyone out. A session ends
 * at logout, after `sessionHours`, or when its identity is removed or its password changes.
 *
 * Guessing is slowed per name and per address: after `maxFailures` wrong passwords within the
 * window, further attempts are refused unchecked until the window has passed.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Identity, IdentityRecord } from '../security/identities.ts';
import type { IdentityStore } from '../security/identity-store.ts';
import { spendVerifyTime, verifyPassword } from '../security/password-hash.ts';

/** Who may log in to the console's pages. */
const LOGIN_ROLES: ReadonlySet<string> = new Set(['viewer', 'operator', 'supervisor', 'port']);

export interface ConsoleSessionOptions {
  readonly identities: IdentityStore;
  /** Wall-clock ms (the web server is an adapter: real time). */
  readonly now?: () => number;
  readonly sessionHours?: number;
  readonly maxFailures?: number;
  readonly failureWindowMs?: number;
}

export interface ConsoleSession {
  readonly identity: Identity;
  readonly expiresAtMs: number;
  /** The hash the password was checked against: a new password ends the session. */
  readonly passwordHash: string;
}

export type LoginResult = { readonly ok: true; readonly token: string; readonly session: ConsoleSession } | { readonly ok: false; readonly status: 401 | 429; readonly reason: string };

export class ConsoleSessions {
  private readonly sessions = new Map<string, ConsoleSession>();
  private readonly failures = new Map<string, { count: number; sinceMs: number }>();
  private readonly now: () => number;
  private readonly sessionMs: number;
  private readonly maxFailures: number;
  private readonly failureWindowMs: number;

  constructor(private readonly options: ConsoleSessionOptions) {
    this.now = options.now ?? Date.now;
    this.sessionMs = (options.sessionHours ?? 12) * 3_600_000;
    this.maxFailures = options.maxFailures ?? 5;
    this.failureWindowMs = options.failureWindowMs ?? 5 * 60_000;
  }

  async login(name: string, password: string, address: string): Promise<LoginResult> {
    const keys = [`name:${name}`, `address:${address}`];
    if (keys.some((k) => this.tooManyFailures(k))) {
      return { ok: false, status: 429, reason: `too many wrong passwords; try again in ${Math.ceil(this.failureWindowMs / 60_000)} minutes` };
    }
    const record = this.options.identities.get(name);
    const ok = record && LOGIN_ROLES.has(record.role) ? await verifyPassword(password, record.passwordHash) : (await spendVerifyTime(password), false);
    if (!ok || !record) {
      for (const k of keys) this.countFailure(k);
      return { ok: false, status: 401, reason: 'wrong name or password' };
    }
    for (const k of keys) this.failures.delete(k);
    const token = randomBytes(32).toString('base64url');
    const session: ConsoleSession = { identity: { name: record.name, role: record.role, scope: record.scope }, expiresAtMs: this.now() + this.sessionMs, passwordHash: record.passwordHash };
    this.sessions.set(digest(token), session);
    return { ok: true, token, session };
  }

  /** The live session of `token`, or undefined (unknown, expired, or its identity changed). */
  lookup(token: string | undefined): ConsoleSession | undefined {
    if (!token) return undefined;
    const key = digest(token);
    const session = this.sessions.get(key);
    if (!session) return undefined;
    if (!this.stillValid(session)) {
      this.sessions.delete(key);
      return undefined;
    }
    return session;
  }

  logout(token: string | undefined): void {
    if (token) this.sessions.delete(digest(token));
  }

  /** Whether a session still holds: not expired, and its identity unchanged. */
  stillValid(session: ConsoleSession): boolean {
    if (this.now() >= session.expiresAtMs) return false;
    const record: IdentityRecord | undefined = this.options.identities.get(session.identity.name);
    return record !== undefined && record.role === session.identity.role && record.passwordHash === session.passwordHash;
  }

  private tooManyFailures(key: string): boolean {
    const entry = this.failures.get(key);
    if (!entry) return false;
    if (this.now() - entry.sinceMs >= this.failureWindowMs) {
      this.failures.delete(key);
      return false;
    }
    return entry.count >= this.maxFailures;
  }

  private countFailure(key: string): void {
    const entry = this.failures.get(key);
    if (!entry || this.now() - entry.sinceMs >= this.failureWindowMs) this.failures.set(key, { count: 1, sinceMs: this.now() });
    else entry.count++;
    // Attempts from ever new names must not grow this without end.
    if (this.failures.size > 10_000) this.failures.delete(this.failures.keys().next().value!);
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
