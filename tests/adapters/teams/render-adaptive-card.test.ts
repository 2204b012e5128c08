import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { renderAdaptiveCard } from '../../../adapters/teams/render-adaptive-card.js';
import { loadIncidentSnapshot } from '../../../src/incident/incident-snapshot.js';
import { incidentCard } from '../../../src/views/incident-card.js';
import type { View } from '../../../src/views/view.js';
import { buildTestRuntime, type TestRuntime } from '../../support/test-runtime.js';
import { adaptiveCardProblems } from './support/adaptive-card-problems.js';
import { anIncidentId } from '../../support/an-incident.js';

/** The incident the demo view is about. */
const ID = anIncidentId();

/** Teams refuses messages over about 28 KB. */
const TEAMS_MAX_BYTES = 28 * 1024;

const everyBlock: View = {
  key: 'demo',
  header: { title: `${ID} · Type 1`, emoji: '🔴', colour: '#d32f2f' },
  summary: 'demo',
  blocks: [
    { type: 'text', text: 'hello' },
    { type: 'fields', fields: [{ label: 'Status', value: 'open' }] },
    { type: 'divider' },
    { type: 'list', title: 'Steps', items: [{ text: 'restart', mark: 'ok', detail: 'done', action: { label: 'Run', command: `/incident run ${ID} restart` } }, { text: 'plain' }] },
    { type: 'code', text: 'docker compose ps' },
    {
      type: 'actions',
      actions: [
        { label: 'Approve', command: `/incident approve ${ID} wipe`, style: 'danger', confirm: { title: 'Sure?', text: 'wipes things', confirm: 'Yes', deny: 'No' } },
        { label: 'Ack', command: `/incident ack ${ID}`, style: 'primary' },
      ],
    },
  ],
};

describe('renderAdaptiveCard', () => {
  it('renders every block type as Adaptive Card 1.5 elements that parse cleanly', () => {
    const card = renderAdaptiveCard(everyBlock);
    expect(adaptiveCardProblems(card)).toEqual([]);
    expect(card.version).toBe('1.5');
    const types = card.body.map((e) => e.type);
    expect(types).toEqual(['Container', 'TextBlock', 'FactSet', 'TextBlock', 'Container', 'Container', 'TextBlock', 'ActionSet']);
    expect(card.body[0]).toMatchObject({ style: 'attention', items: [{ text: `🔴 ${ID} · Type 1`, color: 'Attention' }] });
    expect(card.body[3]).toMatchObject({ text: 'Steps', separator: true });
    expect(card.body[6]).toMatchObject({ text: 'docker compose ps', fontType: 'Monospace' });
  });

  it('makes every button an Action.Submit carrying its typed command; a confirm becomes a ShowCard with the Submit inside', () => {
    const card = renderAdaptiveCard(everyBlock);
    const [confirm, ack] = (card.body[7] as { actions: Record<string, unknown>[] }).actions;
    expect(ack).toEqual({ type: 'Action.Submit', title: 'Ack', data: { command: `/incident ack ${ID}` }, style: 'positive' });
    expect(confirm).toMatchObject({
      type: 'Action.ShowCard',
      title: 'Approve',
      style: 'destructive',
      card: { body: [{ text: 'Sure?' }, { text: 'wipes things' }, expect.anything()], actions: [{ type: 'Action.Submit', title: 'Yes', data: { command: `/incident approve ${ID} wipe` } }] },
    });
  });

  it('shows at least the summary for an empty view', () => {
    const card = renderAdaptiveCard({ summary: 'nothing', blocks: [] });
    expect(card.body).toEqual([{ type: 'TextBlock', text: 'nothing', wrap: true }]);
    expect(adaptiveCardProblems(card)).toEqual([]);
  });
});

describe('incident cards on Teams', () => {
  let core: TestRuntime;
  beforeAll(async () => {
    core = await buildTestRuntime();
    for (const type of core.pack.types) await core.router.dispatch(`/incident open type${type.id}`, core.as('Kim DevOps'));
  });
  afterAll(() => core.close());

  it('parses cleanly and fits in a Teams message for every fault type, both languages, full and compact', async () => {
    const incidents = await Promise.all(core.pack.types.map((_, i) => core.store.incidents.get(anIncidentId(i + 1))));
    expect(incidents.every(Boolean)).toBe(true);
    for (const incident of incidents) {
      const snap = await loadIncidentSnapshot(core, incident!);
      for (const lang of ['ko', 'en'] as const) {
        for (const detail of ['full', 'compact'] as const) {
          const card = renderAdaptiveCard(incidentCard(snap, core.pack, lang, detail));
          expect({ id: incident!.id, lang, detail, problems: adaptiveCardProblems(card) }).toEqual({ id: incident!.id, lang, detail, problems: [] });
          expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(TEAMS_MAX_BYTES);
        }
      }
    }
  });

  it('is caught by the parser when it is wrong (the check can fail)', () => {
    expect(adaptiveCardProblems({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'Container', style: 'neon', items: [] }] }).length).toBeGreaterThan(0);
  });
});
