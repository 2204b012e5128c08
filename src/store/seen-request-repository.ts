import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Requests and events already taken (a platform's retries, a replayed signed request), kept in
 * the database so the memory survives a restart and is shared by every replica.
 */
export class SeenRequestRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Records `key` as taken until `expiresAt`. True the first time (or once an earlier sighting has
   * expired); false for a repeat. Two replicas asking at the same moment: one gets true.
   */
  async firstSight(key: string, expiresAt: number, now: number): Promise<boolean> {
    const res = await this.db
      .insertInto('seen_requests')
      .values({ key, expires_at: expiresAt })
      .onConflict((oc) => oc.column('key').doUpdateSet({ expires_at: expiresAt }).where('seen_requests.expires_at', '<=', now))
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Forgets sightings that have expired; returns how many. */
  async prune(now: number): Promise<number> {
    const res = await this.db.deleteFrom('seen_requests').where('expires_at', '<=', now).executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
