import { SYSTEM_ACTOR } from '../app/actor.js';
import type { AppContext, DrbotModule } from '../app/drbot-module.js';
import type { Runtime } from '../app/runtime.js';
import type { Step } from '../runbook/pack-schema.js';
import type { IncidentChanged } from './incident-events.js';

/**
 * What drbot does when an incident changes, in one place.
 *
 * In the transaction that opens an incident (`IncidentService.open`): the incident row, the
 * `opened` timeline entry (`IncidentService.append`, the one way onto the timeline), the checklist
 * items the engine ticks itself, and the timers of `openingTimers` (src/incident/timer-kinds.ts:
 * ladder pages, RTO alarms, the quiet reminder; the scheduler's handlers in src/escalation act on
 * them).
 *
 * After every committed change, the listeners registered here:
 * - any change: the scheduler wakes (an open or an escalation writes timers that are due now);
 * - `opened`: the type's diagnostics and the log snapshot run on the incident's host (one summary entry);
 * - `resolved`, `closed`: the post-incident report is written (again, finally, on close);
 * - every timeline entry: pages are counted for `/metrics`.
 *
 * The platforms render the same events themselves: each adapter posts or updates its incident
 * card and threads the timeline (adapters/slack, adapters/teams), from the event's incident and
 * origin, without reading the incident again.
 */
export class IncidentReactions implements DrbotModule {
  readonly name = 'incident-reactions';
  /** Diagnostics use the agent link, so the link starts first and stops only after these finish. */
  readonly after = ['agent-link'];
  private readonly work = new Set<Promise<unknown>>();
  private stopping = false;

  async start(app: Pick<AppContext, 'runtime'>): Promise<void> {
    const { runtime } = app;
    runtime.events.onIncident((e) => this.react(runtime, e));
    const metrics = runtime.metrics;
    if (metrics) runtime.events.onTimeline((entry) => metrics.countPage(entry));
    // A stop between resolving and writing left a report unwritten: write it now.
    const caughtUp = await runtime.reports.writeMissing();
    runtime.log.info({ reportsDir: runtime.reportsDir, caughtUp: caughtUp.map((r) => r.shownPath) }, 'post-incident reports are written on resolve');
  }

  /** Lets the diagnostics of an incident opened just before shutdown finish (bounded by the deadline). */
  async stop(deadline: number): Promise<void> {
    this.stopping = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.work]), new Promise((r) => (timer = setTimeout(r, Math.max(0, deadline - Date.now()))))]);
    clearTimeout(timer);
  }

  private react(runtime: Runtime, e: IncidentChanged): Promise<void> | void {
    runtime.scheduler.wake();
    if (e.change === 'opened' && !this.stopping) return this.track(diagnoseOpened(runtime, e));
    if (e.change === 'resolved') return this.track(undoDrillFaults(runtime, e).then(() => writeReport(runtime, e)));
    if (e.change === 'closed') return this.track(writeReport(runtime, e));
  }

  private track(job: Promise<void>): Promise<void> {
    this.work.add(job);
    void job.finally(() => this.work.delete(job)).catch(() => undefined);
    return job;
  }
}

/** Runs the type's diagnostics and the log snapshot for a new incident; the step runner posts the one summary. */
async function diagnoseOpened(runtime: Runtime, e: IncidentChanged): Promise<void> {
  await runtime.hub?.arrivals();
  const incident = e.incident ?? (await runtime.store.incidents.get(e.incidentId));
  if (!incident || incident.status !== 'open') return;
  if (!runtime.agents.presence(incident.host).online) return;
  const item = runtime.pack.checklists.immediate.find((i) => i.action === 'log_snapshot');
  const snapshot: Step = {
    id: item?.id ?? 'log-snapshot',
    title: item?.text ?? { ko: '로그 스냅샷', en: 'Log snapshot' },
    action: 'log_snapshot',
    params: {},
    mutates: false,
    destructive: false,
    approvers: [],
    procedure: [],
    timeoutSeconds: 60,
  };
  await Promise.all([runtime.steps.diagnose(incident, SYSTEM_ACTOR), runtime.steps.execute(incident, SYSTEM_ACTOR, snapshot, undefined, { quiet: true })]);
}

/** A drill resolved by `/incident resolve` (not `drill end`): every fault it injected and still in place is undone. */
async function undoDrillFaults(runtime: Runtime, e: IncidentChanged): Promise<void> {
  const incident = e.incident ?? (await runtime.store.incidents.get(e.incidentId));
  if (!incident?.drill) return;
  await runtime.drills.undoFaults(incident, SYSTEM_ACTOR, { quietWhenNothing: true });
}

/** Writes the report when an incident is resolved, and again when it is closed (the final version). */
export async function writeReport(runtime: Runtime, e: IncidentChanged): Promise<void> {
  const incident = e.incident ?? (await runtime.store.incidents.get(e.incidentId));
  if (!incident || (incident.status !== 'resolved' && incident.status !== 'closed')) return;
  const written = await runtime.reports.write(incident, SYSTEM_ACTOR);
  runtime.log.info({ incidentId: incident.id, path: written.shownPath, created: written.created }, 'post-incident report written');
}
