import { setup } from 'xstate';

/**
 * A port's presentation cycle: while open it is idle or presenting one bin to the person
 * there. A port closes only when idle: CLOSE while a bin is presented is refused (ignored).
 */
export type PortEvent = { type: 'PRESENT' } | { type: 'CONFIRMED' } | { type: 'CLOSE' } | { type: 'OPEN' };

export const portMachine = setup({
  types: { events: {} as PortEvent, input: {} as { open: boolean } },
  guards: { startsOpen: ({ context }) => context.open },
}).createMachine({
  id: 'port',
  context: ({ input }) => ({ open: input.open }),
  initial: 'starting',
  states: {
    starting: { always: [{ guard: 'startsOpen', target: 'open' }, { target: 'closed' }] },
    open: {
      initial: 'idle',
      states: {
        idle: { on: { PRESENT: 'presenting', CLOSE: '#port.closed' } },
        presenting: { on: { CONFIRMED: 'idle' } },
      },
    },
    closed: { on: { OPEN: 'open' } },
  },
});
