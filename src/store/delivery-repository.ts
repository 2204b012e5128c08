import type { Kysely, Selectable } from 'kysely';
import type { Database, DeliveriesTable } from './schema.js';

/**
 * How a page stands: `pending` (reserved when its timer was claimed, not yet known to be sent),
 * `sent`, `failed`, or `unknown` (drbot stopped between reserving and recording the send; never resent).
 */
export type DeliveryStatus = 'pending' | 'sent' | 'failed' | 'unknown';

/** One page to one person for one ladder level (or alarm level) of one incident. */
export interface Delivery {
  id: number;
  incidentId: string;
  level: number;
  person: string;
  channel: string;
  status: DeliveryStatus;
  detail: string;
  at: number;
}

/** Pages sent or reserved; the (incident, level, person) key makes every page happen at most once. */
export class DeliveryRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Reserves a page; false when one for the same incident, level and person already exists (it is then never sent again). */
  async reserve(incidentId: string, level: number, person: string, at: number): Promise<boolean> {
    const res = await this.db
      .insertInto('deliveries')
      .values({ incident_id: incidentId, level, person, channel: 'chat', status: 'pending', detail: '', at })
      .onConflict((oc) => oc.columns(['incident_id', 'level', 'person']).doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Records how a reserved page went. */
  async finish(incidentId: string, level: number, person: string, outcome: { status: DeliveryStatus; channel: string; detail: string }): Promise<void> {
    await this.db
      .updateTable('deliveries')
      .set({ status: outcome.status, channel: outcome.channel, detail: outcome.detail.slice(0, 1000) })
      .where('incident_id', '=', incidentId)
      .where('level', '=', level)
      .where('person', '=', person)
      .where('status', 'in', ['pending', 'unknown'])
      .execute();
  }

  /** Pages of one incident level (to check before paging again). */
  async forLevel(incidentId: string, level: number): Promise<Delivery[]> {
    const rows = await this.db.selectFrom('deliveries').selectAll().where('incident_id', '=', incidentId).where('level', '=', level).orderBy('id').execute();
    return rows.map(toDelivery);
  }

  /** Every page of an incident, in the order they were reserved. */
  async forIncident(incidentId: string): Promise<Delivery[]> {
    const rows = await this.db.selectFrom('deliveries').selectAll().where('incident_id', '=', incidentId).orderBy('id').execute();
    return rows.map(toDelivery);
  }
}

function toDelivery(r: Selectable<DeliveriesTable>): Delivery {
  return {
    id: Number(r.id),
    incidentId: r.incident_id,
    level: Number(r.level),
    person: r.person,
    channel: r.channel,
    status: r.status as DeliveryStatus,
    detail: r.detail,
    at: Number(r.at),
  };
}
