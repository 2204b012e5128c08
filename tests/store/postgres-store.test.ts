import { createServer } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { ErrorCode, StoreUnavailableError } from '../../src/errors/drbot-error.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { redactDatabaseUrl } from '../../src/store/redact-database-url.js';
import { DATABASE_URL, dropSchemas, uniqueSchema } from './store-backends.js';

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function openError(url: string, options: Parameters<typeof PostgresStore.open>[1] = {}): Promise<StoreUnavailableError> {
  try {
    const store = await PostgresStore.open(url, options);
    await store.close();
  } catch (err) {
    return err as StoreUnavailableError;
  }
  throw new Error('PostgresStore.open succeeded where it should have failed');
}

describe('PostgresStore connection errors', () => {
  it('says the server refused the connection and how to check it, without the password', async () => {
    const port = await closedPort();
    const err = await openError(`postgres://drbot:s3cret-pass-word@127.0.0.1:${port}/drbot`);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect(err.code).toBe(ErrorCode.StoreUnavailable);
    expect(err.message).toContain(`postgres://drbot@127.0.0.1:${port}/drbot`);
    expect(err.message).toMatch(/refused/);
    expect(err.hint).toContain(`pg_isready -h 127.0.0.1 -p ${port}`);
    expect(`${err.message} ${err.hint}`).not.toContain('s3cret-pass-word');
  });

  it('refuses a schema name that could smuggle SQL', async () => {
    const err = await openError('postgres://postgres@127.0.0.1:1/test', { schema: 'x; drop table incidents' });
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect(err.message).toContain('not a usable schema name');
  });

  it('redacts the password and options of a connection string', () => {
    expect(redactDatabaseUrl('postgres://u:p%40ss@db.example:6543/prod?sslmode=require&password=x')).toBe('postgres://u@db.example:6543/prod');
    expect(redactDatabaseUrl('not a url')).toBe('(unparseable DATABASE_URL)');
  });
});

if (!DATABASE_URL) process.stderr.write('\n[store suite] PostgreSQL server checks NOT RUN in store/postgres-store.test.ts: DATABASE_URL is unset\n');

describe.each(DATABASE_URL ? [DATABASE_URL] : [])('PostgresStore against %s', (url) => {
  it('says which database is missing and how to create it', async () => {
    const u = new URL(url);
    u.pathname = '/drbot_no_such_db';
    const err = await openError(u.toString());
    expect(err.message).toContain('does not exist');
    expect(err.hint).toMatch(/createdb .*drbot_no_such_db$/);
  });

  it('keeps its tables in the given schema and reads bigint columns back as numbers', async () => {
    const schema = uniqueSchema();
    try {
      const store = await PostgresStore.open(url, { schema, max: 2 });
      await store.timers.schedule('INC-20261124-001', 'quiet', 1_795_000_000_000);
      const [timer] = await store.timers.forIncident('INC-20261124-001');
      expect(timer?.dueAt).toBe(1_795_000_000_000);
      const { rows } = await store.pool.query<{ n: number }>(`select count(*) as n from information_schema.tables where table_schema = $1`, [schema]);
      expect(rows[0]?.n).toBeGreaterThanOrEqual(12);
      await store.close();
      await store.close();
      await expect(store.ping()).rejects.toThrow(StoreUnavailableError);
    } finally {
      await dropSchemas(url, [schema]);
    }
  });

  it('lets two processes migrate the same schema at once', async () => {
    const schema = uniqueSchema();
    try {
      const [a, b] = await Promise.all([PostgresStore.open(url, { schema, max: 2 }), PostgresStore.open(url, { schema, max: 2 })]);
      await a.incidents.count();
      await b.incidents.count();
      await Promise.all([a.close(), b.close()]);
    } finally {
      await dropSchemas(url, [schema]);
    }
  });
});
