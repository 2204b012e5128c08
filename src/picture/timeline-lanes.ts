import type { Approval, StepRun, StepRunStatus, TimelineEntry } from '../incident/incident.js';
import type { IncidentSnapshot } from '../incident/incident-snapshot.js';
import type { Lang } from '../i18n/lang.js';
import { allSteps } from '../runbook/find-step.js';

/** How a page on the ladder went: delivered, failed on every channel, or not sent (passed over, nobody, duplicate, unknown). */
export type PageOutcome = 'sent' | 'failed' | 'skipped';

/** One page of the ladder as the picture shows it. */
export interface PageMark {
  at: number;
  level: number;
  person?: string;
  via?: string;
  outcome: PageOutcome;
  text: string;
}

/** One row of step spans: every run of one step, and the manual completions of it. */
export interface StepLane {
  stepId: string;
  title: string;
  diagnostic: boolean;
  runs: StepRun[];
  manual: TimelineEntry[];
}

/** What the timeline picture draws, sorted out of an incident snapshot. */
export interface TimelineLanes {
  pages: PageMark[];
  steps: StepLane[];
  approvals: Approval[];
  notes: TimelineEntry[];
  ackAt?: number;
  /** When the incident stopped (resolved or cancelled), or `now` while it is open. */
  endAt: number;
  stopped: boolean;
}

/** The parts of a snapshot the picture reads. */
export type TimelineSource = Pick<IncidentSnapshot, 'incident' | 'type' | 'runs' | 'approvals' | 'timeline' | 'now'>;

/** Sorts a snapshot into the picture's lanes: ladder pages, one row per step (pack order), approvals, notes. */
export function timelineLanes(snap: TimelineSource, lang: Lang): TimelineLanes {
  const { incident, type } = snap;
  const located = allSteps(type);
  const order = new Map(located.map((l, i) => [l.step.id, i]));
  const lanes = new Map<string, StepLane>();
  const laneOf = (stepId: string): StepLane => {
    let lane = lanes.get(stepId);
    if (!lane) {
      const step = located.find((l) => l.step.id === stepId);
      lane = { stepId, title: step?.step.title[lang] ?? stepId, diagnostic: step?.section === 'diagnostics', runs: [], manual: [] };
      lanes.set(stepId, lane);
    }
    return lane;
  };
  for (const run of snap.runs) laneOf(run.stepId).runs.push(run);
  for (const e of snap.timeline) {
    if (e.kind === 'step' && e.data?.manual === true && typeof e.data.step === 'string') laneOf(e.data.step).manual.push(e);
  }
  const steps = [...lanes.values()].sort(
    (a, b) => (order.get(a.stepId) ?? Number.MAX_SAFE_INTEGER) - (order.get(b.stepId) ?? Number.MAX_SAFE_INTEGER) || a.stepId.localeCompare(b.stepId),
  );
  const stoppedAt = incident.resolvedAt ?? incident.cancelledAt;
  return {
    pages: snap.timeline.filter((e) => e.kind === 'page').flatMap((e) => pageMark(e)),
    steps,
    approvals: snap.approvals,
    notes: snap.timeline.filter((e) => e.kind === 'note'),
    ackAt: incident.ackedAt,
    endAt: stoppedAt ?? snap.now,
    stopped: stoppedAt !== undefined,
  };
}

function pageMark(e: TimelineEntry): PageMark[] {
  const d = e.data ?? {};
  if (typeof d.level !== 'number') return [];
  const person = typeof d.person === 'string' ? d.person : undefined;
  const via = typeof d.via === 'string' ? d.via : undefined;
  // Entries with `ok` record a send; the rest say who was passed over, that nobody was left, or an unknown outcome.
  const outcome: PageOutcome = d.ok === true ? 'sent' : d.ok === false ? 'failed' : 'skipped';
  // A "paging X instead" entry announces the send that follows; the send has its own entry.
  if (outcome === 'skipped' && typeof d.after === 'string' && person) return [];
  return [{ at: e.at, level: d.level, person, via, outcome, text: e.text }];
}

/** The colour of a step outcome: green ok, amber warn, red fail, grey unknown, blue running. */
export const STATUS_COLOUR: Record<StepRunStatus, string> = {
  ok: '#2e7d32',
  warn: '#b26a00',
  fail: '#c62828',
  unknown: '#6b6b6b',
  running: '#1565c0',
};
