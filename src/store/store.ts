import type { Kysely } from 'kysely';
import { IncidentRepository } from './incident-repository.js';
import type { Dialect } from './migrations.js';
import type { Database } from './schema.js';
import { TimerRepository } from './timer-repository.js';

/** The persistence port: repositories over one database, and transactions that span them. */
export interface Store {
  readonly dialect: Dialect;
  /** The query builder (the transaction's, inside `transaction`), for repositories defined elsewhere. */
  readonly db: Kysely<Database>;
  readonly incidents: IncidentRepository;
  readonly timers: TimerRepository;
  /** Runs `fn` in one transaction; nested calls join the outer one. */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  /** Throws when the database cannot answer. */
  ping(): Promise<void>;
  /** Closes the connection(s). */
  close(): Promise<void>;
}

/** The Store over any Kysely dialect; SQLite and PostgreSQL stores differ only in how they connect. */
export class KyselyStore implements Store {
  readonly incidents: IncidentRepository;
  readonly timers: TimerRepository;

  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: Dialect,
    private readonly inTransaction = false,
  ) {
    this.incidents = new IncidentRepository(db);
    this.timers = new TimerRepository(db);
  }

  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    return this.db.transaction().execute((trx) => fn(new KyselyStore(trx, this.dialect, true)));
  }

  async ping(): Promise<void> {
    await this.db.selectFrom('meta').select('key').limit(1).execute();
  }

  async close(): Promise<void> {
    if (!this.inTransaction) await this.db.destroy();
  }
}
