import { afterAll, describe, expect, it } from '@jest/globals';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { anIncident } from '../support/an-incident.js';
import { TUESDAY_10_KST } from '../support/test-runtime.js';

/** How SQLite runs the incident list of one state, newest first (what `/incident status` reads). */
describe('the incident list on SQLite', () => {
  let store: SqliteStore;
  afterAll(() => store?.close());

  it('reads incidents of a state in the index order, without sorting them (migration 0009)', async () => {
    store = await SqliteStore.open(':memory:');
    for (let seq = 1; seq <= 5; seq++) {
      await store.incidents.insert(anIncident().seq(seq).openedAt(TUESDAY_10_KST + (seq % 3) * 60_000).status(seq === 2 ? 'resolved' : 'open').build());
    }
    store.sqlite.exec('analyze');
    const plan = store.sqlite
      .prepare(`explain query plan select * from incidents where status in (?) order by opened_at desc, id desc limit cast(? as integer)`)
      .all('open', 10)
      .map((r) => (r as { detail: string }).detail);
    expect(plan.join(' | ')).toContain('USING INDEX incidents_status_opened');
    expect(plan.join(' | ')).not.toContain('TEMP B-TREE');
    expect(store.sqlite.prepare(`select name from sqlite_master where type = 'index' and name = 'incidents_status'`).all()).toEqual([]);
    // newest first, ties by id
    expect((await store.incidents.list(['open'])).map((i) => i.seq)).toEqual([5, 4, 1, 3]);
    expect((await store.incidents.listWithRecords('open', 10)).map((x) => x.incident.seq)).toEqual([5, 4, 1, 3]);
  });
});
