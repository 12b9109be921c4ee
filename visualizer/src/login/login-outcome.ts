/**
 * What the login page tells a person when a login did not work, by the console server's
 * answer to POST /login (controller/http/console-http-server.ts). Pure.
 */

/** `status`: the HTTP status, or null when no answer came (network down, server stopped). `serverError`: the answer's `error`, if any. */
export function loginFailureMessage(status: number | null, serverError: string | null): string {
  switch (status) {
    case null:
      return 'The console could not be reached: check that Gridline is running and this computer is on its network, then try again.';
    case 401:
      return 'Wrong name or password.';
    case 429:
      return `Too many wrong passwords for this name or from this computer: ${serverError ? `${serverError}.` : 'wait a few minutes before trying again.'}`;
    case 403:
      return "The console refused a login from this page's address: open the login page at the console's own address (not through another site).";
    case 400:
      return 'Enter a name and a password.';
    default:
      return `The console could not log you in (HTTP ${status}${serverError ? `: ${serverError}` : ''}). Try again, or ask whoever runs Gridline.`;
  }
}

/** The `error` field of a JSON error answer, or null. */
export function errorField(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const error = (body as { error?: unknown }).error;
  return typeof error === 'string' && error.length > 0 ? error : null;
}
