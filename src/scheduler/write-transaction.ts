import { sql } from 'kysely';
import { KyselyStore, type Store } from '../store/store.js';

/**
 * Runs `fn` in a transaction that holds the write lock from its first statement: `BEGIN IMMEDIATE`
 * on SQLite (a deferred transaction that reads first can fail to upgrade when another process
 * wrote in between), an ordinary transaction on PostgreSQL (claims there lock rows with SKIP LOCKED).
 */
export async function writeTransaction<T>(store: Store, fn: (tx: Store) => Promise<T>): Promise<T> {
  if (store.dialect !== 'sqlite') return store.transaction(fn);
  return store.db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const result = await fn(new KyselyStore(conn, 'sqlite', true));
      await sql`commit`.execute(conn);
      return result;
    } catch (err) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw err;
    }
  });
}

/** True for SQLite's "database is locked" (another process holds the write lock past the busy timeout). */
export function isBusyError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/**
 * Runs a write transaction, retrying while SQLite reports the database busy (another claimer holds
 * the write lock). Used where giving up would lose an outcome already achieved, such as a page sent.
 */
export async function writeTransactionRetrying<T>(store: Store, fn: (tx: Store) => Promise<T>, attempts = 100): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await writeTransaction(store, fn);
    } catch (err) {
      if (!isBusyError(err) || attempt >= attempts) throw err;
      await new Promise<void>((resolve) => (attempt < 10 ? setImmediate(resolve) : setTimeout(resolve, Math.min(50, attempt))));
    }
  }
}
