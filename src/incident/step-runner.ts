import { AgentOfflineError, type ActionResult } from '../agentlink/agent-port.js';
import type { Actor } from '../app/actor.js';
import type { Core } from '../app/core.js';
import { formatTime } from '../i18n/format-time.js';
import { allSteps, matchStep, stepNumber, type LocatedStep } from '../runbook/find-step.js';
import type { FaultType, Step } from '../runbook/pack-schema.js';
import { UniqueViolationError } from '../errors/drbot-error.js';
import type { Store } from '../store/store.js';
import type { Approval, Incident, StepRun, TimelineEntry } from './incident.js';
import { clip, type IncidentService } from './incident-service.js';
import { ok, refuse, type Outcome } from './outcome.js';
import { STATUS_MARKS } from './status-marks.js';
import { drillFaultStep } from './drill.js';
import { changedWhat, HostPlan, planChanges, planDigest, type StepPlan } from './step-plan.js';
import { pick, translator } from '../i18n/lang.js';

/** What became of one step execution. */
export interface StepExecution {
  step: Step;
  run?: StepRun;
  /** Set when nothing ran because the host's agent is offline. */
  offline?: boolean;
  /** The health check run after a successful recovery step. */
  health?: StepExecution;
  /** Set when nothing ran because the host's plan no longer matches the approved one: what changed. */
  planChanged?: string[];
  /**
   * Set when nothing ran because the approval was given while the agent was offline, so nobody saw
   * what the step would change: the plan now, to be approved (the blind approval has expired).
   */
  planUnseen?: StepPlan;
}

/** Result of `approve`. */
export interface ApproveResult {
  approval: Approval;
  /** True when this call only recorded a first approval of a two-person step. */
  waitingForSecond: boolean;
  /** True when the step was already approved (double click, retry): nothing new happened. */
  duplicate: boolean;
  execution?: StepExecution;
  /** The plan the approval was given for (when the agent could make one). */
  plan?: StepPlan;
}

/** What `approve` answers; a refusal because the host's plan changed carries the plan now (`replan`), to show with its own Approve. */
export type ApproveOutcome = Outcome<ApproveResult> & { replan?: StepPlan };

/** How an approval is asked for: `again` runs a step that already ran once more, on purpose. */
export interface ApproveOptions {
  again?: boolean;
  /** A target from the agent's allow-list instead of the step's default (a backup file, a model version, a ref). */
  choice?: string;
  /** Digest of the plan the approver was shown; approving is refused when the host's plan no longer matches it. */
  shown?: string;
}

/** Approvals, step runs and diagnostics: everything that makes the agent do something. */
export class StepRunner {
  constructor(
    private readonly core: Core,
    private readonly incidents: IncidentService,
  ) {}

  /** The fault type of an incident. */
  typeOf(incident: Incident): FaultType {
    const type = this.core.pack.types.find((t) => t.id === incident.type);
    if (!type) throw new Error(`incident ${incident.id} has type ${incident.type}, which the runbook pack does not define`);
    return type;
  }

  /**
   * Finds the step a person named — by id, unique prefix or number on the card — among the steps
   * `among` accepts; an ambiguous name lists the candidates, an unknown one the valid steps.
   */
  locate(incident: Incident, stepRef: string, among?: (s: LocatedStep) => boolean): Outcome<LocatedStep> {
    const type = this.typeOf(incident);
    const fault = drillFaultStep(stepRef);
    if (fault) {
      if (!incident.drill) return refuse(`${incident.id}은(는) 훈련이 아니라서 장애를 주입할 수 없습니다 (\`/incident drill\`로 훈련을 시작하세요).`, `${incident.id} is not a drill: faults are injected only in a drill (start one with \`/incident drill\`).`);
      return ok({ step: fault, section: 'stage' });
    }
    const match = matchStep(type, stepRef, among);
    if (match.kind === 'one') return ok(match.located);
    const numbered = (steps: LocatedStep[]) => steps.map((s) => `${stepNumber(type, s.step.id)}. ${s.step.id}`).join(', ');
    if (match.kind === 'several') {
      return refuse(
        `"${clip(stepRef)}"에 맞는 단계가 여럿입니다 (아무것도 하지 않았습니다): ${numbered(match.candidates)}`,
        `"${clip(stepRef)}" matches several steps (nothing was done): ${numbered(match.candidates)}`,
      );
    }
    const valid = numbered(allSteps(type).filter((s) => !among || among(s)));
    return refuse(`Type ${type.id}에 "${clip(stepRef)}" 단계가 없습니다. 단계: ${valid}`, `Type ${type.id} has no step "${clip(stepRef)}". Steps: ${valid}`);
  }

