import type { FaultType } from '../runbook/pack-schema.js';
import { allSteps } from '../runbook/find-step.js';

/** A step that finished successfully (an agent run, or a manual step marked done) before an incident's recovery. */
export interface RecoveryAction {
  stepId: string;
  at: number;
}

/** One recovered production incident (resolved or closed, never a drill) with the successful steps before its recovery. */
export interface RecoveredIncident {
  incidentId: string;
  type: number;
  openedAt: number;
  resolvedAt: number;
  /** Successful step runs and manual steps done up to the moment it was resolved, in any order. */
  actions: RecoveryAction[];
}

/** What history says about one fault type. */
export interface FaultTypeStats {
  type: number;
  /** Production incidents of the type (open, recovered or closed; not cancelled). */
  incidents: number;
  /** How many of them were recovered: the incidents the times below are taken from. */
  recovered: number;
  /** Time to recover (opened → resolved): the median and the 90th percentile (nearest rank). */
  mttrMedianMs?: number;
  mttrP90Ms?: number;
  /** The recovery step that most often came last before recovery, and in how many of `recovered`. */
  topStep?: { stepId: string; count: number };
}

/**
 * The step that preceded an incident's recovery: the last successful step before it was resolved
 * that changed something, i.e. one that changes the host or a manual step people did. Read-only
 * steps (the health check after every recovery step, listing backups) observe the recovery, they
 * do not cause it. Undefined when the incident recovered without any such step.
 */
export function lastRecoveryStep(type: FaultType, incident: RecoveredIncident, counting: ReadonlySet<string> = recoveryStepIds(type)): string | undefined {
  let last: RecoveryAction | undefined;
  for (const a of incident.actions) {
    if (a.at > incident.resolvedAt || !counting.has(a.stepId)) continue;
    if (!last || a.at >= last.at) last = a;
  }
  return last?.stepId;
}

/** Ids of the steps of a type that can cause a recovery: those that change the host, and manual steps. */
export function recoveryStepIds(type: FaultType): Set<string> {
  return new Set(allSteps(type).filter(({ step }) => step.mutates || step.action === 'manual').map(({ step }) => step.id));
}

/** Per fault type: count, MTTR median and p90, and the step that most often preceded recovery. */
export function faultTypeStats(type: FaultType, recovered: readonly RecoveredIncident[], incidents?: number): FaultTypeStats {
  const mine = recovered.filter((r) => r.type === type.id);
  const durations = mine.map((r) => Math.max(0, r.resolvedAt - r.openedAt)).sort((a, b) => a - b);
  const counts = new Map<string, { count: number; latest: number }>();
  const counting = recoveryStepIds(type);
  for (const r of mine) {
    const step = lastRecoveryStep(type, r, counting);
    if (!step) continue;
    const c = counts.get(step) ?? { count: 0, latest: 0 };
    counts.set(step, { count: c.count + 1, latest: Math.max(c.latest, r.resolvedAt) });
  }
  // Ties go to the step that worked most recently.
  const top = [...counts.entries()].sort((a, b) => b[1].count - a[1].count || b[1].latest - a[1].latest)[0];
  return {
    type: type.id,
    incidents: Math.max(incidents ?? 0, mine.length),
    recovered: mine.length,
    mttrMedianMs: median(durations),
    mttrP90Ms: percentile(durations, 0.9),
    topStep: top ? { stepId: top[0], count: top[1].count } : undefined,
  };
}

/** The median of sorted numbers (the mean of the middle two for an even count); undefined when empty. */
export function median(sorted: readonly number[]): number | undefined {
  if (!sorted.length) return undefined;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The nearest-rank percentile (`q` in 0…1) of sorted numbers; undefined when empty. */
export function percentile(sorted: readonly number[], q: number): number | undefined {
  if (!sorted.length) return undefined;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1];
}
