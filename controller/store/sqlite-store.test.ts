import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, SqliteStore, STORE_FILE_NAME } from './sqlite-store.ts';
import { StoreError, type StoreErrorCode } from './store-error.ts';

const dims = { columnsX: 4, columnsY: 3, depth: 2 };

function expectStoreError(code: StoreErrorCode, action: () => unknown): StoreError {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(StoreError);
  expect((thrown as StoreError).code).toBe(code);
  return thrown as StoreError;
}

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'gridline-store-'));
});
afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('SqliteStore on a file', () => {
  it('creates the data directory and gridline.sqlite, in WAL mode with full sync', () => {
    const store = openStore(join(dataDir, 'nested', 'data'), dims);
    try {
      expect(store.filename).toBe(join(dataDir, 'nested', 'data', STORE_FILE_NAME));
      expect(store.pragma('journal_mode')).toBe('wal');
      expect(store.pragma('synchronous')).toBe(2); // FULL
    } finally {
      store.close();
    }
  });

  it('keeps bins, contents and reservations across close and reopen', () => {
    const first = openStore(dataDir, dims);
    first.initialiseInventory([
      { binId: 'A', x: 0, y: 0, level: 0, contents: [{ sku: 'apple', quantity: 3 }] },
      { binId: 'B', x: 0, y: 0, level: 1, contents: [] },
      { binId: 'C', x: 3, y: 2, level: 0, contents: [] },
    ]);
    first.recordBinMove('B', { kind: 'robot', serial: 'R1' });
    first.recordBinMove('C', { kind: 'port', portId: 'P1' });
    first.recordContents('C', [{ sku: 'pear', quantity: 2 }]);
    first.recordContents('A', []);
    first.recordReservation({ reservationId: 'rsv-1', binId: 'C', sku: 'pear', quantity: 1, requestId: 'q1' });
    first.close();

    const second = openStore(dataDir, dims);
    try {
      expect(second.loadInventory()).toEqual([
        { binId: 'A', location: { kind: 'column', x: 0, y: 0, level: 0 }, contents: [] },
        { binId: 'B', location: { kind: 'robot', serial: 'R1' }, contents: [] },
        { binId: 'C', location: { kind: 'port', portId: 'P1' }, contents: [{ sku: 'pear', quantity: 2 }] },
      ]);
      expect(second.loadKnownSkus()).toEqual(['apple', 'pear']);
      expect(second.loadReservations()).toEqual([{ reservationId: 'rsv-1', binId: 'C', sku: 'pear', quantity: 1, requestId: 'q1' }]);
    } finally {
      second.close();
    }
  });

  it('a committed bin move is on disk for another connection before the call returns', () => {
    const store = openStore(dataDir, dims);
    try {
      store.initialiseInventory([{ binId: 'A', x: 1, y: 1, level: 0, contents: [] }]);
      store.recordBinMove('A', { kind: 'robot', serial: 'R7' });
      const reader = new Database(join(dataDir, STORE_FILE_NAME), { readonly: true });
      try {
        expect(reader.prepare("SELECT robot FROM bins WHERE bin_id = 'A'").pluck().get()).toBe('R7');
      } finally {
        reader.close();
      }
    } finally {
      store.close();
    }
  });

  it('refuses to open a store made for a different grid, saying both sizes', () => {
    openStore(dataDir, dims).close();
    const error = expectStoreError('LAYOUT_MISMATCH', () => openStore(dataDir, { columnsX: 4, columnsY: 3, depth: 3 }));
    expect(error.message).toContain('was made for a grid of 4 x 3 columns, 2 bins deep');
    expect(error.message).toContain('the layout now is 4 x 3 columns, 3 bins deep');
    openStore(dataDir, dims).close(); // the refusal left the file usable
  });

  it('refuses a file whose schema is newer than this code knows', () => {
    openStore(dataDir, dims).close();
    const raw = new Database(join(dataDir, STORE_FILE_NAME));
    raw.prepare('UPDATE schema_version SET version = 99').run();
    raw.close();
    expect(expectStoreError('SCHEMA_TOO_NEW', () => openStore(dataDir, dims)).message).toContain('schema version 99');
  });
});

