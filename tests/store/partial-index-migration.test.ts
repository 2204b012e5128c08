import { afterAll, describe, expect, it } from '@jest/globals';
import type { Store } from '../../src/store/store.js';
import { anIncidentId } from '../support/an-incident.js';
import { migrationEngines, undoMigrationsDownTo, type MigrationEngine } from './migration-engines.js';

/** A database from before migration 0010: the two indexes over every row, and 0010 not yet run. */
const BEFORE_0010 = undoMigrationsDownTo('0010-partial-indexes');

const engines = migrationEngines('partial index migration (store/partial-index-migration.test.ts)');

/** The definitions of the two indexes, as the engine keeps them. */
async function definitions(engine: MigrationEngine, store: Store): Promise<string[]> {
  const rows =
    engine.name === 'SQLite'
      ? await engine.query(store, "select sql as def from sqlite_master where name in ('timers_claimed_until', 'incidents_type_resolved') order by name")
      : await engine.query(store, "select indexdef as def from pg_indexes where schemaname = current_schema() and indexname in ('timers_claimed_until', 'incidents_type_resolved') order by indexname");
  return rows.map((r) => String(r.def).toLowerCase());
}

describe.each(engines)('migration 0010 (partial indexes) on a $name database with timers in it', (engine) => {
  afterAll(() => engine.dispose());

  it('indexes only claimed timers and resolved incidents, and the scheduler still finds a live claim', async () => {
    const first = await engine.open();
    const inc = anIncidentId(1);
    await first.timers.scheduleNew(inc, [
      { kind: 'a', dueAt: 1_000 },
      { kind: 'b', dueAt: 5_000 },
    ]);
    const [a] = await first.timers.due(2_000, 1);
    await first.writeTransaction((tx) => tx.timers.claim(a!.id, 2_000, 'replica-1', 60_000));
    for (const statement of BEFORE_0010) await engine.query(first, statement);
    expect((await definitions(engine, first)).map((d) => d.includes('where'))).toEqual([false, false]);
    await first.close();

    const store = await engine.open();
    try {
      const defs = await definitions(engine, store);
      expect(defs).toHaveLength(2);
      expect(defs[0]).toMatch(/where.*resolved_at is not null/);
      expect(defs[1]).toMatch(/where.*claimed_until is not null/);
      // the unclaimed timer is due at 5,000, the claimed one's lease runs out at 60,000
      expect(await store.timers.nextWakeAt()).toBe(5_000);
      await store.timers.markFired((await store.timers.forIncident(inc)).find((t) => t.kind === 'b')!.id, 5_000);
      expect(await store.timers.nextWakeAt()).toBe(60_000);
    } finally {
      await store.close();
    }
  });
});
