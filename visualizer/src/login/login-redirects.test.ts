import { describe, expect, it } from 'vitest';
import { defaultLanding, loginPageHref, loginReason, nextLocation } from './login-redirects.ts';

const ORIGIN = 'http://console.local:8080';
const HOME = `${ORIGIN}/`;

describe('where the login page goes next', () => {
  it('goes to a path of this site, query and all', () => {
    expect(nextLocation('/port.html?port=P1', ORIGIN, HOME)).toBe(`${ORIGIN}/port.html?port=P1`);
    expect(nextLocation('/', ORIGIN, 'x')).toBe(HOME);
  });

  it('never to another site, however the address is written', () => {
    for (const next of [
      'https://evil.example/',
      '//evil.example/x',
      '/\\evil.example',
      '\\\\evil.example',
      '/\t/evil.example',
      '/\n/evil.example',
      'javascript:alert(1)',
      'port.html',
      ' /x',
      `/${'a'.repeat(3000)}`,
    ]) {
      expect(nextLocation(next, ORIGIN, HOME), next).toBe(HOME);
    }
  });

  it('keeps a path the parser turns into `//host` on this site', () => {
    const href = nextLocation('/.//evil.example/x', ORIGIN, HOME);
    expect(new URL(href).origin).toBe(ORIGIN);
  });

  it('takes the fallback without next, or when next is the login page itself', () => {
    expect(nextLocation(null, ORIGIN, HOME)).toBe(HOME);
    expect(nextLocation('', ORIGIN, HOME)).toBe(HOME);
    expect(nextLocation('/login.html?next=/', ORIGIN, HOME)).toBe(HOME);
  });

  it("sends a port screen's login to its port, people to the console", () => {
    expect(defaultLanding({ role: 'port', scope: 'P1' }, HOME)).toBe(`${ORIGIN}/port.html?port=P1`);
    expect(defaultLanding({ role: 'operator', scope: '' }, HOME)).toBe(HOME);
  });
});

describe('the way to the login page', () => {
  it('comes back to the page, with why', () => {
    const href = loginPageHref(`${ORIGIN}/port.html?port=P1`, 'ended');
    const url = new URL(href);
    expect(url.pathname).toBe('/login.html');
    expect(url.searchParams.get('next')).toBe('/port.html?port=P1');
    expect(loginReason(url.search)).toBe('ended');
    expect(new URL(loginPageHref(HOME)).searchParams.has('reason')).toBe(false);
  });

  it('knows only its own reasons', () => {
    expect(loginReason('?reason=loggedOut')).toBe('loggedOut');
    expect(loginReason('?reason=<b>hi</b>')).toBeNull();
    expect(loginReason('')).toBeNull();
  });
});