  /**
   * Records an approval of a recovery step by someone whose role allows it; when the approval is
   * complete (one person, or two different people for destructive steps) the step runs at once.
   * Everything about one step of one incident is decided under its lock (`lockStep`), so two
   * approvers at the same moment, on one process or two replicas, run it once. A step that already
   * ran is not run again by a plain approve; `again` runs it once more on purpose.
   */
  async approve(incident: Incident, actor: Actor, stepId: string, options: ApproveOptions = {}): Promise<ApproveOutcome> {
    if (incident.status !== 'open') return refuse(`${incident.id}은(는) 열려 있지 않습니다 (${incident.status}).`, `${incident.id} is not open (${incident.status}).`);
    const located = this.locate(incident, stepId, (s) => s.step.mutates);
    if (!located.ok) return located;
    const { step } = located.value;
    if (!step.mutates) {
      return refuse(
        `"${step.id}"은(는) 승인이 필요 없는 단계입니다. 실행: /incident run ${incident.id} ${step.id}`,
        `"${step.id}" needs no approval. Run it: /incident run ${incident.id} ${step.id}`,
      );
    }
    if (!step.approvers.some((r) => actor.roles.includes(r))) {
      return refuse(
        `${actor.name}님은 "${step.id}"을(를) 승인할 수 없습니다: 필요한 역할 ${step.approvers.join(' / ')}${actor.roles.length ? `, 보유 역할 ${actor.roles.join(', ')}` : ', 연락처에 등록되지 않은 사용자'}.`,
        `${actor.name} may not approve "${step.id}": it needs ${step.approvers.join(' or ')}${actor.roles.length ? `; you hold ${actor.roles.join(', ')}` : '; you are not on the contact list'}.`,
      );
    }
    let plan: StepPlan | undefined;
    if (this.core.agents.presence(incident.host).online) {
      const planned = await this.plan(incident, actor, step, options.choice);
      if (!planned.ok) return planned;
      plan = planned.value;
      if (options.shown && options.shown !== plan.digest) {
        const changes = await this.changesSince(incident, options.shown, plan);
        await this.recordPlan(incident, actor, plan);
        return {
          ...refuse<ApproveResult>(
            `${step.id}: 보여 드린 계획을 승인했지만 그 뒤 ${changedWhat(changes)}이(가) 바뀌었습니다 — 다시 승인하세요. 아무것도 실행하지 않았습니다. 바뀐 것: ${changes.join('; ') || '대상이 다릅니다'}. 새 계획과 그 승인 버튼은 아래에 있습니다.`,
            `${step.id}: ${changedWhat(changes)} changed since the plan you approved was shown — approve again. Nothing ran. What changed: ${changes.join('; ') || 'the target differs'}. The new plan and its Approve are below.`,
          ),
          replan: plan,
        };
      }
    } else if (options.choice) {
      return refuse(`${incident.host} 에이전트가 오프라인이라 "${clip(options.choice)}"을(를) 확인할 수 없습니다. 아무것도 바뀌지 않았습니다.`, `The agent for ${incident.host} is offline, so the choice "${clip(options.choice)}" cannot be checked; nothing changed.`);
    }
    let decided: { outcome: ApproveOutcome; entries: TimelineEntry[] };
    for (let attempt = 1; ; attempt++) {
      try {
        decided = await this.core.store.writeTransaction((tx) => this.decideApproval(tx, incident, actor, step, options, plan));
        break;
      } catch (err) {
        // The unique index on live approvals caught a clash the lock did not (it cannot, but the index is the last word): decide again.
        if (!(err instanceof UniqueViolationError) || attempt >= 3) throw err;
      }
    }
    const { outcome, entries } = decided;
    if (!outcome.ok) return outcome;
    if (entries.length) this.incidents.announce(incident.id, 'updated', entries, actor);
    const result = outcome.value;
    if (result.waitingForSecond || result.duplicate) return ok({ ...result, plan });
    return ok({ ...result, plan, execution: await this.execute(incident, actor, step, result.approval) });
  }

