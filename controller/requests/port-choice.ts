import type { PortStation } from '../ports/port-station.ts';
import type { Rejection } from './request-service.ts';

/**
 * The port a request is served at: the named port if it serves the mode; else the least
 * loaded port of the mode that takes work (`openVisitsAt`: a port's visits not done nor
 * cancelled). Ports an operator closed are passed over while another port of the mode takes
 * work; if all are closed the request waits at one of them until it opens again.
 */
export function choosePort(ports: ReadonlyMap<string, PortStation>, openVisitsAt: (portId: string) => number, portId: string | undefined, mode: 'pick' | 'putaway'): { id: string; cell: number } | Rejection {
  const all = [...ports.values()];
  if (portId !== undefined) {
    const port = ports.get(portId);
    if (!port) return { code: 'UNKNOWN_PORT', reason: `port "${portId}" does not exist; ports are ${all.map((p) => p.id).join(', ')}` };
    if (port.mode !== mode) return { code: 'PORT_UNAVAILABLE', reason: `port "${portId}" is ${port.mode === 'closed' ? 'closed' : `in ${port.mode} mode`}, not ${mode}` };
    return { id: port.id, cell: port.cell };
  }
  const ofMode = all.filter((p) => p.mode === mode);
  const open = ofMode.filter((p) => p.takesVisits);
  const candidates = open.length > 0 ? open : ofMode;
  if (candidates.length === 0) return { code: 'PORT_UNAVAILABLE', reason: `no port is open for ${mode}` };
  const best = candidates.reduce((a, b) => (openVisitsAt(b.id) < openVisitsAt(a.id) ? b : a));
  return { id: best.id, cell: best.cell };
}
