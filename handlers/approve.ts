import { formatTime } from '../src/i18n/format-time.js';
import type { Handler } from '../src/router/handler.js';
import { describeExecution, planToApprove } from './describe-execution.js';
import { planView } from '../src/views/plan-view.js';
import { lazyCard, refusal, withIncident } from './with-incident.js';

/** Approves a recovery step; once approval is complete (two people for destructive steps) it runs on the host. */
export const approve: Handler<'approve'> = (ctx) =>
  withIncident(ctx, ctx.command.id, async (incident) => {
    const r = await ctx.runtime.steps.approve(incident, ctx.actor, ctx.command.step, { again: ctx.command.again, choice: ctx.command.choice, shown: ctx.command.shown });
    if (!r.ok) {
      const reply = refusal(ctx, r.reason);
      // The host changed since the plan was shown: the plan now, with its own Approve (nobody retypes a digest at 3 a.m.).
      const step = r.replan && ctx.runtime.steps.locate(incident, r.replan.stepId);
      if (r.replan && step?.ok) reply.views.push(planView(incident.id, incident.host, step.value.step, r.replan, ctx.lang));
      return reply;
    }
    const { approval, waitingForSecond, duplicate, execution } = r.value;
    let line: string;
    if (duplicate)
      line = ctx.t(
        `${approval.stepId}은(는) 이미 승인되었습니다 (${approval.firstBy}${approval.secondBy ? ', ' + approval.secondBy : ''}). 두 번 실행하지 않습니다. 에이전트가 오프라인이어서 실행되지 않았다면 연결된 뒤: /incident run ${incident.id} ${approval.stepId}`,
        `${approval.stepId} was already approved (${approval.firstBy}${approval.secondBy ? ', ' + approval.secondBy : ''}); it does not run twice. If its agent was offline and nothing ran, once it is back: /incident run ${incident.id} ${approval.stepId}`,
      );
    else if (waitingForSecond)
      line = ctx.t(
        `${approval.stepId}: ${approval.firstBy}님의 1차 승인. 파괴적 작업이므로 다른 사람의 2차 승인이 필요합니다 (만료 ${formatTime(approval.expiresAt, ctx.runtime.timeZone)}): /incident approve ${incident.id} ${approval.stepId}`,
        `${approval.stepId}: first approval by ${approval.firstBy}. It is destructive, so a second, different person must approve (expires ${formatTime(approval.expiresAt, ctx.runtime.timeZone)}): /incident approve ${incident.id} ${approval.stepId}${approval.plan?.choice ? ` ${approval.plan.choice}` : ''}`,
      );
    else line = ctx.t(`${approval.stepId} 승인됨 (${[approval.firstBy, approval.secondBy].filter(Boolean).join(', ')}).`, `${approval.stepId} approved (${[approval.firstBy, approval.secondBy].filter(Boolean).join(', ')}).`);
    const items = execution ? describeExecution(ctx, incident.id, execution) : [];
    // What was approved, as the host resolved it: the backup file, the commit, the containers …
    if (r.value.plan) items.unshift({ text: `${ctx.t('계획', 'Plan')} (${r.value.plan.digest}): ${r.value.plan.target}`, mark: 'info', detail: r.value.plan.facts.map((f) => `${f.label}: ${f.value}`).join('\n') });
    else if (!duplicate)
      items.unshift({
        text: ctx.t(
          `계획 없이 승인됨: ${incident.host} 에이전트가 오프라인이라 이 단계가 무엇을 바꿀지 아무도 보지 못했습니다. 이 승인만으로는 실행되지 않습니다 — 에이전트가 돌아오면 /incident run ${incident.id} ${approval.stepId} 이(가) 계획을 보여 주고, 그 계획을 승인하면 실행됩니다.`,
          `Approved without a plan: the agent for ${incident.host} is offline, so nobody has seen what this step will change. It does not run on this approval alone — once the agent is back, /incident run ${incident.id} ${approval.stepId} shows its plan, and approving that plan runs it.`,
        ),
        mark: 'warn',
      });
    return {
      incidentId: incident.id,
      views: [{ summary: line, blocks: [{ type: 'text', text: line }, ...(items.length ? [{ type: 'list' as const, items }] : [])] }, ...planToApprove(ctx, incident.id, incident.host, execution)],
      card: lazyCard(ctx, incident.id, 'compact'),
    };
  });