  /**
   * Asks the host's agent what a host-changing step would do now (read-only): the resolved target,
   * its facts and the choices it takes. A choice the agent does not list is refused with the valid ones.
   */
  async plan(incident: Incident, actor: Actor, step: Step, choice?: string): Promise<Outcome<StepPlan>> {
    if (!step.mutates) return refuse(`"${step.id}"은(는) 호스트를 바꾸지 않는 단계라 계획이 없습니다.`, `"${step.id}" does not change the host; it has no plan.`);
    if (!this.core.agents.presence(incident.host).online) {
      return refuse(
        `${incident.host} 에이전트가 오프라인이라 계획을 세울 수 없습니다 (/incident agents). 계획 없이 승인을 기록할 수는 있지만 실행되지 않습니다: 에이전트가 돌아오면 계획을 보여 드리고 그 계획을 승인해야 실행됩니다 — /incident approve ${incident.id} ${step.id}`,
        `The agent for ${incident.host} is offline; no plan can be made (/incident agents). An approval can still be recorded without a plan, but it does not run on its own: once the agent is back its plan is shown, and approving that plan runs it — /incident approve ${incident.id} ${step.id}`,
      );
    }
    if (choice) {
      // A choice may be any unique part of one the agent lists (`20261127` for routing_20261127.accdb).
      const listed = await this.plan(incident, actor, step);
      if (!listed.ok) return listed;
      const choices = listed.value.choices ?? [];
      const typed = choice;
      const exact = choices.find((c) => c.value === typed);
      const partial = choices.filter((c) => c.value.includes(typed));
      const picked = exact ?? (partial.length === 1 ? partial[0] : undefined);
      if (!picked) {
        const valid = choices.map((c) => c.label).join(', ') || this.t('없음', 'none');
        return refuse(
          `${step.id}: "${clip(choice)}"은(는) ${partial.length > 1 ? '여러 대상에 맞습니다' : '고를 수 있는 대상이 아닙니다'}. 아무것도 실행하지 않았습니다. 고를 수 있는 대상: ${valid}`,
          `${step.id}: "${clip(choice)}" ${partial.length > 1 ? 'matches several targets' : 'is not one of the targets'}; nothing ran. Valid choices: ${valid}`,
        );
      }
      choice = picked.value;
    }
    let result: ActionResult;
    try {
      result = await this.core.agents.run({
        requestId: `plan-${this.core.newId()}`,
        host: incident.host,
        action: 'plan',
        params: { ...step.params, action: step.action, ...(choice ? { choice } : {}) },
        incidentId: incident.id,
        timeoutMs: 30_000,
      });
    } catch (err) {
      return refuse(`${step.id}: 계획을 받지 못했습니다 (${clip((err as Error).message, 200)}).`, `${step.id}: no plan from the agent (${clip((err as Error).message, 200)}).`);
    }
    const parsed = HostPlan.safeParse(result.data);
    if (result.status !== 'ok' || !parsed.success) {
      return refuse(`${step.id}: 계획을 세울 수 없습니다 — ${clip(result.summary, 600)}. 아무것도 실행하지 않았습니다.`, `${step.id}: no plan — ${clip(result.summary, 600)}. Nothing ran.`);
    }
    const host = parsed.data;
    return ok({ ...host, stepId: step.id, ...(choice ? { choice } : {}), digest: planDigest(host, choice) });
  }

