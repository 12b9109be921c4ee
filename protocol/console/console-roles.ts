/**
 * Which console commands need a supervisor: releasing the emergency stop and declaring a
 * quarantined bin's contents known again. The controller refuses them from an operator
 * (controller/security/console-permissions.ts); the console page offers them to supervisors only.
 */
import type { ConsoleCommandType } from './console-messages.ts';

export const SUPERVISOR_COMMANDS: ReadonlySet<ConsoleCommandType> = new Set(['resumeAll', 'clearQuarantine']);
