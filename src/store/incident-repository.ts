import type { ApprovedPlan } from '../incident/step-plan.js';
import { sql, type Insertable, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import type {
  Approval,
  ApprovalStatus,
  ChecklistTick,
  ImpactScope,
  Incident,
  IncidentStatus,
  StepRun,
  StepRunStatus,
  TimelineEntry,
  TimelineKind,
} from '../incident/incident.js';
import type { Dialect } from './migrations.js';
import type { DrillPlan } from '../incident/drill.js';
import type { ApprovalsTable, ChecklistTable, Database, IncidentsTable, StepRunsTable, TimelineTable } from './schema.js';
import { ReusableQuery, ReusableRowsQuery, type ValueSlot } from './reusable-query.js';

const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);
const num = (v: number | string | bigint): number => Number(v);
const optNum = (v: number | string | bigint | null): number | undefined => (v === null ? undefined : Number(v));

function toIncident(r: Selectable<IncidentsTable>): Incident {
  return {
    id: r.id,
    day: r.day,
    seq: num(r.seq),
    type: num(r.type),
    scope: r.scope as ImpactScope,
    status: r.status as IncidentStatus,
    note: r.note,
    host: r.host,
    openedBy: r.opened_by,
    openedAt: num(r.opened_at),
    commander: opt(r.commander),
    ackedBy: opt(r.acked_by),
    ackedAt: optNum(r.acked_at),
    level: num(r.level),
    resolvedBy: opt(r.resolved_by),
    resolvedAt: optNum(r.resolved_at),
    cause: opt(r.cause),
    closedAt: optNum(r.closed_at),
    cancelledAt: optNum(r.cancelled_at),
    cancelReason: opt(r.cancel_reason),
    dedupeKey: opt(r.dedupe_key),
    lastActivityAt: num(r.last_activity_at),
    assignments: JSON.parse(r.assignments) as Incident['assignments'],
    ...(Number(r.drill) === 1 ? { drill: true } : {}),
    ...(r.drill_plan ? { drillPlan: JSON.parse(r.drill_plan) as DrillPlan } : {}),
  };
}

function fromIncident(i: Incident): Insertable<IncidentsTable> {
  return {
    id: i.id,
    day: i.day,
    seq: i.seq,
    type: i.type,
    scope: i.scope,
    status: i.status,
    note: i.note,
    host: i.host,
    opened_by: i.openedBy,
    opened_at: i.openedAt,
    commander: i.commander ?? null,
    acked_by: i.ackedBy ?? null,
    acked_at: i.ackedAt ?? null,
    level: i.level,
    resolved_by: i.resolvedBy ?? null,
    resolved_at: i.resolvedAt ?? null,
    cause: i.cause ?? null,
    closed_at: i.closedAt ?? null,
    cancelled_at: i.cancelledAt ?? null,
    cancel_reason: i.cancelReason ?? null,
    dedupe_key: i.dedupeKey ?? null,
    last_activity_at: i.lastActivityAt,
    assignments: JSON.stringify(i.assignments),
    drill: i.drill ? 1 : 0,
    drill_plan: i.drillPlan ? JSON.stringify(i.drillPlan) : null,
  };
}

function toTick(r: Pick<Selectable<ChecklistTable>, 'item_id' | 'done_by' | 'done_at'>): ChecklistTick {
  return { itemId: r.item_id, doneBy: r.done_by, doneAt: Number(r.done_at) };
}

function toTimeline(r: Selectable<TimelineTable>): TimelineEntry {
  return {
    id: num(r.id),
    incidentId: r.incident_id,
    at: num(r.at),
    actor: r.actor,
    kind: r.kind as TimelineKind,
    text: r.text,
    data: JSON.parse(r.data) as Record<string, unknown>,
  };
}

function toApproval(r: Selectable<ApprovalsTable>): Approval {
  return {
    id: r.id,
    incidentId: r.incident_id,
    stepId: r.step_id,
    firstBy: r.first_by,
    firstAt: num(r.first_at),
    secondBy: opt(r.second_by),
    secondAt: optNum(r.second_at),
    needsTwo: num(r.needs_two) === 1,
    expiresAt: num(r.expires_at),
    status: r.status as ApprovalStatus,
    ...(r.plan ? { plan: JSON.parse(r.plan) as ApprovedPlan } : {}),
  };
}