  /** Puts a plan that was shown on the timeline (so a later approval can say what changed since). */
  async recordPlan(incident: Incident, actor: Actor, plan: StepPlan): Promise<void> {
    await this.incidents.record(incident, actor, 'plan', this.t(`계획 ${plan.stepId}: ${plan.target}`, `plan ${plan.stepId}: ${plan.target}`), {
      step: plan.stepId,
      digest: plan.digest,
      choice: plan.choice,
      facts: plan.facts,
      target: plan.target,
    });
  }

  /** What differs between the plan shown with `digest` (from the timeline) and `now`. */
  private async changesSince(incident: Incident, digest: string, now: StepPlan): Promise<string[]> {
    const shown = (await this.core.store.incidents.timeline(incident.id)).filter((e) => e.kind === 'plan' && e.data?.digest === digest).at(-1);
    if (!shown) return [this.t(`보여 드린 계획 ${digest}을(를) 찾을 수 없습니다`, `the plan shown (${digest}) is not on the timeline`)];
    return planChanges({ target: String(shown.data?.target ?? ''), facts: (shown.data?.facts as StepPlan['facts']) ?? [] }, now);
  }

  /** Inside the approval's write transaction: what this approval means for the step, recorded. */
  private async decideApproval(tx: Store, incident: Incident, actor: Actor, step: Step, options: ApproveOptions, plan?: StepPlan): Promise<{ outcome: ApproveOutcome; entries: TimelineEntry[] }> {
    const entries: TimelineEntry[] = [];
    const done = (outcome: ApproveOutcome) => ({ outcome, entries });
    await tx.incidents.lockStep(incident.id, step.id);
    const now = this.core.clock.now();
    const ofStep = (await tx.incidents.approvals(incident.id)).filter((a) => a.stepId === step.id);
    const live = ofStep.filter((a) => a.status === 'pending' || a.status === 'approved');
    for (const stale of live.filter((a) => a.expiresAt <= now)) await tx.incidents.saveApproval({ ...stale, status: 'expired' });
    let current = live.find((a) => a.expiresAt > now);
    if (current && plan && !current.plan) {
      // Given while the agent was offline: nobody saw what it would change. It gives way to this approval, which has a plan.
      await tx.incidents.saveApproval({ ...current, status: 'expired' });
      entries.push(
        await this.incidents.append(
          tx,
          incident,
          actor,
          'approval',
          this.t(`${step.id}: 계획 없이 한 승인(${current.firstBy}, 에이전트 오프라인)이 만료됨 — 이 승인은 보여 드린 계획에 대한 것입니다`, `${step.id}: the approval given without a plan (${current.firstBy}, agent offline) expired; this approval is for the plan shown`),
          { step: step.id, approval: current.id, plan: plan.digest },
        ),
      );
      current = undefined;
    }
    if (current?.status === 'approved') return done(ok({ approval: current, waitingForSecond: false, duplicate: true }));
    if (current?.status === 'pending') {
      if (current.firstBy === actor.name) {
        return done(
          refuse(
            `"${step.id}"은(는) 파괴적 작업이라 다른 사람의 두 번째 승인이 필요합니다 (1차 승인: ${current.firstBy}).`,
            `"${step.id}" is destructive: a second, different person must approve (first approval: ${current.firstBy}).`,
          ),
        );
      }
      if (current.plan && plan && current.plan.digest !== plan.digest) {
        // The host changed between the two approvals: the first approver approved something else.
        await tx.incidents.saveApproval({ ...current, status: 'expired' });
        const changeList = planChanges(current.plan, plan);
        const changes = changeList.join('; ');
        entries.push(await this.incidents.append(tx, incident, actor, 'approval', this.t(`${step.id}: 1차 승인 뒤 계획이 바뀌어 승인이 만료됨 — ${changes}`, `${step.id}: the plan changed since the first approval; the approval expired — ${changes}`), { step: step.id, approval: current.id }));
        return done({
          ...refuse<ApproveResult>(
            `${step.id}: ${current.firstBy}님의 1차 승인 뒤 ${changedWhat(changeList)}이(가) 바뀌었습니다 — ${changes}. 아무것도 실행하지 않았습니다. 처음부터 다시 승인하세요 (새 계획은 아래에 있습니다).`,
            `${step.id}: ${changedWhat(changeList)} changed since ${current.firstBy} approved — ${changes}. Nothing ran. Approve again from the start (the new plan is below).`,
          ),
          replan: plan,
        });
      }
      const approval: Approval = { ...current, secondBy: actor.name, secondAt: now, status: 'approved' };
      await tx.incidents.saveApproval(approval);
      entries.push(
        await this.incidents.append(tx, incident, actor, 'approval', this.t(`2차 승인: ${step.id} (${current.firstBy}, ${actor.name})`, `second approval: ${step.id} (${current.firstBy}, ${actor.name})`), {
          step: step.id,
          approval: approval.id,
        }),
      );
      return done(ok({ approval, waitingForSecond: false, duplicate: false }));
    }
    const ran = await this.lastRunOf(tx, incident.id, step.id);
    if (ran?.status === 'running') return done(this.stillRunning(incident, step, ran));
    if (ran && !options.again) return done(this.alreadyRan(incident, step, ran));
    const ttl = this.core.pack.approvalTtlMinutes * 60_000;
    const approval: Approval = {
      id: `apr-${this.core.newId()}`,
      incidentId: incident.id,
      stepId: step.id,
      firstBy: actor.name,
      firstAt: now,
      needsTwo: step.destructive,
      expiresAt: now + ttl,
      status: step.destructive ? 'pending' : 'approved',
      ...(plan ? { plan: { digest: plan.digest, facts: plan.facts, target: plan.target, choice: plan.choice, choiceParam: plan.choiceParam } } : {}),
    };
    await tx.incidents.insertApproval(approval);
    await tx.incidents.tick(incident.id, 'method-chosen', actor.name, now);
    const again = ran ? this.t(' (다시 실행)', ' (to run again)') : '';
    // Approved while the agent is offline: said on the timeline, and it never runs as it is (see `execute`).
    const blind = plan
      ? ''
      : this.t(
          ` — 계획 없이 승인됨 (에이전트 오프라인): 에이전트가 돌아오면 계획을 보여 드리고, 그 계획을 승인해야 실행됩니다`,
          ` — approved without a plan (agent offline): once the agent is back its plan is shown, and it runs only when that plan is approved`,
        );
    entries.push(
      await this.incidents.append(
        tx,
        incident,
        actor,
        'approval',
        (step.destructive
          ? this.t(`1차 승인${again}: ${step.id} — 다른 사람의 2차 승인 대기 (만료 ${formatTime(approval.expiresAt, this.core.timeZone)})`, `first approval${again}: ${step.id} — waiting for a second person (expires ${formatTime(approval.expiresAt, this.core.timeZone)})`)
          : this.t(`승인${again}: ${step.id}`, `approved${again}: ${step.id}`)) + blind,
        { step: step.id, approval: approval.id, ...(ran ? { again: true } : {}), ...(plan ? { plan: plan.digest, target: plan.target } : { plan: null }) },
      ),
    );
    return done(ok({ approval, waitingForSecond: step.destructive, duplicate: false }));
  }

