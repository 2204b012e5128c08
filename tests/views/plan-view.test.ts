import { describe, expect, it } from '@jest/globals';
import { CHOICE_INPUT_ID, renderAdaptiveCard } from '../../adapters/teams/render-adaptive-card.js';
import { commandLine } from '../../adapters/teams/command-line.js';
import { teamsMarkdown } from '../../src/markup/teams.js';
import { BLOCK_KIT_LIMITS, renderBlockKit, type SlackBlock } from '../../adapters/slack/render-block-kit.js';
import { planDigest, type StepPlan } from '../../src/incident/step-plan.js';
import { planView } from '../../src/views/plan-view.js';
import { renderText } from '../../src/views/render-text.js';
import type { Step } from '../../src/runbook/pack-schema.js';
import { adaptiveCardProblems } from '../adapters/teams/support/adaptive-card-problems.js';
import { anIncidentId } from '../support/an-incident.js';

const step = { id: 'restore-db-from-yesterday', destructive: false } as Step;
const ID = anIncidentId(1, '20261128');

function aPlan(extraFacts: number, chosen: string | null = 'routing_20261127.accdb'): StepPlan {
  const choice = chosen ?? undefined;
  const host = {
    target: 'access_db ← /backup/routing_20261127.accdb',
    facts: [
      { label: 'backup', value: '/backup/routing_20261127.accdb' },
      { label: 'backup size', value: '4194304 bytes' },
      { label: 'backup modified', value: '2026-11-27T01:00:00Z' },
      { label: 'backup age', value: '26 h old — past the RPO goal (24 h), within the limit (72 h)', volatile: true },
      ...Array.from({ length: extraFacts }, (_, i) => ({ label: `fact ${i}`, value: `value ${i} `.repeat(8).trim() })),
    ],
    choiceParam: 'from',
    choices: [
      { value: 'routing_20261128.accdb', label: 'routing_20261128.accdb (2 h old)' },
      { value: 'routing_20261127.accdb', label: 'routing_20261127.accdb (26 h old)' },
      { value: 'routing_20261124.accdb', label: 'routing_20261124.accdb (98 h old)' },
    ],
  };
  return { ...host, stepId: step.id, ...(choice ? { choice } : {}), digest: planDigest(host, choice) };
}

type Element = { type: string; value?: string; action_id?: string; options?: { text: { text: string }; value: string }[]; initial_option?: { value: string }; confirm?: { text: { text: string } } };
const elements = (blocks: SlackBlock[]) => blocks.flatMap((b) => (b.type === 'actions' ? (b.elements as Element[]) : []));
const sectionTexts = (blocks: SlackBlock[]) => blocks.flatMap((b) => (b.type === 'section' && b.text ? [(b.text as { text: string }).text] : []));

