/**
 * Alarms about robots, raised once per robot and kind of problem: a robot that sends the same
 * bad message every second raises one alarm, not one a second. A kind whose end the controller
 * can tell (a silence, a missing factsheet, an unconfirmed stop) is cleared then (`clear`), and a
 * later recurrence is raised again; the others are raised once for good.
 */
export class RobotAlarms {
  /** Kinds of problem raised and not cleared, per serial number. */
  private readonly active = new Map<string, Set<string>>();

  constructor(private readonly raise: (source: string, message: string) => void) {}

  /** Raises `message` for the robot unless a problem of this kind is already raised; true if raised now. */
  once(serial: string, kind: string, message: string): boolean {
    let kinds = this.active.get(serial);
    if (!kinds) this.active.set(serial, (kinds = new Set()));
    if (kinds.has(kind)) return false;
    kinds.add(kind);
    this.raise(serial, message);
    return true;
  }

  /** The problem is over; true if it had been raised. */
  clear(serial: string, kind: string): boolean {
    return this.active.get(serial)?.delete(kind) ?? false;
  }

  isRaised(serial: string, kind: string): boolean {
    return this.active.get(serial)?.has(kind) ?? false;
  }
}
