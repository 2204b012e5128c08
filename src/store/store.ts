import type { AgentRepository } from './agent-repository.js';
import type { ClusterRepository } from './cluster-repository.js';
import type { ConversationRefRepository } from './conversation-ref-repository.js';
import type { DeliveryRepository } from './delivery-repository.js';
import type { GaugeRepository } from './gauge-repository.js';
import type { HistoryRepository } from './history-repository.js';
import type { IncidentRepository } from './incident-repository.js';
import type { IncidentThreadRepository } from './incident-thread-repository.js';
import type { Dialect } from './migrations.js';
import type { LeaseRepository } from './lease-repository.js';
import type { OutboxRepository } from './outbox-repository.js';
import type { ReportFileRepository } from './report-file-repository.js';
import type { ManualCheckRepository } from './manual-check-repository.js';
import type { SeenRequestRepository } from './seen-request-repository.js';
import type { TableName, TableRow } from './schema.js';
import type { TimerRepository } from './timer-repository.js';

/**
 * The persistence port: drbot's repositories over one database, and one way to make several
 * changes at once. No query builder or connection leaves `src/store/`; what a caller needs is a
 * repository method.
 */
export interface Store {
  /** Which engine holds the data (`drbot backup` and diagnostics name it). */
  readonly dialect: Dialect;
  readonly incidents: IncidentRepository;
  readonly timers: TimerRepository;
  readonly deliveries: DeliveryRepository;
  readonly outbox: OutboxRepository;
  /** Where each incident's card lives on each platform. */
  readonly threads: IncidentThreadRepository;
  readonly conversationRefs: ConversationRefRepository;
  readonly agents: AgentRepository;
  /** What `/metrics` and `/healthz` read on each scrape. */
  readonly gauges: GaugeRepository;
  readonly reportFiles: ReportFileRepository;
  /** Who did the manual scheduled-check items, and when (`/incident checks done`). */
  readonly manualChecks: ManualCheckRepository;
  /** Past incidents for statistics (drills left out). */
  readonly history: HistoryRepository;
  /** Requests and events already taken (platform retries and replays), shared by every replica. */
  readonly seenRequests: SeenRequestRepository;
  /** Named leases: one replica at a time does a job. */
  readonly leases: LeaseRepository;
  /**
   * Coordination of several replicas (PostgreSQL only): replica leases, which replica holds each
   * agent's link, agent request rows and LISTEN/NOTIFY. Absent on SQLite, where drbot is one process.
   */
  readonly cluster?: ClusterRepository;
  /**
   * Runs `fn` in one transaction that holds the write lock from its first statement: `BEGIN
   * IMMEDIATE` on SQLite (a deferred transaction that reads first can fail to upgrade when another
   * process wrote in between), an ordinary transaction on PostgreSQL (timer claims lock their rows
   * with SKIP LOCKED). Nested calls join the outer transaction. A unique-key clash surfaces as
   * `UniqueViolationError`, a SQLite write lock held past the busy timeout as `StoreBusyError`.
   */
  writeTransaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  /** Every row of one table, oldest first, as stored (diagnostics, and tests that prove nothing changed). */
  tableRows<T extends TableName>(table: T): Promise<TableRow<T>[]>;
  /** Throws when the database cannot answer. */
  ping(): Promise<void>;
  /** Closes the connection(s). */
  close(): Promise<void>;
}
