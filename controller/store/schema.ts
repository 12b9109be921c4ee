import type Database from 'better-sqlite3';
import { StoreError } from './store-error.ts';

/**
 * Schema migrations, applied in order, each in its own transaction. Append new versions;
 * never edit a released one (a store on disk may already be at that version).
 */
export const MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );

      -- One row per bin. Column bins have x, y, level; robot bins robot; port bins port.
      CREATE TABLE bins (
        bin_id        TEXT PRIMARY KEY,
        location_kind TEXT NOT NULL CHECK (location_kind IN ('column', 'robot', 'port')),
        x             INTEGER,
        y             INTEGER,
        level         INTEGER,
        robot         TEXT,
        port          TEXT,
        contents      TEXT NOT NULL, -- JSON [{ "sku": string, "quantity": positive integer }]
        CHECK ((location_kind = 'column') = (x IS NOT NULL AND y IS NOT NULL AND level IS NOT NULL)),
        CHECK ((location_kind = 'robot') = (robot IS NOT NULL)),
        CHECK ((location_kind = 'port') = (port IS NOT NULL))
      );
      -- Durable guard for bin conservation: one bin per slot, one bin per robot.
      CREATE UNIQUE INDEX bins_by_slot ON bins (x, y, level) WHERE location_kind = 'column';
      CREATE UNIQUE INDEX bins_by_robot ON bins (robot) WHERE location_kind = 'robot';

      -- Every SKU ever held, so a SKU sold out before a restart is still known after it.
      CREATE TABLE known_skus (
        sku TEXT PRIMARY KEY
      ) WITHOUT ROWID;

      CREATE TABLE reservations (
        reservation_id TEXT PRIMARY KEY,
        bin_id         TEXT NOT NULL REFERENCES bins (bin_id),
        sku            TEXT NOT NULL,
        quantity       INTEGER NOT NULL CHECK (quantity > 0),
        request_id     TEXT NOT NULL
      );

      -- WMS requests: the rowid orders them by arrival.
      CREATE TABLE requests (
        request_id     TEXT PRIMARY KEY,
        client_id      TEXT NOT NULL,
        type           TEXT NOT NULL,
        canonical_key  TEXT NOT NULL,
        body           TEXT NOT NULL,                -- JSON
        status         TEXT NOT NULL CHECK (status IN ('received', 'accepted', 'rejected', 'terminal')),
        accepted_at    INTEGER,                      -- clock ms; null until accepted
        reply          TEXT,                         -- JSON; null until replied
        terminal_event TEXT,                         -- JSON; null until finished
        progress       TEXT                          -- JSON; latest progress, null if none
      );
      CREATE INDEX requests_open ON requests (status, accepted_at) WHERE status = 'accepted';
    `,
  },
  {
    version: 2,
    sql: `
      -- Bins whose whereabouts or contents are in doubt (a robot's loads did not match): offered
      -- to no request until an operator clears them.
      CREATE TABLE quarantined_bins (
        bin_id TEXT PRIMARY KEY REFERENCES bins (bin_id),
        reason TEXT NOT NULL
      );
    `,
  },
  {
    version: 3,
    sql: `
      -- Every command an operator gave through the console: who, what, when, and how it ended.
      -- The rowid orders entries; (user_name, command_id) is unique, so a replayed command is refused.
      CREATE TABLE audit_log (
        at_ms      INTEGER NOT NULL,                -- wall-clock ms since the epoch
        user_name  TEXT NOT NULL,
        role       TEXT NOT NULL,
        command_id TEXT NOT NULL,
        command    TEXT NOT NULL,                   -- JSON, as received
        outcome    TEXT NOT NULL,                   -- 'done', 'refused: CODE', 'failed: CODE', …
        detail     TEXT NOT NULL,                   -- the reply's message
        UNIQUE (user_name, command_id)
      );
    `,
  },
  {
    version: 4,
    sql: `
      -- What operators set that outlives a restart (operator-state.ts): one row, JSON.
      CREATE TABLE operator_state (
        id    INTEGER PRIMARY KEY CHECK (id = 1),
        state TEXT NOT NULL
      );

      -- Every alarm raised, with its severity and whether (and by whom) it was acknowledged.
      CREATE TABLE alarms (
        alarm_id        INTEGER PRIMARY KEY,     -- in the order raised
        at_ms           INTEGER NOT NULL,        -- clock ms
        source          TEXT NOT NULL,
        severity        TEXT NOT NULL CHECK (severity IN ('critical', 'warning', 'info')),
        message         TEXT NOT NULL,
        acknowledged_at INTEGER,                 -- clock ms; null until acknowledged
        acknowledged_by TEXT
      );
      CREATE INDEX alarms_unacknowledged ON alarms (alarm_id) WHERE acknowledged_at IS NULL;

      -- KPI figures sampled over time (the console's charts, gridline report): one row a sample.
      CREATE TABLE kpi_samples (
        at_ms  INTEGER PRIMARY KEY,              -- clock ms
        sample TEXT NOT NULL                     -- JSON
      );
    `,
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Brings the file's schema up to LATEST_SCHEMA_VERSION; returns the version found before. */
export function migrate(db: Database.Database, filename: string): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
  const found = row?.version ?? 0;
  if (found > LATEST_SCHEMA_VERSION) {
    throw new StoreError(
      'SCHEMA_TOO_NEW',
      `store ${filename} has schema version ${found}; this Gridline knows up to ${LATEST_SCHEMA_VERSION}. Upgrade Gridline to open it.`,
    );
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= found) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('DELETE FROM schema_version').run();
      db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(migration.version);
    })();
  }
  return found;
}
