/**
 * Where the login page sends the browser, and how a page sends it to the login page. Pure.
 *
 * A page that finds no session goes to `login.html?next=<its path and query>`; after logging in
 * the browser goes to `next`, but only to a path of this same site: `next` comes from the
 * address bar, and a login page that forwarded to any URL it is given would let another site
 * send people through a real login and on to a page of its own (an open redirect).
 */

/** Why the browser was sent to the login page, for a line above the form. */
export type LoginReason = 'ended' | 'loggedOut';

const REASONS: ReadonlySet<string> = new Set<LoginReason>(['ended', 'loggedOut']);
/** Longest `next` taken (a page's path and query are far shorter). */
const MAX_NEXT_LENGTH = 2048;
/** Characters a URL parser drops or reads as `/`: `/\t/evil.example` would become `//evil.example`. */
const TRICKY = /[\\\u0000-\u001f\u007f]/;

/**
 * The absolute URL to go to after logging in: `next` when it is a path on `origin` (starts with
 * one `/`), else `fallback`. The login page itself is no destination (it would loop).
 */
export function nextLocation(next: string | null, origin: string, fallback: string): string {
  if (next === null || next.length === 0 || next.length > MAX_NEXT_LENGTH) return fallback;
  if (!next.startsWith('/') || next.startsWith('//') || TRICKY.test(next)) return fallback;
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return fallback;
  }
  if (url.origin !== new URL(origin).origin || url.pathname.endsWith('/login.html')) return fallback;
  // Absolute, so that a path the parser normalised to start with `//` cannot name another host.
  return url.href;
}

/**
 * Where a logged-in identity goes when the address gave no `next`: a port screen's login to
 * its port's screen, a person to the console (`consoleHref`, the page's directory).
 */
export function defaultLanding(user: { readonly role: string; readonly scope: string }, consoleHref: string): string {
  if (user.role === 'port' && user.scope !== '') return new URL(`port.html?port=${encodeURIComponent(user.scope)}`, consoleHref).href;
  return consoleHref;
}

/** The login page for the page at `pageHref`, coming back to it afterwards. */
export function loginPageHref(pageHref: string, reason?: LoginReason): string {
  const page = new URL(pageHref);
  const query = new URLSearchParams({ next: page.pathname + page.search });
  if (reason) query.set('reason', reason);
  return new URL(`login.html?${query.toString()}`, page).href;
}

/** The reason in the login page's query, if it is one this page knows. */
export function loginReason(search: string): LoginReason | null {
  const reason = new URLSearchParams(search).get('reason');
  return reason !== null && REASONS.has(reason) ? (reason as LoginReason) : null;
}
