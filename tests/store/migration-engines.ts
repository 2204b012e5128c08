import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
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
