import { translator, type Lang } from '../i18n/lang.js';
import type { StepPlan } from '../incident/step-plan.js';
import type { Step } from '../runbook/pack-schema.js';
import type { View, ViewAction } from './view.js';

/**
 * A step's plan as a message: what the step resolves to on the host, the targets it may take
 * (newest first, with their age: a select menu whose choice shows that target's plan), and an
 * Approve button bound to this plan's digest whose confirm dialog repeats the plan. Where a dialog
 * holds less (Slack: 300 characters) it shows what fits and says the full plan is in this message.
 */
export function planView(incidentId: string, host: string, step: Step, plan: StepPlan, lang: Lang): View {
  const t = translator(lang);
  const choice = plan.choice ? ` ${plan.choice}` : '';
  const facts = plan.facts.map((f) => `${f.label}: ${f.value}`);
  const approve: ViewAction = {
    label: t(`승인: ${step.id}`, `Approve ${step.id}`),
    command: `/incident approve ${incidentId} ${step.id}${choice} plan:${plan.digest}`,
    style: step.destructive ? 'danger' : 'primary',
    confirm: {
      title: t('이 계획을 승인', 'Approve this plan'),
      text: [`${t('호스트', 'Host')} ${host}: ${plan.target}`, ...facts, ...(step.destructive ? [t('파괴적 작업: 두 번째 승인자가 필요합니다.', 'Destructive: a second approver is needed.')] : [])].join('\n'),
      more: t('전체 계획: 위 메시지', 'full plan: in the message above'),
      confirm: t('승인', 'Approve'),
      deny: t('취소', 'Cancel'),
    },
  };
  const view: View = {
    key: `plan:${incidentId}:${step.id}`,
    summary: `${t('계획', 'Plan')} ${step.id}: ${plan.target}`,
    blocks: [{ type: 'list', title: `${t('계획', 'Plan')} ${step.id} (${plan.digest}) @ ${host}: ${plan.target}`, items: facts.map((text) => ({ text })) }],
  };
  if (plan.choices?.length) {
    view.blocks.push({
      type: 'choices',
      title: t('고를 수 있는 대상 (최신순) — 고르면 그 계획을 보여 줍니다', 'Targets to choose from (newest first) — choosing one shows its plan'),
      placeholder: t('대상 고르기', 'Choose a target'),
      submit: t('이 대상의 계획 보기', 'Show its plan'),
      options: plan.choices.map((c) => ({ label: c.label, command: `/incident plan ${incidentId} ${step.id} ${c.value}`, ...(c.value === plan.choice ? { selected: true } : {}) })),
    });
  }
  view.blocks.push({ type: 'actions', actions: [approve] });
  return view;
}
