/**
 * Console logins: a person (viewer, operator, supervisor) or a port screen logs in with name
 * and password and gets a session, a random token kept by the browser in an HttpOnly cookie.
 * Only the token's SHA-256 is kept here, in memory: a restart logs everyone out. A session ends
 * at logout, after `sessionHours`, or when its identity is removed or its password changes.
 *
 * Guessing is limited per address: after `maxFailures` wrong passwords for one name from one
 * address within the window, or four times as many for any names, further attempts from there
 * are refused unchecked until the window has passed. An attempt counts as soon as it arrives
 * (guesses sent at once cannot all slip past the limit); a success ends its name's count there
 * and takes back its own from the address's, so a valid login cannot wipe other guesses. No
 * limit is kept per name alone: anyone could then lock the supervisor out by guessing wrong.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Identity, IdentityRecord } from '../security/identities.ts';
import type { IdentityStore } from '../security/identity-store.ts';
import { AttemptCounter } from '../security/attempt-counter.ts';
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
  /** Login attempts per key (a name from an address, or an address), counted until they succeed. */
  private readonly attempts: AttemptCounter;
  private readonly now: () => number;
  /** How long a session lasts, wall ms. */
  readonly sessionMs: number;
  private readonly maxFailures: number;
  private readonly failureWindowMs: number;

  constructor(private readonly options: ConsoleSessionOptions) {
    this.now = options.now ?? Date.now;
    this.sessionMs = (options.sessionHours ?? 12) * 3_600_000;
    this.maxFailures = options.maxFailures ?? 5;
    this.failureWindowMs = options.failureWindowMs ?? 5 * 60_000;
    this.attempts = new AttemptCounter(this.failureWindowMs);
  }

  /**
   * Checks `name` and `password` from `address`; a success starts a new session and ends the one
   * the browser held (`previousToken`), so a shared terminal never carries two.
   */
  async login(name: string, password: string, address: string, previousToken?: string): Promise<LoginResult> {
    const limits = [
      { key: `pair:${name}\u0000${address}`, max: this.maxFailures },
      { key: `address:${address}`, max: this.maxFailures * 4 },
    ];
    if (limits.some(({ key, max }) => this.attempts.countOf(key, this.now()) >= max)) {
      return { ok: false, status: 429, reason: `too many wrong passwords; try again in ${Math.ceil(this.failureWindowMs / 60_000)} minutes` };
    }
    for (const { key } of limits) this.attempts.add(key, this.now());
    const record = this.options.identities.get(name);
    const ok = record && LOGIN_ROLES.has(record.role) ? await verifyPassword(password, record.passwordHash) : (await spendVerifyTime(password), false);
    if (!ok || !record) return { ok: false, status: 401, reason: 'wrong name or password' };
    // The name's guesses from here are over (whoever typed it knows the password); the address's
    // other guesses still count.
    this.attempts.clear(limits[0]!.key);
    this.attempts.takeBack(limits[1]!.key);
    this.logout(previousToken);
    this.pruneExpired();
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

  /** Whether a session still holds: not expired, and its identity unchanged (role, scope, password). */
  stillValid(session: ConsoleSession): boolean {
    if (this.now() >= session.expiresAtMs) return false;
    const record: IdentityRecord | undefined = this.options.identities.get(session.identity.name);
    return record !== undefined && record.role === session.identity.role && record.scope === session.identity.scope && record.passwordHash === session.passwordHash;
  }

  private pruneExpired(): void {
    for (const [key, session] of this.sessions) if (this.now() >= session.expiresAtMs) this.sessions.delete(key);
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
