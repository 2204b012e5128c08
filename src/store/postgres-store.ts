import { createHash } from 'node:crypto';
import { Kysely } from 'kysely';
import pg from 'pg';
import { ClusterRepository } from './cluster-repository.js';
import { StoreUnavailableError } from '../errors/drbot-error.js';
import { migrateToLatest } from './migrations.js';
import { redactDatabaseUrl } from './redact-database-url.js';
import type { Database } from './schema.js';
import { KyselyStore } from './kysely-store.js';
import { SchemaScopedPostgresDialect } from './schema-scoped-postgres-dialect.js';

// bigint columns hold epoch milliseconds, well inside Number's safe range; COUNT(*) is bigint too.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** How to connect to PostgreSQL. */
export interface PostgresStoreOptions {
  /** Pool size (default 10). */
  max?: number;
  /** Keep every table in this schema (created if missing); tests give each their own. */
  schema?: string;
  /** How long to wait for a connection before giving up (default 10 s). */
  connectTimeoutMs?: number;
  /** Told about errors of idle pooled connections (the server went away); the next query reports it too. */
  onIdleError?: (err: Error) => void;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The shared store for several drbot processes: PostgreSQL via DATABASE_URL. */
export class PostgresStore extends KyselyStore {
  private closed = false;
  /** Replica leases, agent holdings, agent request rows and LISTEN/NOTIFY for several drbots on this database. */
  readonly cluster: ClusterRepository;

  private constructor(
    db: Kysely<Database>,
    readonly pool: pg.Pool,
    private readonly target: string,
    clientConfig: pg.ClientConfig,
    schema: string | undefined,
  ) {
    super(db, 'postgres');
    this.cluster = new ClusterRepository(db, notifyChannel(schema), () => new pg.Client(clientConfig));
  }

  /** Connects, migrates (Kysely holds an advisory lock, so concurrent starts do not race) and returns the store. */
  static async open(connectionString: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const target = redactDatabaseUrl(connectionString);
    if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
      throw new StoreUnavailableError(`"${options.schema}" is not a usable schema name`, undefined, 'use lower-case letters, digits and underscores');
    }
    let pool: pg.Pool;
    const clientConfig: pg.ClientConfig = {
      connectionString,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    };
    try {
      pool = new pg.Pool({ ...clientConfig, max: options.max ?? 10 });
    } catch (err) {
      throw describeConnectionError(err, target);
    }
    pool.on('error', (err) => options.onIdleError?.(err));
    // A client a query holds when its socket dies (PostgreSQL failing over, the network cut) emits
    // 'error' besides failing the query; the pool only listens while a client is idle, and an
    // unheard 'error' ends the process. Every client gets a listener of its own: the query's caller
    // sees the failure, and the pool drops the dead client when it is released.
    pool.on('connect', (client) => client.on('error', () => undefined));
    try {
      // The schema itself is created by the migrator, which tolerates two processes creating it at once.
      await pool.query('select 1');
    } catch (err) {
      await pool.end().catch(() => {});
      throw describeConnectionError(err, target);
    }
    const db = new Kysely<Database>({ dialect: new SchemaScopedPostgresDialect({ pool }) });
    try {
      await migrateToLatest(db, 'postgres', options.schema);
    } catch (err) {
      await db.destroy().catch(() => {});
      throw new StoreUnavailableError(`could not prepare the tables in ${target}: ${(err as Error).message}`, err, 'the DATABASE_URL user needs CREATE rights on the database (or run drbot once as its owner)');
    }
    return new PostgresStore(db, pool, target, clientConfig, options.schema);
  }

  override async ping(): Promise<void> {
    if (this.closed) throw new StoreUnavailableError(`the connection pool to ${this.target} is closed`, undefined, 'drbot is shutting down');
    try {
      await super.ping();
    } catch (err) {
      throw describeConnectionError(err, this.target);
    }
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await super.close();
  }
}

/** The LISTEN/NOTIFY channel of drbot's tables in `schema` (identifiers are at most 63 bytes). */
export function notifyChannel(schema: string | undefined): string {
  const name = `drbot_${schema ?? 'default'}`;
  return name.length <= 63 ? name : `drbot_${createHash('sha256').update(name).digest('hex').slice(0, 40)}`;
}

/** Turns a pg/network error into a StoreUnavailableError whose hint says what to fix. */
export function describeConnectionError(err: unknown, target: string): StoreUnavailableError {
  const e = err as { code?: string; message?: string };
  const msg = e.message ?? String(err);
  const hostPort = (() => {
    try {
      const u = new URL(target);
      return { host: u.hostname || 'localhost', port: u.port || '5432', db: u.pathname.replace(/^\//, '') };
    } catch {
      return { host: 'localhost', port: '5432', db: '' };
    }
  })();
  switch (e.code) {
    case 'ECONNREFUSED':
      return new StoreUnavailableError(`PostgreSQL at ${target} refused the connection`, err, `start PostgreSQL (check: pg_isready -h ${hostPort.host} -p ${hostPort.port}) or fix host and port in DATABASE_URL`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new StoreUnavailableError(`the PostgreSQL host in ${target} is unknown`, err, 'fix the host name in DATABASE_URL');
    case '28P01':
    case '28000':
      return new StoreUnavailableError(`PostgreSQL at ${target} refused the login: ${msg}`, err, 'check the user and password in DATABASE_URL (and pg_hba.conf on the server)');
    case '3D000':
      return new StoreUnavailableError(`the database in ${target} does not exist`, err, `create it first: createdb -h ${hostPort.host} -p ${hostPort.port} ${hostPort.db || '<name>'}`);
    case '42501':
      return new StoreUnavailableError(`PostgreSQL at ${target} denied access: ${msg}`, err, 'grant the DATABASE_URL user CONNECT and CREATE on the database');
    case '57P01':
    case '57P03':
      return new StoreUnavailableError(`PostgreSQL at ${target} is shutting down or starting up`, err, 'wait for the server, then retry');
    default:
      if (/timeout|timed out/i.test(msg)) {
        return new StoreUnavailableError(`no answer from PostgreSQL at ${target} in time`, err, 'check the network path and firewall to the database server');
      }
      if (/invalid url|invalid connection string|Invalid URL/i.test(msg)) {
        return new StoreUnavailableError('DATABASE_URL is not a valid connection string', err, 'use postgres://user:password@host:5432/database');
      }
      return new StoreUnavailableError(`PostgreSQL at ${target} is unavailable: ${msg}`, err, 'check DATABASE_URL and that the server is running');
  }
}
