import type { ConsoleCommandType } from '../../../protocol/console/console-messages.ts';
import { SUPERVISOR_COMMANDS } from '../../../protocol/console/console-roles.ts';

/**
 * What the logged-in user may do on the console page, by role, so that the page offers no
 * control the broker or the controller would refuse. The broker lets only operators and
 * supervisors publish commands, and ends the connection of anyone else who tries (MQTT 3.1.1
 * has no refusal), so a viewer's page must never publish; the controller runs releasing the
 * emergency stop and clearing a quarantined bin only for a supervisor (SUPERVISOR_COMMANDS,
 * shared with the controller). Pure.
 */

/** People log in to the console; a port screen's login sees only its port. */
const PERSON_ROLES: ReadonlySet<string> = new Set(['viewer', 'operator', 'supervisor']);
const COMMANDING_ROLES: ReadonlySet<string> = new Set(['operator', 'supervisor']);

/** Why only a supervisor gives a command, for the control's tooltip. */
const SUPERVISOR_REASONS: Partial<Record<ConsoleCommandType, string>> = {
  resumeAll: 'Only a supervisor may release the emergency stop',
  clearQuarantine: "Only a supervisor may clear a bin's quarantine",
};

export function isPerson(role: string): boolean {
  return PERSON_ROLES.has(role);
}

/** Whether the role gives commands at all (and reads the replies to them). */
export function mayCommand(role: string): boolean {
  return COMMANDING_ROLES.has(role);
}

/** Why `role` may not give a command of `type`, in words for a tooltip; null when it may. */
export function commandRefusal(role: string, type: ConsoleCommandType): string | null {
  if (role === 'supervisor') return null;
  if (role === 'operator') return SUPERVISOR_COMMANDS.has(type) ? (SUPERVISOR_REASONS[type] ?? `Only a supervisor may give ${type}`) : null;
  if (role === 'viewer') {
    return type === 'queryColumn'
      ? "A viewer cannot ask the controller for a column's bins: log in as an operator or supervisor"
      : 'A viewer watches only: log in as an operator or supervisor to give commands';
  }
  return `A ${role === 'port' ? "port screen's" : role} login gives no console commands`;
}
