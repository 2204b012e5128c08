import { translator, type Lang } from '../i18n/lang.js';
import type { StepPlan } from '../incident/step-plan.js';
import type { Step } from '../runbook/pack-schema.js';
import type { View, ViewAction } from './view.js';

/** Room a confirm dialog has for the plan (Slack's confirm text holds 300 characters). */
export const CONFIRM_PLAN_CHARS = 300;

/**
 * A step's plan as a message: what the step resolves to on the host, the targets it may take
 * (newest first, each a button that shows its plan), and an Approve button bound to this plan's
 * digest, whose confirm dialog repeats the plan (pointing to the message when it does not fit).
 */
export function planView(incidentId: string, step: Step, plan: StepPlan, lang: Lang): View {
  const t = translator(lang);
  const choice = plan.choice ? ` ${plan.choice}` : '';
  const facts = plan.facts.map((f) => `${f.label}: ${f.value}`);
  const more = t('\n… 전체 계획은 위 메시지에 있습니다', '\n… the whole plan is in the message above');
  let confirmText = [plan.target, ...facts].join('\n');
  if (confirmText.length > CONFIRM_PLAN_CHARS) confirmText = confirmText.slice(0, CONFIRM_PLAN_CHARS - more.length - 1) + more;
  const approve: ViewAction = {
    label: t(`승인: ${step.id}`, `Approve ${step.id}`),
    command: `/incident approve ${incidentId} ${step.id}${choice} plan:${plan.digest}`,
    style: step.destructive ? 'danger' : 'primary',
    confirm: { title: t('이 계획을 승인', 'Approve this plan'), text: confirmText, confirm: t('승인', 'Approve'), deny: t('취소', 'Cancel') },
  };
  const view: View = {
    key: `plan:${incidentId}:${step.id}`,
    summary: `${t('계획', 'Plan')} ${step.id}: ${plan.target}`,
    blocks: [
      { type: 'list', title: `${t('계획', 'Plan')} ${step.id} (${plan.digest}): ${plan.target}`, items: facts.map((text) => ({ text })) },
    ],
  };
  if (plan.choices?.length) {
    view.blocks.push({
      type: 'list',
      title: t('고를 수 있는 대상 (최신순)', 'Targets to choose from (newest first)'),
      items: plan.choices.map((c) => ({
        text: `${c.value === (plan.choice ?? '') ? '▶ ' : ''}${c.label}`,
        action: { label: c.value, command: `/incident plan ${incidentId} ${step.id} ${c.value}` },
      })),
    });
  }
  view.blocks.push({ type: 'actions', actions: [approve] });
  return view;
}
