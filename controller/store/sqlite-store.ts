import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type {
  BinLocation,
  BinPlacement,
  BinState,
  ContentLine,
  GridDimensions,
  QuarantinedBin,
  Reservation,
} from '../inventory/types.ts';
import { migrate } from './schema.ts';
import { AuditLog } from './audit-log.ts';
import { Batches } from './batches.ts';
import { OperatorStateTable } from './operator-state-table.ts';
import { AlarmTable } from './alarm-table.ts';
import { KpiHistoryTable } from './kpi-history-table.ts';
import { StoreError } from './store-error.ts';

/** File name of the store inside the controller's data directory. */
export const STORE_FILE_NAME = 'gridline.sqlite';

/**
 * Life of a WMS request in the store: `received` (not yet answered), then `accepted` or
 * `rejected` with exactly one reply; an accepted request ends `terminal` with exactly one
 * terminal event.
 */
export type RequestStatus = 'received' | 'accepted' | 'rejected' | 'terminal';

export interface NewRequest {
  requestId: string;
  clientId: string;
  /** Request kind, e.g. 'pick', 'putaway', 'cancel'. */
  type: string;
  /** Normalised body used to tell an honest repeat from a different request reusing an id. */
  canonicalKey: string;
  body: unknown;
  status: Exclude<RequestStatus, 'terminal'>;
  /** Clock milliseconds at acceptance; null unless status is 'accepted'. */
  acceptedAtMs: number | null;
  /** The accept-or-reject reply, if already decided. */
  reply?: unknown;
}

export interface StoredRequest {
  requestId: string;
  clientId: string;
  type: string;
  canonicalKey: string;
  body: unknown;
  status: RequestStatus;
  acceptedAtMs: number | null;
  /** null until replied. */
  reply: unknown;
  /** null until finished. */
  terminalEvent: unknown;
  /** Latest progress event; null if none yet. */
  progress: unknown;
}

interface BinRow {
  bin_id: string;
  location_kind: 'column' | 'robot' | 'port';
  x: number | null;
  y: number | null;
  level: number | null;
  robot: string | null;
  port: string | null;
  contents: string;
}

interface RequestRow {
  request_id: string;
  client_id: string;
  type: string;
  canonical_key: string;
  body: string;
  status: RequestStatus;
  accepted_at: number | null;
  reply: string | null;
  terminal_event: string | null;
  progress: string | null;
}

/** Parameters of the bins table's location columns. */
function locationColumns(location: BinLocation) {
  switch (location.kind) {
    case 'column':
      return { kind: 'column', x: location.x, y: location.y, level: location.level, robot: null, port: null };
    case 'robot':
      return { kind: 'robot', x: null, y: null, level: null, robot: location.serial, port: null };
    case 'port':
      return { kind: 'port', x: null, y: null, level: null, robot: null, port: location.portId };
  }
}

function locationOf(row: BinRow): BinLocation {
  switch (row.location_kind) {
    case 'column':
      return { kind: 'column', x: row.x!, y: row.y!, level: row.level! };
    case 'robot':
      return { kind: 'robot', serial: row.robot! };
    case 'port':
      return { kind: 'port', portId: row.port! };
  }
}

function parseJson(text: string | null): unknown {
  return text === null ? null : JSON.parse(text);
}

function describeDimensions(d: GridDimensions): string {
  return `${d.columnsX} x ${d.columnsY} columns, ${d.depth} bins deep`;
}

/**
 * The controller's durable state on SQLite (DESIGN §4): where every bin is, reservations, and
 * every WMS request with its reply and terminal event.
 *
 * Durability: WAL journal with `synchronous = FULL`, so every write method has reached the
 * disk when it returns; a bin move is therefore committed before the next command that
 * depends on it is sent. Group writes that belong together with `applyBatch`.
 *
 * All methods are synchronous (better-sqlite3). Statements are prepared once.
 */
export class SqliteStore {
  readonly filename: string;
  readonly dimensions: GridDimensions;
  private readonly db: Database.Database;
  private readonly statements;
  /** Operators' commands (schema v3). */
  readonly audit: AuditLog;
  /** What operators set that outlives a restart. */
  readonly operatorState: OperatorStateTable;
  /** Every alarm raised, and its acknowledgement. */
  readonly alarms: AlarmTable;
  /** KPI samples over time (the console's charts, gridline report). */
  readonly kpiHistory: KpiHistoryTable;
  /** The batches running (applyBatch), innermost last. */
  private readonly batches: Batches;

