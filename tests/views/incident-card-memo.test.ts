import { afterEach, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { messageBody, renderBlockKit } from '../../adapters/slack/render-block-kit.js';
import { loadIncidentSnapshot } from '../../src/incident/incident-snapshot.js';
import { addSecretValues } from '../../src/logging/scrub-secrets.js';
import { deepFreeze } from '../../src/views/frozen-memo.js';
import { incidentCard, newIncidentCard } from '../../src/views/incident-card.js';
import { renderText } from '../../src/views/render-text.js';
import type { View } from '../../src/views/view.js';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';

let core: TestRuntime | undefined;
afterEach(() => core?.close());

async function openOne(note = 'predictor down'): Promise<{ core: TestRuntime; id: string; card: () => Promise<View> }> {
  const rt = (core = await buildTestRuntime());
  const id = (await rt.router.dispatch(`/incident open type1 full ${note}`, rt.as('Kim DevOps'))).incidentId!;
  // As every caller does: the snapshot read from the store again each time.
  const card = async () => incidentCard(await loadIncidentSnapshot(rt, (await rt.store.incidents.get(id))!), rt.pack, 'en', 'full');
  return { core: rt, id, card };
}

describe('the incident card is built once per content and shared, frozen', () => {
  it('a second read of an unchanged incident gets the same card; a tick, a new minute of the RTO clock and another detail or language do not', async () => {
    const { core, id, card } = await openOne();
    const first = await card();
    expect(await card()).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(renderText(first)).toContain('elapsed 0 min · 4 h 0 min left to the goal');

    // Seconds pass: what the RTO clock shows changes (time left is counted down in whole minutes) …
    await core.clock.advance(20_000);
    const second = await card();
    expect(second).not.toBe(first);
    expect(renderText(second)).toContain('elapsed 0 min · 3 h 59 min left to the goal');
    // … and while it shows the same, the card is the same.
    await core.clock.advance(20_000);
    expect(await card()).toBe(second);

    // A minute passes: the RTO clock says so.
    await core.clock.advance(60_000);
    const later = await card();
    expect(later).not.toBe(second);
    expect(renderText(later)).toContain('elapsed 1 min · 3 h 58 min left to the goal');

    // Someone ticks an item: the card counts it, and the item is done.
    const before = renderText(later);
    expect((await core.router.dispatch(`/incident check ${id} cause-identified`, core.as('Lee Backend'))).refused).toBeFalsy();
    const ticked = await card();
    expect(ticked).not.toBe(later);
    expect(renderText(ticked)).not.toEqual(before);
    expect(renderText(ticked)).toMatch(/cause-identified[^\n]*\n\s*Lee Backend, /);

    const snap = await loadIncidentSnapshot(core, (await core.store.incidents.get(id))!);
    expect(incidentCard(snap, core.pack, 'en', 'compact')).not.toBe(ticked);
    expect(renderText(incidentCard(snap, core.pack, 'ko', 'full'))).toContain('경과');
  });

  it("an open's card is built as a shared one would be, without being looked for or kept", async () => {
    const { core, card } = await openOne();
    const [incident] = await core.store.incidents.list(['open']);
    const snap = await loadIncidentSnapshot(core, incident!);
    const fresh = newIncidentCard(snap, core.pack, 'en', 'full');
    expect(Object.isFrozen(fresh)).toBe(false);
    const shared = await card();
    expect(fresh).toEqual(shared);
    expect(newIncidentCard(snap, core.pack, 'en', 'full')).not.toBe(fresh);
    expect(await card()).toBe(shared);
  });

  it('nobody can change a shared card: it throws instead of changing what the next caller is shown', async () => {
    const { card } = await openOne();
    const shown = await card();
    const text = renderText(shown);
    expect(() => shown.blocks.push({ type: 'divider' })).toThrow(TypeError);
    const list = shown.blocks.find((b) => b.type === 'list')!;
    expect(() => {
      (list as { items: { text: string }[] }).items[0]!.text = 'changed';
    }).toThrow(TypeError);
    expect(renderText(await card())).toEqual(text);
  });

  it('its Block Kit is rendered once, and again once a secret value is added, so no kept answer carries one', async () => {
    const { card } = await openOne('token-like-value-4f2a9c');
    const shown = await card();
    const a = renderBlockKit([shown]);
    const b = renderBlockKit([shown]);
    // Each caller gets its own list (an open's answer adds a line to its own) of the same blocks.
    expect(a.blocks).not.toBe(b.blocks);
    expect(a.blocks[0]).toBe(b.blocks[0]);
    a.blocks.push({ type: 'divider' });
    expect(renderBlockKit([shown]).blocks).toHaveLength(b.blocks.length);
    expect(JSON.stringify(b)).toContain('token-like-value-4f2a9c');

    addSecretValues(['token-like-value-4f2a9c']);
    const scrubbed = renderBlockKit([shown]);
    expect(JSON.stringify(scrubbed)).not.toContain('token-like-value-4f2a9c');
    expect(scrubbed.blocks[0]).not.toBe(b.blocks[0]);
  });

  it('a card rendered with other blocks after it keeps them and the limit, and is the same Block Kit as a card nobody shares', async () => {
    const { card } = await openOne();
    const shown = await card();
    const unshared = structuredClone(shown) as View;
    const extra = [{ type: 'section', text: { type: 'mrkdwn', text: 'more' } }];
    expect(renderBlockKit([shown], extra)).toEqual(renderBlockKit([unshared], extra));
    expect(renderBlockKit([shown])).toEqual(renderBlockKit([unshared]));
    expect(renderBlockKit([shown, shown])).toEqual(renderBlockKit([unshared, unshared]));
  });
});

describe('messageBody', () => {
  const json = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, fc.string({ unit: 'grapheme' }), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), tie('array'), tie('object')),
    array: fc.array(tie('value'), { maxLength: 4 }),
    object: fc.dictionary(fc.string(), tie('value'), { maxKeys: 4 }),
  }));

  it('is the text JSON.stringify gives (as UTF-8), for blocks shared (frozen) or not', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), json.value, { maxKeys: 4 }), fc.array(fc.tuple(json.value, fc.boolean()), { maxLength: 6 }), fc.boolean(), (rest, blocks, withBlocks) => {
        const message: Record<string, unknown> = { ...rest };
        if (withBlocks) message.blocks = blocks.map(([b, frozen]) => (frozen ? deepFreeze(b) : b));
        expect(messageBody(message).toString('utf8')).toEqual(JSON.stringify(message));
        // Twice: the second time from the JSON kept for the frozen blocks.
        expect(messageBody(message).toString('utf8')).toEqual(JSON.stringify(message));
      }),
    );
  });

  it('is the text JSON.stringify gives for a card answer, kept blocks included', async () => {
    const { card } = await openOne('a "quoted" <note> & ✉');
    const { blocks, text } = renderBlockKit([await card()]);
    const answer = { response_type: 'ephemeral', text, blocks, thread_ts: undefined };
    expect(messageBody(answer).toString('utf8')).toEqual(JSON.stringify(answer));
    expect(messageBody(answer).toString('utf8')).toEqual(JSON.stringify(answer));
    // Another answer of the same card, with a line of its own (an open's answer): its own blocks' JSON.
    const other = renderBlockKit([await card()]);
    other.blocks.push({ type: 'section', text: { type: 'mrkdwn', text: 'INC has its channel' } });
    const withLine = { response_type: 'in_channel', replace_original: false, text: other.text, blocks: other.blocks };
    expect(messageBody(withLine).toString('utf8')).toEqual(JSON.stringify(withLine));
    expect(messageBody(answer).toString('utf8')).toEqual(JSON.stringify(answer));
    // A secret value added since: the kept JSON is not used for the blocks rendered before it.
    addSecretValues(['quoted']);
    expect(messageBody(answer).toString('utf8')).toEqual(JSON.stringify(answer));
    expect(messageBody({ blocks: renderBlockKit([await card()]).blocks }).toString('utf8')).not.toContain('quoted');
  });
});
