import { describe, expect, it } from '@jest/globals';
import { renderAdaptiveCard } from '../../adapters/teams/render-adaptive-card.js';
import { BLOCK_KIT_LIMITS, renderBlockKit } from '../../adapters/slack/render-block-kit.js';
import { planDigest, type StepPlan } from '../../src/incident/step-plan.js';
import { planView } from '../../src/views/plan-view.js';
import type { Step } from '../../src/runbook/pack-schema.js';

const step = { id: 'restore-db-from-yesterday', destructive: false } as Step;

function aPlan(facts: number): StepPlan {
  const host = {
    target: 'access_db ← /backup/routing_20261127.accdb',
    facts: Array.from({ length: facts }, (_, i) => ({ label: `fact ${i}`, value: `value ${i} `.repeat(8) })),
    choiceParam: 'from',
    choices: [
      { value: 'routing_20261128.accdb', label: 'routing_20261128.accdb (2 h old)' },
      { value: 'routing_20261127.accdb', label: 'routing_20261127.accdb (26 h old)' },
    ],
  };
  return { ...host, stepId: step.id, choice: 'routing_20261127.accdb', digest: planDigest(host, 'routing_20261127.accdb') };
}

describe('the plan view on Slack and Teams', () => {
  it('Slack: the confirm dialog holds the plan within Block Kit limits and points to the message when the plan is longer; nothing of the plan is lost from the message', () => {
    const plan = aPlan(12);
    const message = renderBlockKit([planView('INC-20261128-001', step, plan, 'en')]);
    const buttons = message.blocks.flatMap((b) => (b.type === 'actions' ? (b.elements as { value: string; confirm?: { text: { text: string } } }[]) : []));
    const approve = buttons.find((b) => b.value.startsWith('/incident approve'))!;
    expect(approve.value).toBe(`/incident approve INC-20261128-001 restore-db-from-yesterday routing_20261127.accdb plan:${plan.digest}`);
    expect(approve.confirm!.text.text.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.confirmText);
    expect(approve.confirm!.text.text).toContain('the whole plan is in the message above');
    const all = JSON.stringify(message.blocks);
    for (const f of plan.facts) expect(all).toContain(f.value.trim());
    // The choices, newest first, each a button showing its plan.
    expect(buttons.map((b) => b.value).filter((v) => v.startsWith('/incident plan'))).toEqual([
      '/incident plan INC-20261128-001 restore-db-from-yesterday routing_20261128.accdb',
      '/incident plan INC-20261128-001 restore-db-from-yesterday routing_20261127.accdb',
    ]);
  });

  it('Teams: the panel shows every fact and the Approve action carries the plan digest', () => {
    const plan = aPlan(3);
    const card = JSON.stringify(renderAdaptiveCard(planView('INC-20261128-001', step, plan, 'en')));
    for (const f of plan.facts) expect(card).toContain(f.value.trim());
    expect(card).toContain(`plan:${plan.digest}`);
    // The choices as buttons showing each one's plan, and the plan again in the Approve panel.
    expect(card).toContain('"command":"/incident plan INC-20261128-001 restore-db-from-yesterday routing_20261128.accdb"');
    expect(card).toContain('Approve this plan');
  });
});
