import { isPerson } from './console-access.ts';

/**
 * Whether the logged-in identity can show port `portId`'s screen. The broker lets a port
 * screen's login read only its own port's presentation and confirm only there, and people
 * (viewers, operators, supervisors) read no port topics at all: for anyone else the page says
 * so plainly instead of subscribing to a topic the broker would refuse. Pure.
 */
export type PortAccess = { readonly ok: true } | { readonly ok: false; readonly message: string; readonly ownPort: string | null };

export function portScreenAccess(user: { readonly name: string; readonly role: string; readonly scope: string }, portId: string): PortAccess {
  if (user.role === 'port' && user.scope === portId) return { ok: true };
  const asPortScreen = `log out and log in as port ${portId}'s screen (port-${portId}, as the gridline command names it)`;
  if (user.role === 'port') {
    return {
      ok: false,
      message: `This screen is logged in as ${user.name}, the screen of port ${user.scope}: it cannot show port ${portId}. Open port ${user.scope}'s screen, or ${asPortScreen}.`,
      ownPort: user.scope,
    };
  }
  const who = isPerson(user.role) ? `a person's login (${user.role})` : `a ${user.role} login`;
  return { ok: false, message: `You are logged in as ${user.name}, ${who}: a port screen shows a port only to that port's own screen login. To use this screen, ${asPortScreen}.`, ownPort: null };
}
