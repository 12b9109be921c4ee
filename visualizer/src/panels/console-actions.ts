import type { ConsoleCommandType } from '../../../protocol/console/console-messages.ts';
import type { CommandBody } from '../view-model/command-tracker.ts';
import type { Selection } from '../view-model/console-view-model.ts';

/** What the panels may ask of the page: send a command, select something, move the camera, log out. */
export interface ConsoleActions {
  send(body: CommandBody): void;
  /** Why the logged-in user may not give a command of this type (for a disabled control's tooltip), or null when they may. */
  refusal(type: ConsoleCommandType): string | null;
  select(selection: Selection | null): void;
  topView(): void;
  overview(): void;
  logOut(): void;
}
