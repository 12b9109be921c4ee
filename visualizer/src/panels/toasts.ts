import { h } from './dom.ts';

/** How a toast looks: fine, worth a look, not done, or still awaited. */
export type ToastTone = 'ok' | 'warn' | 'fail' | 'pending';

/**
 * Short-lived notes in a corner: commands awaiting their reply, replies, timeouts, failures.
 * A toast shown with a key replaces the earlier one with that key (a command's pending note
 * becomes its outcome in place). Lines of the text are kept.
 */
export class Toasts {
  readonly element = h('div', { className: 'toasts', testId: 'toasts', attrs: { 'aria-live': 'polite' } });
  private readonly keyed = new Map<string, { toast: HTMLElement; timer: ReturnType<typeof setTimeout> }>();

  show(text: string, tone: ToastTone, lifetimeMs = 5000, key?: string): void {
    const toast = h('div', { className: `toast ${tone}`, text, attrs: { 'data-tone': tone } });
    const earlier = key === undefined ? undefined : this.keyed.get(key);
    if (earlier) clearTimeout(earlier.timer);
    // One pushed out by newer toasts meanwhile is not in the corner any more: the new one is added.
    if (earlier?.toast.isConnected) earlier.toast.replaceWith(toast);
    else this.element.append(toast);
    const timer = setTimeout(() => {
      toast.remove();
      if (key !== undefined && this.keyed.get(key)?.toast === toast) this.keyed.delete(key);
    }, lifetimeMs);
    if (key !== undefined) this.keyed.set(key, { toast, timer });
    while (this.element.childElementCount > 6) this.element.firstElementChild!.remove();
  }
}
