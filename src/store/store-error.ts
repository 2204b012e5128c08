import { StoreBusyError, StoreUnavailableError, UniqueViolationError } from '../errors/drbot-error.js';

/**
 * Turns an engine's error into drbot's typed store errors where callers act on them: a unique-key
 * clash (SQLite `SQLITE_CONSTRAINT_UNIQUE`/`_PRIMARYKEY`, PostgreSQL `23505`) and SQLite's write lock
 * held past the busy timeout (`SQLITE_BUSY*`). Anything else passes through unchanged.
 */
export function storeErrorOf(err: unknown): unknown {
  if (err instanceof UniqueViolationError || err instanceof StoreBusyError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return err;
  const message = (err as Error).message ?? String(err);
  if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return new UniqueViolationError(message, err);
  if (code.startsWith('SQLITE_BUSY')) return new StoreBusyError(message, err);
  return err;
}

/** Network and server-state codes of a database that does not answer (PostgreSQL class 08 and 57P0x, socket errors). */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);

/**
 * True when `err` says the database is unreachable (PostgreSQL down, failing over, the network cut)
 * rather than that a command did something wrong: the caller answers "store unavailable, try again".
 */
export function isStoreUnavailable(err: unknown): boolean {
  if (err instanceof StoreUnavailableError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  const message = String((err as { message?: unknown } | null)?.message ?? '');
  return /Connection terminated|timeout exceeded when trying to connect|connection error|server closed the connection/i.test(message);
}
