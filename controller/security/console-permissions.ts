/**
 * Which console user may give which command. The broker already keeps viewers from publishing
 * commands at all; this is the controller's own check, by role, for what operators may not do.
 * Anyone who may command may stop everything; releasing the emergency stop and clearing a
 * quarantined bin (declaring its contents known again) are a supervisor's.
 */
import type { ConsoleCommandType } from '../../protocol/console/console-messages.ts';
import { SUPERVISOR_COMMANDS } from '../../protocol/console/console-roles.ts';
import type { Role } from './identities.ts';

/** Why `role` may not give a command of `type`, or null when it may. */
export function commandRefusal(role: Role | undefined, type: ConsoleCommandType): string | null {
  if (role === 'supervisor') return null;
  if (role === 'operator') return SUPERVISOR_COMMANDS.has(type) ? `${type} is a supervisor's command` : null;
  if (role === undefined) return 'no such console user';
  return `a ${role} gives no commands`;
}
