import { createServer } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { ErrorCode, StoreUnavailableError } from '../../src/errors/drbot-error.js';
import { describeConnectionError, PostgresStore } from '../../src/store/postgres-store.js';
import { redactDatabaseUrl } from '../../src/store/redact-database-url.js';
import { describeOnPostgres, dropSchemas, uniqueSchema } from './store-backends.js';
import { anIncidentId } from '../support/an-incident.js';

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

describeOnPostgres('PostgresStore against a PostgreSQL server', (url) => {
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
      await store.timers.schedule(anIncidentId(1), 'quiet', 1_795_000_000_000);
      const [timer] = await store.timers.forIncident(anIncidentId(1));
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

  it('survives the server dropping an idle connection: it says so and the next query reconnects', async () => {
    const schema = uniqueSchema();
    const dropped: Error[] = [];
    const store = await PostgresStore.open(url, { schema, max: 1, onIdleError: (err) => dropped.push(err) });
    try {
      const { rows } = await store.pool.query<{ pid: number }>('select pg_backend_pid() as pid');
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
      await admin.end();
      for (const limit = Date.now() + 10_000; !dropped.length; ) {
        if (Date.now() > limit) throw new Error('the pool never reported the dropped connection');
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(dropped[0]?.message).toMatch(/terminat/i);
      await expect(store.ping()).resolves.toBeUndefined();
    } finally {
      await store.close();
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

  it('starts while something else in the same database creates and drops schemas', async () => {
    // Kysely's introspector scanned every schema with has_schema_privilege(name): a schema dropped
    // mid-scan failed the migration ("schema … does not exist"), 38 of 60 starts in a trial, so ten starts all passing by luck is ~1 in 20,000.
    const churner = new pg.Client({ connectionString: url });
    await churner.connect();
    const others = [0, 1, 2].map(() => uniqueSchema('drbot_churn'));
    let stop = false;
    const churn = (async () => {
      for (let n = 0; !stop; n++) {
        const other = others[n % others.length]!;
        await churner.query(`create schema if not exists ${other}; create table if not exists ${other}.t (a int)`);
        await churner.query(`drop schema ${other} cascade`);
      }
    })();
    const schemas: string[] = [];
    try {
      for (let i = 0; i < 10; i++) {
        const schema = uniqueSchema();
        schemas.push(schema);
        const store = await PostgresStore.open(url, { schema, max: 2 });
        await store.close();
      }
    } finally {
      stop = true;
      await churn;
      await churner.end();
      await dropSchemas(url, [...schemas, ...others]);
    }
  });
});

describe('describeConnectionError', () => {
  const target = 'postgres://drbot@db.internal:6543/drbot';
  it.each([
    ['28P01', 'password authentication failed for user "drbot"', /refused the login/, /check the user and password in DATABASE_URL/],
    ['3D000', 'database "drbot" does not exist', /does not exist/, /createdb -h db\.internal -p 6543 drbot/],
    ['42501', 'permission denied for database drbot', /denied access/, /grant the DATABASE_URL user CONNECT and CREATE/],
    ['ENOTFOUND', 'getaddrinfo ENOTFOUND db.internal', /host .* is unknown/, /fix the host name/],
    ['57P03', 'the database system is starting up', /shutting down or starting up/, /wait for the server/],
    [undefined, 'Connection terminated due to connection timeout', /no answer/, /network path and firewall/],
  ])('maps %s to a message and what to fix', (code, message, expectedMessage, expectedHint) => {
    const err = describeConnectionError(Object.assign(new Error(message), { code }), target);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect(err.message).toMatch(expectedMessage);
    expect(err.message).toContain(target);
    expect(err.hint).toMatch(expectedHint);
  });
});
