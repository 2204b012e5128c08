import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Where an incident lives on one platform: its channel and the message that holds its card. */
export interface IncidentThread {
  incidentId: string;
  platform: string;
  channel: string;
  /** The card message's id (Slack `ts`, Teams activity id); its thread holds the timeline. */
  messageId: string;
  createdAt: number;
}

/** The incident ↔ platform message map, one row per incident and platform. */
export class IncidentThreadRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The incident's thread on a platform, if it has one. */
  async get(incidentId: string, platform: string): Promise<IncidentThread | undefined> {
    const r = await this.db.selectFrom('incident_threads').selectAll().where('incident_id', '=', incidentId).where('platform', '=', platform).executeTakeFirst();
    return r ? { incidentId: r.incident_id, platform: r.platform, channel: r.channel, messageId: r.message_id, createdAt: Number(r.created_at) } : undefined;
  }

  /** Saves the incident's thread; the first one saved wins. Returns the thread that is stored. */
  async save(thread: IncidentThread): Promise<IncidentThread> {
    await this.db
      .insertInto('incident_threads')
      .values({ incident_id: thread.incidentId, platform: thread.platform, channel: thread.channel, message_id: thread.messageId, created_at: thread.createdAt })
      .onConflict((oc) => oc.columns(['incident_id', 'platform']).doNothing())
      .execute();
    return (await this.get(thread.incidentId, thread.platform)) ?? thread;
  }
}
