import { describe, expect, it } from 'vitest';
import { Listeners } from './listeners.ts';

describe('Listeners', () => {
  it('calls every listener with the emitted arguments until it is removed', () => {
    const listeners = new Listeners<[a: string, b: number]>();
    const calls: string[] = [];
    const remove = listeners.add((a, b) => calls.push(`first ${a} ${b}`));
    listeners.add((a, b) => calls.push(`second ${a} ${b}`));
    listeners.emit('x', 1);
    remove();
    listeners.emit('y', 2);
    expect(calls).toEqual(['first x 1', 'second x 1', 'second y 2']);
    expect(listeners.size).toBe(1);
  });

  it('still calls the others when a listener removes itself while being called', () => {
    const listeners = new Listeners<[]>();
    const calls: string[] = [];
    const removeFirst = listeners.add(() => {
      calls.push('first');
      removeFirst();
    });
    listeners.add(() => calls.push('second'));
    listeners.emit();
    listeners.emit();
    expect(calls).toEqual(['first', 'second', 'second']);
  });
});
