import { join } from 'node:path';
import { SqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

/** Where the store lives: a SQLite file under dataDir, or PostgreSQL when databaseUrl is set. */
export interface StoreLocation {
  dataDir: string;
  databaseUrl?: string;
  /** PostgreSQL schema to keep the tables in (created if missing). */
  databaseSchema?: string;
}

/** Told when a pooled PostgreSQL connection drops while idle (the next query reconnects). */
export type IdleErrorListener = (err: Error) => void;

/** Opens the configured store, migrated and ready. */
export async function openStore(location: StoreLocation, onIdleError?: IdleErrorListener): Promise<Store> {
  if (location.databaseUrl) {
    const { PostgresStore } = await import('./postgres-store.js');
    return PostgresStore.open(location.databaseUrl, { onIdleError, schema: location.databaseSchema });
  }
  return SqliteStore.open(join(location.dataDir, 'drbot.sqlite'));
}