  /** The newest run of a step in an incident (a used approval always has its run: both are written in one transaction). */
  private async lastRunOf(tx: Store, incidentId: string, stepId: string): Promise<StepRun | undefined> {
    return (await tx.incidents.stepRuns(incidentId)).filter((r) => r.stepId === stepId).at(-1);
  }

  private stillRunning(incident: Incident, step: Step, run: StepRun): Outcome<ApproveResult> {
    const since = formatTime(run.startedAt, this.core.timeZone);
    return refuse(
      `"${step.id}"은(는) 지금 실행 중입니다 (${since}부터, 요청 ${run.requestedBy}). 두 번 실행하지 않습니다. 결과: /incident status ${incident.id}`,
      `"${step.id}" is running now (since ${since}, requested by ${run.requestedBy}); it does not run twice. Its outcome: /incident status ${incident.id}`,
    );
  }

  private alreadyRan(incident: Incident, step: Step, run: StepRun): Outcome<ApproveResult> {
    const at = formatTime(run.startedAt, this.core.timeZone);
    const how = `${run.status === 'running' ? '' : `${STATUS_MARKS[run.status]} `}${run.status}`;
    const command = `/incident approve ${incident.id} ${step.id} again`;
    return refuse(
      `"${step.id}"은(는) 이미 ${at}에 실행되었습니다 (${how}, 요청 ${run.requestedBy}). 단순 승인으로는 다시 실행하지 않습니다. 일부러 한 번 더 실행하려면: ${command}`,
      `"${step.id}" already ran at ${at} (${how}, requested by ${run.requestedBy}); a plain approve does not run it again. To run it once more on purpose: ${command}`,
    );
  }

