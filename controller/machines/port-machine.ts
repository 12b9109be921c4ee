import type { BinRequestType } from '../../protocol/wms/request-schemas.ts';
import { assign, setup } from 'xstate';

/**
 * Lifecycle of one port, in parallel regions:
 * - mode: open, closed by an operator (no new retrieval for it starts; bins at it or on their
 *   way finish), or closed in the layout (for good: an operator cannot open it);
 * - presentation: idle, or presenting one bin (which, for which visits) to the person there;
 * - room: whether another bin may be sent to it, from its load (bins in it and on their way)
 *   against its capacity.
 * The controller reads the snapshot for its decisions (port-station.ts) and keeps no copy.
 */
export type PortEvent =
  | ({ type: 'PRESENT' } & Presented)
  | { type: 'CONFIRMED' }
  | { type: 'CLOSE' }
  | { type: 'OPEN' }
  /** Bins in the port plus bins on their way, after a change. */
  | { type: 'LOAD_CHANGED'; load: number };

/** One line shown with the presented bin: a line of one of the visits the bin serves there. */
export interface PresentedLine {
  readonly lineId: string;
  readonly visitId: string;
  readonly requestId: string;
  readonly sku: string;
  /** Pieces to pick (or put); 0 on a count line (a blind count). */
  readonly quantity: number;
}

/** What the person at the port is shown: the bin, the task they confirm it by, and every line it serves there. */
export interface Presented {
  readonly binId: string;
  readonly taskId: string;
  readonly mode: BinRequestType;
  readonly lines: readonly PresentedLine[];
}

export interface PortContext {
  /** Bins the port holds at most, in it or on their way. */
  readonly capacityBins: number;
  readonly presented: Presented | null;
}

export const portMachine = setup({
  types: { events: {} as PortEvent, input: {} as { open: boolean; capacityBins: number }, context: {} as PortContext & { readonly openInLayout: boolean } },
  guards: {
    openInLayout: ({ context }) => context.openInLayout,
    full: ({ context, event }) => event.type === 'LOAD_CHANGED' && event.load >= context.capacityBins,
  },
}).createMachine({
  id: 'port',
  type: 'parallel',
  context: ({ input }) => ({ openInLayout: input.open, capacityBins: input.capacityBins, presented: null }),
  states: {
    mode: {
      initial: 'starting',
      states: {
        starting: { always: [{ guard: 'openInLayout', target: 'open' }, { target: 'closedInLayout' }] },
        open: { on: { CLOSE: 'closedByOperator' } },
        closedByOperator: { on: { OPEN: 'open' } },
        closedInLayout: {},
      },
    },
    presentation: {
      initial: 'idle',
      states: {
        idle: { on: { PRESENT: { target: 'presenting', actions: assign({ presented: ({ event }) => ({ binId: event.binId, taskId: event.taskId, mode: event.mode, lines: event.lines }) }) } } },
        presenting: { on: { CONFIRMED: { target: 'idle', actions: assign({ presented: null }) } } },
      },
    },
    room: {
      initial: 'hasRoom',
      states: {
        hasRoom: { on: { LOAD_CHANGED: { guard: 'full', target: 'full' } } },
        full: { on: { LOAD_CHANGED: { guard: ({ context, event }) => event.load < context.capacityBins, target: 'hasRoom' } } },
      },
    },
  },
});

export interface PortStateValue {
  mode: 'open' | 'closedByOperator' | 'closedInLayout';
  presentation: 'idle' | 'presenting';
  room: 'hasRoom' | 'full';
}
