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
  /** The kind of the timer that reserved it (`ladder-0`, `page-at-open-it_support`, `rto-goal`); '' when reserved before drbot recorded it. */
  timer: string;
}

/** Pages sent or reserved; the (incident, level, person) key makes every page happen at most once. */
export class DeliveryRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Reserves a page for the incident's `timer` (its kind); false when one for the same incident, level
   * and person already exists, whichever timer reserved it (it is then never sent again).
   */
  async reserve(incidentId: string, level: number, person: string, at: number, timer: string): Promise<boolean> {
    const res = await this.db
      .insertInto('deliveries')
      .values({ incident_id: incidentId, level, person, channel: 'chat', status: 'pending', detail: '', at, timer })
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

  /**
   * The pages an incident's `timer` reserved and never recorded as sent or failed (`pending`), to
   * settle when the timer is retaken; with them the pending pages at `level` reserved before drbot
   * recorded the timer (''), which were settled by level. Another timer's pages are never among them.
   */
  async unsent(incidentId: string, timer: string, level: number): Promise<Delivery[]> {
    const rows = await this.db
      .selectFrom('deliveries')
      .selectAll()
      .where('incident_id', '=', incidentId)
      .where('status', '=', 'pending')
      .where((eb) => eb.or([eb('timer', '=', timer), eb.and([eb('timer', '=', ''), eb('level', '=', level)])]))
      .orderBy('id')
      .execute();
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
    timer: r.timer,
  };
}
