import type { Visit } from './request-book.ts';

/**
 * What happens to visits, told by the request service (once it has served the request) to its
 * observers: the port screens, and the progress lines of `gridline start`.
 */
export interface VisitObserver {
  visitStage?(visit: Visit, stage: 'digging' | 'binInTransit', details: { depth?: number }): void;
  visitPresented?(visit: Visit): void;
  /** The person at the port confirmed the visit: pieces picked (or put) per SKU. */
  visitConfirmed?(visit: Visit, quantities: { sku: string; quantity: number }[]): void;
  visitFailed?(visit: Visit, reason: string): void;
}
