import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** A durable timer: a row with a due time, claimed and marked fired by the scheduler. */
export interface TimerRow {
  id: number;
  incidentId: string;
  kind: string;
  dueAt: number;
  payload: Record<string, unknown>;
  claimedBy?: string;
  claimedUntil?: number;
  firedAt?: number;
  cancelledAt?: number;
}

/** Timers keyed by (incident, kind); the incident id is '' for timers that belong to no incident. */
export class TimerRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Creates the timer or moves an unfired one to a new due time. */
  async schedule(incidentId: string, kind: string, dueAt: number, payload: Record<string, unknown> = {}): Promise<void> {
    await this.db
      .insertInto('timers')
      .values({ incident_id: incidentId, kind, due_at: dueAt, payload: JSON.stringify(payload), claimed_by: null, claimed_until: null, fired_at: null, cancelled_at: null })
      .onConflict((oc) =>
        oc
          .columns(['incident_id', 'kind'])
          .doUpdateSet({ due_at: dueAt, payload: JSON.stringify(payload), cancelled_at: null })
          .where('timers.fired_at', 'is', null),
      )
      .execute();
  }

  /** Cancels every unfired timer of an incident. */
  async cancelForIncident(incidentId: string, at: number): Promise<number> {
    const res = await this.db
      .updateTable('timers')
      .set({ cancelled_at: at })
      .where('incident_id', '=', incidentId)
      .where('fired_at', 'is', null)
      .where('cancelled_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows);
  }

  /** Timers of an incident, by due time. */
  async forIncident(incidentId: string): Promise<TimerRow[]> {
    const rows = await this.db.selectFrom('timers').selectAll().where('incident_id', '=', incidentId).orderBy('due_at').orderBy('id').execute();
    return rows.map((r) => ({
      id: Number(r.id),
      incidentId: r.incident_id,
      kind: r.kind,
      dueAt: Number(r.due_at),
      payload: JSON.parse(r.payload) as Record<string, unknown>,
      claimedBy: r.claimed_by ?? undefined,
      claimedUntil: r.claimed_until === null ? undefined : Number(r.claimed_until),
      firedAt: r.fired_at === null ? undefined : Number(r.fired_at),
      cancelledAt: r.cancelled_at === null ? undefined : Number(r.cancelled_at),
    }));
  }
}
