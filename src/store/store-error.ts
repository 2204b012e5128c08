import { StoreBusyError, UniqueViolationError } from '../errors/drbot-error.js';

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