  /**
   * Runs a step: read-only steps at once, manual steps are recorded as done by the actor, and
   * host-changing steps only with an approved, unexpired, unused approval.
   */
  async run(incident: Incident, actor: Actor, stepId: string): Promise<Outcome<StepExecution>> {
    if (incident.status !== 'open') return refuse(`${incident.id}은(는) 열려 있지 않습니다 (${incident.status}).`, `${incident.id} is not open (${incident.status}).`);
    const located = this.locate(incident, stepId);
    if (!located.ok) return located;
    const { step } = located.value;
    if (step.action === 'manual') {
      if (!actor.roles.length) return refuse('연락처에 등록된 사람만 수동 단계를 완료 처리할 수 있습니다.', 'Only people on the contact list can mark a manual step done.');
      await this.incidents.record(incident, actor, 'step', this.t(`수동 단계 완료: ${step.title.ko}`, `manual step done: ${step.title.en}`), { step: step.id, status: 'ok', manual: true });
      return ok({ step });
    }
    if (!step.mutates) return ok(await this.execute(incident, actor, step));
    const now = this.core.clock.now();
    const approval = (await this.core.store.incidents.approvals(incident.id)).find((a) => a.stepId === step.id && a.status === 'approved' && a.expiresAt > now);
    if (!approval) {
      return refuse(
        `"${step.id}"은(는) 호스트를 변경하므로 승인이 필요합니다: /incident approve ${incident.id} ${step.id}`,
        `"${step.id}" changes the host and needs an approval: /incident approve ${incident.id} ${step.id}`,
      );
    }
    return ok(await this.execute(incident, actor, step, approval));
  }

  /** Runs the type's diagnostics (or one of them) concurrently and records one summary entry. */
  async diagnose(incident: Incident, actor: Actor, stepId?: string): Promise<Outcome<StepExecution[]>> {
    const type = this.typeOf(incident);
    let steps = type.diagnostics;
    if (stepId) {
      const located = this.locate(incident, stepId, (s) => !s.step.mutates);
      if (!located.ok) return located;
      if (located.value.step.mutates) return refuse(`"${stepId}"은(는) 진단 단계가 아닙니다.`, `"${stepId}" is not a diagnostic step.`);
      steps = [located.value.step];
    }
    if (!this.core.agents.presence(incident.host).online) await this.core.agents.refresh?.();
    if (!this.core.agents.presence(incident.host).online) return ok(steps.map((step) => ({ step, offline: true })));
    const results = await Promise.all(steps.map((step) => this.execute(incident, actor, step, undefined, { quiet: true })));
    const line = results.map((r) => `${STATUS_MARKS[r.run?.status === 'running' || !r.run ? 'unknown' : r.run.status]} ${r.step.id}`).join('  ');
    await this.incidents.record(incident, actor, 'diagnostics', this.t(`진단 결과: ${line}`, `diagnostics: ${line}`), {
      results: results.map((r) => ({ step: r.step.id, status: r.run?.status, summary: r.run?.summary })),
    });
    return ok(results);
  }

