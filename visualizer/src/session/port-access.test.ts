import { describe, expect, it } from 'vitest';
import { portScreenAccess } from './port-access.ts';

describe('who can show a port screen', () => {
  it("shows a port to its own screen's login", () => {
    expect(portScreenAccess({ name: 'port-P1', role: 'port', scope: 'P1' }, 'P1')).toEqual({ ok: true });
  });

  it("names the other port's screen a port login belongs to", () => {
    const access = portScreenAccess({ name: 'port-P2', role: 'port', scope: 'P2' }, 'P1');
    expect(access).toMatchObject({ ok: false, ownPort: 'P2' });
    expect(!access.ok && access.message).toMatch(/logged in as port-P2, the screen of port P2: it cannot show port P1/);
  });

  it("tells people to log in as the port's screen", () => {
    for (const role of ['viewer', 'operator', 'supervisor']) {
      const access = portScreenAccess({ name: 'ann', role, scope: '' }, 'P1');
      expect(access).toMatchObject({ ok: false, ownPort: null });
      expect(!access.ok && access.message).toMatch(/log in as port P1's screen \(port-P1/);
    }
  });
});
