import type { StepExecution } from '../src/incident/step-runner.js';
import type { ServiceContext } from '../src/router/handler.js';
import type { ListItem, View } from '../src/views/view.js';
import { planView } from '../src/views/plan-view.js';
import { changedWhat } from '../src/incident/step-plan.js';

/** Phrases what became of a step execution (and its health check) as list lines. */
export function describeExecution(ctx: ServiceContext, incidentId: string, ex: StepExecution): ListItem[] {
  const items: ListItem[] = [];
  if (ex.offline) {
    items.push({
      text: ctx.t(`${ex.step.id}: 에이전트가 연결되어 있지 않아 실행하지 않았습니다.`, `${ex.step.id}: no agent is connected, so nothing ran.`),
      mark: 'warn',
      detail: ctx.t('drbot-agent를 호스트에서 시작한 뒤 다시 실행하세요: `/incident agents`로 확인.', 'Start drbot-agent on the host, then run it again; check with `/incident agents`.'),
    });
    return items;
  }
  if (ex.planUnseen) {
    items.push({
      text: ctx.t(
        `${ex.step.id}: 실행하지 않았습니다 — 에이전트가 오프라인일 때 계획 없이 승인되어 무엇을 바꿀지 아무도 보지 못했습니다. 아래 계획을 보고 승인하세요.`,
        `${ex.step.id}: not run — it was approved without a plan while the agent was offline, so nobody saw what it would change. Look at its plan below and approve it.`,
      ),
      mark: 'warn',
    });
    return items;
  }
  if (ex.planChanged) {
    items.push({
      text: ctx.t(`${ex.step.id}: 실행하지 않았습니다 — 승인 뒤 ${changedWhat(ex.planChanged)}이(가) 바뀌었습니다. 다시 승인하세요.`, `${ex.step.id}: not run — ${changedWhat(ex.planChanged)} changed since you approved (the host changed); approve again.`),
      mark: 'warn',
      detail: `${ex.planChanged.join('\n')}\n/incident plan ${incidentId} ${ex.step.id}`,
    });
    return items;
  }
  if (!ex.run) {
    items.push({ text: ctx.t(`${ex.step.id}: 완료로 기록했습니다.`, `${ex.step.id}: recorded as done.`), mark: 'done' });
    return items;
  }
  const mark = ex.run.status === 'running' ? 'running' : ex.run.status === 'unknown' ? 'warn' : ex.run.status;
  items.push({ text: `${ex.step.id}: ${ex.run.summary || ex.run.status}`, mark, detail: ex.run.output ? ex.run.output.split('\n').slice(-15).join('\n') : undefined });
  if (ex.health?.run) {
    items.push({
      text: ctx.t(`헬스 체크 ${ex.health.step.id}: ${ex.health.run.summary}`, `health check ${ex.health.step.id}: ${ex.health.run.summary}`),
      mark: ex.health.run.status === 'ok' ? 'ok' : 'fail',
    });
  }
  return items;
}

/** The plan to approve when an execution stopped for want of one (approved while the agent was offline). */
export function planToApprove(ctx: ServiceContext, incidentId: string, host: string, ex: StepExecution | undefined): View[] {
  return ex?.planUnseen ? [planView(incidentId, host, ex.step, ex.planUnseen, ctx.lang)] : [];
}