describe('the plan view on Slack', () => {
  it('puts a long plan in the message and as much as fits in the confirm dialog, which then says where the full plan is', () => {
    const plan = aPlan(12);
    const { blocks } = renderBlockKit([planView(ID, 'routing-ml', step, plan, 'en')]);
    const approve = elements(blocks).find((e) => e.value?.startsWith('/incident approve'))!;
    expect(approve.value).toBe(`/incident approve ${ID} restore-db-from-yesterday routing_20261127.accdb plan:${plan.digest}`);
    const dialog = approve.confirm!.text.text;
    expect(dialog.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.confirmText);
    expect(dialog.startsWith('Host routing-ml: access_db ← /backup/routing_20261127.accdb\nbackup: /backup/routing_20261127.accdb\nbackup size: 4194304 bytes\n')).toBe(true);
    expect(dialog).toContain('backup age: 26 h old — past the RPO goal (24 h), within the limit (72 h)');
    expect(dialog.endsWith('\n… full plan: in the message above')).toBe(true);
    // whole lines only: every line but the pointer is a full line of the plan
    const lines = dialog.split('\n').slice(0, -1);
    for (const l of lines) expect(['Host routing-ml: access_db ← /backup/routing_20261127.accdb', ...plan.facts.map((f) => `${f.label}: ${f.value}`)]).toContain(l);
    const text = sectionTexts(blocks).join('\n');
    for (const f of plan.facts) expect(text).toContain(f.value);
    for (const s of sectionTexts(blocks)) expect(s.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.text);
    for (const e of elements(blocks)) if (e.value) expect(e.value.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.buttonValue);
  });

  it('shows a short plan whole in the dialog, with no pointer', () => {
    const plan = aPlan(0);
    const approve = elements(renderBlockKit([planView(ID, 'routing-ml', step, plan, 'en')]).blocks).find((e) => e.value?.startsWith('/incident approve'))!;
    expect(approve.confirm!.text.text).toBe(['Host routing-ml: access_db ← /backup/routing_20261127.accdb', ...plan.facts.map((f) => `${f.label}: ${f.value}`)].join('\n'));
  });

  it('offers the agent’s choices as a select menu, newest first with their age, the chosen one selected, each option the plan command for it', () => {
    const { blocks } = renderBlockKit([planView(ID, 'routing-ml', step, aPlan(0), 'en')]);
    const menu = elements(blocks).find((e) => e.type === 'static_select')!;
    expect(menu.action_id).toMatch(/^drbot:/);
    expect(menu.options!.map((o) => [o.text.text, o.value])).toEqual([
      ['routing_20261128.accdb (2 h old)', `/incident plan ${ID} restore-db-from-yesterday routing_20261128.accdb`],
      ['routing_20261127.accdb (26 h old)', `/incident plan ${ID} restore-db-from-yesterday routing_20261127.accdb`],
      ['routing_20261124.accdb (98 h old)', `/incident plan ${ID} restore-db-from-yesterday routing_20261124.accdb`],
    ]);
    expect(menu.initial_option!.value).toBe(`/incident plan ${ID} restore-db-from-yesterday routing_20261127.accdb`);
    for (const o of menu.options!) {
      expect(o.text.text.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.optionText);
      expect(o.value.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.optionValue);
    }
    // no choice made yet: nothing is preselected
    expect(elements(renderBlockKit([planView(ID, 'routing-ml', step, aPlan(0, null), 'en')]).blocks).find((e) => e.type === 'static_select')!.initial_option).toBeUndefined();
  });

  it('lists a choice whose command is too long for a menu option as the command to type instead of dropping it', () => {
    const plan = aPlan(0);
    const long = 'x'.repeat(140);
    plan.choices = [...plan.choices!, { value: long, label: 'a very long name' }];
    const { blocks } = renderBlockKit([planView(ID, 'routing-ml', step, plan, 'en')]);
    expect(elements(blocks).find((e) => e.type === 'static_select')!.options).toHaveLength(3);
    expect(sectionTexts(blocks).join('\n')).toContain(`a very long name: \`/incident plan ${ID} restore-db-from-yesterday ${long}\``);
  });

  it('escapes what the host reports: mentions and links in facts show as typed', () => {
    const plan = aPlan(0);
    plan.facts.push({ label: 'live file', value: '<!channel> [x](https://evil) *bold*' });
    const { blocks } = renderBlockKit([planView(ID, 'routing-ml', step, plan, 'en')]);
    const text = sectionTexts(blocks).join('\n');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).not.toContain('<!channel>');
  });
});

describe('choices from the host are untrusted', () => {
  it('a choice label with bidi controls and markup shows as typed, without the invisible characters, on Slack and Teams', () => {
    const plan = aPlan(0);
    plan.choices = [{ value: 'evil.accdb', label: 'evil\u202Egnp.accdb <!channel> [x](https://evil) (1 h old)' }];
    const { blocks } = renderBlockKit([planView(ID, 'routing-ml', step, plan, 'en')]);
    const option = elements(blocks).find((e) => e.type === 'static_select')!.options![0]!;
    expect(option.text.text).toBe('evilgnp.accdb <!channel> [x](https://evil) (1 h old)');
    const card = renderAdaptiveCard(planView(ID, 'routing-ml', step, plan, 'en'));
    const set = card.body.find((b) => b.type === 'Input.ChoiceSet') as { choices: { title: string }[] };
    expect(set.choices[0]!.title).not.toContain('\u202E');
    expect(set.choices[0]!.title).toContain('<!channel> [x](https://evil)');
  });
});

