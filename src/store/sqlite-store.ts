import { chmodSync, closeSync, constants, existsSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, type CompiledQuery, type SqliteDatabase } from 'kysely';
import { StoreCorruptError, StoreUnavailableError } from '../errors/drbot-error.js';
import { PrivateDirectoryError, privateDirectory } from '../fs/private-directory.js';
import { migrateToLatest } from './migrations.js';
import { nativeModuleError } from './native-module-error.js';
import type { Database } from './schema.js';
import { KyselyStore } from './kysely-store.js';
import { runDirectly, type DirectExecutor } from './reusable-query.js';
import { BoundLimitSqliteDialect } from './sqlite-dialect.js';
import { WalCheckpointer } from './wal-checkpointer.js';

/**
 * The WAL's bound. The checkpoint worker (WalCheckpointer) copies frames into the database as
 * transactions commit, but SQLite starts the WAL over only when every frame is copied at the moment
 * a write begins, which the worker cannot time. So when commits leave the WAL file past
 * WAL_LIMIT_BYTES, the writer waits for a worker checkpoint in progress (once, at most SETTLE_MS:
 * it blocks the event loop), copies what is left (a few frames) itself, and its next write starts
 * the WAL over; the file is cut back to
 * WAL_LIMIT_BYTES if it grew past it. (PASSIVE, never RESTART: RESTART would also wait, up to the
 * busy timeout, for a reader such as `drbot backup`; with one, the WAL starts over after it.)
 * Writes outside a write transaction are not counted: for them SQLite's own automatic checkpoint
 * stays, at twice the bound.
 */
const WAL_LIMIT_BYTES = 16 * 1024 * 1024;
const WAL_AUTOCHECKPOINT_FRAMES = (2 * WAL_LIMIT_BYTES) / 4096;
/** Write transactions between asks to the checkpoint worker (an `/incident open` writes ~14 frames). */
const COMMITS_PER_CHECKPOINT = 32;
/** Write transactions between looks at the WAL's size (a stat of the -wal file): the bound is WAL_LIMIT_BYTES and at most these few transactions. */
const COMMITS_PER_SIZE_CHECK = 4;
/** How long the writer waits, once, for a worker checkpoint in progress when the WAL passed its bound. */
const SETTLE_MS = 50;

/** Creates the database file 0600 before SQLite does (SQLite would make it 0644), and tightens one made earlier. */
function makePrivate(file: string): void {
  try {
    privateDirectory(dirname(file));
  } catch (err) {
    if (err instanceof PrivateDirectoryError) throw new StoreUnavailableError(`DATA_DIR ${err.message}`, err, 'drbot keeps its database in a directory only its own user can write');
    throw err;
  }
  closeSync(openSync(file, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o600));
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(file + suffix)) chmodSync(file + suffix, 0o600);
}

/** How many distinct statements stay prepared (drbot's queries are a few dozen shapes; batch inserts add one per row count). */
const STATEMENT_CACHE_SIZE = 500;

/**
 * better-sqlite3 as Kysely's dialect sees it, with each distinct SQL text prepared once and
 * reused: preparing is a large share of a small query's cost (about a sixth of an `/incident
 * open`). A statement still busy iterating is never handed out twice; the oldest statements are
 * forgotten past `size`. SQLite re-prepares a cached statement itself when the schema changes.
 */
export function preparedOnce(sqlite: BetterSqlite3.Database, size = STATEMENT_CACHE_SIZE): SqliteDatabase & { clear(): void } {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    clear: () => cache.clear(),
    prepare(sql: string) {
      const kept = cache.get(sql);
      if (kept && !kept.busy) {
        // Most recently used last, so the first key is the one to forget.
        cache.delete(sql);
        cache.set(sql, kept);
        return kept;
      }
      const stmt = sqlite.prepare(sql);
      if (kept) return stmt;
      cache.set(sql, stmt);
      if (cache.size > size) cache.delete(cache.keys().next().value!);
      return stmt;
    },
  };
}

function walSize(file: string): number {
  try {
    return statSync(`${file}-wal`).size;
  } catch {
    return 0;
  }
}

/** The embedded default store: one SQLite file (WAL) under DATA_DIR, or `:memory:`. */
export class SqliteStore extends KyselyStore {
  private commits = 0;
  /** BEGIN IMMEDIATE, COMMIT and ROLLBACK, prepared once. */
  private readonly controls = new Map<string, BetterSqlite3.Statement>();
  /** The writer already waited for the worker since the WAL passed its bound. */
  private waitedPastLimit = false;

  private constructor(
    db: Kysely<Database>,
    readonly file: string,
    readonly sqlite: BetterSqlite3.Database,
    /** The statements Kysely's driver prepares (preparedOnce), which a transaction's reusable queries share. */
    private readonly statements: SqliteDatabase,
    /** Absent for `:memory:`, which has no WAL. */
    readonly checkpointer: WalCheckpointer | undefined,
  ) {
    super(db, 'sqlite');
    runDirectly(db, this.directRead);
  }

