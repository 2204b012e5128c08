import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import type { Store } from '../../src/store/store.js';
import { TUESDAY_10_KST } from '../support/test-runtime.js';
import { sharedDatabases } from '../support/shared-database.js';
import { storeBackends } from './store-backends.js';

const T0 = TUESDAY_10_KST;

describe.each(storeBackends())('SeenRequestRepository on $name', (backend) => {
  let store: Store;
  afterEach(async () => {
    await store?.close();
  });
  afterAll(() => backend.dispose());

  it('says "first" once per key while it is remembered, even to callers at the same moment, and again once it expired', async () => {
    store = await backend.open();
    const seen = store.seenRequests;
    const firsts = await Promise.all(Array.from({ length: 8 }, () => seen.firstSight('slack-event:Ev1', T0 + 60_000, T0)));
    expect(firsts.filter(Boolean)).toHaveLength(1);
    expect(await seen.firstSight('slack-event:Ev2', T0 + 60_000, T0)).toBe(true);
    expect(await seen.firstSight('slack-event:Ev1', T0 + 120_000, T0 + 59_999)).toBe(false);
    expect(await seen.firstSight('slack-event:Ev1', T0 + 120_000, T0 + 60_000)).toBe(true);
    expect(await seen.prune(T0 + 60_000)).toBe(1);
    expect((await store.tableRows('seen_requests')).map((r) => r.key)).toEqual(['slack-event:Ev1']);
  });
});

describe.each(storeBackends())('SeenRequestRepository, a burst of sightings in one turn, on $name', (backend) => {
  let store: Store;
  afterEach(async () => {
    await store?.close();
  });
  afterAll(() => backend.dispose());

  it('tells each caller of a burst whether its key was first: distinct keys yes, a key asked twice in the burst once, a key seen before no', async () => {
    store = await backend.open();
    const seen = store.seenRequests;
    expect(await seen.firstSight('slack-request:old', T0 + 60_000, T0)).toBe(true);
    // 120 callers at once (Slack requests read in one turn): 100 distinct keys, 19 repeats of key 7, one of the key seen before
    const keys = [...Array.from({ length: 100 }, (_, i) => `slack-request:${i}`), ...Array.from({ length: 19 }, () => 'slack-request:7'), 'slack-request:old'];
    const firsts = await Promise.all(keys.map((k) => seen.firstSight(k, T0 + 60_000, T0 + 1)));
    expect(firsts.slice(0, 100).every(Boolean)).toBe(true);
    expect(firsts.slice(100)).toEqual(Array.from({ length: 20 }, () => false));
    const rows = (await store.tableRows('seen_requests')).map((r) => r.key);
    expect(new Set(rows).size).toBe(101);
    expect(rows).toHaveLength(101);
  });

  it('fails every caller of a burst when its statement fails, and the next burst is written again', async () => {
    store = await backend.open();
    const seen = store.seenRequests;
    await store.close();
    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => seen.firstSight(`slack-request:${i}`, T0 + 60_000, T0)));
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 5 }, () => 'rejected'));
    store = await backend.open();
    expect(await Promise.all([store.seenRequests.firstSight('slack-request:a', T0 + 60_000, T0), store.seenRequests.firstSight('slack-request:a', T0 + 60_000, T0)])).toEqual([true, false]);
  });

  it('writes inside a write transaction at once and keeps nothing when the transaction rolls back', async () => {
    store = await backend.open();
    await expect(
      store.writeTransaction(async (tx) => {
        expect(await tx.seenRequests.firstSight('slack-event:EvTX', T0 + 60_000, T0)).toBe(true);
        expect(await tx.seenRequests.firstSight('slack-event:EvTX', T0 + 60_000, T0)).toBe(false);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await store.tableRows('seen_requests')).toEqual([]);
  });
});

describe.each(
  sharedDatabases({
    sqlite: 'a SQLite file',
    postgres: 'PostgreSQL',
    schemaPrefix: 'drbot_seen_burst',
    failFast: false,
    notRun: '[store suite] bursts of sightings from two replicas on PostgreSQL NOT RUN in store/seen-request-repository.test.ts',
  }),
)('two replicas on $name sighting the same keys in the same bursts', (db) => {
  afterAll(() => db.dispose());

  it('give each key to exactly one of them', async () => {
    const [a, b] = [await db.connect(), await db.connect()];
    try {
      // Slack sends each event to one replica, but retries may land on the other at the same moment.
      const keys = Array.from({ length: 60 }, (_, i) => `slack-event:Ev${i}`);
      const [fromA, fromB] = await Promise.all([
        Promise.all(keys.map((k) => a.seenRequests.firstSight(k, T0 + 60_000, T0))),
        Promise.all(keys.map((k) => b.seenRequests.firstSight(k, T0 + 60_000, T0))),
      ]);
      expect(keys.map((_, i) => Number(fromA[i]) + Number(fromB[i]))).toEqual(keys.map(() => 1));
      expect((await a.tableRows('seen_requests')).length).toBe(60);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
