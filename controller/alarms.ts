/**
 * The controller's alarms: each with an id, its severity, and whether (and by whom) it was
 * acknowledged. The latest MAX_ALARMS_KEPT are kept in memory (the console shows the newest);
 * with a store every one is kept there too (history), and acknowledgements outlive a restart.
 */
export type AlarmSeverity = 'critical' | 'warning' | 'info';

export interface ControllerAlarm {
  readonly id: number;
  /** Clock ms. */
  readonly atMs: number;
  readonly source: string;
  readonly severity: AlarmSeverity;
  readonly message: string;
  acknowledged: { readonly atMs: number; readonly by: string } | null;
}

/** Where alarms are kept (the SQLite store's alarms table). */
export interface AlarmStore {
  /** The newest `limit` alarms, oldest first. */
  recentAlarms(limit: number): ControllerAlarm[];
  keepAlarm(alarm: ControllerAlarm): void;
  keepAcknowledgement(id: number, atMs: number, by: string): void;
}

export const MAX_ALARMS_KEPT = 1000;

/**
 * An alarm's severity from what raised it: critical when something may be unsafe or stopped
 * (an internal error, an emergency stop, a robot held, lost or not confirming a stop),
 * information for what an operator did, a warning otherwise.
 */
export function alarmSeverity(source: string, message: string): AlarmSeverity {
  if (/^internal error|emergency stop of every robot|held in alarm|treated as lost|not confirmed|operator state not restored/.test(message)) return 'critical';
  if (source === 'operator') return 'info';
  return 'warning';
}

export class AlarmBook {
  /** The latest alarms, oldest first. */
  readonly latest: ControllerAlarm[] = [];
  /** Alarms raised since start, all told. */
  count = 0;
  private nextId = 1;
  private store: AlarmStore | null = null;

  raise(atMs: number, source: string, message: string, severity: AlarmSeverity = alarmSeverity(source, message)): ControllerAlarm {
    const alarm: ControllerAlarm = { id: this.nextId++, atMs, source, severity, message, acknowledged: null };
    this.count++;
    this.latest.push(alarm);
    if (this.latest.length > MAX_ALARMS_KEPT) this.latest.shift();
    this.store?.keepAlarm(alarm);
    return alarm;
  }

  /**
   * Keeps alarms in `store` from now on: the ones it kept before (a restart) come first, with
   * their acknowledgements, then the ones raised meanwhile, renumbered after them.
   */
  keepIn(store: AlarmStore): void {
    const earlier = store.recentAlarms(MAX_ALARMS_KEPT);
    const raised = this.latest.splice(0);
    this.nextId = (earlier.at(-1)?.id ?? 0) + 1;
    this.latest.push(...earlier);
    this.store = store;
    for (const alarm of raised) this.raise(alarm.atMs, alarm.source, alarm.message, alarm.severity);
    this.count -= raised.length;
  }

  /** An operator acknowledged the alarm; false if it is not among the latest. */
  acknowledge(id: number, atMs: number, by: string): { ok: true; alreadyBy: string | null } | { ok: false } {
    const alarm = this.latest.find((a) => a.id === id);
    if (!alarm) return { ok: false };
    if (alarm.acknowledged) return { ok: true, alreadyBy: alarm.acknowledged.by };
    this.store?.keepAcknowledgement(id, atMs, by);
    alarm.acknowledged = { atMs, by };
    return { ok: true, alreadyBy: null };
  }
}