  /**
   * Sends one step to the agent and records the run. For host-changing steps the approval is
   * used atomically first, so a double click or a second process cannot run it twice; after a
   * successful one the type's health check runs and ticks "health check passed" only on success.
   */
  async execute(incident: Incident, actor: Actor, step: Step, approval?: Approval, options: { quiet?: boolean } = {}): Promise<StepExecution> {
    const { store, clock, agents } = this.core;
    if (!agents.presence(incident.host).online) await agents.refresh?.();
    if (!agents.presence(incident.host).online) {
      if (!options.quiet) {
        await this.incidents.record(
          incident,
          actor,
          'step',
          this.t(`${step.id}: 에이전트(${incident.host}) 오프라인 — 실행하지 않음${approval ? `, 승인은 ${formatTime(approval.expiresAt, this.core.timeZone)}까지 유효` : ''}`, `${step.id}: agent for ${incident.host} is offline — nothing ran${approval ? `; the approval stays valid until ${formatTime(approval.expiresAt, this.core.timeZone)}` : ''}`),
          { step: step.id, status: 'offline' },
        );
      }
      return { step, offline: true };
    }
    if (approval && step.mutates && !approval.plan) return this.unseenPlan(incident, actor, step, approval);
    if (approval?.plan && step.mutates) {
      const changes = await this.planDrift(incident, actor, step, approval);
      if (changes) return { step, planChanged: changes };
    }
    const run: StepRun = {
      requestId: approval ? `run-${approval.id}` : `req-${this.core.newId()}`,
      incidentId: incident.id,
      stepId: step.id,
      approvalId: approval?.id,
      action: step.action,
      requestedBy: actor.name,
      startedAt: clock.now(),
      status: 'running',
      summary: '',
      output: '',
    };
    if (approval) {
      // The approval is used and its run recorded in one transaction: whoever sees it used sees the run.
      const used = await store.writeTransaction(async (tx) => {
        await tx.incidents.lockStep(incident.id, step.id);
        if (!(await tx.incidents.useApproval(approval.id))) return false;
        await tx.incidents.insertStepRun(run);
        return true;
      });
      if (!used) {
        const runs = await store.incidents.stepRuns(incident.id);
        return { step, run: runs.find((r) => r.approvalId === approval.id) };
      }
    } else {
      await store.incidents.insertStepRun(run);
    }
    let result: ActionResult;
    try {
      result = await agents.run({
        requestId: run.requestId,
        host: incident.host,
        action: step.action,
        params: approval?.plan?.choice && approval.plan.choiceParam ? { ...step.params, [approval.plan.choiceParam]: approval.plan.choice } : step.params,
        incidentId: incident.id,
        approvalId: approval?.id,
        ...(incident.drill ? { drill: true } : {}),
        timeoutMs: step.timeoutSeconds * 1000,
      });
    } catch (err) {
      // a host change whose sending failed in an unexpected way may have reached the agent: unknown, not failed
      result =
        err instanceof AgentOfflineError
          ? { status: 'unknown', summary: this.t('에이전트 연결이 끊겨 결과를 알 수 없음', 'agent link dropped; outcome unknown'), output: '' }
          : { status: step.mutates ? 'unknown' : 'fail', summary: (err as Error).message, output: '' };
    }
    if (step.mutates && result.status === 'unknown') {
      result = { ...result, summary: `${result.summary}${this.t(` — 다시 실행하지 않았습니다. 호스트를 확인한 뒤 필요하면: /incident approve ${incident.id} ${step.id} again`, ` — not re-run: check the host; to run it again on purpose: /incident approve ${incident.id} ${step.id} again`)}` };
    }
    const ending = { status: result.status, summary: result.summary, output: result.output, finishedAt: clock.now() };
    if (!(await store.incidents.settleStepRun(run.requestId, ending))) {
      // another replica recorded this run's outcome already (it took over after this one lost the database): once is enough
      return { step, run: (await store.incidents.stepRuns(incident.id)).find((r) => r.requestId === run.requestId) };
    }
    const finished: StepRun = { ...run, ...ending };
    if (!options.quiet || step.mutates) {
      await this.incidents.record(incident, actor, 'step', `${STATUS_MARKS[result.status]} ${step.id}: ${result.summary}`, {
        step: step.id,
        status: result.status,
        request: run.requestId,
        approval: approval?.id,
      });
    }
    const execution: StepExecution = { step, run: finished };
    // An injected fault is not a recovery: no tick, no health check.
    if (step.mutates && result.status === 'ok' && step.action !== 'drill_fault') {
      await this.incidents.tick(incident, actor, 'recovery-executed');
      execution.health = await this.healthCheck(incident, actor);
    }
    if (step.action === 'log_snapshot' && result.status === 'ok') await this.incidents.tick(incident, actor, 'log-snapshot');
    return execution;
  }

