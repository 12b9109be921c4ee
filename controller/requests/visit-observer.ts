import type { ConfirmedQuantity } from '../ports/visit-settlement.ts';
import type { Visit } from './request-book.ts';

/**
 * What happens to visits, told by the request service (once it has served the request) to its
 * observers: the port screens, and the progress lines of `gridline start`.
 */
export interface VisitObserver {
  visitStage?(visit: Visit, stage: 'digging' | 'binInTransit', details: { depth?: number }): void;
  /** A bin is presented at the port: what it serves there is the port's `presented`. */
  binPresented?(portId: string): void;
  /** The person at the port confirmed the visit: pieces picked (or put) per line. */
  visitConfirmed?(visit: Visit, quantities: readonly ConfirmedQuantity[]): void;
  /** Every visit of the bin presented at the port is confirmed: nothing is presented until the next bin. */
  binConfirmed?(portId: string): void;
  visitFailed?(visit: Visit, reason: string): void;
}