  /**
   * The transaction's BEGIN IMMEDIATE/COMMIT/ROLLBACK straight on better-sqlite3: SQLite has one
   * connection, which the transaction holds. Through Kysely's executor these two statements were
   * ~half the cost of a write transaction's own bookkeeping (~25 µs vs ~12 µs CPU per empty one).
   */
  protected override async control(_conn: Kysely<Database>, query: CompiledQuery): Promise<void> {
    let stmt = this.controls.get(query.sql);
    if (!stmt) this.controls.set(query.sql, (stmt = this.sqlite.prepare(query.sql)));
    stmt.run();
  }

  /**
   * A write transaction's reusable queries (src/store/reusable-query.ts) run straight on
   * better-sqlite3, as Kysely's SQLite driver runs them (SqliteConnection.executeQuery): the
   * transaction holds the only connection, so nothing else runs in between.
   */
  private readonly direct: DirectExecutor = (sql, parameters) => {
    const stmt = this.statements.prepare(sql) as unknown as BetterSqlite3.Statement;
    if (stmt.reader) return { rows: stmt.all(parameters) };
    const { changes, lastInsertRowid } = stmt.run(parameters);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  };

  /**
   * The store's own reusable reads (the incident, its records, the open list a status reads) run
   * straight on better-sqlite3 too, while no transaction is open on the connection: SQLite then
   * reads what is committed, as through Kysely, and nothing runs in between (better-sqlite3 is
   * synchronous). While a write transaction is open (between its statements) they go through
   * Kysely, which waits for the transaction to end, so no read sees what is not committed. Writes
   * outside a transaction go through Kysely as before.
   */
  private readonly directRead: DirectExecutor = (sql, parameters) => {
    if (this.sqlite.inTransaction) return undefined;
    const stmt = this.statements.prepare(sql) as unknown as BetterSqlite3.Statement;
    return stmt.reader ? { rows: stmt.all(parameters) } : undefined;
  };

  protected override holding(conn: Kysely<Database>): void {
    runDirectly(conn, this.direct);
  }

  protected override committed(): void {
    if (!this.checkpointer) return;
    const n = ++this.commits;
    if (n % COMMITS_PER_SIZE_CHECK === 0) {
      if (walSize(this.file) > WAL_LIMIT_BYTES) {
        // Only one checkpoint runs at a time (SQLite answers busy at once, without waiting): let the
        // worker's finish (5-13 ms normally), then copy what is left here; the next write starts
        // the WAL over. The writer waits once per time past the bound, at most SETTLE_MS: a
        // checkpoint stuck on a slow disk makes the WAL longer, never every commit slower.
        this.checkpointer.settle(this.waitedPastLimit ? 0 : SETTLE_MS);
        this.waitedPastLimit = true;
        this.sqlite.pragma('wal_checkpoint(PASSIVE)');
        return;
      }
      this.waitedPastLimit = false;
    }
    if (n % COMMITS_PER_CHECKPOINT === 0) this.checkpointer.nudge();
  }

  override async close(): Promise<void> {
    await this.checkpointer?.close();
    await super.close();
  }

  /**
   * Opens (creating if needed) the database file, checks its integrity, and migrates it. The file
   * (and the -wal/-shm SQLite makes beside it, which take its mode) is 0600, in a directory only
   * drbot's user can write.
   */
  static async open(file: string): Promise<SqliteStore> {
    if (file !== ':memory:') makePrivate(file);
    let sqlite: BetterSqlite3.Database;
    try {
      sqlite = new BetterSqlite3(file, { timeout: 5000 });
      sqlite.pragma('journal_mode = WAL');
      // Durable against drbot's own crash (kill -9), consistent always; the last commits may roll
      // back on power loss or an OS crash (README, PostgreSQL section). FULL costs a flush per commit.
      sqlite.pragma('synchronous = NORMAL');
      sqlite.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_FRAMES}`);
      sqlite.pragma(`journal_size_limit = ${WAL_LIMIT_BYTES}`);
      sqlite.pragma('foreign_keys = ON');
      const check = sqlite.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(String(check));
    } catch (err) {
      // a better-sqlite3 built for another Node fails here too: that is not a damaged file
      throw nativeModuleError(err) ?? new StoreCorruptError(
        `the database file ${file} is damaged: ${(err as Error).message}`,
        `stop drbot and restore it from a backup: drbot restore <backup-file> (DATA_DIR=${dirname(file)})`,
      );
    }
    const database = preparedOnce(sqlite);
    const db = new Kysely<Database>({ dialect: new BoundLimitSqliteDialect({ database }) });
    await migrateToLatest(db, 'sqlite');
    // What the migrations prepared served them only.
    database.clear();
    const checkpointer = file === ':memory:' ? undefined : new WalCheckpointer(file);
    checkpointer?.startWorker();
    return new SqliteStore(db, file, sqlite, database, checkpointer);
  }
}
