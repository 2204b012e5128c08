import { StoreBusyError } from '../errors/drbot-error.js';
import type { Store } from './store.js';

/**
 * Runs a write transaction, retrying while SQLite reports the database busy (another claimer holds
 * the write lock). Used where giving up would lose an outcome already achieved, such as a page sent.
 */
export async function writeTransactionRetrying<T>(store: Store, fn: (tx: Store) => Promise<T>, attempts = 100): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.writeTransaction(fn);
    } catch (err) {
      if (!(err instanceof StoreBusyError) || attempt >= attempts) throw err;
      await new Promise<void>((resolve) => (attempt < 10 ? setImmediate(resolve) : setTimeout(resolve, Math.min(50, attempt))));
    }
  }
}
