import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

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

/**
 * Deliveries that could not be made at once (platform down, rate limited), kept as rows so a
 * restart loses none; a drainer delivers them oldest first, per platform.
 */
export class OutboxRepository {
  constructor(private readonly db: Kysely<Database>) {}

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
    return rows.map((r) => ({
      id: Number(r.id),
      platform: r.platform,
      kind: r.kind,
      payload: JSON.parse(r.payload) as Record<string, unknown>,
      createdAt: Number(r.created_at),
      nextAttemptAt: Number(r.next_attempt_at),
      attempts: Number(r.attempts),
      lastError: r.last_error ?? undefined,
    }));
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

  /** Marks a message delivered (its dedupe key is released for later messages). */
  async delivered(id: number, now: number): Promise<void> {
    await this.db.updateTable('outbox').set({ delivered_at: now, dedupe_key: null, attempts: (eb) => eb('attempts', '+', 1) }).where('id', '=', id).execute();
  }

  /** Records a failed attempt and when to try again. */
  async failed(id: number, error: string, nextAttemptAt: number): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({ last_error: error.slice(0, 1000), next_attempt_at: nextAttemptAt, attempts: (eb) => eb('attempts', '+', 1) })
      .where('id', '=', id)
      .execute();
  }

  /** Gives up on a message that can never be delivered (the reason stays in `last_error`). */
  async dropped(id: number, error: string, now: number): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({ delivered_at: now, dedupe_key: null, last_error: `dropped: ${error}`.slice(0, 1000), attempts: (eb) => eb('attempts', '+', 1) })
      .where('id', '=', id)
      .execute();
  }
}
