import type { CommandBody } from '../view-model/command-tracker.ts';
import type { Selection } from '../view-model/console-view-model.ts';

/** What the panels may ask of the page: send a command, select something, move the camera. */
export interface ConsoleActions {
  send(body: CommandBody): void;
  select(selection: Selection | null): void;
  topView(): void;
  overview(): void;
}
