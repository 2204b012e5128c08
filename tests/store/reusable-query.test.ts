import { afterAll, describe, expect, it } from '@jest/globals';
import { UniqueViolationError } from '../../src/errors/drbot-error.js';
import { ReusableQuery, ReusableRowsQuery } from '../../src/store/reusable-query.js';
import type { Store } from '../../src/store/store.js';
import { storeBackends } from './store-backends.js';

/** The query handle a repository gets (the store keeps it to itself; this suite tests what repositories use). */
type Db = Parameters<ReusableQuery<object>['bind']>[0];

function engines() {
  return storeBackends().map((backend) => ({
    name: backend.name,
    async open(): Promise<Db> {
      const store: Store = await backend.open();
      return (store as unknown as { db: Db }).db;
    },
    dispose: () => backend.dispose(),
  }));
}

describe.each(engines())('ReusableQuery on $name', (engine) => {
  afterAll(() => engine.dispose());

  it('builds and compiles once, then runs with each call’s values', async () => {
    const db = await engine.open();
    let builds = 0;
    const insert = new ReusableQuery<{ id: string; at: number; text: string }>((d, v) => {
      builds++;
      return d.insertInto('timeline').values({ incident_id: v('id'), at: v('at'), actor: 'Kim', kind: 'note', text: v('text'), data: '{}' });
    });
    const byIncident = new ReusableQuery<{ id: string }, { text: string; at: number | string }>((d, v) => {
      builds++;
      return d.selectFrom('timeline').select(['text', 'at']).where('incident_id', '=', v('id')).orderBy('id');
    });
    await insert.run(db, engine.name, { id: 'A', at: 1, text: 'first' });
    await insert.run(db, engine.name, { id: 'B', at: 2, text: 'second' });
    await insert.run(db, engine.name, { id: 'A', at: 3, text: 'third' });
    const a = await byIncident.run(db, engine.name, { id: 'A' });
    const b = await byIncident.run(db, engine.name, { id: 'B' });
    expect(a.rows.map((r) => [r.text, Number(r.at)])).toEqual([['first', 1], ['third', 3]]);
    expect(b.rows.map((r) => [r.text, Number(r.at)])).toEqual([['second', 2]]);
    expect(builds).toBe(2);
    // Literal values the builder fixed (actor, kind, data) stay what they were.
    expect((await db.selectFrom('timeline').select(['actor', 'kind', 'data']).distinct().execute())).toEqual([{ actor: 'Kim', kind: 'note', data: '{}' }]);
  });

  it('runs a multi-row insert with one compiled shape per row count, nulls kept', async () => {
    const db = await engine.open();
    const shapes: number[] = [];
    const insert = new ReusableRowsQuery<{ incidentId: string; kind: string[]; dueAt: number[] }>((d, v, rows) => {
      shapes.push(rows);
      return d.insertInto('timers').values(
        Array.from({ length: rows }, (_, i) => ({ incident_id: v('incidentId'), kind: v('kind', i), due_at: v('dueAt', i), payload: '{}', claimed_by: null, claimed_until: null, fired_at: null, cancelled_at: null })),
      );
    });
    await insert.run(db, engine.name, 2, { incidentId: 'A', kind: ['k1', 'k2'], dueAt: [10, 20] });
    await insert.run(db, engine.name, 3, { incidentId: 'B', kind: ['k1', 'k2', 'k3'], dueAt: [30, 40, 50] });
    await insert.run(db, engine.name, 2, { incidentId: 'C', kind: ['k1', 'k2'], dueAt: [60, 70] });
    expect(shapes).toEqual([2, 3]);
    const rows = await db.selectFrom('timers').select(['incident_id', 'kind', 'due_at', 'claimed_by', 'fired_at']).orderBy('id').execute();
    expect(rows.map((r) => [r.incident_id, r.kind, Number(r.due_at), r.claimed_by, r.fired_at])).toEqual([
      ['A', 'k1', 10, null, null],
      ['A', 'k2', 20, null, null],
      ['B', 'k1', 30, null, null],
      ['B', 'k2', 40, null, null],
      ['B', 'k3', 50, null, null],
      ['C', 'k1', 60, null, null],
      ['C', 'k2', 70, null, null],
    ]);
  });

  it('refuses a slot changed before it became a parameter, and a run missing a value', async () => {
    const db = await engine.open();
    const changed = new ReusableQuery<{ text: string }>((d, v) =>
      d.insertInto('timeline').values({ incident_id: 'A', at: 1, actor: 'Kim', kind: 'note', text: `${v('text')}!` as never, data: '{}' }),
    );
    expect(() => changed.bind(db, engine.name, { text: 'x' })).toThrow(/changed before it became a parameter/);
    const insert = new ReusableQuery<{ id: string; text?: string }>((d, v) =>
      d.insertInto('timeline').values({ incident_id: v('id'), at: 1, actor: 'Kim', kind: 'note', text: v('text'), data: '{}' }),
    );
    expect(() => insert.bind(db, engine.name, { id: 'A' })).toThrow(/no value for text/);
    expect(await db.selectFrom('timeline').select('id').execute()).toEqual([]);
  });
});

