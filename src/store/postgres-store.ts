import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from './migrations.js';
import type { Database } from './schema.js';
import { KyselyStore } from './store.js';

// bigint columns hold epoch milliseconds, well inside Number's safe range.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** The shared store for several drbot processes: PostgreSQL via DATABASE_URL. */
export class PostgresStore extends KyselyStore {
  private constructor(
    db: Kysely<Database>,
    readonly pool: pg.Pool,
  ) {
    super(db, 'postgres');
  }

  /** Connects, migrates (under an advisory lock so concurrent starts do not race) and returns the store. */
  static async open(connectionString: string, options: { max?: number } = {}): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString, max: options.max ?? 10 });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    await migrateToLatest(db, 'postgres');
    return new PostgresStore(db, pool);
  }
}