describe('SqliteStore inventory rows', () => {
  let store: SqliteStore;
  beforeEach(() => {
    store = new SqliteStore(':memory:', dims);
  });
  afterEach(() => store.close());

  it('initialises only an empty store, and all-or-nothing', () => {
    expect(store.isInventoryEmpty()).toBe(true);
    // The second placement collides with the first: nothing may be written.
    expect(() =>
      store.initialiseInventory([
        { binId: 'A', x: 0, y: 0, level: 0, contents: [] },
        { binId: 'B', x: 0, y: 0, level: 0, contents: [] },
      ]),
    ).toThrow(/UNIQUE/);
    expect(store.isInventoryEmpty()).toBe(true);
    store.initialiseInventory([{ binId: 'A', x: 0, y: 0, level: 0, contents: [] }]);
    expectStoreError('ALREADY_INITIALISED', () => store.initialiseInventory([]));
  });

  it('refuses moves and contents for unknown bins', () => {
    expectStoreError('UNKNOWN_BIN', () => store.recordBinMove('Z', { kind: 'robot', serial: 'R1' }));
    expectStoreError('UNKNOWN_BIN', () => store.recordContents('Z', []));
  });

  it('refuses two bins on one robot', () => {
    store.initialiseInventory([
      { binId: 'A', x: 0, y: 0, level: 0, contents: [] },
      { binId: 'B', x: 1, y: 0, level: 0, contents: [] },
    ]);
    store.recordBinMove('A', { kind: 'robot', serial: 'R1' });
    expect(() => store.recordBinMove('B', { kind: 'robot', serial: 'R1' })).toThrow(/UNIQUE/);
  });

  it('applyBatch rolls back every write of a batch that throws', () => {
    store.initialiseInventory([{ binId: 'A', x: 0, y: 0, level: 0, contents: [] }]);
    expect(() =>
      store.applyBatch(() => {
        store.recordBinMove('A', { kind: 'robot', serial: 'R1' });
        store.recordContents('A', [{ sku: 's', quantity: 1 }]);
        throw new Error('robot reported a fault');
      }),
    ).toThrow('robot reported a fault');
    expect(store.loadInventory()).toEqual([{ binId: 'A', location: { kind: 'column', x: 0, y: 0, level: 0 }, contents: [] }]);
    expect(store.loadKnownSkus()).toEqual([]);
  });

  it('applyBatch undoes what a rolled-back batch registered, newest first, and drops its after-commit actions', () => {
    store.initialiseInventory([{ binId: 'A', x: 0, y: 0, level: 0, contents: [] }]);
    const seen: string[] = [];
    expect(() =>
      store.applyBatch(() => {
        store.onRollback(() => seen.push('undo 1'));
        store.afterCommit(() => seen.push('sent 1'));
        store.applyBatch(() => store.onRollback(() => seen.push('undo 2')));
        throw new Error('bug');
      }),
    ).toThrow('bug');
    expect(seen).toEqual(['undo 2', 'undo 1']);
  });

  it('applyBatch runs after-commit actions once the outermost batch commits, and an inner rollback undoes only its own', () => {
    store.initialiseInventory([{ binId: 'A', x: 0, y: 0, level: 0, contents: [] }]);
    const seen: string[] = [];
    store.applyBatch(() => {
      store.afterCommit(() => seen.push(`sent, contents ${JSON.stringify(store.loadInventory()[0]!.contents)}`));
      store.recordContents('A', [{ sku: 's', quantity: 1 }]);
      expect(() =>
        store.applyBatch(() => {
          store.recordContents('A', [{ sku: 's', quantity: 9 }]);
          store.onRollback(() => seen.push('inner undone'));
          store.afterCommit(() => seen.push('inner sent'));
          throw new Error('inner');
        }),
      ).toThrow('inner');
      store.onRollback(() => seen.push('never'));
      expect(seen).toEqual(['inner undone']);
    });
    expect(seen).toEqual(['inner undone', 'sent, contents [{"sku":"s","quantity":1}]']);
    // Outside a batch an action runs at once and there is nothing to undo.
    store.afterCommit(() => seen.push('at once'));
    store.onRollback(() => seen.push('never'));
    expect(seen.at(-1)).toBe('at once');
  });

  it('applyBatch runs every after-commit action even if one throws, then throws the first failure', () => {
    const seen: string[] = [];
    expect(() =>
      store.applyBatch(() => {
        store.afterCommit(() => {
          throw new Error('bus down');
        });
        store.afterCommit(() => seen.push('second'));
      }),
    ).toThrow('bus down');
    expect(seen).toEqual(['second']);
  });

  it('applyBatch says so when an undo fails as well', () => {
    let thrown: unknown;
    try {
      store.applyBatch(() => {
        store.onRollback(() => {
          throw new Error('cannot undo');
        });
        throw new Error('bug');
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AggregateError);
    expect((thrown as AggregateError).errors.map((e: Error) => e.message)).toEqual(['bug', 'cannot undo']);
  });

  it('deletes reservations and refuses to delete one it does not have', () => {
    store.initialiseInventory([{ binId: 'A', x: 0, y: 0, level: 0, contents: [{ sku: 's', quantity: 2 }] }]);
    store.recordReservation({ reservationId: 'rsv-1', binId: 'A', sku: 's', quantity: 2, requestId: 'q' });
    store.deleteReservation('rsv-1');
    expect(store.loadReservations()).toEqual([]);
    expectStoreError('UNKNOWN_RESERVATION', () => store.deleteReservation('rsv-1'));
  });
});

describe('SqliteStore requests', () => {
  let store: SqliteStore;
  beforeEach(() => {
    store = new SqliteStore(':memory:', dims);
  });
  afterEach(() => store.close());

  const pick = (requestId: string) => ({
    requestId,
    clientId: 'wms-1',
    type: 'pick',
    canonicalKey: `pick:${requestId}`,
    body: { lines: [{ sku: 's', quantity: 1 }] },
    status: 'received' as const,
    acceptedAtMs: null,
  });

  it('stores a request, its reply, progress and terminal event', () => {
    store.insertRequest(pick('q1'));
    store.setRequestReply('q1', 'accepted', { accepted: true }, 1000);
    store.setRequestProgress('q1', { step: 'bin at port' });
    expect(store.openRequests().map((r) => r.requestId)).toEqual(['q1']);
    store.setTerminal('q1', { outcome: 'completed' });
    expect(store.getRequest('q1')).toEqual({
      ...pick('q1'),
      status: 'terminal',
      acceptedAtMs: 1000,
      reply: { accepted: true },
      progress: { step: 'bin at port' },
      terminalEvent: { outcome: 'completed' },
    });
    expect(store.openRequests()).toEqual([]);
  });

  // DESIGN §5.3: every accepted request ends in exactly one terminal event.
  it('refuses a second terminal event and keeps the first', () => {
    store.insertRequest({ ...pick('q1'), status: 'accepted', acceptedAtMs: 5, reply: { accepted: true } });
    store.setTerminal('q1', { outcome: 'completed' });
    expectStoreError('ALREADY_TERMINAL', () => store.setTerminal('q1', { outcome: 'cancelled' }));
    expect(store.getRequest('q1')?.terminalEvent).toEqual({ outcome: 'completed' });
  });

  it('refuses a terminal event for a rejected or unanswered request', () => {
    store.insertRequest(pick('q1'));
    expectStoreError('NOT_ACCEPTED', () => store.setTerminal('q1', {}));
    store.setRequestReply('q1', 'rejected', { code: 'UNKNOWN_SKU' });
    expectStoreError('NOT_ACCEPTED', () => store.setTerminal('q1', {}));
    expectStoreError('UNKNOWN_REQUEST', () => store.setTerminal('nope', {}));
  });

  it('refuses a second reply and a duplicate request id', () => {
    store.insertRequest(pick('q1'));
    store.setRequestReply('q1', 'rejected', { code: 'X' });
    expectStoreError('ALREADY_REPLIED', () => store.setRequestReply('q1', 'accepted', {}, 1));
    expectStoreError('DUPLICATE_REQUEST', () => store.insertRequest(pick('q1')));
    expectStoreError('UNKNOWN_REQUEST', () => store.setRequestReply('q2', 'accepted', {}, 1));
    expectStoreError('UNKNOWN_REQUEST', () => store.setRequestProgress('q2', {}));
    expect(store.getRequest('q2')).toBeUndefined();
  });

  it('lists open requests in acceptance order, arrival order breaking ties', () => {
    for (const id of ['late', 'tie-first', 'tie-second', 'early', 'rejected']) store.insertRequest(pick(id));
    store.setRequestReply('late', 'accepted', {}, 300);
    store.setRequestReply('tie-second', 'accepted', {}, 200);
    store.setRequestReply('tie-first', 'accepted', {}, 200);
    store.setRequestReply('early', 'accepted', {}, 100);
    store.setRequestReply('rejected', 'rejected', {});
    expect(store.openRequests().map((r) => r.requestId)).toEqual(['early', 'tie-first', 'tie-second', 'late']);
  });
});

describe('the audit log', () => {
  let store: SqliteStore;
  beforeEach(() => {
    store = new SqliteStore(':memory:', dims);
  });
  afterEach(() => store.close());
  const entry = (commandId: string, outcome: string) => ({ atMs: 1_800_000_000_000, user: 'ann', role: 'operator', commandId, command: '{}', outcome, detail: '' });

  it('gives a running command its outcome once: nothing later under its id rewrites it', () => {
    store.audit.record(entry('c1', 'running'));
    store.audit.record(entry('c2', 'refused: NOT_ALLOWED'));
    store.audit.settleOutcome('ann', 'c1', 'done', 'closed P1');
    store.audit.settleOutcome('ann', 'c1', 'failed: INTERNAL_ERROR', 'a later message');
    store.audit.settleOutcome('ann', 'c2', 'done', 'a column query under the same id');
    expect(store.audit.entries(10).map((e) => [e.commandId, e.outcome, e.detail])).toEqual([
      ['c2', 'refused: NOT_ALLOWED', ''],
      ['c1', 'done', 'closed P1'],
    ]);
  });

  it('says at start which commands the last run left unanswered', () => {
    store.audit.record(entry('c1', 'running'));
    store.audit.record(entry('c2', 'running'));
    store.audit.settleOutcome('ann', 'c2', 'done', '');
    expect(store.audit.settleInterrupted('the controller stopped')).toBe(1);
    expect(store.audit.entries(10).map((e) => [e.commandId, e.outcome, e.detail])).toEqual([
      ['c2', 'done', ''],
      ['c1', 'unknown', 'the controller stopped'],
    ]);
  });
});
