import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { ReusableQuery } from '../../src/store/reusable-query.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { anIncident } from '../support/an-incident.js';
import { TUESDAY_10_KST } from '../support/test-runtime.js';
import { storeBackends } from './store-backends.js';

const T0 = TUESDAY_10_KST;

/** The query handle a repository gets (the store keeps it to itself). */
type Db = Parameters<ReusableQuery<object>['bind']>[0];

const ADD = new ReusableQuery<{ id: string; text: string }>((d, v) =>
  d.insertInto('timeline').values({ incident_id: v('id'), at: 1, actor: 'Kim', kind: 'note', text: v('text'), data: '{}' }),
);
const PAGE = new ReusableQuery<{ id: string; n: number; skip: number }, { text: string }>((d, v) =>
  d.selectFrom('timeline').select('text').where('incident_id', '=', v('id')).orderBy('id').limit(v('n')).offset(v('skip')),
);
const ALL_BUT_NEWEST = new ReusableQuery<{ id: string; keep: number }, { text: string }>((d, v) =>
  d
    .selectFrom('timeline')
    .select('text')
    .where('incident_id', '=', v('id'))
    .where('id', 'not in', d.selectFrom('timeline').select('id').where('incident_id', '=', v('id')).orderBy('id', 'desc').limit(v('keep')))
    .orderBy('id'),
);

/**
 * SQLite prepares a statement with a bare `LIMIT ?` again each time the parameter is bound (every
 * run), so the SQLite store's compiler writes a bound LIMIT as `cast(? as integer)`;
 * PostgreSQL's SQL is as Kysely writes it.
 */
describe.each(storeBackends())('a bound LIMIT and OFFSET on $name', (backend) => {
  afterAll(() => backend.dispose());

  it('compiles LIMIT as cast(? as integer) on SQLite only, and reads the same rows on both', async () => {
    const store = await backend.open();
    const db = (store as unknown as { db: Db }).db;
    const dialect = backend.name;
    for (const text of ['a', 'b', 'c', 'd', 'e']) await ADD.run(db, dialect, { id: 'A', text });
    await ADD.run(db, dialect, { id: 'B', text: 'other' });
    const page = async (n: number, skip: number) => (await PAGE.run(db, dialect, { id: 'A', n, skip })).rows.map((r) => r.text);

    const compiled = PAGE.bind(db, dialect, { id: 'A', n: 2, skip: 1 });
    expect(compiled.sql).toBe(
      dialect === 'sqlite'
        ? 'select "text" from "timeline" where "incident_id" = ? order by "id" limit cast(? as integer) offset ?'
        : 'select "text" from "timeline" where "incident_id" = $1 order by "id" limit $2 offset $3',
    );
    expect(compiled.parameters).toEqual(['A', 2, 1]);
    expect(await page(2, 1)).toEqual(['b', 'c']);
    expect(await page(100, 0)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(await page(10, 3)).toEqual(['d', 'e']);
    expect(await page(1, 4)).toEqual(['e']);
    expect(await page(0, 0)).toEqual([]);

    expect(ALL_BUT_NEWEST.bind(db, dialect, { id: 'A', keep: 3 }).sql).toContain(dialect === 'sqlite' ? ' desc limit cast(? as integer))' : ' desc limit $3)');
    expect((await ALL_BUT_NEWEST.run(db, dialect, { id: 'A', keep: 3 })).rows.map((r) => r.text)).toEqual(['a', 'b']);
  });
});

describe('the SQLite store', () => {
  let store: SqliteStore | undefined;
  afterAll(() => store?.close());

  it('no statement the store prepares has a bare LIMIT ? (timers due, outbox, history, the incident list, ping)', async () => {
    store = await SqliteStore.open(':memory:');
    const s = store;
    const prepare = jest.spyOn(s.sqlite, 'prepare');

    for (let seq = 1; seq <= 3; seq++) await s.incidents.insert(anIncident().seq(seq).openedAt(T0 + seq * 60_000).build());
    const [first, second] = await s.incidents.list();
    expect([first?.seq, second?.seq]).toEqual([3, 2]);
    expect(await s.incidents.list(['open'], 2)).toHaveLength(2);
    const a = (await s.outbox.enqueue({ platform: 'slack', kind: 'post', payload: { n: 1 } }, T0))!;
    await s.outbox.enqueue({ platform: 'slack', kind: 'post', payload: { n: 2 } }, T0 + 1);
    expect((await s.outbox.pending('slack', 1)).map((m) => m.id)).toEqual([a]);
    expect(await s.outbox.headFreeAt('slack')).toBe(T0);
    expect(await s.outbox.prune(T0)).toBe(0);
    expect(await s.timers.due(T0, 10)).toEqual([]);
    expect(await s.history.recovered({ limit: 1 })).toEqual([]);
    await s.ping();

    const prepared = prepare.mock.calls.map(([text]) => text);
    const limited = prepared.filter((text) => /\blimit\b/i.test(text));
    expect(limited.filter((text) => /\blimit \?/i.test(text))).toEqual([]);
    // each of these reads compiled its LIMIT through the store's compiler
    for (const table of ['"timers"', '"outbox"', '"meta"', '"incidents"']) {
      expect(limited.some((text) => text.includes(`from ${table}`) && text.includes('limit cast(? as integer)'))).toBe(true);
    }
    // the incident list reads as before its hand-written cast moved into the compiler
    expect(prepared).toContain('select * from "incidents" order by "opened_at" desc, "id" desc limit cast(? as integer)');
  });
});
