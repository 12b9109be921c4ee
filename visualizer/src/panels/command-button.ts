import type { CommandBody } from '../view-model/command-tracker.ts';
import type { ConsoleActions } from './console-actions.ts';
import { h } from './dom.ts';

/**
 * A control that sends `body`. When the logged-in user may not give that command (a viewer;
 * an operator and a supervisor's command) it is disabled, with the reason as its tooltip, and
 * never sends: the broker would end the page's connection, or the controller refuse it.
 */
export function commandButton(actions: ConsoleActions, props: { readonly testId: string; readonly text: string; readonly className?: string }, body: CommandBody): HTMLButtonElement {
  const refusal = actions.refusal(body.type);
  const button = h('button', { testId: props.testId, text: props.text, className: props.className ?? '', ...(refusal ? { title: refusal } : {}), onClick: () => actions.send(body) });
  button.disabled = refusal !== null;
  if (refusal) button.dataset['refused'] = 'true';
  return button;
}
