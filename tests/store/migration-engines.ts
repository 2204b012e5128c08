import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrations } from '../../src/store/migrations.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { DATABASE_URL, dropSchemas, uniqueSchema } from './store-backends.js';

/** A database engine a migration test runs on: one database, opened by drbot's store as a start of drbot does. */
export interface MigrationEngine {
  name: 'SQLite' | 'PostgreSQL';
  /** Opens drbot's store on the engine's one database (migrating it). */
  open(): Promise<Store>;
  /** Runs SQL on that database beside drbot's store; returns its rows (none for a statement that returns none). */
  query(store: Store, statement: string): Promise<Record<string, unknown>[]>;
  dispose(): Promise<void>;
}

function sqliteFile(): MigrationEngine {
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

function postgresSchema(url: string): MigrationEngine {
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

/**
 * A SQLite file, and a PostgreSQL schema when DATABASE_URL is set (said on stderr when it is not,
 * so a run without it does not pass silently): `what` names the migration test in that line.
 */
export function migrationEngines(what: string): MigrationEngine[] {
  if (!DATABASE_URL) process.stderr.write(`\n[store suite] ${what} on PostgreSQL NOT RUN: DATABASE_URL is unset\n`);
  return [sqliteFile(), ...(DATABASE_URL ? [postgresSchema(DATABASE_URL)] : [])];
}

/**
 * What takes a database back to before each later migration, newest first: its own statements, then
 * its line in Kysely's bookkeeping goes (so the next start runs it again). A test that builds a
 * database from before migration N undoes every one from the newest down to N.
 */
const UNDO: readonly (readonly [name: string, statements: readonly string[]])[] = [
  // SQLite's checklist rebuilt WITHOUT ROWID: safe to run again, so only its bookkeeping goes
  ['0011-checklist-without-rowid', []],
  // the two indexes over every row, as 0001 and 0003 made them
  [
    '0010-partial-indexes',
    [
      'drop index timers_claimed_until',
      'create index timers_claimed_until on timers (claimed_until)',
      'drop index incidents_type_resolved',
      'create index incidents_type_resolved on incidents (type, resolved_at)',
    ],
  ],
  // the incidents' status index as 0001 made it
  ['0009-incidents-by-status-newest-first', ['drop index incidents_status_opened', 'create index incidents_status on incidents (status)']],
  ['0008-delivery-timer', ['alter table deliveries drop column timer']],
];

/** The statements that undo every migration from the newest down to `oldest` (included). */
export function undoMigrationsDownTo(oldest: string): string[] {
  // A migration added later must say here how it is undone, or these databases would not be as old as they claim.
  const newest = Object.keys(migrations('sqlite')).sort().at(-1);
  if (UNDO[0]![0] !== newest) throw new Error(`tests/store/migration-engines.ts: say how to undo migration ${newest} in UNDO`);
  const until = UNDO.findIndex(([name]) => name === oldest);
  if (until < 0) throw new Error(`no undo for migration ${oldest}`);
  return UNDO.slice(0, until + 1).flatMap(([name, statements]) => [...statements, `delete from kysely_migration where name = '${name}'`]);
}
