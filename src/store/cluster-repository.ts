import { agentInfo, deploymentOf } from './agent-repository.js';
import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import type { Database } from './schema.js';

/** The database's clock in epoch milliseconds: leases compare against one clock, whatever the replicas' clocks say. */
const DB_NOW = sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`;

/** One drbot process sharing the database. */
export interface ReplicaRow {
  id: string;
  startedAt: number;
  leaseUntil: number;
  info: Record<string, unknown>;
}

/** Which replica holds an agent's link, as the database says now. */
export interface AgentHoldingRow {
  id: string;
  host: string;
  /** True while a live replica holds the link under an unexpired lease. */
  online: boolean;
  replica?: string;
  lastSeenAt?: number;
  /** How the service runs on the host (the agent's hello, kept in `agents.info`). */
  deployment?: 'docker' | 'local' | 'both';
}

/** Where an agent request row stands. */
export type AgentRequestState = 'queued' | 'sent' | 'done' | 'abandoned' | 'delivered' | 'settled';

/** One agent request as a row: asked by `origin`, sent to the agent by `holder`, answered in `result`. */
export interface AgentRequestRow {
  requestId: string;
  host: string;
  origin: string;
  holder?: string;
  state: AgentRequestState;
  /** The request as JSON (the agent protocol's shape). */
  request: string;
  /** The result as JSON once `done`. */
  result?: string;
  createdAt: number;
  updatedAt: number;
  /** Set by `orphans()`: whether the holder's replica is alive. */
  holderAlive?: boolean;
}

/** A step run recorded as running whose request row was never written. */
export interface UnsentRun {
  requestId: string;
  incidentId: string;
  approvalId?: string;
  action: string;
  host: string;
}

/** A message on the replicas' notification channel. */
export interface ClusterNotice {
  /** `req`: a request row waits for `to`; `res`: a result row waits for `to`; `agents`: presence changed. */
  k: 'req' | 'res' | 'agents';
  to?: string;
  id?: string;
  /** On `res`: the result as written in the row, when it is small enough to ride along (the waiting replica need not read the row first). */
  r?: unknown;
}

/** A result at most this long (bytes) rides in its `res` notification; PostgreSQL takes payloads under 8,000 bytes. */
export const INLINE_RESULT_MAX_BYTES = 7_000;

/** A live LISTEN connection; `close()` ends it. */
export interface ClusterListener {
  close(): Promise<void>;
}

type RequestDbRow = Database['agent_requests'];

function toRequest(r: RequestDbRow & { holder_alive?: boolean | null }): AgentRequestRow {
  return {
    requestId: r.request_id,
    host: r.host,
    origin: r.origin,
    holder: r.holder ?? undefined,
    state: r.state as AgentRequestState,
    request: r.request,
    result: r.result ?? undefined,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    ...(r.holder_alive === undefined || r.holder_alive === null ? {} : { holderAlive: r.holder_alive }),
  };
}

/**
 * Coordination of several drbot replicas on one PostgreSQL database, with PostgreSQL itself as the
 * engine: replica leases (rows), which replica holds each agent's link (a lease renewed by its
 * heartbeats), agent requests as rows claimed with `FOR UPDATE SKIP LOCKED`, and `LISTEN/NOTIFY`
 * on one channel per schema to wake the replica a row waits for (polling stays the fallback).
 * Only the PostgreSQL store has one; on SQLite drbot is one process and talks to its agents directly.
 */
export class ClusterRepository {
  constructor(
    private readonly db: Kysely<Database>,
    /** The notification channel (per schema, so tests and deployments sharing a database never hear each other). */
    readonly channel: string,
    private readonly connect: () => pg.Client,
  ) {}

  /** The database's clock (epoch ms). */
  async now(): Promise<number> {
    const r = await sql<{ now: number }>`select ${DB_NOW} as now`.execute(this.db);
    return Number(r.rows[0]!.now);
  }

  /** Registers (or re-registers) a replica with a lease of `leaseMs`. */
  async joinReplica(id: string, info: Record<string, unknown>, leaseMs: number): Promise<void> {
    const lease = sql<number>`${DB_NOW} + ${leaseMs}`;
    await this.db
      .insertInto('replicas')
      .values({ id, started_at: DB_NOW, lease_until: lease, info: JSON.stringify(info) })
      .onConflict((oc) => oc.column('id').doUpdateSet({ started_at: DB_NOW, lease_until: lease, info: JSON.stringify(info) }))
      .execute();
  }

  /** Renews a replica's lease; false when its row is gone (another process took the id over, or it was removed). */
  async renewReplica(id: string, leaseMs: number): Promise<boolean> {
    const r = await this.db.updateTable('replicas').set({ lease_until: sql<number>`${DB_NOW} + ${leaseMs}` }).where('id', '=', id).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Removes a replica (it stops) and lets go of every agent link it held. */
  async leaveReplica(id: string, lastSeenAt: number): Promise<void> {
    await this.db.updateTable('agents').set({ connected: 0, replica: null, link: null, lease_until: null, last_seen_at: lastSeenAt }).where('replica', '=', id).execute();
    await this.db.deleteFrom('replicas').where('id', '=', id).execute();
  }

  /** Replicas whose lease runs, oldest first. */
  async liveReplicas(): Promise<ReplicaRow[]> {
    const rows = await this.db.selectFrom('replicas').selectAll().where('lease_until', '>', DB_NOW).orderBy('started_at').orderBy('id').execute();
    return rows.map((r) => {
      let info: Record<string, unknown> = {};
      try {
        info = JSON.parse(r.info) as Record<string, unknown>;
      } catch {
        // written by hand
      }
      return { id: r.id, startedAt: Number(r.started_at), leaseUntil: Number(r.lease_until), info };
    });
  }

  /** Drops replica rows whose lease ended more than `olderThanMs` ago (crashed processes), so the table stays small. */
  async forgetDeadReplicas(olderThanMs: number): Promise<number> {
    const r = await this.db.deleteFrom('replicas').where('lease_until', '<', sql<number>`${DB_NOW} - ${olderThanMs}`).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  /** Records that `replica` now holds agent `id`'s link `link` (the newest connection wins). */
  async holdAgent(row: { id: string; host: string; replica: string; link: string; leaseMs: number; lastSeenAt: number; deployment?: 'docker' | 'local' | 'both' }): Promise<void> {
    const values = {
      id: row.id,
      connected: 1,
      last_seen_at: row.lastSeenAt,
      info: agentInfo(row.host, row.deployment),
      replica: row.replica,
      link: row.link,
      lease_until: sql<number>`${DB_NOW} + ${row.leaseMs}`,
    };
    await this.db
      .insertInto('agents')
      .values(values)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({ connected: 1, last_seen_at: values.last_seen_at, info: values.info, replica: values.replica, link: values.link, lease_until: values.lease_until }),
      )
      .execute();
  }

  /** Lets go of agent `id`'s link, only when it is still this replica's link `link` (a newer connection elsewhere stays). */
  async releaseAgent(id: string, replica: string, link: string, lastSeenAt: number): Promise<boolean> {
    const r = await this.db
      .updateTable('agents')
      .set({ connected: 0, replica: null, link: null, lease_until: null, last_seen_at: lastSeenAt })
      .where('id', '=', id)
      .where('replica', '=', replica)
      .where('link', '=', link)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Renews the leases of the links `replica` still holds (its heartbeat); returns the ids whose row says another replica holds them now. */
  async renewAgents(replica: string, links: readonly { id: string; link: string; lastSeenAt: number }[], leaseMs: number): Promise<string[]> {
    const lost: string[] = [];
    for (const l of links) {
      const r = await this.db
        .updateTable('agents')
        .set({ lease_until: sql<number>`${DB_NOW} + ${leaseMs}`, last_seen_at: l.lastSeenAt, connected: 1 })
        .where('id', '=', l.id)
        .where('replica', '=', replica)
        .where('link', '=', l.link)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) lost.push(l.id);
    }
    return lost;
  }

  /** Every agent with whether a live replica holds its link now, and which. */
  async agentHoldings(): Promise<AgentHoldingRow[]> {
    const rows = await this.db
      .selectFrom('agents as a')
      .leftJoin('replicas as r', 'r.id', 'a.replica')
      .select([
        'a.id',
        'a.info',
        'a.replica',
        'a.last_seen_at',
        sql<boolean>`(a.connected = 1 and a.lease_until > ${DB_NOW} and r.lease_until is not null and r.lease_until > ${DB_NOW})`.as('online'),
      ])
      .orderBy('a.id')
      .execute();
    return rows.map((r) => {
      let host = r.id;
      let deployment: AgentHoldingRow['deployment'];
      try {
        const info = JSON.parse(r.info) as { host?: string };
        host = info.host ?? r.id;
        deployment = deploymentOf(info);
      } catch {
        // info written by an older drbot
      }
      return { id: r.id, host, online: r.online === true, replica: r.online ? (r.replica ?? undefined) : undefined, lastSeenAt: r.last_seen_at === null ? undefined : Number(r.last_seen_at), ...(deployment ? { deployment } : {}) };
    });
  }

  /**
   * Writes a request row (`queued` for another replica's link, `sent` when the writer sends it
   * itself) and, with `notice`, wakes the listeners in the same statement (one round trip).
   */
  async insertRequest(row: { requestId: string; host: string; origin: string; holder: string; state: 'queued' | 'sent'; request: string }, notice?: ClusterNotice): Promise<void> {
    const insert = this.db
      .insertInto('agent_requests')
      .values({ request_id: row.requestId, host: row.host, origin: row.origin, holder: row.holder, state: row.state, request: row.request, result: null, created_at: DB_NOW, updated_at: DB_NOW });
    if (!notice) {
      await insert.execute();
      return;
    }
    await this.db
      .with('ins', () => insert.returning('request_id'))
      .selectFrom('ins')
      .select(sql<string>`pg_notify(${this.channel}, ${JSON.stringify(notice)})`.as('n'))
      .execute();
  }

  /** Claims up to `limit` requests queued for `holder` (marks them `sent`); two claimers never get the same row. */
  async claimQueued(holder: string, limit = 20): Promise<AgentRequestRow[]> {
    const rows = await this.db
      .updateTable('agent_requests')
      .set({ state: 'sent', updated_at: DB_NOW })
      .where('request_id', 'in', (qb) =>
        qb.selectFrom('agent_requests').select('request_id').where('holder', '=', holder).where('state', '=', 'queued').orderBy('created_at').limit(limit).forUpdate().skipLocked(),
      )
      .where('state', '=', 'queued')
      .returningAll()
      .execute();
    return rows.map(toRequest);
  }

  /** Claims one request queued for `holder` by its id (its notification named it); undefined when it is not queued for it any more. */
  async claimOne(holder: string, requestId: string): Promise<AgentRequestRow | undefined> {
    const row = await this.db
      .updateTable('agent_requests')
      .set({ state: 'sent', updated_at: DB_NOW })
      .where('request_id', '=', requestId)
      .where('holder', '=', holder)
      .where('state', '=', 'queued')
      .returningAll()
      .executeTakeFirst();
    return row ? toRequest(row) : undefined;
  }

  /**
   * Records the result of a request `holder` sent; false when the row is no longer this holder's to
   * answer. With `notifyOrigin` the asking replica is woken in the same statement, with the result in
   * the notification when it is small (INLINE_RESULT_MAX_BYTES); `delivered` when the holder asked for
   * it itself and reads the answer at once.
   */
  async complete(requestId: string, holder: string, result: string, notifyOrigin = false, state: 'done' | 'delivered' = 'done'): Promise<boolean> {
    const update = this.db
      .updateTable('agent_requests')
      .set({ state, result, updated_at: DB_NOW })
      .where('request_id', '=', requestId)
      .where('holder', '=', holder)
      .where('state', '=', 'sent');
    if (!notifyOrigin) return Number((await update.executeTakeFirst()).numUpdatedRows) > 0;
    const rows = await this.db
      .with('upd', () => update.returning(['request_id', 'origin']))
      .selectFrom('upd')
      .select(
        sql<string>`pg_notify(${this.channel}, case when octet_length(${result}::text) <= ${INLINE_RESULT_MAX_BYTES} then json_build_object('k', 'res', 'to', upd.origin, 'id', upd.request_id, 'r', ${result}::json)::text else json_build_object('k', 'res', 'to', upd.origin, 'id', upd.request_id)::text end)`.as('n'),
      )
      .execute();
    return rows.length > 0;
  }

  /** Takes the answered rows among these requests (marks them `delivered`): the asking replica reads each answer once. */
  async takeResults(requestIds: readonly string[]): Promise<AgentRequestRow[]> {
    if (!requestIds.length) return [];
    const rows = await this.db
      .updateTable('agent_requests')
      .set({ state: 'delivered', updated_at: DB_NOW })
      .where('request_id', 'in', [...requestIds])
      .where('state', '=', 'done')
      .returningAll()
      .execute();
    return rows.map(toRequest);
  }

  /** Hands a request `holder` claimed but cannot send (the link moved) to `to`, queued again: it was never sent. */
  async reroute(requestId: string, holder: string, to: string): Promise<boolean> {
    const r = await this.db
      .updateTable('agent_requests')
      .set({ state: 'queued', holder: to, updated_at: DB_NOW })
      .where('request_id', '=', requestId)
      .where('holder', '=', holder)
      .where('state', '=', 'sent')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /**
   * The agent of `host` connected to `holder`: requests another replica sent it (their answers now
   * arrive here) become this holder's to settle by asking the agent, and requests queued for another
   * replica are this holder's to send. Returns the sent ones taken over.
   */
  async takeOver(host: string, holder: string): Promise<AgentRequestRow[]> {
    await this.db.updateTable('agent_requests').set({ holder, updated_at: DB_NOW }).where('host', '=', host).where('state', '=', 'queued').where('holder', '<>', holder).execute();
    const rows = await this.db
      .updateTable('agent_requests')
      .set({ holder, updated_at: DB_NOW })
      .where('host', '=', host)
      .where('state', '=', 'sent')
      .where('holder', '<>', holder)
      .returningAll()
      .execute();
    return rows.map(toRequest);
  }

  /** Marks a request nobody will send any more as abandoned, only while it is still queued; true when it was. */
  async abandon(requestId: string): Promise<boolean> {
    const r = await this.db.updateTable('agent_requests').set({ state: 'abandoned', updated_at: DB_NOW }).where('request_id', '=', requestId).where('state', '=', 'queued').executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Marks an answered request as read by its origin (`delivered`) or by a survivor settling it (`settled`). */
  async markRead(requestId: string, state: 'delivered' | 'settled'): Promise<boolean> {
    const r = await this.db.updateTable('agent_requests').set({ state, updated_at: DB_NOW }).where('request_id', '=', requestId).where('state', '=', 'done').executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** The rows of these requests (any state). */
  async requests(requestIds: readonly string[]): Promise<AgentRequestRow[]> {
    if (!requestIds.length) return [];
    const rows = await this.db.selectFrom('agent_requests').selectAll().where('request_id', 'in', [...requestIds]).execute();
    return rows.map(toRequest);
  }

  /** Unfinished or unread requests of `hosts` whose origin replica is no longer alive: nobody waits for their answer. */
  async orphans(hosts: readonly string[]): Promise<AgentRequestRow[]> {
    if (!hosts.length) return [];
    const rows = await this.db
      .selectFrom('agent_requests as q')
      .selectAll('q')
      .select(sql<boolean>`exists (select 1 from replicas h where h.id = q.holder and h.lease_until > ${DB_NOW})`.as('holder_alive'))
      .where('q.host', 'in', [...hosts])
      .where('q.state', 'in', ['queued', 'sent', 'done'])
      .where(sql<boolean>`not exists (select 1 from replicas o where o.id = q.origin and o.lease_until > ${DB_NOW})`)
      .orderBy('q.created_at')
      .limit(100)
      .execute();
    return rows.map(toRequest);
  }

  /**
   * Step runs of `hosts` still `running`, started before `startedBefore`, that have no request row:
   * the replica that recorded the run stopped before writing the row (so before anything was sent).
   */
  async unsentRuns(hosts: readonly string[], startedBefore: number, limit = 50): Promise<UnsentRun[]> {
    if (!hosts.length) return [];
    const rows = await this.db
      .selectFrom('step_runs as s')
      .innerJoin('incidents as i', 'i.id', 's.incident_id')
      .select(['s.request_id', 's.incident_id', 's.approval_id', 's.action', 'i.host'])
      .where('s.status', '=', 'running')
      .where('i.host', 'in', [...hosts])
      .where('s.started_at', '<', startedBefore)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('agent_requests as q').select('q.request_id').whereRef('q.request_id', '=', 's.request_id'))))
      .orderBy('s.started_at')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ requestId: r.request_id, incidentId: r.incident_id, approvalId: r.approval_id ?? undefined, action: r.action, host: r.host }));
  }

  /**
   * Writes the request row of an unsent run as `sent` by `holder` on behalf of `origin` (nobody waits
   * for it), only when no row exists; true when this call wrote it. The row fences the run: the
   * replica that recorded it can no longer write its own row (the primary key), so it is never sent
   * after this, and the holder settles it by asking the agent.
   */
  async fenceUnsent(row: { requestId: string; host: string; origin: string; holder: string; request: string }): Promise<boolean> {
    const r = await this.db
      .insertInto('agent_requests')
      .values({ request_id: row.requestId, host: row.host, origin: row.origin, holder: row.holder, state: 'sent', request: row.request, result: null, created_at: DB_NOW, updated_at: DB_NOW })
      .onConflict((oc) => oc.column('request_id').doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Deletes finished request rows older than `olderThanMs`. */
  async forgetOldRequests(olderThanMs: number): Promise<number> {
    const r = await this.db
      .deleteFrom('agent_requests')
      .where('state', 'in', ['delivered', 'settled', 'abandoned'])
      .where('updated_at', '<', sql<number>`${DB_NOW} - ${olderThanMs}`)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  /** Wakes the replicas listening on this schema's channel. */
  async notify(notice: ClusterNotice): Promise<void> {
    await sql`select pg_notify(${this.channel}, ${JSON.stringify(notice)})`.execute(this.db);
  }

  /**
   * Listens on this schema's channel over a connection of its own (LISTEN needs one that stays
   * open). A dropped connection is re-opened after `retryMs`; `onState` says when listening stops
   * and starts again, so the caller can poll meanwhile (and once right after, for what it missed).
   */
  listen(onNotice: (notice: ClusterNotice) => void, onState: (listening: boolean, err?: Error) => void, retryMs = 1000): ClusterListener {
    let closed = false;
    let client: pg.Client | undefined;
    let retry: NodeJS.Timeout | undefined;
    const open = async () => {
      if (closed) return;
      const c = this.connect();
      client = c;
      let failed = false;
      const fail = (err: Error) => {
        if (failed) return;
        failed = true;
        c.removeAllListeners('notification');
        void c.end().catch(() => undefined);
        if (closed) return;
        onState(false, err);
        retry = setTimeout(() => void open(), retryMs);
        retry.unref();
      };
      c.on('error', fail);
      c.on('end', () => fail(new Error('LISTEN connection ended')));
      c.on('notification', (msg) => {
        if (msg.channel !== this.channel || !msg.payload) return;
        try {
          onNotice(JSON.parse(msg.payload) as ClusterNotice);
        } catch {
          // not ours
        }
      });
      try {
        await c.connect();
        await c.query(`LISTEN "${this.channel}"`);
        if (closed) {
          await c.end().catch(() => undefined);
          return;
        }
        onState(true);
      } catch (err) {
        fail(err as Error);
      }
    };
    void open();
    return {
      async close() {
        closed = true;
        clearTimeout(retry);
        await client?.end().catch(() => undefined);
      },
    };
  }
}