describe.each(storeBackends())('ReusableQuery inside a write transaction on $name', (backend) => {
  afterAll(() => backend.dispose());

  const insert = new ReusableQuery<{ id: string; text: string }, { id: number | string | bigint }>((d, v) =>
    d.insertInto('timeline').values({ incident_id: v('id'), at: 1, actor: 'Kim', kind: 'note', text: v('text'), data: '{}' }).returning('id'),
  );
  const rename = new ReusableQuery<{ id: string; text: string }>((d, v) => d.updateTable('timeline').set({ text: v('text') }).where('incident_id', '=', v('id')));
  const texts = new ReusableQuery<{ id: string }, { text: string }>((d, v) => d.selectFrom('timeline').select('text').where('incident_id', '=', v('id')).orderBy('id'));
  const tick = new ReusableQuery<{ item: string }>((d, v) => d.insertInto('checklist').values({ incident_id: 'A', item_id: v('item'), done_by: 'Kim', done_at: 1 }));
  const handle = (s: Store) => (s as unknown as { db: Db }).db;

  it('answers as it does outside one: rows, returned rows, affected rows and insert id', async () => {
    const store = await backend.open();
    const outside = handle(store);
    const before = await insert.run(outside, backend.name, { id: 'A', text: 'one' });
    const seen = await store.writeTransaction(async (tx) => {
      const db = handle(tx);
      const inserted = await insert.run(db, backend.name, { id: 'A', text: 'two' });
      const renamed = await rename.run(db, backend.name, { id: 'A', text: 'same' });
      const read = await texts.run(db, backend.name, { id: 'A' });
      const ticked = (await tick.run(db, backend.name, { item: 'x' })) as { numAffectedRows?: bigint; insertId?: bigint };
      return { inserted, renamed, read, ticked };
    });
    expect(Number(seen.inserted.rows[0]!.id)).toBe(Number(before.rows[0]!.id) + 1);
    expect(seen.renamed.numAffectedRows).toBe(2n);
    expect(seen.read.rows).toEqual([{ text: 'same' }, { text: 'same' }]);
    expect(seen.ticked.numAffectedRows).toBe(1n);
    if (backend.name === 'sqlite') expect(typeof seen.ticked.insertId).toBe('bigint');
    expect((await texts.run(outside, backend.name, { id: 'A' })).rows).toEqual([{ text: 'same' }, { text: 'same' }]);
  });

  it('fails the transaction on a failing statement, which then leaves nothing behind', async () => {
    const store = await backend.open();
    await expect(
      store.writeTransaction(async (tx) => {
        await insert.run(handle(tx), backend.name, { id: 'B', text: 'gone' });
        await tick.run(handle(tx), backend.name, { item: 'y' });
        await tick.run(handle(tx), backend.name, { item: 'y' });
      }),
    ).rejects.toBeInstanceOf(UniqueViolationError);
    expect((await texts.run(handle(store), backend.name, { id: 'B' })).rows).toEqual([]);
    expect(await store.tableRows('checklist')).toEqual([]);
  });
});
