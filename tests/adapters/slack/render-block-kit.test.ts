import { describe, expect, it } from '@jest/globals';
import { BLOCK_KIT_LIMITS, renderBlockKit, type SlackBlock } from '../../../adapters/slack/render-block-kit.js';
import { loadIncidentSnapshot } from '../../../src/incident/incident-snapshot.js';
import { incidentCard } from '../../../src/views/incident-card.js';
import type { View, ViewAction } from '../../../src/views/view.js';
import { buildTestRuntime } from '../../support/test-runtime.js';
import { anIncidentId } from '../../support/an-incident.js';

type Element = { type: string; value?: string; text?: { text: string }; confirm?: Record<string, { text: string }> };
const elements = (blocks: SlackBlock[]) => blocks.flatMap((b) => ((b as { elements?: Element[] }).elements ?? []) as Element[]);
const texts = (blocks: SlackBlock[]): string[] =>
  blocks.flatMap((b) => {
    const s = b as { text?: { text: string }; fields?: { text: string }[] };
    return [...(s.text ? [s.text.text] : []), ...(s.fields ?? []).map((f) => f.text)];
  });

describe('renderBlockKit', () => {
  it('renders every fault type\'s full and compact card within Block Kit limits, buttons carrying their typed commands', async () => {
    const core = await buildTestRuntime();
    for (const type of core.pack.types) {
      const { incident } = await core.incidents.open({ type, scope: 'full', note: '', actor: core.as('Kim DevOps') });
      const snap = await loadIncidentSnapshot(core, incident);
      for (const detail of ['full', 'compact'] as const) {
        const view = incidentCard(snap, core.pack, 'en', detail);
        const { blocks, text } = renderBlockKit([view]);
        expect(blocks.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.blocks);
        expect(blocks[0]).toMatchObject({ type: 'header', text: { text: expect.stringContaining(type.emoji) } });
        for (const t of texts(blocks)) expect(t.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.text);
        for (const b of blocks.filter((x) => x.type === 'actions')) expect(elements([b]).length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.elementsPerActions);
        for (const e of elements(blocks)) {
          expect(e.value).toMatch(new RegExp(`^/incident \\w+ ${incident.id}`));
          if (e.confirm) expect(e.confirm.text!.text.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.confirmText);
        }
        expect(text).toContain(incident.id);
      }
    }
    await core.close();
  });

  it('keeps to 50 blocks, 3000 characters a text and 25 buttons a row when a view is larger', () => {
    const actions: ViewAction[] = Array.from({ length: 60 }, (_, i) => ({ label: `Button ${i} ${'x'.repeat(100)}`, command: `/incident note ${anIncidentId()} ${i}` }));
    const view: View = {
      summary: 'big',
      blocks: [
        { type: 'text', text: 'line\n'.repeat(1500) },
        ...Array.from({ length: 60 }, (_, i) => ({ type: 'list' as const, title: `list ${i}`, items: [{ text: `item ${i}` }] })),
        { type: 'actions', actions },
      ],
    };
    const { blocks } = renderBlockKit([view]);
    expect(blocks).toHaveLength(BLOCK_KIT_LIMITS.blocks);
    for (const t of texts(blocks)) expect(t.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.text);
    expect(texts(blocks).at(-1)).toContain('/incident status');
    const rows = renderBlockKit([{ summary: 's', blocks: [{ type: 'actions', actions }] }]).blocks;
    expect(rows.map((r) => elements([r]).length)).toEqual([25, 25, 10]);
    for (const e of elements(rows)) expect(e.text!.text.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.buttonText);
  });

  it('escapes Slack markup in user text and leaves out buttons whose command is too long for a value', () => {
    const { blocks } = renderBlockKit([
      { summary: 's', blocks: [{ type: 'text', text: '<!channel> & <@U1>' }, { type: 'actions', actions: [{ label: 'long', command: `/incident note ${anIncidentId()} ` + 'y'.repeat(2100) }, { label: 'ok', command: '/incident ack' }] }] },
    ]);
    expect(texts(blocks)[0]).toBe('&lt;!channel&gt; &amp; &lt;@U1&gt;');
    expect(elements(blocks).map((e) => e.value)).toEqual(['/incident ack']);
  });
});