function fromApproval(a: Approval): ApprovalsTable {
  return {
    id: a.id,
    incident_id: a.incidentId,
    step_id: a.stepId,
    first_by: a.firstBy,
    first_at: a.firstAt,
    second_by: a.secondBy ?? null,
    second_at: a.secondAt ?? null,
    needs_two: a.needsTwo ? 1 : 0,
    expires_at: a.expiresAt,
    status: a.status,
    plan: a.plan ? JSON.stringify(a.plan) : null,
  };
}

function toStepRun(r: Selectable<StepRunsTable>): StepRun {
  return {
    requestId: r.request_id,
    incidentId: r.incident_id,
    stepId: r.step_id,
    approvalId: opt(r.approval_id),
    action: r.action,
    requestedBy: r.requested_by,
    startedAt: num(r.started_at),
    finishedAt: optNum(r.finished_at),
    status: r.status as StepRunStatus,
    summary: r.summary,
    output: r.output,
  };
}

/** The columns of an incident row, in the order the insert names them. */
const INCIDENT_COLUMNS = [
  'id', 'day', 'seq', 'type', 'scope', 'status', 'note', 'host', 'opened_by', 'opened_at', 'commander', 'acked_by', 'acked_at', 'level',
  'resolved_by', 'resolved_at', 'cause', 'closed_at', 'cancelled_at', 'cancel_reason', 'dedupe_key', 'last_activity_at', 'assignments', 'drill', 'drill_plan',
] as const satisfies readonly (keyof IncidentsTable)[];

// The queries of an `/incident open` and of an incident's card, compiled once (src/store/reusable-query.ts).
const NEXT_SEQ = new ReusableQuery<{ day: string }, { max: number | string | bigint | null }>((db, v) =>
  db.selectFrom('incidents').select((eb) => eb.fn.max('seq').as('max')).where('day', '=', v('day')),
);
const INSERT_INCIDENT = new ReusableQuery<Insertable<IncidentsTable>>((db, v) =>
  db.insertInto('incidents').values(Object.fromEntries(INCIDENT_COLUMNS.map((c) => [c, v(c)])) as Insertable<IncidentsTable>),
);
const BY_ID = new ReusableQuery<{ id: string }, Selectable<IncidentsTable>>((db, v) => db.selectFrom('incidents').selectAll().where('id', '=', v('id')));
const BY_DEDUPE_KEY = new ReusableQuery<{ key: string }, Selectable<IncidentsTable>>((db, v) => db.selectFrom('incidents').selectAll().where('dedupe_key', '=', v('key')));
const INSERT_TIMELINE = new ReusableQuery<Omit<Selectable<TimelineTable>, 'id'>, { id: number | string | bigint }>((db, v) =>
  db
    .insertInto('timeline')
    .values({ incident_id: v('incident_id'), at: v('at'), actor: v('actor'), kind: v('kind'), text: v('text'), data: v('data') })
    .returning('id'),
);
const TOUCH_INCIDENT = new ReusableQuery<{ id: string; at: number }>((db, v) =>
  db.updateTable('incidents').set({ last_activity_at: v('at') }).where('id', '=', v('id')).where('last_activity_at', '<', v('at')),
);
const TICK_MANY = new ReusableRowsQuery<{ incidentId: string; items: readonly string[]; by: string; at: number }>((db, v, rows) =>
  db
    .insertInto('checklist')
    .values(Array.from({ length: rows }, (_, i) => ({ incident_id: v('incidentId'), item_id: v('items', i), done_by: v('by'), done_at: v('at') })))
    .onConflict((oc) => oc.columns(['incident_id', 'item_id']).doNothing()),
);

/**
 * A LIMIT whose value is a parameter, written `cast(? as integer)`, for raw SQL: SQLite marks a
 * statement with a bare `LIMIT ?` to be prepared again whenever that parameter is bound, i.e. on
 * every run (raw better-sqlite3, one open incident: 25-28 us per run vs 9-10 us with the cast or a
 * literal). Kysely's `.limit(x)` gets the cast on SQLite from its compiler (src/store/sqlite-dialect.ts);
 * raw SQL does not go through it. Same rows on both dialects.
 */
const boundLimit = (limit: unknown) => sql<number>`cast(${limit} as integer)`;