  /**
   * Plans an approved step again just before it runs: when the host no longer matches the approved
   * plan (or cannot be planned), the approval expires, the timeline says what changed, and the
   * answer is what changed; undefined when it still matches.
   */
  private async planDrift(incident: Incident, actor: Actor, step: Step, approval: Approval): Promise<string[] | undefined> {
    const approved = approval.plan!;
    const now = await this.plan(incident, actor, step, approved.choice);
    if (now.ok && now.value.digest === approved.digest) return undefined;
    const changes = now.ok ? planChanges(approved, now.value) : [pick(this.core.lang, now.reason)];
    await this.expire(incident, step, approval);
    await this.incidents.record(
      incident,
      actor,
      'step',
      this.t(`⚠️ ${step.id}: 승인 뒤 ${changedWhat(changes)}이(가) 바뀌어 실행하지 않음 — ${changes.join('; ')}. 다시 승인하세요.`, `⚠️ ${step.id}: not run, ${changedWhat(changes)} changed since it was approved (the host changed) — ${changes.join('; ')}. Approve again.`),
      { step: step.id, status: 'refused', approval: approval.id, plan: approved.digest },
    );
    return changes;
  }

  /**
   * An approval given while the agent was offline reaches a run: nobody saw what it would change, so
   * nothing runs. The approval expires, the timeline says why, and the answer is the plan now, to be
   * approved (or why there is none).
   */
  private async unseenPlan(incident: Incident, actor: Actor, step: Step, approval: Approval): Promise<StepExecution> {
    const planned = await this.plan(incident, actor, step);
    await this.expire(incident, step, approval);
    const why = planned.ok ? planned.value.target : pick(this.core.lang, planned.reason);
    await this.incidents.record(
      incident,
      actor,
      'step',
      this.t(
        `⚠️ ${step.id}: 실행하지 않음 — 에이전트가 오프라인일 때 계획 없이 승인되어 무엇을 바꿀지 아무도 보지 못했습니다. 지금 계획: ${why}. 이 계획을 승인하세요.`,
        `⚠️ ${step.id}: not run — it was approved without a plan while the agent was offline, so nobody saw what it would change. Its plan now: ${why}. Approve this plan.`,
      ),
      { step: step.id, status: 'refused', approval: approval.id, ...(planned.ok ? { plan: planned.value.digest } : {}) },
    );
    if (!planned.ok) return { step, planChanged: [pick(this.core.lang, planned.reason)] };
    await this.recordPlan(incident, actor, planned.value);
    return { step, planUnseen: planned.value };
  }

  /** Marks an approval expired (under the step's lock) unless it was used or expired meanwhile. */
  private async expire(incident: Incident, step: Step, approval: Approval): Promise<void> {
    await this.core.store.writeTransaction(async (tx) => {
      await tx.incidents.lockStep(incident.id, step.id);
      const fresh = (await tx.incidents.approvals(incident.id)).find((a) => a.id === approval.id);
      if (fresh?.status === 'approved') await tx.incidents.saveApproval({ ...fresh, status: 'expired' });
    });
  }

  /** Runs the type's health check step; ticks "health check passed" only when it passes. */
  async healthCheck(incident: Incident, actor: Actor): Promise<StepExecution | undefined> {
    const type = this.typeOf(incident);
    const step = type.healthCheck ? type.diagnostics.find((s) => s.id === type.healthCheck) : undefined;
    if (!step) return undefined;
    const execution = await this.execute(incident, actor, step);
    if (execution.run?.status === 'ok') await this.incidents.tick(incident, actor, 'health-check-passed');
    return execution;
  }

  private t(ko: string, en: string): string {
    return translator(this.core.lang)(ko, en);
  }
}
