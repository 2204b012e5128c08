import type { Kysely, Selectable } from 'kysely';
import type { Dialect } from './migrations.js';
import type { Database, OutboxTable } from './schema.js';

/** Delivered (or dropped) rows kept for diagnosis: at most this many, and none older than OUTBOX_KEEP_MS. */
export const OUTBOX_KEEP_DELIVERED = 1_000;
/** How long a delivered row is kept at most (24 h). */
export const OUTBOX_KEEP_MS = 24 * 60 * 60_000;

/** One message waiting to be delivered to a platform. */
export interface OutboxItem {
  id: number;
  platform: string;
  kind: string;
  payload: Record<string, unknown>;
  createdAt: number;
  nextAttemptAt: number;
  attempts: number;
  lastError?: string;
}

/** A message for the outbox: which platform, what kind of delivery, and its data. */
export interface OutboxEntry {
  platform: string;
  kind: string;
  payload: Record<string, unknown>;
  /** While an undelivered row with this key exists, another with the same key is not added. */
  dedupeKey?: string;
}

function toItem(r: Selectable<OutboxTable>): OutboxItem {
  return {
    id: Number(r.id),
    platform: r.platform,
    kind: r.kind,
    payload: JSON.parse(r.payload) as Record<string, unknown>,
    createdAt: Number(r.created_at),
    nextAttemptAt: Number(r.next_attempt_at),
    attempts: Number(r.attempts),
    lastError: r.last_error ?? undefined,
  };
}

/**
 * Deliveries that could not be made at once (platform down, rate limited), kept as rows so a
 * restart loses none; a drainer delivers them oldest first, per platform. A row is claimed (a
 * lease) before it is delivered, so two processes never send the same one; a claim left by a
 * process that died runs out and another delivers the row.
 */
export class OutboxRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  /** Adds a message; returns its id, or undefined when an undelivered one with the same key is already waiting. */
  async enqueue(entry: OutboxEntry, now: number): Promise<number | undefined> {
    const row = await this.db
      .insertInto('outbox')
      .values({
        platform: entry.platform,
        kind: entry.kind,
        dedupe_key: entry.dedupeKey ?? null,
        payload: JSON.stringify(entry.payload),
        created_at: now,
        next_attempt_at: now,
        attempts: 0,
        last_error: null,
        delivered_at: null,
        claimed_by: null,
        claimed_until: null,
      })
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    return row ? Number(row.id) : undefined;
  }

  /** Undelivered messages of a platform, oldest first. */
  async pending(platform: string, limit = 100): Promise<OutboxItem[]> {
    const rows = await this.db
      .selectFrom('outbox')
      .selectAll()
      .where('platform', '=', platform)
      .where('delivered_at', 'is', null)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toItem);
  }

  /**
   * Claims the oldest undelivered message of a platform for `owner` until `leaseUntil`, when it is
   * due and nobody else holds it; undefined otherwise (the head blocks the rest, so order holds even
   * with several drainers). Call inside a write transaction: on PostgreSQL the head row is locked
   * with SKIP LOCKED, so a concurrent claimer gets nothing instead of waiting or taking the next row.
   */
  async claimHead(platform: string, now: number, owner: string, leaseUntil: number): Promise<OutboxItem | undefined> {
    const head = this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.min('id').as('id'))
      .where('platform', '=', platform)
      .where('delivered_at', 'is', null);
    const row = await this.db
      .selectFrom('outbox')
      .selectAll()
      .where('id', '=', head)
      .where('delivered_at', 'is', null)
      .$if(this.dialect === 'postgres', (qb) => qb.forUpdate().skipLocked())
      .executeTakeFirst();
    if (!row) return undefined;
    if (Number(row.next_attempt_at) > now) return undefined;
    if (row.claimed_until !== null && Number(row.claimed_until) > now && row.claimed_by !== owner) return undefined;
    await this.db.updateTable('outbox').set({ claimed_by: owner, claimed_until: leaseUntil }).where('id', '=', row.id).execute();
    return toItem(row);
  }

  /** Extends `owner`'s claim on an undelivered row to `leaseUntil` (its delivery is slow); false when the claim is no longer its own. */
  async extendClaim(id: number, owner: string, leaseUntil: number): Promise<boolean> {
    const res = await this.db
      .updateTable('outbox')
      .set({ claimed_until: leaseUntil })
      .where('id', '=', id)
      .where('claimed_by', '=', owner)
      .where('claimed_until', 'is not', null)
      .where('delivered_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  /** When the head of a platform's queue can next be claimed (its retry time or the end of someone's lease). */
  async headFreeAt(platform: string): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('outbox')
      .select(['next_attempt_at', 'claimed_until'])
      .where('platform', '=', platform)
      .where('delivered_at', 'is', null)
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    return row ? Math.max(Number(row.next_attempt_at), Number(row.claimed_until ?? 0)) : undefined;
  }

  /**
   * Deletes delivered (and dropped) rows past the bounds: older than `keepMs`, or beyond the newest
   * `keep`. Undelivered rows are never touched. Returns how many went.
   */
  async prune(now: number, keep = OUTBOX_KEEP_DELIVERED, keepMs = OUTBOX_KEEP_MS): Promise<number> {
    const old = await this.db.deleteFrom('outbox').where('delivered_at', 'is not', null).where('delivered_at', '<', now - keepMs).executeTakeFirst();
    const newest = this.db
      .selectFrom('outbox')
      .select('id')
      .where('delivered_at', 'is not', null)
      .orderBy('delivered_at', 'desc')
      .orderBy('id', 'desc')
      .limit(keep);
    const extra = await this.db.deleteFrom('outbox').where('delivered_at', 'is not', null).where('id', 'not in', newest).executeTakeFirst();
    return Number(old.numDeletedRows) + Number(extra.numDeletedRows);
  }

  /** Number of undelivered messages of a platform. */
  async countPending(platform: string): Promise<number> {
    const row = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('platform', '=', platform)
      .where('delivered_at', 'is', null)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Marks a message delivered (its dedupe key is released for later messages) and ends its claim. */
  async delivered(id: number, now: number): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({ delivered_at: now, dedupe_key: null, claimed_until: null, attempts: (eb) => eb('attempts', '+', 1) })
      .where('id', '=', id)
      .execute();
  }

  /** Records a failed attempt and when to try again, and ends the claim. */
  async failed(id: number, error: string, nextAttemptAt: number): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({ last_error: error.slice(0, 1000), next_attempt_at: nextAttemptAt, claimed_until: null, attempts: (eb) => eb('attempts', '+', 1) })
      .where('id', '=', id)
      .execute();
  }

  /** Puts a claimed message back for later without counting an attempt (what it needs is busy elsewhere). */
  async postpone(id: number, nextAttemptAt: number): Promise<void> {
    await this.db.updateTable('outbox').set({ next_attempt_at: nextAttemptAt, claimed_until: null }).where('id', '=', id).execute();
  }

  /** Gives up on a message that can never be delivered (the reason stays in `last_error`). */
  async dropped(id: number, error: string, now: number): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({ delivered_at: now, dedupe_key: null, claimed_until: null, last_error: `dropped: ${error}`.slice(0, 1000), attempts: (eb) => eb('attempts', '+', 1) })
      .where('id', '=', id)
      .execute();
  }
}
