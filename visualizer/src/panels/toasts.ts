import { h } from './dom.ts';

/** Short-lived notes in a corner: replies to commands, timeouts, failures. */
export class Toasts {
  readonly element = h('div', { className: 'toasts', testId: 'toasts', attrs: { 'aria-live': 'polite' } });

  show(text: string, ok: boolean, lifetimeMs = 5000): void {
    const toast = h('div', { className: `toast ${ok ? 'ok' : 'fail'}`, text });
    this.element.append(toast);
    while (this.element.childElementCount > 6) this.element.firstElementChild!.remove();
    setTimeout(() => toast.remove(), lifetimeMs);
  }
}
