import { sql, type Kysely } from 'kysely';
import type { RecoveredIncident, RecoveryAction } from '../history/fault-type-stats.js';
import type { Database } from './schema.js';

/** How many production incidents of one type are in one status. */
export interface TypeStatusCount {
  type: number;
  status: string;
  count: number;
}

/**
 * Past incidents for statistics. Every query starts from `production()`, the one place that
 * leaves drills out, so history never learns from a rehearsal.
 */
export class HistoryRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Incidents that count as history: not drills. */
  private production() {
    return this.db.selectFrom('incidents').where('incidents.drill', '=', 0);
  }

  /** Recovered incidents (resolved or closed), newest recovery first, of one type or all, at most `limit`. */
  private recoveredIds(options: { type?: number; limit?: number }) {
    let q = this.production()
      .select('incidents.id')
      .where('incidents.status', 'in', ['resolved', 'closed'])
      .where('incidents.resolved_at', 'is not', null)
      .orderBy('incidents.resolved_at', 'desc')
      .orderBy('incidents.id', 'desc');
    if (options.type !== undefined) q = q.where('incidents.type', '=', options.type);
    if (options.limit !== undefined) q = q.limit(options.limit);
    return q;
  }

  /**
   * Recovered production incidents with the steps that succeeded before they were resolved
   * (agent runs with status ok, and manual steps marked done; only `steps` when given), newest
   * recovery first.
   */
  async recovered(options: { type?: number; limit?: number; steps?: readonly string[] } = {}): Promise<RecoveredIncident[]> {
    const ids = this.recoveredIds(options);
    const only = options.steps ? new Set(options.steps) : undefined;
    let runQuery = this.db
      .selectFrom('step_runs')
      .select(['incident_id', 'step_id', 'finished_at'])
      .where('incident_id', 'in', ids)
      .where('status', '=', 'ok')
      .where('finished_at', 'is not', null);
    if (options.steps) runQuery = options.steps.length ? runQuery.where('step_id', 'in', options.steps) : runQuery.where(sql<boolean>`1 = 0`);
    const [incidents, runs, manual] = await Promise.all([
      this.db.selectFrom('incidents').select(['id', 'type', 'opened_at', 'resolved_at']).where('id', 'in', ids).orderBy('resolved_at', 'desc').orderBy('id', 'desc').execute(),
      runQuery.execute(),
      // Manual steps exist only as timeline entries; their data is JSON written by JSON.stringify.
      this.db
        .selectFrom('timeline')
        .select(['incident_id', 'at', 'data'])
        .where('incident_id', 'in', ids)
        .where('kind', '=', 'step')
        .where('data', 'like', '%"manual":true%')
        .execute(),
    ]);
    const actions = new Map<string, RecoveryAction[]>();
    const add = (incidentId: string, action: RecoveryAction) => {
      const list = actions.get(incidentId);
      if (list) list.push(action);
      else actions.set(incidentId, [action]);
    };
    for (const r of runs) add(r.incident_id, { stepId: r.step_id, at: Number(r.finished_at) });
    for (const m of manual) {
      const step = (JSON.parse(m.data) as { step?: unknown }).step;
      if (typeof step === 'string' && (!only || only.has(step))) add(m.incident_id, { stepId: step, at: Number(m.at) });
    }
    return incidents.map((i) => ({ incidentId: i.id, type: Number(i.type), openedAt: Number(i.opened_at), resolvedAt: Number(i.resolved_at), actions: actions.get(i.id) ?? [] }));
  }

  /** Production incidents counted by fault type and status. */
  async countsByTypeAndStatus(): Promise<TypeStatusCount[]> {
    const rows = await this.production()
      .select((eb) => ['incidents.type', 'incidents.status', eb.fn.countAll().as('n')])
      .groupBy(['incidents.type', 'incidents.status'])
      .execute();
    return rows.map((r) => ({ type: Number(r.type), status: r.status, count: Number(r.n) }));
  }
}
