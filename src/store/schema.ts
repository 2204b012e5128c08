import type { Generated, Selectable } from 'kysely';

/** Times are epoch milliseconds; JSON columns are text; booleans are 0/1 — the same on SQLite and PostgreSQL. */
export interface IncidentsTable {
  id: string;
  day: string;
  seq: number;
  type: number;
  scope: string;
  status: string;
  note: string;
  host: string;
  opened_by: string;
  opened_at: number;
  commander: string | null;
  acked_by: string | null;
  acked_at: number | null;
  level: number;
  resolved_by: string | null;
  resolved_at: number | null;
  cause: string | null;
  closed_at: number | null;
  cancelled_at: number | null;
  cancel_reason: string | null;
  dedupe_key: string | null;
  last_activity_at: number;
  assignments: string;
  /** 1 for a drill (issue 15): excluded from history and statistics. */
  drill: Generated<number>;
  /** A drill's participants and speed as JSON (`DrillPlan`); null for real incidents. */
  drill_plan: string | null;
}

export interface TimelineTable {
  id: Generated<number>;
  incident_id: string;
  at: number;
  actor: string;
  kind: string;
  text: string;
  data: string;
}

export interface ChecklistTable {
  incident_id: string;
  item_id: string;
  done_by: string;
  done_at: number;
}

export interface ApprovalsTable {
  id: string;
  incident_id: string;
  step_id: string;
  first_by: string;
  first_at: number;
  second_by: string | null;
  second_at: number | null;
  needs_two: number;
  expires_at: number;
  status: string;
  /** JSON of the ApprovedPlan, when the agent could plan the step at approval. */
  plan: string | null;
}

export interface StepRunsTable {
  request_id: string;
  incident_id: string;
  step_id: string;
  approval_id: string | null;
  action: string;
  requested_by: string;
  started_at: number;
  finished_at: number | null;
  status: string;
  summary: string;
  output: string;
}

export interface TimersTable {
  id: Generated<number>;
  incident_id: string;
  kind: string;
  due_at: number;
  payload: string;
  claimed_by: string | null;
  claimed_until: number | null;
  fired_at: number | null;
  cancelled_at: number | null;
}

export interface DeliveriesTable {
  id: Generated<number>;
  incident_id: string;
  level: number;
  person: string;
  channel: string;
  status: string;
  detail: string;
  at: number;
  /** The kind of the timer that reserved the page; '' on rows from before migration 0008. */
  timer: string;
}

export interface OutboxTable {
  id: Generated<number>;
  platform: string;
  kind: string;
  dedupe_key: string | null;
  payload: string;
  created_at: number;
  next_attempt_at: number;
  attempts: number;
  last_error: string | null;
  delivered_at: number | null;
  /** Which process is delivering the row, and until when its lease holds (0004). */
  claimed_by: string | null;
  claimed_until: number | null;
}

export interface ConversationRefsTable {
  platform: string;
  key: string;
  ref: string;
  updated_at: number;
}

export interface IncidentThreadsTable {
  incident_id: string;
  platform: string;
  channel: string;
  message_id: string;
  created_at: number;
}

export interface AgentsTable {
  id: string;
  last_seen_at: number | null;
  connected: number;
  info: string;
  /** Replica holding the agent's link (several replicas on PostgreSQL); null when none does. */
  replica: Generated<string | null>;
  /** The holder's lease on the link (epoch ms, database clock), renewed by its heartbeats. */
  lease_until: Generated<number | null>;
  /** Which link of the holder this is: a reconnect to the same replica is a new link. */
  link: Generated<string | null>;
}

/** One drbot process sharing the PostgreSQL database, alive while its lease runs. */
export interface ReplicasTable {
  id: string;
  started_at: number;
  lease_until: number;
  info: string;
}

/** A request for an agent whose link another replica holds: asked by `origin`, sent by `holder`. */
export interface AgentRequestsTable {
  request_id: string;
  host: string;
  origin: string;
  holder: string | null;
  /** queued → sent → done; `abandoned` when nobody waits for it any more and it was never sent. */
  state: string;
  request: string;
  result: string | null;
  created_at: number;
  updated_at: number;
}

/** A request or event already taken, kept until it can no longer be replayed. */
export interface SeenRequestsTable {
  key: string;
  expires_at: number;
}

/** A named lease: one process at a time holds it until `until`. */
export interface LeasesTable {
  name: string;
  owner: string;
  until: number;
}

export interface MetaTable {
  key: string;
  value: string;
}

/** The whole database as Kysely sees it. */
export interface Database {
  incidents: IncidentsTable;
  timeline: TimelineTable;
  checklist: ChecklistTable;
  approvals: ApprovalsTable;
  step_runs: StepRunsTable;
  timers: TimersTable;
  deliveries: DeliveriesTable;
  outbox: OutboxTable;
  conversation_refs: ConversationRefsTable;
  incident_threads: IncidentThreadsTable;
  agents: AgentsTable;
  seen_requests: SeenRequestsTable;
  leases: LeasesTable;
  replicas: ReplicasTable;
  agent_requests: AgentRequestsTable;
  meta: MetaTable;
}

/** The name of one of drbot's tables. */
export type TableName = keyof Database;

/** One row of a table as read back (generated columns filled in). */
export type TableRow<T extends TableName> = Selectable<Database[T]>;