describe('the plan view on Teams', () => {
  it('shows every fact, the whole plan in the Approve panel (no 300-character limit there), and the digest on its Submit', () => {
    const plan = aPlan(12);
    const card = renderAdaptiveCard(planView(ID, 'routing-ml', step, plan, 'en'));
    expect(adaptiveCardProblems(card)).toEqual([]);
    const json = JSON.stringify(card);
    // As the card carries it: Markdown-escaped (routing\\_2026…), inside JSON.
    const carried = (v: string) => JSON.stringify(teamsMarkdown(v)).slice(1, -1);
    for (const f of plan.facts) expect(json).toContain(carried(f.value));
    const panel = JSON.stringify(card.body.find((b) => JSON.stringify(b).includes('Action.ShowCard')));
    expect(panel).toContain('Approve this plan');
    for (const f of plan.facts) expect(panel).toContain(carried(f.value));
    expect(panel).not.toContain('full plan: in the message above');
    expect(panel).toContain(`"command":"/incident approve ${ID} restore-db-from-yesterday routing_20261127.accdb plan:${plan.digest}"`);
  });

  it('offers the choices as an Input.ChoiceSet; submitting one is the same command as typing it', () => {
    const card = renderAdaptiveCard(planView(ID, 'routing-ml', step, aPlan(0), 'en'));
    const set = card.body.find((b) => b.type === 'Input.ChoiceSet') as { id: string; value: string; choices: { title: string; value: string }[] };
    expect(set.id).toBe(CHOICE_INPUT_ID);
    expect(set.choices.map((c) => c.title)).toEqual(['routing_20261128.accdb (2 h old)', 'routing_20261127.accdb (26 h old)', 'routing_20261124.accdb (98 h old)']);
    expect(set.value).toBe(`/incident plan ${ID} restore-db-from-yesterday routing_20261127.accdb`);
    const submit = (card.body.find((b) => b.type === 'ActionSet' && JSON.stringify(b).includes('commandFrom')) as { actions: { data: Record<string, string> }[] }).actions[0]!;
    // Teams sends the Submit's data merged with the inputs' values.
    const picked = { ...submit.data, [set.id]: set.choices[2]!.value };
    expect(commandLine({ value: picked })).toBe(`/incident plan ${ID} restore-db-from-yesterday routing_20261124.accdb`);
    // Another button of the same card still sends its own command, whatever is picked.
    expect(commandLine({ value: { command: '/incident ack X', [set.id]: set.choices[0]!.value } })).toBe('/incident ack X');
  });
});

describe('the plan view on the console', () => {
  it('prints the plan, each choice with the command that shows it, and the approve command with the digest', () => {
    const plan = aPlan(0);
    const text = renderText(planView(ID, 'routing-ml', step, plan, 'en'));
    expect(text).toContain(`[Plan restore-db-from-yesterday (${plan.digest}) @ routing-ml: access_db ← /backup/routing_20261127.accdb]`);
    expect(text).toContain('backup age: 26 h old — past the RPO goal (24 h), within the limit (72 h)');
    expect(text).toContain(`  ▶ routing_20261127.accdb (26 h old)\n      → /incident plan ${ID} restore-db-from-yesterday routing_20261127.accdb`);
    expect(text).toContain(`  - routing_20261128.accdb (2 h old)\n      → /incident plan ${ID} restore-db-from-yesterday routing_20261128.accdb`);
    expect(text).toContain(`[Approve restore-db-from-yesterday] /incident approve ${ID} restore-db-from-yesterday routing_20261127.accdb plan:${plan.digest}`);
  });
});
