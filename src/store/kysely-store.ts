import { CompiledQuery, sql, type Kysely } from 'kysely';
import { AgentRepository } from './agent-repository.js';
import { ConversationRefRepository } from './conversation-ref-repository.js';
import { DeliveryRepository } from './delivery-repository.js';
import { GaugeRepository } from './gauge-repository.js';
import { HistoryRepository } from './history-repository.js';
import { IncidentRepository } from './incident-repository.js';
import { IncidentThreadRepository } from './incident-thread-repository.js';
import type { Dialect } from './migrations.js';
import { LeaseRepository } from './lease-repository.js';
import { OutboxRepository } from './outbox-repository.js';
import { ReportFileRepository } from './report-file-repository.js';
import { ManualCheckRepository } from './manual-check-repository.js';
import { SeenRequestRepository } from './seen-request-repository.js';
import type { Database, TableName, TableRow } from './schema.js';
import { storeErrorOf } from './store-error.js';
import type { Store } from './store.js';
import { TimerRepository } from './timer-repository.js';

const BEGIN_IMMEDIATE = CompiledQuery.raw('begin immediate');
const COMMIT = CompiledQuery.raw('commit');
const ROLLBACK = CompiledQuery.raw('rollback');

/** The Store over any Kysely dialect; SQLite and PostgreSQL stores differ only in how they connect. */
export class KyselyStore implements Store {
  readonly incidents: IncidentRepository;
  readonly timers: TimerRepository;
  readonly deliveries: DeliveryRepository;
  readonly outbox: OutboxRepository;
  readonly threads: IncidentThreadRepository;
  readonly conversationRefs: ConversationRefRepository;
  readonly agents: AgentRepository;
  readonly gauges: GaugeRepository;
  readonly reportFiles: ReportFileRepository;
  readonly manualChecks: ManualCheckRepository;
  readonly history: HistoryRepository;
  readonly seenRequests: SeenRequestRepository;
  readonly leases: LeaseRepository;

  constructor(
    private readonly db: Kysely<Database>,
    readonly dialect: Dialect,
    private readonly inTransaction = false,
  ) {
    this.incidents = new IncidentRepository(db, dialect);
    this.timers = new TimerRepository(db, dialect);
    this.deliveries = new DeliveryRepository(db);
    this.outbox = new OutboxRepository(db, dialect);
    this.threads = new IncidentThreadRepository(db);
    this.conversationRefs = new ConversationRefRepository(db);
    this.agents = new AgentRepository(db);
    this.gauges = new GaugeRepository(db);
    this.reportFiles = new ReportFileRepository(db);
    this.manualChecks = new ManualCheckRepository(db);
    this.history = new HistoryRepository(db);
    this.seenRequests = new SeenRequestRepository(db, dialect, !inTransaction);
    this.leases = new LeaseRepository(db);
  }

  async writeTransaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    try {
      if (this.dialect !== 'sqlite') return await this.db.transaction().execute((trx) => fn(new KyselyStore(trx, this.dialect, true)));
      return await this.db.connection().execute(async (conn) => {
        await this.control(conn, BEGIN_IMMEDIATE);
        try {
          this.holding(conn);
          const result = await fn(new KyselyStore(conn, 'sqlite', true));
          await this.control(conn, COMMIT);
          this.committed();
          return result;
        } catch (err) {
          try {
            await this.control(conn, ROLLBACK);
          } catch {
            // the transaction may already be gone (SQLite rolls back on some errors itself)
          }
          throw err;
        }
      });
    } catch (err) {
      throw storeErrorOf(err);
    }
  }

  /**
   * Runs BEGIN IMMEDIATE, COMMIT or ROLLBACK of a SQLite write transaction on `conn`, the
   * connection the transaction holds (Kysely's lock on it is held meanwhile).
   */
  protected async control(conn: Kysely<Database>, query: CompiledQuery): Promise<void> {
    await conn.executeQuery(query);
  }

  /** Called with the handle of each SQLite write transaction once it began, before its work runs on it. */
  protected holding(_conn: Kysely<Database>): void {}

  /** Called after each write transaction this store committed on SQLite (the SQLite store checkpoints its WAL). */
  protected committed(): void {}

  async tableRows<T extends TableName>(table: T): Promise<TableRow<T>[]> {
    const rows = await sql<TableRow<T>>`select * from ${sql.table(table)}`.execute(this.db);
    return rows.rows;
  }

  async ping(): Promise<void> {
    await this.db.selectFrom('meta').select('key').limit(1).execute();
  }

  async close(): Promise<void> {
    if (!this.inTransaction) await this.db.destroy();
  }
}
