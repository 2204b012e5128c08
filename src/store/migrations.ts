import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';

/** Which SQL engine the migrations run on; they differ only in how auto-increment ids are declared. */
export type Dialect = 'sqlite' | 'postgres';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

function autoId(dialect: Dialect) {
  return dialect === 'postgres' ? ('bigserial' as const) : ('integer' as const);
}

/** Every migration in order. Add new ones at the end with the next number; never edit a shipped one. */
export function migrations(dialect: Dialect): Record<string, Migration> {
  const id = autoId(dialect);
  return {
    '0001-initial': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('incidents')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('day', 'text', (c) => c.notNull())
          .addColumn('seq', 'integer', (c) => c.notNull())
          .addColumn('type', 'integer', (c) => c.notNull())
          .addColumn('scope', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('note', 'text', (c) => c.notNull())
          .addColumn('host', 'text', (c) => c.notNull())
          .addColumn('opened_by', 'text', (c) => c.notNull())
          .addColumn('opened_at', 'bigint', (c) => c.notNull())
          .addColumn('commander', 'text')
          .addColumn('acked_by', 'text')
          .addColumn('acked_at', 'bigint')
          .addColumn('level', 'integer', (c) => c.notNull())
          .addColumn('resolved_by', 'text')
          .addColumn('resolved_at', 'bigint')
          .addColumn('cause', 'text')
          .addColumn('closed_at', 'bigint')
          .addColumn('cancelled_at', 'bigint')
          .addColumn('cancel_reason', 'text')
          .addColumn('dedupe_key', 'text', (c) => c.unique())
          .addColumn('last_activity_at', 'bigint', (c) => c.notNull())
          .addColumn('assignments', 'text', (c) => c.notNull())
          .addUniqueConstraint('incidents_day_seq', ['day', 'seq'])
          .execute();
        await db.schema.createIndex('incidents_status').on('incidents').column('status').execute();

        await db.schema
          .createTable('timeline')
          .addColumn('id', id, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn('incident_id', 'text', (c) => c.notNull())
          .addColumn('at', 'bigint', (c) => c.notNull())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('text', 'text', (c) => c.notNull())
          .addColumn('data', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('timeline_incident').on('timeline').columns(['incident_id', 'id']).execute();

        await db.schema
          .createTable('checklist')
          .addColumn('incident_id', 'text', (c) => c.notNull())
          .addColumn('item_id', 'text', (c) => c.notNull())
          .addColumn('done_by', 'text', (c) => c.notNull())
          .addColumn('done_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('checklist_pk', ['incident_id', 'item_id'])
          .execute();

        await db.schema
          .createTable('approvals')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('incident_id', 'text', (c) => c.notNull())
          .addColumn('step_id', 'text', (c) => c.notNull())
          .addColumn('first_by', 'text', (c) => c.notNull())
          .addColumn('first_at', 'bigint', (c) => c.notNull())
          .addColumn('second_by', 'text')
          .addColumn('second_at', 'bigint')
          .addColumn('needs_two', 'integer', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('approvals_incident_step').on('approvals').columns(['incident_id', 'step_id']).execute();

        await db.schema
          .createTable('step_runs')
          .addColumn('request_id', 'text', (c) => c.primaryKey())
          .addColumn('incident_id', 'text', (c) => c.notNull())
          .addColumn('step_id', 'text', (c) => c.notNull())
          .addColumn('approval_id', 'text', (c) => c.unique())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('requested_by', 'text', (c) => c.notNull())
          .addColumn('started_at', 'bigint', (c) => c.notNull())
          .addColumn('finished_at', 'bigint')
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('summary', 'text', (c) => c.notNull())
          .addColumn('output', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('step_runs_incident').on('step_runs').columns(['incident_id', 'started_at']).execute();

        await db.schema
          .createTable('timers')
          .addColumn('id', id, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn('incident_id', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('due_at', 'bigint', (c) => c.notNull())
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('claimed_by', 'text')
          .addColumn('claimed_until', 'bigint')
          .addColumn('fired_at', 'bigint')
          .addColumn('cancelled_at', 'bigint')
          .addUniqueConstraint('timers_incident_kind', ['incident_id', 'kind'])
          .execute();
        await db.schema.createIndex('timers_due').on('timers').columns(['fired_at', 'cancelled_at', 'due_at']).execute();

        await db.schema
          .createTable('deliveries')
          .addColumn('id', id, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn('incident_id', 'text', (c) => c.notNull())
          .addColumn('level', 'integer', (c) => c.notNull())
          .addColumn('person', 'text', (c) => c.notNull())
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('detail', 'text', (c) => c.notNull())
          .addColumn('at', 'bigint', (c) => c.notNull())
          .addUniqueConstraint('deliveries_once', ['incident_id', 'level', 'person'])
          .execute();

        await db.schema
          .createTable('outbox')
          .addColumn('id', id, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn('platform', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('dedupe_key', 'text', (c) => c.unique())
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull())
          .addColumn('last_error', 'text')
          .addColumn('delivered_at', 'bigint')
          .execute();
        await db.schema.createIndex('outbox_pending').on('outbox').columns(['platform', 'delivered_at', 'id']).execute();

        await db.schema
          .createTable('conversation_refs')
          .addColumn('platform', 'text', (c) => c.notNull())
          .addColumn('key', 'text', (c) => c.notNull())
          .addColumn('ref', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('conversation_refs_pk', ['platform', 'key'])
          .execute();

        await db.schema
          .createTable('incident_threads')
          .addColumn('incident_id', 'text', (c) => c.notNull())
          .addColumn('platform', 'text', (c) => c.notNull())
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('message_id', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('incident_threads_pk', ['incident_id', 'platform'])
          .execute();

        await db.schema
          .createTable('agents')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('last_seen_at', 'bigint')
          .addColumn('connected', 'integer', (c) => c.notNull())
          .addColumn('info', 'text', (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('meta')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0002-timer-leases': {
      // The scheduler looks up live claims by lease end; without this it scans every unfired timer.
      async up(db: AnyDb) {
        await db.schema.createIndex('timers_claimed_until').on('timers').column('claimed_until').execute();
      },
    },
    '0003-incident-drill-and-history': {
      // Drills (issue 15) are incidents marked drill = 1; history and statistics leave them out.
      // The index serves "the last N recovered incidents of a type".
      async up(db: AnyDb) {
        await db.schema.alterTable('incidents').addColumn('drill', 'integer', (c) => c.notNull().defaultTo(0)).execute();
        await db.schema.createIndex('incidents_type_resolved').on('incidents').columns(['type', 'resolved_at']).execute();
      },
    },
    '0004-exactly-once': {
      // Issue 12 (finding 3, 4, 15) and issue 13: what must happen once even with several replicas.
      async up(db: AnyDb) {
        // At most one live (pending or approved) approval per incident and step. Older duplicates a
        // race left behind are expired first, keeping the newest.
        await sql`update approvals set status = 'expired'
          where status in ('pending', 'approved')
            and exists (select 1 from approvals newer
              where newer.incident_id = approvals.incident_id and newer.step_id = approvals.step_id
                and newer.status in ('pending', 'approved')
                and (newer.first_at > approvals.first_at or (newer.first_at = approvals.first_at and newer.id > approvals.id)))`.execute(db);
        await db.schema
          .createIndex('approvals_live_step')
          .on('approvals')
          .columns(['incident_id', 'step_id'])
          .unique()
          .where(sql<boolean>`status in ('pending', 'approved')`)
          .execute();
        // Outbox rows are claimed (lease) before delivery; delivered rows are pruned by delivered_at.
        await db.schema.alterTable('outbox').addColumn('claimed_by', 'text').execute();
        await db.schema.alterTable('outbox').addColumn('claimed_until', 'bigint').execute();
        await db.schema.createIndex('outbox_delivered_at').on('outbox').column('delivered_at').execute();
        // Requests and events already taken (Slack retries and replays), across restarts and replicas.
        await db.schema
          .createTable('seen_requests')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('seen_requests_expires').on('seen_requests').column('expires_at').execute();
        // Named leases: one replica at a time does a job (e.g. delivers one incident's card and thread).
        await db.schema
          .createTable('leases')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('owner', 'text', (c) => c.notNull())
          .addColumn('until', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
    '0005-drill-plan': {
      // A drill's participants (the only people it pages) and its speed (issue 15), as JSON.
      async up(db: AnyDb) {
        await db.schema.alterTable('incidents').addColumn('drill_plan', 'text').execute();
      },
    },
    '0006-replica-presence': {
      // Several replicas on one PostgreSQL (issue 13): each process's lease, which replica holds
      // each agent's link (with a lease its heartbeats renew), and agent requests as rows that travel
      // from the replica asking to the replica holding the link and back. Unused on SQLite.
      async up(db: AnyDb) {
        await db.schema
          .createTable('replicas')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('started_at', 'bigint', (c) => c.notNull())
          .addColumn('lease_until', 'bigint', (c) => c.notNull())
          .addColumn('info', 'text', (c) => c.notNull())
          .execute();
        await db.schema.alterTable('agents').addColumn('replica', 'text').execute();
        await db.schema.alterTable('agents').addColumn('lease_until', 'bigint').execute();
        await db.schema.alterTable('agents').addColumn('link', 'text').execute();
        await db.schema
          .createTable('agent_requests')
          .addColumn('request_id', 'text', (c) => c.primaryKey())
          .addColumn('host', 'text', (c) => c.notNull())
          .addColumn('origin', 'text', (c) => c.notNull())
          .addColumn('holder', 'text')
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('request', 'text', (c) => c.notNull())
          .addColumn('result', 'text')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('agent_requests_holder').on('agent_requests').columns(['holder', 'state']).execute();
        await db.schema.createIndex('agent_requests_state').on('agent_requests').columns(['state', 'host']).execute();
      },
    },
    '0007-approval-plan': {
      // Issue 14: the plan (resolved target, facts, digest, chosen target) an approval was given for, as JSON.
      async up(db: AnyDb) {
        await db.schema.alterTable('approvals').addColumn('plan', 'text').execute();
      },
    },
    '0008-delivery-timer': {
      // Which timer reserved a page (its kind, one per incident): a retaken timer settles only its own
      // unsent pages, not those of another timer paging at the same level (the page at open and the
      // ladder's level 0), which may be in flight on another replica. Rows from before say '' and
      // are settled by level, as they were.
      async up(db: AnyDb) {
        await db.schema.alterTable('deliveries').addColumn('timer', 'text', (c) => c.notNull().defaultTo('')).execute();
      },
    },
    '0009-incidents-by-status-newest-first': {
      // The incident list reads incidents of some states newest first (every `/incident status`
      // without an id looks up the open one): with that order in the index the database reads the
      // rows in order instead of sorting them. It replaces incidents_status, its prefix, so an
      // incident still writes one index entry for its state.
      async up(db: AnyDb) {
        await db.schema.createIndex('incidents_status_opened').on('incidents').columns(['status', 'opened_at', 'id']).execute();
        await db.schema.dropIndex('incidents_status').execute();
      },
    },
    '0010-partial-indexes': {
      // Two indexes held an entry for every row though their queries only look for rows with a
      // value: live claims by lease end (claimed_until is set only while a timer is claimed) and
      // recovered incidents by type (resolved_at). As partial indexes, the eight timers and the row
      // of an `/incident open` no longer write into them: two of the ~25 pages each open commits
      // to the WAL. The queries that use them name the condition (`claimed_until is not null`,
      // `resolved_at is not null`), so SQLite and PostgreSQL can still use them.
      async up(db: AnyDb) {
        await db.schema.dropIndex('timers_claimed_until').execute();
        await db.schema.createIndex('timers_claimed_until').on('timers').column('claimed_until').where(sql<boolean>`claimed_until is not null`).execute();
        await db.schema.dropIndex('incidents_type_resolved').execute();
        await db.schema
          .createIndex('incidents_type_resolved')
          .on('incidents')
          .columns(['type', 'resolved_at'])
          .where(sql<boolean>`resolved_at is not null`)
          .execute();
      },
    },
    '0011-checklist-without-rowid': {
      // SQLite: the checklist becomes a table keyed by its primary key (WITHOUT ROWID) instead of a
      // rowid table beside a separate index on (incident_id, item_id): a tick writes one b-tree,
      // not two, and the ticks of an `/incident open` commit one WAL page instead of three. Same
      // columns, key and constraint name; no query reads the rowid. Rebuilt in one transaction, and
      // safe to run again. PostgreSQL keeps its table (a heap and its key's index either way).
      async up(db: AnyDb) {
        if (dialect !== 'sqlite') return;
        await sql`savepoint checklist_without_rowid`.execute(db);
        try {
          await sql`drop table if exists checklist_rebuilt`.execute(db);
          await sql`create table checklist_rebuilt (
            incident_id text not null,
            item_id text not null,
            done_by text not null,
            done_at bigint not null,
            constraint checklist_pk primary key (incident_id, item_id)
          ) without rowid`.execute(db);
          await sql`insert into checklist_rebuilt (incident_id, item_id, done_by, done_at) select incident_id, item_id, done_by, done_at from checklist`.execute(db);
          await sql`drop table checklist`.execute(db);
          await sql`alter table checklist_rebuilt rename to checklist`.execute(db);
        } catch (err) {
          await sql`rollback to checklist_without_rowid`.execute(db);
          await sql`release checklist_without_rowid`.execute(db);
          throw err;
        }
        await sql`release checklist_without_rowid`.execute(db);
      },
    },
  };
}

/** Brings the database up to the newest migration; throws with the failing migration's name. */
export async function migrateToLatest(db: AnyDb, dialect: Dialect, schema?: string): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  // With a PostgreSQL schema the migration bookkeeping lives in it too (Kysely otherwise finds another schema's table).
  const migrator = new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${(error as Error).message ?? String(error)}`, { cause: error });
  }
}
