import { randomBytes } from 'node:crypto';
import { describe, it } from '@jest/globals';
import pg from 'pg';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';

/** One database engine the store suite runs against. */
export interface StoreBackend {
  name: 'sqlite' | 'postgres';
  /** A fresh, empty, migrated store. */
  open(): Promise<Store>;
  /** Closes every store this backend opened and drops what it created. */
  dispose(): Promise<void>;
}

/**
 * The PostgreSQL URL the suite uses (CI exports DATABASE_URL=postgres://postgres@127.0.0.1:5432/test;
 * tests/support/isolate-database-url.ts moves it to DRBOT_TEST_DATABASE_URL), or undefined.
 */
export const DATABASE_URL = process.env.DRBOT_TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;

/** A fresh in-memory SQLite store per `open()`. */
export function sqliteBackend(): StoreBackend {
  const opened: Store[] = [];
  return {
    name: 'sqlite',
    async open() {
      const store = await SqliteStore.open(':memory:');
      opened.push(store);
      return store;
    },
    async dispose() {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    },
  };
}

/** A unique schema name, so parallel jest workers and files never share tables. */
export function uniqueSchema(prefix = 'drbot_test'): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** Drops schemas created by a test (CASCADE: tables and the migration bookkeeping go too). */
export async function dropSchemas(url: string, schemas: string[]): Promise<void> {
  if (!schemas.length) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const s of schemas) await client.query(`drop schema if exists ${s} cascade`);
  } finally {
    await client.end();
  }
}

/** A fresh PostgreSQL schema per `open()`, dropped on dispose. */
export function postgresBackend(url: string): StoreBackend {
  const opened: Store[] = [];
  const schemas: string[] = [];
  return {
    name: 'postgres',
    async open() {
      const schema = uniqueSchema();
      schemas.push(schema);
      const store = await PostgresStore.open(url, { schema, max: 4 });
      opened.push(store);
      return store;
    },
    async dispose() {
      await Promise.all(opened.splice(0).map((s) => s.close()));
      await dropSchemas(url, schemas.splice(0));
    },
  };
}

let warned = false;

/**
 * The engines to run a suite on: SQLite always, PostgreSQL when DATABASE_URL is set. When it is
 * not set, says so loudly once per file instead of letting a green run pretend PostgreSQL passed.
 */
export function storeBackends(): StoreBackend[] {
  if (DATABASE_URL) return [sqliteBackend(), postgresBackend(DATABASE_URL)];
  if (!warned) {
    warned = true;
    process.stderr.write(`\n[store suite] PostgreSQL half NOT RUN in ${testFileName()}: DATABASE_URL is unset (CI sets postgres://postgres@127.0.0.1:5432/test)\n`);
  }
  return [sqliteBackend()];
}

function testFileName(): string {
  const state = (globalThis as { expect?: { getState?: () => { testPath?: string } } }).expect?.getState?.();
  return state?.testPath?.split('/').slice(-2).join('/') ?? 'this file';
}

/**
 * Expects `promise` to reject with a unique-constraint violation. (SQLite's error object comes from
 * the jest context that first loaded better-sqlite3, so `rejects.toThrow` does not recognise it as an
 * Error in later test files; its message is what matters.)
 */
export async function expectUniqueViolation(promise: Promise<unknown>): Promise<void> {
  let error: unknown;
  try {
    await promise;
  } catch (err) {
    error = err;
  }
  if (error === undefined) throw new Error('expected a unique-constraint violation, but the write succeeded');
  const message = String((error as { message?: unknown }).message ?? error);
  if (!/unique|duplicate/i.test(message)) throw new Error(`expected a unique-constraint violation, got: ${message}`);
}

/**
 * Registers a describe block that needs a PostgreSQL server; without DATABASE_URL it registers
 * nothing and says loudly that these tests did not run (never a silent green).
 */
export function describeOnPostgres(name: string, fn: (url: string) => void): void {
  if (DATABASE_URL) {
    const url = DATABASE_URL;
    describe(name, () => fn(url));
    return;
  }
  process.stderr.write(`\n[store suite] "${name}" NOT RUN in ${testFileName()}: DATABASE_URL is unset (CI sets postgres://postgres@127.0.0.1:5432/test)\n`);
  // shown as skipped, so a file that holds only PostgreSQL tests is not an empty (failing) suite
  describe(name, () => it.skip('runs on PostgreSQL only: set DATABASE_URL', () => undefined));
}
