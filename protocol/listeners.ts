/**
 * A list of listeners for one kind of event, shared by the bus links (VDA 5050, WMS, port).
 * Adding the same function twice registers it once. `emit` calls the listeners registered when
 * it starts, so a listener may remove itself (or add others) while being called.
 */
export class Listeners<Args extends unknown[]> {
  private readonly fns = new Set<(...args: Args) => void>();

  /** Returns a function that removes the listener. */
  add(fn: (...args: Args) => void): () => void {
    this.fns.add(fn);
    return () => {
      this.fns.delete(fn);
    };
  }

  /** Number of listeners registered now (lets a link skip work nobody listens for). */
  get size(): number {
    return this.fns.size;
  }

  emit(...args: Args): void {
    for (const fn of [...this.fns]) fn(...args);
  }
}