// The reads of every card render (`status`, a click, a Slack/Teams card, the web page), compiled once.
const LIST_ALL = new ReusableQuery<{ limit: number }, Selectable<IncidentsTable>>((db, v) =>
  db.selectFrom('incidents').selectAll().orderBy('opened_at', 'desc').orderBy('id', 'desc').limit(v('limit')),
);
const LIST_IN = new ReusableRowsQuery<{ statuses: readonly IncidentStatus[]; limit: number }, Selectable<IncidentsTable>>((db, v, n) =>
  db
    .selectFrom('incidents')
    .selectAll()
    .where('status', 'in', Array.from({ length: n }, (_, i) => v('statuses', i)))
    .orderBy('opened_at', 'desc')
    .orderBy('id', 'desc')
    .limit(v('limit')),
);
const TIMELINE_OF = new ReusableQuery<{ id: string }, Selectable<TimelineTable>>((db, v) => db.selectFrom('timeline').selectAll().where('incident_id', '=', v('id')).orderBy('id'));
const CHECKLIST_OF = new ReusableQuery<{ id: string }, Selectable<ChecklistTable>>((db, v) => db.selectFrom('checklist').selectAll().where('incident_id', '=', v('id')).orderBy('done_at').orderBy('item_id'));
const APPROVALS_OF = new ReusableQuery<{ id: string }, Selectable<ApprovalsTable>>((db, v) =>
  db.selectFrom('approvals').selectAll().where('incident_id', '=', v('id')).orderBy('first_at').orderBy('id'),
);
const STEP_RUNS_OF = new ReusableQuery<{ id: string }, Selectable<StepRunsTable>>((db, v) =>
  db.selectFrom('step_runs').selectAll().where('incident_id', '=', v('id')).orderBy('started_at').orderBy('request_id'),
);

/** What `records()` reads: an incident's ticks, approvals, step runs and timeline, each in the order its own method lists them. */
export interface IncidentRecordRows {
  ticks: ChecklistTick[];
  approvals: Approval[];
  runs: StepRun[];
  timeline: TimelineEntry[];
}

const TICK_FIELDS = ['item_id', 'done_by', 'done_at'] as const;
const APPROVAL_FIELDS = ['id', 'incident_id', 'step_id', 'first_by', 'first_at', 'second_by', 'second_at', 'needs_two', 'expires_at', 'status', 'plan'] as const;
const RUN_FIELDS = ['request_id', 'incident_id', 'step_id', 'approval_id', 'action', 'requested_by', 'started_at', 'finished_at', 'status', 'summary', 'output'] as const;
const TIMELINE_FIELDS = ['id', 'incident_id', 'at', 'actor', 'kind', 'text', 'data'] as const;

/** An incident's four record lists, each a JSON array (the columns `records()` and the *WithRecords reads select). */
interface RecordColumns {
  ticks: unknown;
  approvals: unknown;
  runs: unknown;
  timeline: unknown;
}

/**
 * An incident's four record lists as four columns: each a JSON array of row objects. `id` is the
 * incident's id: a parameter, or the column of an incident row the query reads.
 *
 * PostgreSQL aggregates them in the order of checklist(), approvals(), stepRuns() and timeline()
 * (its collation orders the text tie-breakers). SQLite aggregates them as they come and toRecords()
 * sorts them by the same keys in SQLite's own BINARY order: an ordered aggregate costs SQLite a
 * sorter per list, about half of this statement (raw, one open incident: 11-13 us ordered vs 6-7 us).
 */
function recordColumns(dialect: Dialect, id: unknown) {
  const object = (fields: readonly string[]) =>
    sql.raw(`${dialect === 'postgres' ? 'json_build_object' : 'json_object'}(${fields.map((f) => `'${f}', "${f}"`).join(', ')})`);
  const list = (fields: readonly string[], table: string, order: string) =>
    dialect === 'postgres'
      ? sql`(select coalesce(json_agg(${object(fields)} order by ${sql.raw(order)}), '[]'::json) from ${sql.table(table)} where incident_id = ${id})`
      : sql`(select json_group_array(${object(fields)}) from ${sql.table(table)} where incident_id = ${id})`;
  return sql`${list(TICK_FIELDS, 'checklist', 'done_at, item_id')} as ticks,
        ${list(APPROVAL_FIELDS, 'approvals', 'first_at, id')} as approvals,
        ${list(RUN_FIELDS, 'step_runs', 'started_at, request_id')} as runs,
        ${list(TIMELINE_FIELDS, 'timeline', 'id')} as timeline`;
}

/** A ReusableQuery of raw SQL made per dialect. */
function rawQuery<V extends object, R>(make: (dialect: Dialect, v: ValueSlot) => RawBuilder<R>) {
  const byDialect = (dialect: Dialect) => new ReusableQuery<V, R>((db, v) => {
    const query = make(dialect, v);
    return { compile: () => query.compile(db) };
  });
  return { sqlite: byDialect('sqlite'), postgres: byDialect('postgres') } as const;
}

