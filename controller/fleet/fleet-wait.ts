import type { Clock } from '../../protocol/clock.ts';

/**
 * The controller's wait for its fleet at start: before every robot of the layout has been
 * placed, a cell nobody holds in the reservation table may still have a robot on it that has
 * not reported yet (robots come online one by one), and releasing it to another robot would
 * drive that one into it. So nothing is given out until every robot is placed, or `waitMs`
 * after start (the missing ones are then raised).
 */
export class FleetWait {
  /** Robots not yet placed, while waiting; null once the wait is over. */
  private awaited: Set<string> | null;
  private readonly startedAtMs: number;

  constructor(
    fleet: readonly string[],
    private readonly waitMs: number,
    private readonly clock: Clock,
    private readonly alarm: (source: string, message: string) => void,
  ) {
    this.awaited = fleet.length > 0 && waitMs > 0 ? new Set(fleet) : null;
    this.startedAtMs = clock.now();
  }

  /** The robot was placed on the grid. */
  placed(serial: string): void {
    this.awaited?.delete(serial);
  }

  /** Whether the controller knows where the robots stand, so that it may give out jobs and cells. */
  fleetKnown(): boolean {
    const awaited = this.awaited;
    if (awaited === null) return true;
    if (awaited.size > 0) {
      if (this.clock.now() - this.startedAtMs < this.waitMs) return false;
      this.alarm('controller', `went on without robots ${[...awaited].join(', ')}, not heard from within ${this.waitMs / 1000} s of start: where they stand is not known, and one reporting a cell released to another robot is not commanded`);
    }
    this.awaited = null;
    return true;
  }

  /** Robots the controller still waits for. */
  robotsAwaited(): string[] {
    return this.awaited ? [...this.awaited] : [];
  }
}
