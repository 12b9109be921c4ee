import { describe, expect, it } from 'vitest';
import { errorField, loginFailureMessage } from './login-outcome.ts';

describe('login failures in words', () => {
  it('says what went wrong for each answer of the server', () => {
    expect(loginFailureMessage(401, 'wrong name or password')).toBe('Wrong name or password.');
    expect(loginFailureMessage(429, 'too many wrong passwords; try again in 5 minutes')).toMatch(/^Too many wrong passwords.*try again in 5 minutes\.$/);
    expect(loginFailureMessage(403, null)).toMatch(/console's own address/);
    expect(loginFailureMessage(400, null)).toBe('Enter a name and a password.');
    expect(loginFailureMessage(503, 'down')).toMatch(/HTTP 503: down/);
    expect(loginFailureMessage(null, null)).toMatch(/could not be reached/);
  });

  it("reads the answer's error field only when it is text", () => {
    expect(errorField({ error: 'no' })).toBe('no');
    expect(errorField({ error: 3 })).toBeNull();
    expect(errorField(null)).toBeNull();
    expect(errorField('error')).toBeNull();
  });
});
