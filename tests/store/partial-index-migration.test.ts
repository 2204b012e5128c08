import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { anIncidentId } from '../support/an-incident.js';
import { DATABASE_URL, dropSchemas, uniqueSchema } from './store-backends.js';

/** A database from before migration 0010: the two indexes over every row, and 0010 not yet run. */
const BEFORE_0010 = [
  // 0011 (SQLite: the checklist rebuilt WITHOUT ROWID) is safe to run again
  "delete from kysely_migration where name = '0011-checklist-without-rowid'",
  'drop index timers_claimed_until',
  'create index timers_claimed_until on timers (claimed_until)',
  'drop index incidents_type_resolved',
  'create index incidents_type_resolved on incidents (type, resolved_at)',
  "delete from kysely_migration where name = '0010-partial-indexes'",
];

interface Engine {
  name: string;
  open(): Promise<Store>;
  /** Runs SQL on that database beside drbot's store; returns its rows. */
  query(store: Store, statement: string): Promise<Record<string, unknown>[]>;
  dispose(): Promise<void>;
}

function sqliteFile(): Engine {
  const dir = mkdtempSync(join(tmpdir(), 'drbot-migration-'));
  return {
    name: 'SQLite',
    open: () => SqliteStore.open(join(dir, 'drbot.sqlite')),
    query: async (store, statement) => {
      const stmt = (store as SqliteStore).sqlite.prepare(statement);
      return stmt.reader ? (stmt.all() as Record<string, unknown>[]) : (stmt.run(), []);
    },
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function postgresSchema(url: string): Engine {
  const schema = uniqueSchema('drbot_mig');
  return {
    name: 'PostgreSQL',
    open: () => PostgresStore.open(url, { schema, max: 2 }),
    async query(_store, statement) {
      const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
      await client.connect();
      try {
        return (await client.query(statement)).rows as Record<string, unknown>[];
      } finally {
        await client.end();
      }
    },
    dispose: () => dropSchemas(url, [schema]),
  };
}

const engines = [sqliteFile(), ...(DATABASE_URL ? [postgresSchema(DATABASE_URL)] : [])];
if (!DATABASE_URL) process.stderr.write('\n[store suite] partial index migration on PostgreSQL NOT RUN in store/partial-index-migration.test.ts: DATABASE_URL is unset\n');

/** The definitions of the two indexes, as the engine keeps them. */
async function definitions(engine: Engine, store: Store): Promise<string[]> {
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
