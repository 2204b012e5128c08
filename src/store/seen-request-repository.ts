import type { Kysely } from 'kysely';
import type { Dialect } from './migrations.js';
import { ReusableRowsQuery } from './reusable-query.js';
import type { Database } from './schema.js';

/** One `firstSight` waiting for the statement its turn's sightings share. */
interface Sighting {
  key: string;
  expiresAt: number;
  now: number;
  resolve(first: boolean): void;
  reject(err: unknown): void;
}

/** Rows per upsert statement, well inside SQLite's and PostgreSQL's bind-parameter limits. */
const MAX_ROWS = 500;

/** The upsert of a batch of sightings, compiled once per batch size (building it cost more than running it). */
const RECORD = new ReusableRowsQuery<{ keys: readonly string[]; expiresAt: readonly number[]; now: number }, { key: string }>((db, v, n) =>
  db
    .insertInto('seen_requests')
    .values(Array.from({ length: n }, (_, i) => ({ key: v('keys', i), expires_at: v('expiresAt', i) })))
    .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ expires_at: eb.ref('excluded.expires_at') })).where('seen_requests.expires_at', '<=', v('now')))
    .returning('key'),
);

/**
 * Requests and events already taken (a platform's retries, a replayed signed request), kept in
 * the database so the memory survives a restart and is shared by every replica.
 *
 * Every signed Slack request is recorded here before it is acked, so this is a write per
 * request. Outside a transaction the sightings asked for in one event-loop turn are written by
 * one statement (group commit): one upsert and one commit for a burst of fifty requests instead
 * of fifty, which took this write from about half of drbot's CPU per slash command (the
 * slack-ack bench, 2026-11-29) to a small share.
 */
export class SeenRequestRepository {
  private gathering?: Sighting[];

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    /** Gather the sightings of a turn into one statement (the store's own repository; never inside a transaction). */
    private readonly groupCommit = false,
  ) {}

  /**
   * Records `key` as taken until `expiresAt`. True the first time (or once an earlier sighting has
   * expired); false for a repeat. Two callers or two replicas asking at the same moment: one gets true.
   */
  firstSight(key: string, expiresAt: number, now: number): Promise<boolean> {
    if (!this.groupCommit) return this.record([{ key, expiresAt, now }]).then((first) => first.has(key));
    return new Promise<boolean>((resolve, reject) => {
      if (!this.gathering) {
        this.gathering = [];
        setImmediate(() => void this.flush());
      }
      this.gathering.push({ key, expiresAt, now, resolve, reject });
    });
  }

  /** Forgets sightings that have expired; returns how many. */
  async prune(now: number): Promise<number> {
    const res = await this.db.deleteFrom('seen_requests').where('expires_at', '<=', now).executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  /** Writes the turn's sightings; each caller learns whether its key was first (a key asked twice in one turn: the first ask). */
  private async flush(): Promise<void> {
    const batch = this.gathering ?? [];
    this.gathering = undefined;
    for (let i = 0; i < batch.length; i += MAX_ROWS) {
      const chunk = batch.slice(i, i + MAX_ROWS);
      try {
        const first = await this.record(chunk);
        for (const s of chunk) {
          s.resolve(first.delete(s.key));
        }
      } catch (err) {
        for (const s of chunk) s.reject(err);
      }
    }
  }

  /**
   * One upsert for several keys, returning those inserted or whose earlier sighting had expired.
   * A key given twice is written once (PostgreSQL refuses to update one row twice in a statement).
   * Expiry is judged at the earliest `now` of the batch: a sighting expiring within the batch's
   * own millisecond counts as still there, so a replay is never let through by the batching.
   */
  private async record(entries: readonly { key: string; expiresAt: number; now: number }[]): Promise<Set<string>> {
    const rows = new Map<string, number>();
    let now = Infinity;
    for (const e of entries) {
      if (!rows.has(e.key)) rows.set(e.key, e.expiresAt);
      now = Math.min(now, e.now);
    }
    const { rows: taken } = await RECORD.run(this.db, this.dialect, rows.size, { keys: [...rows.keys()], expiresAt: [...rows.values()], now });
    return new Set(taken.map((r) => r.key));
  }
}
