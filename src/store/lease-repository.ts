import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Named leases: one process at a time does a job (writes an incident's report, delivers its card),
 * until it releases the lease or the lease runs out (the process died).
 */
export class LeaseRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Takes (or renews) the lease for `owner` until `until`; false while another owner holds it. */
  async acquire(name: string, owner: string, until: number, now: number): Promise<boolean> {
    const res = await this.db
      .insertInto('leases')
      .values({ name, owner, until })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({ owner, until })
          .where((eb) => eb.or([eb('leases.until', '<=', now), eb('leases.owner', '=', owner)])),
      )
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Extends the lease `owner` holds to `until`; false when it no longer holds it (it ran out and another took it, or it was released). */
  async renew(name: string, owner: string, until: number): Promise<boolean> {
    const res = await this.db.updateTable('leases').set({ until }).where('name', '=', name).where('owner', '=', owner).executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  /** Gives the lease up (only when `owner` still holds it). */
  async release(name: string, owner: string): Promise<void> {
    await this.db.deleteFrom('leases').where('name', '=', name).where('owner', '=', owner).execute();
  }
}
