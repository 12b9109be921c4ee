/**
 * After a pick or drop the vehicle reports FINISHED, its state's `loads` must show the bin the
 * controller expects (VDA 5050 2.0.0 §6.8.2: "Pick is done. Load has entered the AGV and AGV
 * reports new load state"). A vehicle type that reads bin ids must name the bin; one that
 * cannot is checked for holding one load after a pick and none after a drop. Pure.
 */
import type { Load } from '../../protocol/vda5050/types.ts';

export type LoadCheck =
  /** `identityVerified`: the vehicle named the bin (false: it only showed that it holds one). */
  | { ok: true; identityVerified: boolean }
  | { ok: false; problem: string };

export function checkLoads(action: 'pick' | 'drop', binId: string, loads: readonly Load[] | undefined, identifiesLoads: boolean): LoadCheck {
  // §6.10.6 loads: "If AGV cannot determine load state, leave the array out of the state."
  if (loads === undefined) return { ok: false, problem: `reports no load state after ${action === 'pick' ? 'picking' : 'dropping'} bin ${binId}, so the ${action} cannot be checked` };
  const named = loads.map((l) => l.loadId ?? '(no id)');
  if (action === 'pick') {
    if (loads.length === 0) return { ok: false, problem: `reports no load after picking bin ${binId}` };
    if (!identifiesLoads) return loads.length === 1 ? { ok: true, identityVerified: false } : { ok: false, problem: `reports ${loads.length} loads after picking bin ${binId}` };
    if (loads.some((l) => l.loadId === binId)) return loads.length === 1 ? { ok: true, identityVerified: true } : { ok: false, problem: `reports loads ${named.join(', ')} after picking bin ${binId} alone` };
    return { ok: false, problem: `reports load ${named.join(', ')} after picking bin ${binId}` };
  }
  if (loads.length === 0) return { ok: true, identityVerified: identifiesLoads };
  return { ok: false, problem: `still reports load ${named.join(', ')} after dropping bin ${binId}` };
}
