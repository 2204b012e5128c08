import type { FaultType, RunbookPack } from '../runbook/pack-schema.js';

/** Minutes of silence after which an open incident gets a reminder. */
export const QUIET_MINUTES = 30;

const LADDER = 'ladder-';
const PAGE_AT_OPEN = 'page-at-open-';
const CHECK = 'check-';

/**
 * Every kind of durable timer, in one table: the incident service writes them, the scheduler's
 * handlers act on them. Ladder timers are `ladder-<level>`; scheduled checks `check-<schedule>`
 * (incident id '').
 */
export const TIMER = {
  ladder: (level: number) => `${LADDER}${level}`,
  isLadder: (kind: string) => kind.startsWith(LADDER),
  /** The rung of a `ladder-<level>` kind. */
  ladderLevel: (kind: string) => Number(kind.slice(LADDER.length)),
  /** `page-at-open-<role>`: the type's `pageAtOpen` role, paged when the incident opens. */
  pageAtOpen: (role: string) => `${PAGE_AT_OPEN}${role}`,
  isPageAtOpen: (kind: string) => kind.startsWith(PAGE_AT_OPEN),
  pageAtOpenRole: (kind: string) => kind.slice(PAGE_AT_OPEN.length),
  rtoWarning: 'rto-warning',
  rtoGoal: 'rto-goal',
  rtoLimit: 'rto-limit',
  quiet: 'quiet',
  check: (schedule: string) => `${CHECK}${schedule}`,
  isCheck: (kind: string) => kind.startsWith(CHECK),
  /** The schedule of a `check-<schedule>` kind. */
  checkSchedule: (kind: string) => kind.slice(CHECK.length),
  /** The one report (incident id '') of what came due while drbot was down and what it did about it. */
  missedWork: 'missed-work',
} as const;

/** A timer to write: its kind, when it is due, and what its handler needs to know. */
export interface TimerSpec {
  kind: string;
  dueAt: number;
  payload?: Record<string, unknown>;
}

/**
 * The timers an incident gets when it opens: a page per ladder rung, the three RTO alarms, and the
 * quiet reminder. `speed` (a drill's `--speed`) divides every delay, for this incident only.
 * With the fault `type` (at open, not when timers are moved later): a page due now for each of its
 * `pageAtOpen` roles, written in the same transaction as the incident, so it is sent once even across a crash.
 */
export function openingTimers(pack: RunbookPack, now: number, speed = 1, type?: Pick<FaultType, 'pageAtOpen'>): TimerSpec[] {
  const after = (minutes: number) => now + Math.round((minutes * 60_000) / speed);
  return [
    ...(type?.pageAtOpen ?? []).map((role) => ({ kind: TIMER.pageAtOpen(role), dueAt: now, payload: { role } })),
    ...pack.ladder.map((rung) => ({ kind: TIMER.ladder(rung.level), dueAt: after(rung.afterMinutes), payload: { level: rung.level } })),
    { kind: TIMER.rtoWarning, dueAt: after(pack.rto.goalMinutes - 60) },
    { kind: TIMER.rtoGoal, dueAt: after(pack.rto.goalMinutes) },
    { kind: TIMER.rtoLimit, dueAt: after(pack.rto.limitMinutes) },
    { kind: TIMER.quiet, dueAt: after(QUIET_MINUTES) },
  ];
}
