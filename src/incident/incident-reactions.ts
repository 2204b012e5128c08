import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { SYSTEM_ACTOR } from '../app/actor.js';
import type { AppContext, DrbotModule } from '../app/drbot-module.js';
import type { Runtime } from '../app/runtime.js';
import { backupRestoreStep } from '../runbook/find-step.js';
import type { Step } from '../runbook/pack-schema.js';
import type { IncidentChanged } from './incident-events.js';
import type { Incident } from './incident.js';

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
 * - `opened`: the type's diagnostics and the log snapshot run on the incident's host (one summary entry),
 *   and a type that restores a backup (Type 2) asks the restore step's plan (read-only) and puts it
 *   on the timeline: the card shows the newest backup's age against the RPO from it;
 *   when the host's agent is offline then, they run when it connects again (the replica holding the
 *   link does it; a lease per incident and the runs already recorded make it once, across replicas);
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
    // An agent back online: incidents on its host opened while it was away get their diagnostics now.
    runtime.hub?.onConnected((host) => {
      if (!this.stopping) void this.track(diagnoseMissed(runtime, host)).catch((err: unknown) => runtime.log.error({ err, host }, 'diagnostics of incidents opened while the agent was offline failed'));
    });
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

/** Identifies this process in the diagnose-once leases. */
const OWNER = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
/** Longer than diagnostics and a snapshot take (60 s each at most); a replica that died holding it frees it then. */
const DIAGNOSE_LEASE_MS = 10 * 60_000;

/** Runs the type's diagnostics and the log snapshot for a new incident; the step runner posts the one summary. */
async function diagnoseOpened(runtime: Runtime, e: IncidentChanged): Promise<void> {
  await runtime.hub?.arrivals();
  const incident = e.incident ?? (await runtime.store.incidents.get(e.incidentId));
  if (!incident || incident.status !== 'open') return;
  if (!runtime.agents.presence(incident.host).online) return;
  await diagnoseOnce(runtime, incident);
}

/** The open incidents on `host` whose diagnostics or snapshot never ran (the agent was offline): run them now. */
async function diagnoseMissed(runtime: Runtime, host: string): Promise<void> {
  const open = (await runtime.store.incidents.list(['open'])).filter((i) => i.host === host);
  for (const incident of open) await diagnoseOnce(runtime, incident);
}

/**
 * Runs what an incident is missing of its opening diagnostics and log snapshot, once: under a lease
 * per incident (another replica, or the open racing a reconnect, waits its turn and then finds the
 * runs recorded), and only the parts that have no run yet.
 */
async function diagnoseOnce(runtime: Runtime, incident: Incident): Promise<void> {
  const { store, clock } = runtime;
  const lease = `diagnose:${incident.id}`;
  if (!(await store.leases.acquire(lease, OWNER, clock.now() + DIAGNOSE_LEASE_MS, clock.now()))) return;
  try {
    const type = runtime.pack.types.find((t) => t.id === incident.type);
    const runs = await store.incidents.stepRuns(incident.id);
    const diagnosed = type ? runs.some((r) => type.diagnostics.some((d) => d.id === r.stepId)) : true;
    const snapshotted = runs.some((r) => r.stepId === snapshotStep(runtime).id);
    const restore = type ? backupRestoreStep(type) : undefined;
    const backupKnown = !restore || (await store.incidents.timeline(incident.id)).some((e) => e.kind === 'plan' && e.data?.step === restore.id);
    if (diagnosed && snapshotted && backupKnown) return;
    await Promise.all([
      diagnosed && snapshotted ? undefined : diagnoseAndSnapshot(runtime, incident, { diagnose: !diagnosed, snapshot: !snapshotted }),
      restore && !backupKnown ? planBackup(runtime, incident, restore) : undefined,
    ]);
  } finally {
    await store.leases.release(lease, OWNER).catch(() => undefined);
  }
}

/** The log snapshot as a step: the immediate checklist's `log_snapshot` item, or a default. */
export function snapshotStep(runtime: Pick<Runtime, 'pack'>): Step {
  const item = runtime.pack.checklists.immediate.find((i) => i.action === 'log_snapshot');
  return {
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
}

/**
 * Asks the restore step's plan (read-only: nothing changes on the host) and puts it on the timeline,
 * where the card reads the newest backup and its age. A plan the agent cannot make (no backup at
 * all, a refusal) is logged and not recorded: the card then says the age is unknown.
 */
async function planBackup(runtime: Runtime, incident: Incident, step: Step): Promise<void> {
  const planned = await runtime.steps.plan(incident, SYSTEM_ACTOR, step);
  if (!planned.ok) {
    runtime.log.warn({ incidentId: incident.id, step: step.id, reason: planned.reason.en }, 'could not ask the restore step\'s plan at open; the card shows the newest backup\'s age as unknown');
    return;
  }
  await runtime.steps.recordPlan(incident, SYSTEM_ACTOR, planned.value);
}

async function diagnoseAndSnapshot(runtime: Runtime, incident: Incident, what: { diagnose: boolean; snapshot: boolean }): Promise<void> {
  await Promise.all([
    what.diagnose ? runtime.steps.diagnose(incident, SYSTEM_ACTOR) : undefined,
    what.snapshot ? runtime.steps.execute(incident, SYSTEM_ACTOR, snapshotStep(runtime), undefined, { quiet: true }) : undefined,
  ]);
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
