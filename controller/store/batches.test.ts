import { describe, expect, it } from 'vitest';
import { SqliteStore, type NewRequest } from './sqlite-store.ts';

const DIMS = { columnsX: 2, columnsY: 2, depth: 2 };
const request = (requestId: string): NewRequest => ({ requestId, clientId: 'c', type: 'status', canonicalKey: requestId, body: {}, status: 'accepted', acceptedAtMs: 1, reply: { ok: true } });

describe('group commit (SqliteStore.applyGroup)', () => {
  it('keeps every step in one transaction; a step that throws takes back only its own writes and memory', () => {
    const store = new SqliteStore(':memory:', DIMS);
    const memory: string[] = [];
    const sent: string[] = [];
    const failed: [number, string][] = [];
    const step = (id: string, fail = false) => () => {
      store.insertRequest(request(id));
      memory.push(id);
      store.onRollback(() => memory.splice(memory.indexOf(id), 1));
      store.afterCommit(() => sent.push(id));
      if (fail) throw new Error(`injected in ${id}`);
    };
    store.applyGroup([step('a'), step('b', true), step('c')], (index, error) => failed.push([index, (error as Error).message]));
    expect(failed).toEqual([[1, 'injected in b']]);
    expect([store.getRequest('a')?.requestId, store.getRequest('b'), store.getRequest('c')?.requestId]).toEqual(['a', undefined, 'c']);
    expect(memory).toEqual(['a', 'c']);
    // What a step registers runs once the group is durable, in the order of the steps.
    expect(sent).toEqual(['a', 'c']);
    store.close();
  });

  it("runs the steps' actions in a second transaction: a step whose actions throw takes back what they wrote, and is told", () => {
    const store = new SqliteStore(':memory:', DIMS);
    const failed: number[] = [];
    const progress: string[] = [];
    const step = (id: string, fail = false) => () => {
      store.insertRequest(request(id));
      store.afterCommit(() => {
        store.applyBatch(() => {
          store.setRequestProgress(id, { stage: 'queued' });
          store.afterCommit(() => progress.push(id));
        });
        if (fail) throw new Error('injected');
      });
    };
    store.applyGroup([step('a'), step('b', true)], (index) => failed.push(index));
    expect(failed).toEqual([1]);
    expect(store.getRequest('a')?.progress).toEqual({ stage: 'queued' });
    // b is kept (the first commit), but not what its failed actions wrote.
    expect(store.getRequest('b')).toMatchObject({ requestId: 'b', progress: null });
    expect(progress).toEqual(['a']);
    store.close();
  });

  it('refuses to run inside a batch', () => {
    const store = new SqliteStore(':memory:', DIMS);
    expect(() => store.applyBatch(() => store.applyGroup([], () => {}))).toThrow(/cannot run inside a batch/);
    store.close();
  });
});
