import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** The numbers `/metrics` reads from the database on each scrape: open incidents by type and the outbox backlog. */
export class GaugeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Open incidents per fault type (types with none are absent). */
  async openIncidentsByType(): Promise<Map<number, number>> {
    const rows = await this.db
      .selectFrom('incidents')
      .select(['type', (eb) => eb.fn.countAll().as('n')])
      .where('status', '=', 'open')
      .groupBy('type')
      .execute();
    return new Map(rows.map((r) => [Number(r.type), Number(r.n)]));
  }

  /** Messages in the outbox not yet delivered, per platform. */
  async outboxDepth(): Promise<Map<string, number>> {
    return new Map([...(await this.outboxBacklog())].map(([platform, b]) => [platform, b.count]));
  }

  /** Undelivered outbox messages per platform, with when the oldest of them was queued. */
  async outboxBacklog(): Promise<Map<string, { count: number; oldestAt: number }>> {
    const rows = await this.db
      .selectFrom('outbox')
      .select(['platform', (eb) => eb.fn.countAll().as('n'), (eb) => eb.fn.min('created_at').as('oldest')])
      .where('delivered_at', 'is', null)
      .groupBy('platform')
      .execute();
    return new Map(rows.map((r) => [r.platform, { count: Number(r.n), oldestAt: Number(r.oldest) }]));
  }
}
