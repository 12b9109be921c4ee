import '../styles/login.css';
import { consoleUserSchema } from '../config/console-config.ts';
import { defaultLanding, loginReason, nextLocation } from './login-redirects.ts';
import { errorField, loginFailureMessage } from './login-outcome.ts';

/**
 * The login page (`login.html?next=/port.html%3Fport%3DP1`): name and password go to POST
 * login as JSON (same origin); the server answers with who logged in and sets the session
 * cookie, and the browser goes on to `next` (a path of this site only) or, without one, to the
 * console, or a port screen's login to its port's screen.
 */

const NOTES = { ended: 'Your session has ended: log in again.', loggedOut: 'You are logged out.' } as const;

function main(): void {
  const form = document.querySelector<HTMLFormElement>('[data-testid="login-form"]')!;
  const name = form.querySelector<HTMLInputElement>('[data-testid="login-name"]')!;
  const password = form.querySelector<HTMLInputElement>('[data-testid="login-password"]')!;
  const submit = form.querySelector<HTMLButtonElement>('[data-testid="login-submit"]')!;
  const error = form.querySelector<HTMLElement>('[data-testid="login-error"]')!;
  const note = document.querySelector<HTMLElement>('[data-testid="login-note"]')!;

  const reason = loginReason(window.location.search);
  if (reason) {
    note.textContent = NOTES[reason];
    note.hidden = false;
  }
  name.focus();

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (name.value.trim() === '' || password.value === '') {
      error.textContent = loginFailureMessage(400, null);
      return;
    }
    submit.disabled = true;
    error.textContent = '';
    void logIn(name.value.trim(), password.value)
      .then((message) => {
        if (message === null) return; // on its way to the next page
        error.textContent = message;
        password.value = '';
        password.focus();
      })
      .finally(() => (submit.disabled = false));
  });
}

/** Logs in and goes on; or the message to show. */
async function logIn(name: string, password: string): Promise<string | null> {
  let response: Response;
  try {
    response = await fetch(new URL('login', window.location.href), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, password }),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    return loginFailureMessage(null, null);
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) return loginFailureMessage(response.status, errorField(body));
  const user = consoleUserSchema.safeParse(body);
  if (!user.success) return loginFailureMessage(response.status, 'the answer did not say who logged in');
  const consoleHref = new URL('./', window.location.href).href;
  const fallback = defaultLanding(user.data, consoleHref);
  window.location.replace(nextLocation(new URLSearchParams(window.location.search).get('next'), window.location.origin, fallback));
  return null;
}

main();
