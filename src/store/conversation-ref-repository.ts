import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Stored conversation references (how to reach a chat or a person later), by platform and key. */
export class ConversationRefRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The reference stored under `key`, parsed back from JSON. */
  async get<T = unknown>(platform: string, key: string): Promise<T | undefined> {
    const row = await this.db.selectFrom('conversation_refs').select('ref').where('platform', '=', platform).where('key', '=', key).executeTakeFirst();
    return row ? (JSON.parse(row.ref) as T) : undefined;
  }

  /** Saves (or replaces) the reference under `key`. */
  async save(platform: string, key: string, ref: unknown, at: number): Promise<void> {
    const json = JSON.stringify(ref);
    await this.db
      .insertInto('conversation_refs')
      .values({ platform, key, ref: json, updated_at: at })
      .onConflict((oc) => oc.columns(['platform', 'key']).doUpdateSet({ ref: json, updated_at: at }))
      .execute();
  }
}