/** An incident's four record lists in one query (one round trip instead of four). */
const RECORDS = rawQuery<{ id: string }, RecordColumns>((dialect, v) => sql<RecordColumns>`select ${recordColumns(dialect, v('id'))}`);

/**
 * Incidents with their records, in one statement: the incident rows (taken first, limited, in the
 * derived table `i`) and the record lists of each. What `/incident status` reads.
 */
const WITH_RECORDS = {
  byId: rawQuery<{ id: string }, Selectable<IncidentsTable> & RecordColumns>(
    (dialect, v) => sql`select i.*, ${recordColumns(dialect, sql.ref('i.id'))} from (select * from incidents where id = ${v('id')}) as i`,
  ),
  inStatus: rawQuery<{ status: IncidentStatus; limit: number }, Selectable<IncidentsTable> & RecordColumns>(
    (dialect, v) =>
      sql`select i.*, ${recordColumns(dialect, sql.ref('i.id'))}
        from (select * from incidents where status = ${v('status')} order by opened_at desc, id desc limit ${boundLimit(v('limit'))}) as i
        order by i.opened_at desc, i.id desc`,
  ),
};

/** A JSON aggregate as the driver returns it: text from SQLite, parsed already by pg. */
const jsonRows = <T>(v: unknown): T[] => (typeof v === 'string' ? (JSON.parse(v) as T[]) : ((v ?? []) as T[]));

/** A UTF-16 code unit's rank in code point order: a surrogate (half of a character past U+FFFF) after U+E000-U+FFFF. */
const codePointRank = (unit: number): number => (unit >= 0xd800 && unit <= 0xdfff ? unit + 0x2000 : unit >= 0xe000 ? unit - 0x800 : unit);

