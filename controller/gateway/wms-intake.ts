import type { Clock, TimerHandle } from '../../protocol/clock.ts';
import type { ParseWmsRequestResult } from '../../protocol/wms/parse-wms-request.ts';
import type { ErrorBoundary } from '../error-boundary.ts';
import { asError } from '../error-boundary.ts';
import type { Turn, WmsGateway } from './wms-gateway.ts';

/** Requests handled in one group at most: bounds how long the first of a wave waits for the last. */
export const MAX_GROUP = 250;

interface Arrival {
  readonly clientId: string;
  readonly parsed: ParseWmsRequestResult;
}

/** What the intake needs of the store: a group commit (SqliteStore.applyGroup). */
export interface GroupCommitter {
  applyGroup(steps: readonly (() => void)[], failed: (index: number, error: unknown) => void): void;
}

/**
 * Where WMS requests come in. Requests that arrive together (a wave of orders, read off the
 * broker's socket at once) are handled as one group, each on its own (a request that fails
 * takes back only its own writes) but kept with one commit for all (SqliteStore.applyGroup):
 * on a store on disk one flush instead of one per request, so a wave is answered in
 * milliseconds. Each reply still goes out only once its request is durable, and the group's
 * replies before its events (WmsGateway.holdEvents). A request is handled at the latest on the
 * next timer turn of the clock (0 ms), in the order received.
 */
export class WmsIntake {
  private readonly waiting: Arrival[] = [];
  private timer: TimerHandle | null = null;

  constructor(
    private readonly gateway: Pick<WmsGateway, 'handle' | 'recover' | 'holdEvents'>,
    private readonly store: GroupCommitter,
    private readonly boundary: ErrorBoundary,
    private readonly clock: Clock,
  ) {}

  /** A request arrived (the WMS link's onRequest). */
  receive(clientId: string, parsed: ParseWmsRequestResult): void {
    this.waiting.push({ clientId, parsed });
    if (this.timer === null) this.timer = this.clock.setTimeout(() => this.drain(), 0);
  }

  /** Handles what waits now, a group of at most MAX_GROUP at a time. */
  drain(): void {
    this.timer = null;
    const group = this.waiting.splice(0, MAX_GROUP);
    if (this.waiting.length > 0) this.timer = this.clock.setTimeout(() => this.drain(), 0);
    if (group.length === 0) return;
    const turns: (Turn | undefined)[] = group.map(() => undefined);
    const failed = (index: number, error: unknown) => this.recover(group[index]!, asError(error), turns[index]);
    this.gateway.holdEvents(() => {
      try {
        this.store.applyGroup(
          group.map((arrival, index) => () => {
            turns[index] = this.gateway.handle(arrival.clientId, arrival.parsed);
          }),
          failed,
        );
      } catch (error) {
        // A commit failed (the disk): each request is answered and what it started ended, by its turn.
        group.forEach((arrival, index) => this.recover(arrival, asError(error), turns[index]));
      }
    });
  }

  /** One request's handling failed: raised as an alarm, and the gateway ends what it left unfinished. */
  private recover(arrival: Arrival, error: Error, turn: Turn | undefined): void {
    this.boundary.run(
      'wms link',
      () => {
        throw error;
      },
      (thrown) => this.gateway.recover(arrival.clientId, arrival.parsed, thrown, turn),
    );
  }
}
