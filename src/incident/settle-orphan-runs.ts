import type { ActionRequest, ActionResult } from '../agentlink/agent-port.js';
import { SYSTEM_ACTOR, type Actor } from '../app/actor.js';
import type { Core } from '../app/core.js';
import { findStep } from '../runbook/find-step.js';
import type { IncidentService } from './incident-service.js';
import type { StepRunner } from './step-runner.js';
import { STATUS_MARKS } from './status-marks.js';
import { translator } from '../i18n/lang.js';


/**
 * Settles step runs an earlier drbot process left `running` (it crashed or restarted mid-run) by
 * asking the host's agent what became of each request; nothing is re-run. Only runs started before
 * `startedBefore` are touched, so this process's own runs are never mistaken for orphans. A
 * successful host change then gets the same follow-up as a live one: "recovery executed" and the
 * type's health check.
 */
export async function settleOrphanRuns(
  core: Core,
  steps: StepRunner,
  incidents: IncidentService,
  host: string,
  startedBefore: number,
  requery: (request: ActionRequest) => Promise<ActionResult>,
): Promise<number> {
  const { store, clock } = core;
  const t = translator(core.lang);
  let settled = 0;
  for (const run of await store.incidents.runningStepRuns()) {
    if (run.startedAt >= startedBefore) continue;
    const incident = await store.incidents.get(run.incidentId);
    if (!incident || incident.host !== host) continue;
    const located = findStep(steps.typeOf(incident), run.stepId);
    let result: ActionResult;
    try {
      result = await requery({
        requestId: run.requestId,
        host,
        action: run.action,
        params: located?.step.params ?? {},
        incidentId: incident.id,
        approvalId: run.approvalId,
        timeoutMs: 30_000,
      });
    } catch {
      continue; // in flight in this process after all, or the agent went away again: the next connection retries
    }
    if (!(await store.incidents.settleStepRun(run.requestId, { status: result.status, summary: result.summary, output: result.output, finishedAt: clock.now() }))) continue;
    settled++;
    await incidents.record(
      incident,
      SYSTEM_ACTOR,
      'step',
      t(
        `${STATUS_MARKS[result.status]} ${run.stepId} (drbot 재시작 전에 보낸 요청, 다시 실행하지 않음): ${result.summary}`,
        `${STATUS_MARKS[result.status]} ${run.stepId} (sent before drbot restarted, not re-run): ${result.summary}`,
      ),
      { step: run.stepId, status: result.status, request: run.requestId, approval: run.approvalId, orphan: true },
    );
    if (located?.step.mutates && result.status === 'ok' && incident.status === 'open') {
      const requester: Actor = { ...SYSTEM_ACTOR, name: run.requestedBy };
      await incidents.tick(incident, requester, 'recovery-executed');
      await steps.healthCheck(incident, requester);
    }
  }
  return settled;
}

/**
 * Records the result of a request whose asking drbot replica is gone (several replicas on
 * PostgreSQL): the replica now holding the agent's link got the answer, by asking the agent, and
 * nobody else waits for it. The run is finished only while still running, so the outcome is
 * recorded once; a successful host change gets its usual follow-up.
 */
export async function settleOrphanResult(core: Core, steps: StepRunner, incidents: IncidentService, request: ActionRequest, result: ActionResult): Promise<boolean> {
  const { store, clock } = core;
  const t = translator(core.lang);
  const run = (await store.incidents.runningStepRuns()).find((r) => r.requestId === request.requestId);
  if (!run) return false;
  const incident = await store.incidents.get(run.incidentId);
  if (!incident) return false;
  if (!(await store.incidents.settleStepRun(run.requestId, { status: result.status, summary: result.summary, output: result.output, finishedAt: clock.now() }))) return false;
  await incidents.record(
    incident,
    SYSTEM_ACTOR,
    'step',
    t(
      `${STATUS_MARKS[result.status]} ${run.stepId} (요청한 drbot 복제본이 중단됨, 다시 실행하지 않음): ${result.summary}`,
      `${STATUS_MARKS[result.status]} ${run.stepId} (the drbot replica that sent it stopped; not re-run): ${result.summary}`,
    ),
    { step: run.stepId, status: result.status, request: run.requestId, approval: run.approvalId, orphan: true },
  );
  const located = findStep(steps.typeOf(incident), run.stepId);
  if (located?.step.mutates && result.status === 'ok' && incident.status === 'open') {
    const requester: Actor = { ...SYSTEM_ACTOR, name: run.requestedBy };
    await incidents.tick(incident, requester, 'recovery-executed');
    await steps.healthCheck(incident, requester);
  }
  return true;
}