/** SQLite's BINARY order of two texts (their UTF-8 bytes, i.e. code point order; JS's `<` differs past U+FFFF). */
export function binaryOrder(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** The record lists in the order their own methods list them; SQLite's come unordered (recordColumns). */
function toRecords(r: RecordColumns, dialect: Dialect): IncidentRecordRows {
  const records = {
    ticks: jsonRows<Selectable<ChecklistTable>>(r.ticks).map(toTick),
    approvals: jsonRows<Selectable<ApprovalsTable>>(r.approvals).map(toApproval),
    runs: jsonRows<Selectable<StepRunsTable>>(r.runs).map(toStepRun),
    timeline: jsonRows<Selectable<TimelineTable>>(r.timeline).map(toTimeline),
  };
  if (dialect === 'sqlite') {
    // order by done_at, item_id / first_at, id / started_at, request_id / id: each a unique key of its list
    if (records.ticks.length > 1) records.ticks.sort((a, b) => a.doneAt - b.doneAt || binaryOrder(a.itemId, b.itemId));
    if (records.approvals.length > 1) records.approvals.sort((a, b) => a.firstAt - b.firstAt || binaryOrder(a.id, b.id));
    if (records.runs.length > 1) records.runs.sort((a, b) => a.startedAt - b.startedAt || binaryOrder(a.requestId, b.requestId));
    if (records.timeline.length > 1) records.timeline.sort((a, b) => a.id! - b.id!);
  }
  return records;
}

/** An incident and its records as one statement read them. */
export interface IncidentWithRecords {
  incident: Incident;
  records: IncidentRecordRows;
}

/** Incidents, their timeline, checklist ticks, approvals and step runs. */
export class IncidentRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  /**
   * Serializes everything that decides about one step of one incident (approvals, runs) until the
   * surrounding write transaction ends. Call first inside `writeTransaction`: on PostgreSQL it takes
   * a transaction-scoped advisory lock on the schema, incident and step (READ COMMITTED alone lets two
   * approvers both see "no approval yet"); SQLite's `BEGIN IMMEDIATE` already holds the write lock.
   */
  async lockStep(incidentId: string, stepId: string): Promise<void> {
    if (this.dialect !== 'postgres') return;
    const key = `drbot-step:${incidentId}:${stepId}`;
    await sql`select pg_advisory_xact_lock(hashtextextended(current_schema() || ${key}, 0))`.execute(this.db);
  }

  /** Next free per-day sequence number (call inside the transaction that inserts). */
  async nextSeq(day: string): Promise<number> {
    const { rows } = await NEXT_SEQ.run(this.db, this.dialect, { day });
    return Number(rows[0]?.max ?? 0) + 1;
  }

  /** Inserts a new incident. */
  async insert(incident: Incident): Promise<void> {
    await INSERT_INCIDENT.run(this.db, this.dialect, fromIncident(incident));
  }

  /** Replaces an incident's row with `incident`. */
  async save(incident: Incident): Promise<void> {
    const { id, ...rest } = fromIncident(incident);
    await this.db.updateTable('incidents').set(rest).where('id', '=', id).execute();
  }

  /** The incident with this id. */
  async get(id: string): Promise<Incident | undefined> {
    const row = (await BY_ID.run(this.db, this.dialect, { id })).rows[0];
    return row ? toIncident(row) : undefined;
  }

  /** The incident opened from this platform event (Slack retry, double click). */
  async findByDedupeKey(key: string): Promise<Incident | undefined> {
    const row = (await BY_DEDUPE_KEY.run(this.db, this.dialect, { key })).rows[0];
    return row ? toIncident(row) : undefined;
  }

  /** Incidents in the given states, newest first. */
  async list(statuses?: readonly IncidentStatus[], limit = 500): Promise<Incident[]> {
    const { rows } = statuses?.length ? await LIST_IN.run(this.db, this.dialect, statuses.length, { statuses, limit }) : await LIST_ALL.run(this.db, this.dialect, { limit });
    return rows.map(toIncident);
  }

  /** Incidents resolved, closed or cancelled at or after `since`, most recently finished first. */
  async finishedSince(since: number, limit = 50): Promise<Incident[]> {
    const rows = await this.db
      .selectFrom('incidents')
      .selectAll()
      .where('status', 'in', ['resolved', 'closed', 'cancelled'])
      .where((eb) => eb.or([eb('resolved_at', '>=', since), eb('cancelled_at', '>=', since)]))
      .orderBy((eb) => eb.fn.coalesce('resolved_at', 'cancelled_at'), 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toIncident);
  }

  /** The most recently resolved drill (resolved or closed), if any (the monthly DR-test item). */
  async lastCompletedDrill(): Promise<Incident | undefined> {
    const row = await this.db
      .selectFrom('incidents')
      .selectAll()
      .where('drill', '=', 1)
      .where('status', 'in', ['resolved', 'closed'])
      .orderBy('resolved_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? toIncident(row) : undefined;
  }

  /** A mark that changes whenever any incident gains a timeline line or is opened (for live views on other replicas). */
  async changeMark(): Promise<string> {
    const row = await this.db
      .selectFrom('incidents')
      .select((eb) => [eb.fn.countAll().as('n'), eb.fn.max('last_activity_at').as('last')])
      .executeTakeFirst();
    return `${Number(row?.n ?? 0)}:${Number(row?.last ?? 0)}`;
  }

  /** Number of incidents in each status (for metrics and tests). */
  async count(): Promise<number> {
    const row = await this.db.selectFrom('incidents').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /**
   * Appends to the timeline and marks the incident active at that time. `rowActiveAt`: the
   * incident row's last_activity_at as the caller's own transaction wrote it (it inserted the row
   * just now); an entry not later than that leaves the row as it is, without a statement.
   */
  async appendTimeline(entry: TimelineEntry, rowActiveAt?: number): Promise<TimelineEntry> {
    const { rows } = await INSERT_TIMELINE.run(this.db, this.dialect, {
      incident_id: entry.incidentId,
      at: entry.at,
      actor: entry.actor,
      kind: entry.kind,
      text: entry.text,
      data: JSON.stringify(entry.data ?? {}),
    });
    if (rowActiveAt === undefined || entry.at > rowActiveAt) await TOUCH_INCIDENT.run(this.db, this.dialect, { id: entry.incidentId, at: entry.at });
    return { ...entry, id: Number(rows[0]!.id) };
  }

  /** The whole timeline of an incident, oldest first. */
  async timeline(incidentId: string): Promise<TimelineEntry[]> {
    const { rows } = await TIMELINE_OF.run(this.db, this.dialect, { id: incidentId });
    return rows.map(toTimeline);
  }

  /** Ticks a checklist item; false when it was already ticked. */
  async tick(incidentId: string, itemId: string, by: string, at: number): Promise<boolean> {
    const res = await this.db
      .insertInto('checklist')
      .values({ incident_id: incidentId, item_id: itemId, done_by: by, done_at: at })
      .onConflict((oc) => oc.columns(['incident_id', 'item_id']).doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Ticks several items at once, skipping those already ticked. */
  async tickMany(incidentId: string, itemIds: readonly string[], by: string, at: number): Promise<void> {
    if (!itemIds.length) return;
    await TICK_MANY.run(this.db, this.dialect, itemIds.length, { incidentId, items: itemIds, by, at });
  }

  /** Ticked items of an incident's checklists. */
  async checklist(incidentId: string): Promise<ChecklistTick[]> {
    const { rows } = await CHECKLIST_OF.run(this.db, this.dialect, { id: incidentId });
    return rows.map(toTick);
  }

  /** An incident's ticks, approvals, step runs and timeline, in one query (what a card or report reads besides the incident). */
  async records(incidentId: string): Promise<IncidentRecordRows> {
    const { rows } = await RECORDS[this.dialect].run(this.db, this.dialect, { id: incidentId });
    return toRecords(rows[0]!, this.dialect);
  }

  /** The incident with this id and its records, read in one statement (one snapshot of both). */
  async getWithRecords(id: string): Promise<IncidentWithRecords | undefined> {
    const row = (await WITH_RECORDS.byId[this.dialect].run(this.db, this.dialect, { id })).rows[0];
    return row ? { incident: toIncident(row), records: toRecords(row, this.dialect) } : undefined;
  }

  /** The newest incidents in `status` (at most `limit`), newest first, each with its records, in one statement. */
  async listWithRecords(status: IncidentStatus, limit: number): Promise<IncidentWithRecords[]> {
    const { rows } = await WITH_RECORDS.inStatus[this.dialect].run(this.db, this.dialect, { status, limit });
    return rows.map((row) => ({ incident: toIncident(row), records: toRecords(row, this.dialect) }));
  }

  /** Inserts an approval. */
  async insertApproval(approval: Approval): Promise<void> {
    await this.db.insertInto('approvals').values(fromApproval(approval)).execute();
  }

  /** Replaces an approval's row. */
  async saveApproval(approval: Approval): Promise<void> {
    const { id, ...rest } = fromApproval(approval);
    await this.db.updateTable('approvals').set(rest).where('id', '=', id).execute();
  }

  /** Marks an approval used by a run, only if it is still `approved`; false when someone else used it first. */
  async useApproval(id: string): Promise<boolean> {
    const res = await this.db.updateTable('approvals').set({ status: 'used' }).where('id', '=', id).where('status', '=', 'approved').executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** Approvals of an incident, oldest first. */
  async approvals(incidentId: string): Promise<Approval[]> {
    const { rows } = await APPROVALS_OF.run(this.db, this.dialect, { id: incidentId });
    return rows.map(toApproval);
  }

  /** Records the start of a step run. */
  async insertStepRun(run: StepRun): Promise<void> {
    await this.db
      .insertInto('step_runs')
      .values({
        request_id: run.requestId,
        incident_id: run.incidentId,
        step_id: run.stepId,
        approval_id: run.approvalId ?? null,
        action: run.action,
        requested_by: run.requestedBy,
        started_at: run.startedAt,
        finished_at: run.finishedAt ?? null,
        status: run.status,
        summary: run.summary,
        output: run.output,
      })
      .execute();
  }

  /** Records how a step run ended. */
  async finishStepRun(requestId: string, result: { status: StepRunStatus; summary: string; output: string; finishedAt: number }): Promise<void> {
    await this.db
      .updateTable('step_runs')
      .set({ status: result.status, summary: result.summary, output: result.output, finished_at: result.finishedAt })
      .where('request_id', '=', requestId)
      .execute();
  }

  /** Finishes a step run only while it is still running; false when something else finished it first (the result is recorded once). */
  async settleStepRun(requestId: string, result: { status: StepRunStatus; summary: string; output: string; finishedAt: number }): Promise<boolean> {
    const r = await this.db
      .updateTable('step_runs')
      .set({ status: result.status, summary: result.summary, output: result.output, finished_at: result.finishedAt })
      .where('request_id', '=', requestId)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Step runs of an incident, oldest first. */
  async stepRuns(incidentId: string): Promise<StepRun[]> {
    const { rows } = await STEP_RUNS_OF.run(this.db, this.dialect, { id: incidentId });
    return rows.map(toStepRun);
  }

  /** Step runs still marked running (after a crash these are re-queried, never re-run). */
  async runningStepRuns(): Promise<StepRun[]> {
    const rows = await this.db.selectFrom('step_runs').selectAll().where('status', '=', 'running').execute();
    return rows.map(toStepRun);
  }
}
