import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

const KEY = 'check-done:';

/** Who did a manual scheduled-check item, when, and with what evidence. */
export interface ManualCheckDone {
  itemId: string;
  by: string;
  at: number;
  evidence: string;
}

/** The latest "done" record of each manual check item (`/incident checks done`), kept in the `meta` table. */
export class ManualCheckRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Records (or replaces) the latest time an item was done. */
  async record(done: ManualCheckDone): Promise<void> {
    const value = JSON.stringify({ by: done.by, at: done.at, evidence: done.evidence });
    await this.db
      .insertInto('meta')
      .values({ key: KEY + done.itemId, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }

  /** The latest record of an item, if anyone marked it done. */
  async latest(itemId: string): Promise<ManualCheckDone | undefined> {
    const row = await this.db.selectFrom('meta').select('value').where('key', '=', KEY + itemId).executeTakeFirst();
    if (!row) return undefined;
    const v = JSON.parse(row.value) as { by: string; at: number; evidence: string };
    return { itemId, by: v.by, at: Number(v.at), evidence: v.evidence };
  }
}
