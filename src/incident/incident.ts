import type { Role } from '../runbook/pack-schema.js';
import type { ApprovedPlan } from './step-plan.js';
import type { DrillPlan } from './drill.js';

/** Lifecycle: open → resolved → closed, or open → cancelled. */
export type IncidentStatus = 'open' | 'resolved' | 'closed' | 'cancelled';

/** How much of Routing ML is affected (the immediate checklist's 영향 범위). */
export type ImpactScope = 'full' | 'partial' | 'feature';

/** All impact scopes, in the order the procedure lists them. */
export const IMPACT_SCOPES: readonly ImpactScope[] = ['full', 'partial', 'feature'];

/** One incident of one fault type. */
export interface Incident {
  id: string;
  day: string;
  seq: number;
  type: number;
  scope: ImpactScope;
  status: IncidentStatus;
  note: string;
  host: string;
  openedBy: string;
  openedAt: number;
  commander?: string;
  ackedBy?: string;
  ackedAt?: number;
  /** Highest ladder level reached so far. */
  level: number;
  resolvedBy?: string;
  resolvedAt?: number;
  cause?: string;
  closedAt?: number;
  cancelledAt?: number;
  cancelReason?: string;
  dedupeKey?: string;
  lastActivityAt: number;
  /** People assigned to roles for this incident (`assign`), role → contact name. */
  assignments: Partial<Record<Role, string>>;
  /** A rehearsal (issue 15), not an outage: left out of history and statistics. */
  drill?: boolean;
  /** A drill's participants and speed (set with `drill`). */
  drillPlan?: DrillPlan;
}

/** What a timeline entry records. */
export type TimelineKind =
  | 'opened'
  | 'command'
  | 'note'
  | 'ack'
  | 'assign'
  | 'escalate'
  | 'checklist'
  | 'approval'
  | 'step'
  | 'diagnostics'
  | 'page'
  | 'alarm'
  | 'reminder'
  | 'status'
  | 'correction'
  | 'plan'
  | 'notice'
  | 'report'
  | 'system';

/** One append-only line of an incident's history. */
export interface TimelineEntry {
  id?: number;
  incidentId: string;
  at: number;
  actor: string;
  kind: TimelineKind;
  text: string;
  data?: Record<string, unknown>;
}

/** Approval state: waiting for a second person, approved (ready to run), used by a run, or expired. */
export type ApprovalStatus = 'pending' | 'approved' | 'used' | 'expired';

/** Someone's go-ahead for one recovery step of one incident. */
export interface Approval {
  id: string;
  incidentId: string;
  stepId: string;
  firstBy: string;
  firstAt: number;
  secondBy?: string;
  secondAt?: number;
  needsTwo: boolean;
  expiresAt: number;
  status: ApprovalStatus;
  /** The plan the approvers saw (and the target they chose); the run is refused when the host's plan no longer matches. */
  plan?: ApprovedPlan;
}

/** Outcome of a step run as the agent reports it; `unknown` when the link dropped mid-run. */
export type StepRunStatus = 'running' | 'ok' | 'warn' | 'fail' | 'unknown';

/** One execution of a step on the host. */
export interface StepRun {
  requestId: string;
  incidentId: string;
  stepId: string;
  approvalId?: string;
  action: string;
  requestedBy: string;
  startedAt: number;
  finishedAt?: number;
  status: StepRunStatus;
  summary: string;
  output: string;
}

/** A ticked checklist item. */
export interface ChecklistTick {
  itemId: string;
  doneBy: string;
  doneAt: number;
}

/** True while the incident still needs work. */
export function isActive(incident: Incident): boolean {
  return incident.status === 'open';
}

const TRANSITIONS: Record<IncidentStatus, readonly IncidentStatus[]> = {
  open: ['resolved', 'cancelled'],
  resolved: ['closed', 'open'],
  closed: [],
  cancelled: [],
};

/** True when the state machine allows going from `from` to `to` (resolved may be reopened). */
export function canTransition(from: IncidentStatus, to: IncidentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}
