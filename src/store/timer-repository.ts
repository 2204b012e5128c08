import type { Kysely, Selectable } from 'kysely';
import type { Dialect } from './migrations.js';
import type { Database, TimersTable } from './schema.js';
import { ReusableRowsQuery } from './reusable-query.js';

/** The timers of a new incident in one insert, compiled once per row count (src/store/reusable-query.ts). */
const INSERT_NEW = new ReusableRowsQuery<{ incidentId: string; kind: string[]; dueAt: number[]; payload: string[] }>((db, v, rows) =>
  db.insertInto('timers').values(
    Array.from({ length: rows }, (_, i) => ({
      incident_id: v('incidentId'),
      kind: v('kind', i),
      due_at: v('dueAt', i),
      payload: v('payload', i),
      claimed_by: null,
      claimed_until: null,
      fired_at: null,
      cancelled_at: null,
    })),
  ),
);

/** A durable timer: a row with a due time, claimed and marked fired by the scheduler. */
export interface TimerRow {
  id: number;
  incidentId: string;
  kind: string;
  dueAt: number;
  payload: Record<string, unknown>;
  claimedBy?: string;
  claimedUntil?: number;
  firedAt?: number;
  cancelledAt?: number;
}

/** Timers keyed by (incident, kind); the incident id is '' for timers that belong to no incident. */
export class TimerRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  /** Creates the timer or moves an unfired one to a new due time. */
  async schedule(incidentId: string, kind: string, dueAt: number, payload: Record<string, unknown> = {}): Promise<void> {
    await this.db
      .insertInto('timers')
      .values({ incident_id: incidentId, kind, due_at: dueAt, payload: JSON.stringify(payload), claimed_by: null, claimed_until: null, fired_at: null, cancelled_at: null })
      .onConflict((oc) =>
        oc
          .columns(['incident_id', 'kind'])
          .doUpdateSet({ due_at: dueAt, payload: JSON.stringify(payload), cancelled_at: null })
          .where('timers.fired_at', 'is', null),
      )
      .execute();
  }

  /** Creates the timers of a new incident in one statement (they cannot exist yet). */
  async scheduleNew(incidentId: string, timers: readonly { kind: string; dueAt: number; payload?: Record<string, unknown> }[]): Promise<void> {
    if (!timers.length) return;
    await INSERT_NEW.run(this.db, this.dialect, timers.length, {
      incidentId,
      kind: timers.map((t) => t.kind),
      dueAt: timers.map((t) => t.dueAt),
      payload: timers.map((t) => JSON.stringify(t.payload ?? {})),
    });
  }

  /** Cancels every unfired timer of an incident. */
  async cancelForIncident(incidentId: string, at: number): Promise<number> {
    const res = await this.db
      .updateTable('timers')
      .set({ cancelled_at: at })
      .where('incident_id', '=', incidentId)
      .where('fired_at', 'is', null)
      .where('cancelled_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows);
  }

  /** Timers of an incident, by due time. */
  async forIncident(incidentId: string): Promise<TimerRow[]> {
    const rows = await this.db.selectFrom('timers').selectAll().where('incident_id', '=', incidentId).orderBy('due_at').orderBy('id').execute();
    return rows.map(toTimer);
  }

  /** Creates the timer only when no row of that kind exists (recurring timers are armed once). */
  async ensure(incidentId: string, kind: string, dueAt: number, payload: Record<string, unknown> = {}): Promise<boolean> {
    const res = await this.db
      .insertInto('timers')
      .values({ incident_id: incidentId, kind, due_at: dueAt, payload: JSON.stringify(payload), claimed_by: null, claimed_until: null, fired_at: null, cancelled_at: null })
      .onConflict((oc) => oc.columns(['incident_id', 'kind']).doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Ids and due times of timers that are due at `now` and not held by a live claim, oldest first. */
  async due(now: number, limit: number): Promise<{ id: number; dueAt: number }[]> {
    const rows = await this.db
      .selectFrom('timers')
      .select(['id', 'due_at'])
      .where('fired_at', 'is', null)
      .where('cancelled_at', 'is', null)
      .where('due_at', '<=', now)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]))
      .orderBy('due_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: Number(r.id), dueAt: Number(r.due_at) }));
  }

  /**
   * Claims one due timer for `owner` until `leaseUntil`; undefined when it is no longer claimable
   * (fired, cancelled, moved later, or held by a live claim). Call inside a write transaction; on
   * PostgreSQL the row is locked with SKIP LOCKED so a concurrent claimer moves on instead of waiting.
   */
  async claim(id: number, now: number, owner: string, leaseUntil: number): Promise<TimerRow | undefined> {
    const row = await this.db
      .selectFrom('timers')
      .selectAll()
      .where('id', '=', id)
      .where('fired_at', 'is', null)
      .where('cancelled_at', 'is', null)
      .where('due_at', '<=', now)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]))
      .$if(this.dialect === 'postgres', (qb) => qb.forUpdate().skipLocked())
      .executeTakeFirst();
    if (!row) return undefined;
    const res = await this.db
      .updateTable('timers')
      .set({ claimed_by: owner, claimed_until: leaseUntil })
      .where('id', '=', id)
      .where('fired_at', 'is', null)
      .where('cancelled_at', 'is', null)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return undefined;
    // The previous claim (if any) is returned so the caller can tell a lease-expired re-claim.
    return toTimer(row);
  }

  /** Records that the timer has acted; a fired timer never fires again. */
  async markFired(id: number, at: number): Promise<void> {
    await this.db.updateTable('timers').set({ fired_at: at, claimed_until: null }).where('id', '=', id).where('fired_at', 'is', null).execute();
  }

  /** Moves a recurring or deferred timer to a new due time and releases its claim. */
  async rearm(id: number, dueAt: number, payload?: Record<string, unknown>): Promise<void> {
    await this.db
      .updateTable('timers')
      .set({ due_at: dueAt, claimed_by: null, claimed_until: null, ...(payload ? { payload: JSON.stringify(payload) } : {}) })
      .where('id', '=', id)
      .where('fired_at', 'is', null)
      .execute();
  }

  /** Replaces a timer's payload (the scheduler notes there that a claim got as far as reserving pages). */
  async setPayload(id: number, payload: Record<string, unknown>): Promise<void> {
    await this.db.updateTable('timers').set({ payload: JSON.stringify(payload) }).where('id', '=', id).execute();
  }

  /**
   * Adds `item` to the `items` list in the payload of the timer (incidentId, kind), creating the
   * timer, or arming it again if it fired, and makes it due no later than `dueAt`. `cutoff` is kept
   * as the largest given. The row is locked (FOR UPDATE on PostgreSQL; SQLite's write transaction is
   * exclusive), so appenders on several replicas queue instead of losing each other's items. An
   * item whose `key` is already listed is not added twice. Call inside a write transaction.
   */
  async appendItem(incidentId: string, kind: string, item: { key: string } & Record<string, unknown>, dueAt: number, cutoff: number): Promise<void> {
    await this.db
      .insertInto('timers')
      .values({ incident_id: incidentId, kind, due_at: dueAt, payload: JSON.stringify({ items: [] }), claimed_by: null, claimed_until: null, fired_at: null, cancelled_at: null })
      .onConflict((oc) => oc.columns(['incident_id', 'kind']).doNothing())
      .execute();
    const row = await this.db
      .selectFrom('timers')
      .selectAll()
      .where('incident_id', '=', incidentId)
      .where('kind', '=', kind)
      .$if(this.dialect === 'postgres', (qb) => qb.forUpdate())
      .executeTakeFirstOrThrow();
    const payload = JSON.parse(row.payload) as { items?: { key: string }[]; cutoff?: number };
    const items = payload.items ?? [];
    if (items.some((i) => i.key === item.key)) return;
    const idle = row.fired_at !== null || row.cancelled_at !== null;
    await this.db
      .updateTable('timers')
      .set({
        payload: JSON.stringify({ ...payload, items: [...items, item], cutoff: Math.max(payload.cutoff ?? cutoff, cutoff), firstAt: idle || !items.length ? dueAt : (payload as { firstAt?: number }).firstAt ?? dueAt }),
        due_at: idle ? dueAt : Math.min(Number(row.due_at), dueAt),
        ...(idle ? { fired_at: null, cancelled_at: null, claimed_by: null, claimed_until: null } : {}),
      })
      .where('id', '=', row.id)
      .execute();
  }

  /** How many timers other than `exceptKind` are still to fire though they were due before `cutoff` (work a catch-up has not finished). */
  async pendingBefore(cutoff: number, exceptKind: string): Promise<number> {
    const row = await this.db
      .selectFrom('timers')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('fired_at', 'is', null)
      .where('cancelled_at', 'is', null)
      .where('due_at', '<', cutoff)
      .where('kind', '!=', exceptKind)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Pushes a live claim's lease forward (a claim whose work failed is retried when the lease runs out). */
  async extendClaim(id: number, owner: string, leaseUntil: number): Promise<void> {
    await this.db.updateTable('timers').set({ claimed_by: owner, claimed_until: leaseUntil }).where('id', '=', id).where('fired_at', 'is', null).execute();
  }

  /** When the scheduler next has something to do: the earliest unclaimed due time or expiring lease. */
  async nextWakeAt(): Promise<number | undefined> {
    const unclaimed = await this.db
      .selectFrom('timers')
      .select('due_at')
      .where('fired_at', 'is', null)
      .where('cancelled_at', 'is', null)
      .where('claimed_until', 'is', null)
      .orderBy('due_at')
      .limit(1)
      .executeTakeFirst();
    const leased = await this.db
      .selectFrom('timers')
      .select(['due_at', 'claimed_until'])
      .where('fired_at', 'is', null)
      .where('cancelled_at', 'is', null)
      .where('claimed_until', 'is not', null)
      .orderBy('claimed_until')
      .limit(1)
      .executeTakeFirst();
    const times = [unclaimed ? Number(unclaimed.due_at) : undefined, leased ? Math.max(Number(leased.due_at), Number(leased.claimed_until)) : undefined].filter(
      (t): t is number => t !== undefined,
    );
    return times.length ? Math.min(...times) : undefined;
  }
}

function toTimer(r: Selectable<TimersTable>): TimerRow {
  return {
    id: Number(r.id),
    incidentId: r.incident_id,
    kind: r.kind,
    dueAt: Number(r.due_at),
    payload: JSON.parse(r.payload) as Record<string, unknown>,
    claimedBy: r.claimed_by ?? undefined,
    claimedUntil: r.claimed_until === null ? undefined : Number(r.claimed_until),
    firedAt: r.fired_at === null ? undefined : Number(r.fired_at),
    cancelledAt: r.cancelled_at === null ? undefined : Number(r.cancelled_at),
  };
}
