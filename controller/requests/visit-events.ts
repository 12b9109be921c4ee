import type { Visit } from './request-book.ts';

/** What happens to visits, told to observers: the WMS gateway (WMS events) and the port screens. */
export interface VisitObserver {
  visitStage?(visit: Visit, stage: 'digging' | 'binInTransit', details: { depth?: number }): void;
  visitPresented?(visit: Visit): void;
  /** The person at the port confirmed the visit: pieces picked (or put) per SKU. */
  visitConfirmed?(visit: Visit, quantities: { sku: string; quantity: number }[]): void;
  visitFailed?(visit: Visit, reason: string): void;
}

/** Tells every observer, in the order they were added, what happened to a visit. */
export class VisitEvents {
  private readonly observers: VisitObserver[] = [];

  add(observer: VisitObserver): void {
    this.observers.push(observer);
  }

  stage(visit: Visit, stage: 'digging' | 'binInTransit', details: { depth?: number }): void {
    this.observers.forEach((o) => o.visitStage?.(visit, stage, details));
  }

  presented(visit: Visit): void {
    this.observers.forEach((o) => o.visitPresented?.(visit));
  }

  confirmed(visit: Visit, quantities: { sku: string; quantity: number }[]): void {
    this.observers.forEach((o) => o.visitConfirmed?.(visit, quantities));
  }

  failed(visit: Visit, reason: string): void {
    this.observers.forEach((o) => o.visitFailed?.(visit, reason));
  }
}
