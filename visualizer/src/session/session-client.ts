import { loginPageHref, type LoginReason } from '../login/login-redirects.ts';

/**
 * The pages' side of the console login (controller/http/console-http-server.ts): the session is
 * an HttpOnly cookie this code never sees; it only learns whether the session still holds
 * (GET session: 401 when not), ends it (POST logout) and sends the browser to the login page.
 * Every request goes to the page's own origin, relative to the page.
 */

let leaving = false;

/** Sends the browser to the login page, to come back here afterwards. Once: later calls do nothing. */
export function goToLogin(reason?: LoginReason): void {
  if (leaving) return;
  leaving = true;
  window.location.replace(loginPageHref(window.location.href, reason));
}

/** Ends the session (the server also closes this page's MQTT connection), then the login page. */
export async function logOut(): Promise<void> {
  try {
    await fetch(new URL('logout', window.location.href), { method: 'POST', credentials: 'same-origin', cache: 'no-store' });
  } finally {
    goToLogin('loggedOut');
  }
}

/**
 * Returns a check to run whenever the page's MQTT connection closes or a request is refused:
 * a browser hides why a WebSocket was refused, so the check asks the server whether the
 * session still holds, and on 401 (expired, logged out elsewhere, the server restarted) sends
 * the browser to the login page. One check at a time; an unreachable server proves nothing.
 */
export function sessionWatch(): () => void {
  let checking = false;
  return () => {
    if (checking || leaving) return;
    checking = true;
    fetch(new URL('session', window.location.href), { credentials: 'same-origin', cache: 'no-store' })
      .then((response) => {
        if (response.status === 401) goToLogin('ended');
      })
      .catch(() => undefined)
      .finally(() => (checking = false));
  };
}

export type JsonFetch = { readonly ok: true; readonly json: unknown } | { readonly ok: false; readonly status: number | null; readonly error: string };

/** GET a JSON resource of the console server, relative to the page. Never throws; a 401 also sends the browser to the login page. */
export async function getJson(path: string): Promise<JsonFetch> {
  let response: Response;
  try {
    response = await fetch(new URL(path, window.location.href), { credentials: 'same-origin', cache: 'no-store' });
  } catch (error) {
    return { ok: false, status: null, error: `the console could not be reached (${error instanceof Error ? error.message : String(error)})` };
  }
  if (response.status === 401) goToLogin('ended');
  if (!response.ok) return { ok: false, status: response.status, error: `HTTP ${response.status}: ${(await response.text().catch(() => '')).trim()}` };
  try {
    return { ok: true, json: await response.json() };
  } catch {
    return { ok: false, status: response.status, error: 'the answer was not JSON' };
  }
}
