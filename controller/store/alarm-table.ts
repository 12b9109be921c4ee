/** Every alarm raised, with its severity and acknowledgement (store schema v4, table alarms). */
import type Database from 'better-sqlite3';
import type { AlarmSeverity, AlarmStore, ControllerAlarm } from '../alarms.ts';

type Row = { id: number; atMs: number; source: string; severity: AlarmSeverity; message: string; ackAt: number | null; ackBy: string | null };

export class AlarmTable implements AlarmStore {
  private readonly insert;
  private readonly ack;
  private readonly newest;
  private readonly between;

  constructor(db: Database.Database) {
    this.insert = db.prepare('INSERT INTO alarms (alarm_id, at_ms, source, severity, message) VALUES (?, ?, ?, ?, ?)');
    this.ack = db.prepare('UPDATE alarms SET acknowledged_at = ?, acknowledged_by = ? WHERE alarm_id = ? AND acknowledged_at IS NULL');
    const columns = 'alarm_id AS id, at_ms AS atMs, source, severity, message, acknowledged_at AS ackAt, acknowledged_by AS ackBy';
    this.newest = db.prepare(`SELECT * FROM (SELECT ${columns} FROM alarms ORDER BY alarm_id DESC LIMIT ?) ORDER BY id`);
    this.between = db.prepare(`SELECT ${columns} FROM alarms WHERE at_ms >= ? AND at_ms < ? ORDER BY alarm_id`);
  }

  recentAlarms(limit: number): ControllerAlarm[] {
    return (this.newest.all(limit) as Row[]).map(toAlarm);
  }

  /** Alarms raised from clock ms `fromMs` up to `toMs` (history, reports). */
  alarmsBetween(fromMs: number, toMs: number): ControllerAlarm[] {
    return (this.between.all(fromMs, toMs) as Row[]).map(toAlarm);
  }

  keepAlarm(alarm: ControllerAlarm): void {
    this.insert.run(alarm.id, Math.round(alarm.atMs), alarm.source, alarm.severity, alarm.message);
  }

  keepAcknowledgement(id: number, atMs: number, by: string): void {
    this.ack.run(Math.round(atMs), by, id);
  }
}

function toAlarm(row: Row): ControllerAlarm {
  return { id: row.id, atMs: row.atMs, source: row.source, severity: row.severity, message: row.message, acknowledged: row.ackAt === null ? null : { atMs: row.ackAt, by: row.ackBy ?? '' } };
}