  /**
   * Opens (creating if needed) the store at `filename`, or ':memory:' for tests. Throws
   * `StoreError('LAYOUT_MISMATCH')` if the file was made for a grid of another size or depth.
   */
  constructor(filename: string, dimensions: GridDimensions) {
    this.filename = filename;
    this.dimensions = { columnsX: dimensions.columnsX, columnsY: dimensions.columnsY, depth: dimensions.depth };
    this.db = new Database(filename);
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.pragma('foreign_keys = ON');
      migrate(this.db, filename);
      this.checkLayout();
    } catch (error) {
      this.db.close();
      throw error;
    }
    const db = this.db;
    this.batches = new Batches(db);
    this.audit = new AuditLog(db);
    this.operatorState = new OperatorStateTable(db);
    this.alarms = new AlarmTable(db);
    this.kpiHistory = new KpiHistoryTable(db);
    this.statements = {
      countBins: db.prepare('SELECT COUNT(*) AS n FROM bins').pluck(),
      insertBin: db.prepare(
        `INSERT INTO bins (bin_id, location_kind, x, y, level, robot, port, contents)
         VALUES (@binId, @kind, @x, @y, @level, @robot, @port, @contents)`,
      ),
      moveBin: db.prepare(
        `UPDATE bins SET location_kind = @kind, x = @x, y = @y, level = @level, robot = @robot, port = @port
         WHERE bin_id = @binId`,
      ),
      setContents: db.prepare('UPDATE bins SET contents = ? WHERE bin_id = ?'),
      allBins: db.prepare('SELECT * FROM bins ORDER BY bin_id'),
      addKnownSku: db.prepare('INSERT OR IGNORE INTO known_skus (sku) VALUES (?)'),
      knownSkus: db.prepare('SELECT sku FROM known_skus ORDER BY sku').pluck(),
      insertReservation: db.prepare(
        `INSERT INTO reservations (reservation_id, bin_id, sku, quantity, request_id)
         VALUES (@reservationId, @binId, @sku, @quantity, @requestId)`,
      ),
      deleteReservation: db.prepare('DELETE FROM reservations WHERE reservation_id = ?'),
      allReservations: db.prepare('SELECT * FROM reservations ORDER BY rowid'),
      insertRequest: db.prepare(
        `INSERT INTO requests (request_id, client_id, type, canonical_key, body, status, accepted_at, reply)
         VALUES (@requestId, @clientId, @type, @canonicalKey, @body, @status, @acceptedAtMs, @reply)`,
      ),
      getRequest: db.prepare('SELECT * FROM requests WHERE request_id = ?'),
      setReply: db.prepare(
        `UPDATE requests SET reply = @reply, status = @status, accepted_at = @acceptedAtMs
         WHERE request_id = @requestId AND reply IS NULL`,
      ),
      setProgress: db.prepare('UPDATE requests SET progress = ? WHERE request_id = ?'),
      setTerminal: db.prepare(
        `UPDATE requests SET terminal_event = ?, status = 'terminal'
         WHERE request_id = ? AND status = 'accepted' AND terminal_event IS NULL`,
      ),
      openRequests: db.prepare(
        `SELECT * FROM requests WHERE status = 'accepted' ORDER BY accepted_at, rowid`,
      ),
      quarantine: db.prepare('INSERT OR IGNORE INTO quarantined_bins (bin_id, reason) VALUES (?, ?)'),
      clearQuarantine: db.prepare('DELETE FROM quarantined_bins WHERE bin_id = ?'),
      allQuarantined: db.prepare('SELECT bin_id AS binId, reason FROM quarantined_bins ORDER BY rowid'),
    };
  }

  close(): void {
    this.db.close();
  }

  /**
   * Runs `fn` in one transaction: all its writes commit together or none do; nests (see
   * Batches.apply). `onRollback` and `afterCommit` keep memory and the world in step with it.
   */
  applyBatch<T>(fn: () => T): T {
    return this.batches.apply(fn);
  }

  /** Runs the steps in one transaction, one commit for all (see Batches.group). */
  applyGroup(steps: readonly (() => void)[], failed: (index: number, error: unknown) => void): void {
    this.batches.group(steps, failed);
  }

  /** Registers the undoing of a change in memory made with the current batch's writes; nothing outside a batch. */
  onRollback(undo: () => void): void {
    this.batches.onRollback(undo);
  }

  /** Runs `action` once the current batch has committed (at once outside a batch); dropped if it rolls back. */
  afterCommit(action: () => void): void {
    this.batches.afterCommit(action);
  }

  /** A pragma's value, for diagnostics and tests (e.g. 'journal_mode' -> 'wal'). */
  pragma(name: string): unknown {
    return this.db.pragma(name, { simple: true });
  }

  // ---------------------------------------------------------------- inventory

  isInventoryEmpty(): boolean {
    return this.statements.countBins.get() === 0;
  }

  /** Writes the initial inventory in one transaction. Only on an empty store. */
  initialiseInventory(placements: readonly BinPlacement[]): void {
    this.applyBatch(() => {
      if (!this.isInventoryEmpty()) {
        throw new StoreError('ALREADY_INITIALISED', `store ${this.filename} already holds an inventory`);
      }
      for (const placement of placements) {
        this.statements.insertBin.run({
          binId: placement.binId,
          ...locationColumns({ kind: 'column', x: placement.x, y: placement.y, level: placement.level }),
          contents: JSON.stringify(placement.contents),
        });
        for (const line of placement.contents) this.statements.addKnownSku.run(line.sku);
      }
    });
  }

  /** Every bin wherever it is, sorted by bin id. */
  loadInventory(): BinState[] {
    return (this.statements.allBins.all() as BinRow[]).map((row) => ({
      binId: row.bin_id,
      location: locationOf(row),
      contents: JSON.parse(row.contents) as ContentLine[],
    }));
  }

  loadKnownSkus(): string[] {
    return this.statements.knownSkus.all() as string[];
  }

  /** Records a bin's new location; durable when this returns. */
  recordBinMove(binId: string, location: BinLocation): void {
    const result = this.statements.moveBin.run({ binId, ...locationColumns(location) });
    if (result.changes !== 1) throw new StoreError('UNKNOWN_BIN', `store has no bin ${binId}`);
  }

  /** Records a bin's stock lines; durable when this returns. */
  recordContents(binId: string, contents: readonly ContentLine[]): void {
    this.applyBatch(() => {
      const result = this.statements.setContents.run(JSON.stringify(contents), binId);
      if (result.changes !== 1) throw new StoreError('UNKNOWN_BIN', `store has no bin ${binId}`);
      for (const line of contents) this.statements.addKnownSku.run(line.sku);
    });
  }

  /** Records a bin's quarantine (reason) or its end (null); durable when this returns. */
  recordQuarantine(binId: string, reason: string | null): void {
    if (reason === null) this.statements.clearQuarantine.run(binId);
    else this.statements.quarantine.run(binId, reason);
  }

  loadQuarantined(): QuarantinedBin[] {
    return this.statements.allQuarantined.all() as QuarantinedBin[];
  }

  // ---------------------------------------------------------------- reservations

  recordReservation(reservation: Reservation): void {
    const { reservationId, binId, sku, quantity, requestId } = reservation;
    this.statements.insertReservation.run({ reservationId, binId, sku, quantity, requestId });
  }

  deleteReservation(reservationId: string): void {
    const result = this.statements.deleteReservation.run(reservationId);
    if (result.changes !== 1) throw new StoreError('UNKNOWN_RESERVATION', `store has no reservation ${reservationId}`);
  }

  /** Reservations in the order they were recorded. */
  loadReservations(): Reservation[] {
    const rows = this.statements.allReservations.all() as {
      reservation_id: string;
      bin_id: string;
      sku: string;
      quantity: number;
      request_id: string;
    }[];
    return rows.map((row) => ({
      reservationId: row.reservation_id,
      binId: row.bin_id,
      sku: row.sku,
      quantity: row.quantity,
      requestId: row.request_id,
    }));
  }

  // ---------------------------------------------------------------- requests

  /** Records a new request. Throws `DUPLICATE_REQUEST` if its id is already stored. */
  insertRequest(request: NewRequest): void {
    if (this.statements.getRequest.get(request.requestId) !== undefined) {
      throw new StoreError('DUPLICATE_REQUEST', `request ${request.requestId} is already stored`);
    }
    this.statements.insertRequest.run({
      requestId: request.requestId,
      clientId: request.clientId,
      type: request.type,
      canonicalKey: request.canonicalKey,
      body: JSON.stringify(request.body),
      status: request.status,
      acceptedAtMs: request.acceptedAtMs,
      reply: request.reply === undefined ? null : JSON.stringify(request.reply),
    });
  }

  getRequest(requestId: string): StoredRequest | undefined {
    const row = this.statements.getRequest.get(requestId) as RequestRow | undefined;
    return row === undefined ? undefined : toStoredRequest(row);
  }

  /**
   * Records the one accept-or-reject reply. `acceptedAtMs` (clock ms) is required when
   * accepting. Throws `ALREADY_REPLIED` on a second reply.
   */
  setRequestReply(requestId: string, status: 'accepted' | 'rejected', reply: unknown, acceptedAtMs: number | null = null): void {
    const result = this.statements.setReply.run({
      requestId,
      reply: JSON.stringify(reply),
      status,
      acceptedAtMs: status === 'accepted' ? acceptedAtMs : null,
    });
    if (result.changes === 1) return;
    this.requireRequest(requestId);
    throw new StoreError('ALREADY_REPLIED', `request ${requestId} already has a reply`);
  }

  /** Replaces the request's latest progress event. */
  setRequestProgress(requestId: string, progress: unknown): void {
    const result = this.statements.setProgress.run(JSON.stringify(progress), requestId);
    if (result.changes !== 1) this.requireRequest(requestId);
  }

  /**
   * Records the one terminal event of an accepted request (DESIGN §5.3). Throws
   * `ALREADY_TERMINAL` for a second one and `NOT_ACCEPTED` for a request never accepted.
   */
  setTerminal(requestId: string, event: unknown): void {
    const result = this.statements.setTerminal.run(JSON.stringify(event), requestId);
    if (result.changes === 1) return;
    const request = this.requireRequest(requestId);
    if (request.status === 'terminal') {
      throw new StoreError('ALREADY_TERMINAL', `request ${requestId} already has a terminal event`);
    }
    throw new StoreError('NOT_ACCEPTED', `request ${requestId} is ${request.status}, not accepted; it cannot end with a terminal event`);
  }

  /** Keeps an accepted request in one batch; each of `onKept` runs, in order, once it is durable. */
  keepRequest(request: NewRequest, ...onKept: (() => void)[]): void {
    this.applyBatch(() => {
      this.insertRequest(request);
      for (const action of onKept) this.afterCommit(action);
    });
  }

  /** Keeps a request's progress in one batch; `onKept` runs once it is durable (the event that reports it). */
  keepProgress(requestId: string, progress: unknown, onKept: () => void): void {
    this.applyBatch(() => {
      this.setRequestProgress(requestId, progress);
      this.afterCommit(onKept);
    });
  }

  /** Keeps a request's terminal event in one batch with what `alongside` changes; `onKept` runs once it is durable. */
  keepTerminal(requestId: string, event: unknown, alongside: () => void, onKept: () => void): void {
    this.applyBatch(() => {
      this.setTerminal(requestId, event);
      alongside();
      this.afterCommit(onKept);
    });
  }

  /** Accepted requests without a terminal event, in acceptance order (ties: arrival order). */
  openRequests(): StoredRequest[] {
    return (this.statements.openRequests.all() as RequestRow[]).map(toStoredRequest);
  }

  // ---------------------------------------------------------------- internals

  private requireRequest(requestId: string): StoredRequest {
    const request = this.getRequest(requestId);
    if (request === undefined) throw new StoreError('UNKNOWN_REQUEST', `store has no request ${requestId}`);
    return request;
  }

  /** Writes the grid dimensions into a new store, or refuses a store made for another grid. */
  private checkLayout(): void {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = 'layout'").get() as { value: string } | undefined;
    if (row === undefined) {
      this.db.prepare("INSERT INTO meta (key, value) VALUES ('layout', ?)").run(JSON.stringify(this.dimensions));
      return;
    }
    const stored = JSON.parse(row.value) as GridDimensions;
    if (stored.columnsX !== this.dimensions.columnsX || stored.columnsY !== this.dimensions.columnsY || stored.depth !== this.dimensions.depth) {
      throw new StoreError(
        'LAYOUT_MISMATCH',
        `store ${this.filename} was made for a grid of ${describeDimensions(stored)}, but the layout now is ` +
          `${describeDimensions(this.dimensions)}. Use another data directory for this layout, or move the old store away to start afresh.`,
      );
    }
  }
}

function toStoredRequest(row: RequestRow): StoredRequest {
  return {
    requestId: row.request_id,
    clientId: row.client_id,
    type: row.type,
    canonicalKey: row.canonical_key,
    body: parseJson(row.body),
    status: row.status,
    acceptedAtMs: row.accepted_at,
    reply: parseJson(row.reply),
    terminalEvent: parseJson(row.terminal_event),
    progress: parseJson(row.progress),
  };
}

/** Opens `<dataDir>/gridline.sqlite`, creating the directory and the file if needed. */
export function openStore(dataDir: string, dimensions: GridDimensions): SqliteStore {
  mkdirSync(dataDir, { recursive: true });
  return new SqliteStore(join(dataDir, STORE_FILE_NAME), dimensions);
}
